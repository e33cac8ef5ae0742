package example

import "unsafe"

// hmap mirrors the map header of Go 1.23 and earlier; Go 1.24 replaced
// it with swiss tables (LAY003), and nothing asserts its layout (LAY004).
type hmap struct {
	count     int
	flags     uint8
	B         uint8
	noverflow uint16
	hash0     uint32
	buckets   unsafe.Pointer
}

// BucketShift reads the map's bucket count the pre-1.24 way.
func BucketShift(m map[string]int) uint8 {
	return (*(**hmap)(unsafe.Pointer(&m))).B
}

// lenOffset is where a slice header keeps its length, on 64-bit ports.
const lenOffset = 8

// SliceLen reads a slice header with a hard-coded offset (LAY001).
func SliceLen(p unsafe.Pointer) int {
	return *(*int)(unsafe.Add(p, lenOffset))
}

type header struct {
	data unsafe.Pointer
	len  int
	cap  int
}

// Catches header growing past 24 bytes, not shrinking (LAY005).
var _ [24 - unsafe.Sizeof(header{})]byte

// LastByte keeps the address as an integer across a call (LAY006).
func LastByte(buf []byte) *byte {
	u := uintptr(unsafe.Pointer(&buf[0]))
	n := count(buf)
	return (*byte)(unsafe.Pointer(u + uintptr(n-1)))
}

func count(b []byte) int { return len(b) }
