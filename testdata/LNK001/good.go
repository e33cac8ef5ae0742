package lnk001

import _ "unsafe" // for go:linkname

//go:linkname cputicks runtime.cputicks
func cputicks() int64

// Ticks reads the CPU tick counter.
func Ticks() int64 { return cputicks() }
