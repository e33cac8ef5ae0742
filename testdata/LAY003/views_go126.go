//go:build go1.26

package mirrors

import "unsafe"

// The Go 1.26 map type descriptor. Go 1.27 added four fields before flags.
type mapType126 struct {
	rtype
	key       *rtype
	elem      *rtype
	group     *rtype
	hasher    func(unsafe.Pointer, uintptr) uintptr
	groupSize uintptr
	slotSize  uintptr
	elemOff   uintptr
	flags     uint32
}

// Read only by code that is not built on Go 1.27 (views_jit.go).
func indirectElem126(t *rtype) bool {
	return (*mapType126)(unsafe.Pointer(t)).flags&8 != 0
}

// The same descriptor read by code built on every release from 1.26.
type mapFlags126 struct { // want `mapFlags126 mirrors internal/abi.MapType, which differs in go1.27 on amd64, arm64, 386: on amd64, field flags \(offset 104\) reads real field ElemsOff; the real Flags is at offset 128`
	rtype
	key       *rtype
	elem      *rtype
	group     *rtype
	hasher    func(unsafe.Pointer, uintptr) uintptr
	groupSize uintptr
	slotSize  uintptr
	elemOff   uintptr
	flags     uint32
}

// ElemIndirect reports whether map elements are stored behind pointers.
func ElemIndirect(t *rtype) bool {
	return (*mapFlags126)(unsafe.Pointer(t)).flags&8 != 0
}
