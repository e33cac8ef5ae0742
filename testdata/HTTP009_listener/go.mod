module example.com/http009listener

go 1.22
