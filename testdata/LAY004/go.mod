module example.com/lay004

go 1.23
