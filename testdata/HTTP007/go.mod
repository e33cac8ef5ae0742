module example.com/http007

go 1.22
