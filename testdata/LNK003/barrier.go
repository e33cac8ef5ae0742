package lnk003

func barrier()
