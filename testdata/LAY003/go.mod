module example.com/lay003

go 1.23
