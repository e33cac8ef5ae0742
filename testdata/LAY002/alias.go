package lay002

import (
	refl "reflect"
	"unsafe"
)

// Len reads a slice's length through an aliased import.
func Len(b []byte) int {
	return (*refl.SliceHeader)(unsafe.Pointer(&b)).Len // want "reflect.SliceHeader is deprecated"
}

// StringLen does the same for a string.
func StringLen(s string) int {
	var h *refl.StringHeader = (*refl.StringHeader)(unsafe.Pointer(&s)) // want "StringHeader" "StringHeader"
	return h.Len
}
