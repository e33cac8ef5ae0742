module example.com/lnk003

go 1.21
