module example.com/lay002/old

go 1.18
