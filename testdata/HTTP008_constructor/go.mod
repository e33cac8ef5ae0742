module example.com/http008constructor

go 1.22
