module example.com/http009ownmux

go 1.22
