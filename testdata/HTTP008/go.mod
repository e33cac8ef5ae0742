module example.com/http008

go 1.22
