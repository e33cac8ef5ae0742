module example.com/http003

go 1.22
