package mirrors

import "unsafe"

// The Go 1.23 map header: Go 1.24 replaced it.
type hmap struct { // want `hmap mirrors internal/runtime/maps.Map, which differs in go1.24–1.27 on amd64, arm64, 386: on amd64, field B \(offset 9, 1 bytes\) meets real field seed \(offset 8, 8 bytes\)`
	count     int
	flags     uint8
	B         uint8
	noverflow uint16
	hash0     uint32
	buckets   unsafe.Pointer
}

// BucketShift reads only B: the other fields need not match.
func BucketShift(m map[int]int) uint8 {
	return (*(**hmap)(unsafe.Pointer(&m))).B
}

// A view of the header through a smaller struct. On 386 count is the low
// half of a uint64 from Go 1.24 on, which still holds the whole count.
type hmapCount struct {
	count int
}

// Count reads the entry count.
func Count(h *hmap) int { return (*hmapCount)(unsafe.Pointer(h)).count }

// Another view, that reads the flags: gone in Go 1.24.
type hmapFlags struct { // want `hmapFlags mirrors internal/runtime/maps.Map, which differs in go1.24–1.27 on amd64, arm64, 386: on amd64, field flags \(offset 8, 1 bytes\) meets real field seed \(offset 8, 8 bytes\)`
	count int
	flags uint8
}

// Writing reports whether a write is in progress, the pre-1.24 way.
func Writing(h *hmap) bool { return (*hmapFlags)(unsafe.Pointer(h)).flags&4 != 0 }

type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

//goabilint:mirror internal/abi.Type
type rtype struct {
	size       uintptr
	ptrdata    uintptr
	hash       uint32
	tflag      uint8
	align      uint8
	fieldAlign uint8
	kind       uint8
	equal      func(unsafe.Pointer, unsafe.Pointer) bool
	gcdata     *byte
	str        int32
	ptrToThis  int32
}

// A 32-bit length is right only on 32-bit ports.
//
//goabilint:mirror runtime.slice
type sliceHeader struct { // want `sliceHeader mirrors runtime.slice, which differs in go1.23–1.27 on amd64, arm64: field len \(offset 8, 4 bytes\) meets real field len \(offset 8, 8 bytes\)`
	data unsafe.Pointer
	len  int32
	cap  int32
}

// SliceLen reads the length.
func SliceLen(p unsafe.Pointer) int32 { return (*sliceHeader)(p).len }

// Named like a runtime type, but nothing like it: not a mirror.
type slice struct {
	lo, hi int
	name   string
}
