module example.com/stk003

go 1.23
