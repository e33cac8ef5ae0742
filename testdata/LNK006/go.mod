module example.com/lnk006

go 1.22
