module example.com/met002

go 1.24
