module example.com/lnk001

go 1.22
