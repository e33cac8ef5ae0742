module example.com/goabilint-example

go 1.22
