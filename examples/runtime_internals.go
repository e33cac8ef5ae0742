package example

import _ "unsafe" // for go:linkname

// Not pushed by the runtime: the linker refuses it from Go 1.23 (LNK002).
//
//go:linkname gcount runtime.gcount
func gcount() int32

// Removed in Go 1.25: the variable still links, to a zero of its own
// (LNK003).
//
//go:linkname ncpu runtime.ncpu
var ncpu int32

// runtime.fastrand returns uint32; this declaration reads garbage from the
// upper half of the register (LNK005).
//
//go:linkname fastrand runtime.fastrand
func fastrand() uint64

// Load sums a few runtime internals the way old monitoring code did.
func Load() uint64 { return uint64(gcount()) + uint64(ncpu) + fastrand() }
