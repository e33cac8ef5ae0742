module example.com/stk004

go 1.23
