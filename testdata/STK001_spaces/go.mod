module example.com/stk001spaces

go 1.23
