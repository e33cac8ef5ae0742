package lnk005

import "unsafe"

// want@+1 "LNK005 nanotime does not match runtime.nanotime func\\(\\) int64: result 1: int32 is an integer of 4 bytes, std's int64 is an integer of 8 bytes$"
//go:linkname nanotime runtime.nanotime
func nanotime() int32

// want@+1 "LNK005 fastrand does not match runtime.fastrand func\\(\\) uint32: 1 parameter instead of 0$"
//go:linkname fastrand runtime.fastrand
func fastrand(n uint32) uint32

// A pointer passed as uintptr: the garbage collector cannot see it.
//
// want@+1 "LNK005 mallocgc does not match runtime.mallocgc .*: parameter 2: uintptr is an integer of 8 bytes, std's \\*_type is a pointer of 8 bytes$"
//go:linkname mallocgc runtime.mallocgc
func mallocgc(size uintptr, typ uintptr, needzero bool) unsafe.Pointer

// The package's own named type is resolved to its underlying type.
type ticks int32

// want@+1 "LNK005 cputicks does not match runtime.cputicks func\\(\\) int64: result 1: ticks is an integer of 4 bytes, std's int64 is an integer of 8 bytes$"
//go:linkname cputicks runtime.cputicks
func cputicks() ticks

// want@+1 "LNK005 iscgo is declared int64 but runtime.iscgo is bool: int64 is an integer of 8 bytes, std's bool is an integer of 1 byte$"
//go:linkname iscgo runtime.iscgo
var iscgo int64

// Matches: signed and unsigned, names and pointer targets do not matter.
//
//go:linkname memhash runtime.memhash
func memhash(p *byte, seed, n uintptr) uintptr

// A struct's shape is not known, so it is not compared.
type pinned struct{ n int }

//go:linkname procPin runtime.procPin
func procPin() pinned

// Not pushed, so there is no recorded signature (LNK002 reports it).
//
//go:linkname gcount runtime.gcount
func gcount() string

func use() {
	_ = nanotime()
	_ = fastrand(1)
	_ = mallocgc(0, 0, false)
	_ = cputicks()
	_ = memhash(nil, 0, 0)
	_ = procPin()
	_ = gcount()
}
