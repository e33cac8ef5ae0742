module example.com/lnk007

go 1.22
