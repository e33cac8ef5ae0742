package guards

import "unsafe"

type rtype struct {
	size    uintptr
	ptrdata uintptr
	hash    uint32
}

type other struct{ a, b int64 }

type third struct{ a int32 }

type fourth struct{ p unsafe.Pointer }

// Catches growth only.
var _ [24 - unsafe.Sizeof(rtype{})]byte // want `one-sided layout assertion: it catches unsafe.Sizeof\(rtype\{\}\) growing past 24 but not shrinking`

// Catches shrinkage only.
const _ = uint(unsafe.Offsetof(other{}.b) - 8) // want `catches unsafe.Offsetof\(other\{\}.b\) shrinking below 8 but not growing`

// Both directions, as a pair.
var _ [unsafe.Sizeof(third{}) - 4]byte
var _ [4 - unsafe.Sizeof(third{})]byte

// Exact, by itself.
var _ = [1]struct{}{}[unsafe.Sizeof(fourth{})-8]

// One-sided, but an exact assertion on the same measure exists.
var _ [unsafe.Alignof(fourth{}) - 8]byte
var _ = [1]struct{}{}[unsafe.Alignof(fourth{})-8]
