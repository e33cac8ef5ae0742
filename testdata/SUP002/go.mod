module example.com/sup002

go 1.22
