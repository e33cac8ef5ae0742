package lnk002go122

func yield()
