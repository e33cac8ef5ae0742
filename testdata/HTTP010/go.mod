module example.com/http010

go 1.22
