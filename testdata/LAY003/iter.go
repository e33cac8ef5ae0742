package mirrors

import "unsafe"

// The pre-1.24 iterator, field for field. Go 1.24 passes mapiterinit a
// smaller linknameIter whose fields line up with these: still compatible.
type hiter struct {
	key         unsafe.Pointer
	elem        unsafe.Pointer
	t           unsafe.Pointer
	h           unsafe.Pointer
	buckets     unsafe.Pointer
	bptr        unsafe.Pointer
	overflow    unsafe.Pointer
	oldoverflow unsafe.Pointer
	startBucket uintptr
	offset      uint8
	wrapped     bool
	B           uint8
	i           uint8
	bucket      uintptr
	checkBucket uintptr
}

//go:linkname mapiterinit runtime.mapiterinit
func mapiterinit(t *mapType, m unsafe.Pointer, it *hiter)

// Iterate starts an iteration.
func Iterate(t *mapType, m unsafe.Pointer) *hiter {
	it := new(hiter)
	mapiterinit(t, m, it)
	return it
}

// The pre-1.24 map type descriptor. The package never makes one: it views
// the runtime's, so only the fields it reads must match.
type mapType struct { // want `mapType views the runtime.mapiterinit argument internal/abi.SwissMapType, which differs in go1.24–1.25 on amd64, arm64, 386: on amd64, field keysize \(offset 80, 1 bytes\) meets real field GroupSize \(offset 80, 8 bytes\)` `mapType views the runtime.mapiterinit argument internal/abi.MapType, which differs in go1.26–1.27`
	rtype
	key        unsafe.Pointer
	elem       unsafe.Pointer
	bucket     unsafe.Pointer
	hasher     func(unsafe.Pointer, uintptr) uintptr
	keysize    uint8
	elemsize   uint8
	bucketsize uint16
	flags      uint32
}

// KeySize reads the key size the pre-1.24 way.
func KeySize(t *mapType) uint8 { return t.keysize }

// Too short: the runtime writes past its end.
type shortIter struct { // want `shortIter is passed to runtime.mapiternext as runtime.hiter, which differs in go1.23 on amd64, arm64, 386: on amd64, the mirror is 24 bytes but the runtime writes h at offset 24` `shortIter is passed to runtime.mapiternext as runtime.linknameIter, which differs in go1.24–1.27 on amd64, arm64, 386: on amd64, the mirror is 24 bytes but the runtime writes it at offset 24`
	key  unsafe.Pointer
	elem unsafe.Pointer
	t    unsafe.Pointer
}

//go:linkname mapiternext runtime.mapiternext
func mapiternext(it unsafe.Pointer)

// Next steps an iterator.
func Next() *shortIter {
	var it shortIter
	mapiternext(unsafe.Pointer(&it))
	return &it
}
