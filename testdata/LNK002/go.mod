module example.com/lnk002

go 1.21
