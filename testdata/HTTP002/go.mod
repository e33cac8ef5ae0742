module example.com/http002

go 1.22
