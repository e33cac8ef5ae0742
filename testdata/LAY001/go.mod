module example.com/lay001

go 1.23
