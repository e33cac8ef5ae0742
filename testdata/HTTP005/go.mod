module example.com/http005

go 1.23
