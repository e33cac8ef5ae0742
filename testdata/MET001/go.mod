module example.com/met001

go 1.24
