package lnk004go122

import _ "unsafe" // for go:linkname

//go:linkname memhash runtime.memhash
func memhash(p *byte, seed, n uintptr) uintptr

func use() { _ = memhash(nil, 0, 0) }
