module example.com/lnk005

go 1.21
