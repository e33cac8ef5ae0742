package lnk004

func ticks() int64
