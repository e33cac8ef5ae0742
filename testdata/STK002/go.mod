module example.com/stk002

go 1.23
