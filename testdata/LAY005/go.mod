module example.com/lay005

go 1.23
