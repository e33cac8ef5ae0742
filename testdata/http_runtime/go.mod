module example.com/httpruntime

go 1.22
