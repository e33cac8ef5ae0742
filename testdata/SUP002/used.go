package sup002

//goabilint:file-ignore LNK001 this file is generated and never built
//go:linkname cputicks runtime.cputicks
func cputicks() int64

// Ticks reads the CPU tick counter.
func Ticks() int64 { return cputicks() }
