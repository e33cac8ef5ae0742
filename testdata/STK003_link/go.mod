module example.com/stk003link

go 1.23
