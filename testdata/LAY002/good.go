package lay002

import (
	"reflect"
	"unsafe"
)

// SliceHeader is a type of this package that happens to share the name.
type SliceHeader struct {
	Data unsafe.Pointer
	Len  int
	Cap  int
}

// Own uses the package's own SliceHeader, not reflect's.
func Own(b []byte) SliceHeader {
	return SliceHeader{Data: unsafe.Pointer(unsafe.SliceData(b)), Len: len(b), Cap: cap(b)}
}

// holder has a field named like the types; selecting it is not a use.
type holder struct{ StringHeader int }

// Shadow has a parameter named reflect that shadows the import.
func Shadow(reflect holder) int {
	return reflect.StringHeader
}

// ShadowLocal declares a local variable named reflect.
func ShadowLocal() int {
	reflect := struct{ SliceHeader int }{SliceHeader: 3}
	return reflect.SliceHeader
}

// Modern is what the rule asks for.
func Modern(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// Field selects a field of a value, not the reflect type.
func Field(h struct{ SliceHeader []byte }) int {
	return len(h.SliceHeader) + int(reflect.Slice)
}
