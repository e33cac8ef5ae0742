module example.com/http009

go 1.22
