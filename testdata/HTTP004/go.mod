module example.com/http004

go 1.22
