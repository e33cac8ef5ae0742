module example.com/lay006

go 1.23
