module example.com/lnk004go122

go 1.21
