module example.com/stk001

go 1.23
