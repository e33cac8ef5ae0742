module example.com/lay002

go 1.22
