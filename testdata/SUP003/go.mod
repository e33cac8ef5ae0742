module example.com/sup003

go 1.22
