module example.com/sup001

go 1.22
