module example.com/lnk002go122

go 1.21
