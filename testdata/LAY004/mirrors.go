package asserted

import "unsafe"

type eface struct { // want `eface mirrors runtime.eface but no assertion checks its size or offsets`
	typ  unsafe.Pointer
	data unsafe.Pointer
}

type iface struct {
	tab  unsafe.Pointer
	data unsafe.Pointer
}

var _ = [1]struct{}{}[unsafe.Sizeof(iface{})-unsafe.Sizeof(error(nil))]

//goabilint:mirror runtime.stringStruct
type str struct {
	ptr unsafe.Pointer
	len int
}

var s str

// A one-sided check still counts here (LAY005 reports it).
var _ [unsafe.Sizeof(s) - 16]byte

type hiter struct { // want `hiter mirrors the runtime's argument of runtime.mapiterinit but no assertion`
	key  unsafe.Pointer
	elem unsafe.Pointer
	t    unsafe.Pointer
	h    unsafe.Pointer
}

//go:linkname mapiterinit runtime.mapiterinit
func mapiterinit(t, m unsafe.Pointer, it *hiter)

// Not a mirror.
type point struct{ x, y int }

// An assertion as a statement counts too.
type slice struct {
	array unsafe.Pointer
	len   int
	cap   int
}

func init() {
	_ = [1]struct{}{}[unsafe.Sizeof(slice{})-3*unsafe.Sizeof(uintptr(0))]
}
