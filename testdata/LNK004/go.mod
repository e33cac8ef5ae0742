module example.com/lnk004

go 1.21
