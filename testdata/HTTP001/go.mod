module example.com/http001

go 1.22
