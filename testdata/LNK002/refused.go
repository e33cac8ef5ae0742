package lnk002

import _ "unsafe" // for go:linkname

// Not pushed by std: the linker refuses it from Go 1.23.
//
// want@+1 "LNK002 link: example.com/lnk002: invalid reference to runtime.gcount; std does not push it$"
//go:linkname gcount runtime.gcount
func gcount() int32

// Pushed, but blocked for everyone but reflect (Go 1.24 and later).
//
// want@+1 "LNK002 .*invalid reference to runtime.getStaticuint64s; blocked outside reflect$"
//go:linkname staticUint64s runtime.getStaticuint64s
func staticUint64s() *[256]uint64

// Blocked outside iter in 1.23–1.26, pushed for std only in 1.27: two
// reasons, two findings.
//
// want@+1 "LNK002 .*runtime.newcoro; blocked outside iter$" "LNK002 .*runtime.newcoro; std pushes it for std only$"
//go:linkname newcoro runtime.newcoro
func newcoro(func(*byte)) *byte

// An assembly function on linux; a Go function on darwin and windows.
// Go 1.27 checks assembly definitions too.
//
// want@+1 "LNK002 .*runtime.osyield; an assembly function std does not push$" "LNK002 .*runtime.osyield; std does not push it on darwin/amd64, darwin/arm64, windows/amd64, windows/arm64$"
//go:linkname osyield runtime.osyield
func osyield()

// A variable is emitted whether used or not, so it is always checked.
//
// want@+1 "LNK002 .*invalid reference to runtime.numCPUStartup; std does not push it$"
//go:linkname numCPU runtime.numCPUStartup
var numCPU int32

func use() {
	_ = gcount()
	_ = staticUint64s()
	_ = newcoro(nil)
	osyield()
}
