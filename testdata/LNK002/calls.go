package lnk002

func yield()
func ticks() int64
func goroutines() int32
func local() uintptr
