// Package lay002 builds slices and strings by hand through reflect headers.
package lay002

import (
	"reflect"
	"unsafe"
)

// Buffer keeps a header next to the bytes it describes.
type Buffer struct {
	hdr   reflect.SliceHeader // want "reflect.SliceHeader is deprecated since go1.20"
	bytes []byte
}

// headers holds both kinds; each use is one finding.
var headers struct {
	s reflect.SliceHeader   // want "SliceHeader is deprecated"
	t *reflect.StringHeader // want "StringHeader is deprecated"
}

// BytesToString overlays a string header on a fresh string.
func BytesToString(b []byte) string {
	var s string
	h := (*reflect.StringHeader)(unsafe.Pointer(&s)) // want "StringHeader is deprecated"
	h.Data = uintptr(unsafe.Pointer(&b[0]))
	h.Len = len(b)
	return s
}

// DataOf reads the data pointer through a conversion of a slice's address.
func DataOf(b []byte) uintptr {
	return (*reflect.SliceHeader)(unsafe.Pointer(&b)).Data // want "SliceHeader is deprecated"
}

// Literal builds a header value and a pointer to a new one.
func Literal(p uintptr, n int) (reflect.StringHeader, *reflect.SliceHeader) { // want "StringHeader" "SliceHeader"
	h := reflect.StringHeader{Data: p, Len: n} // want "StringHeader is deprecated"
	sh := new(reflect.SliceHeader)             // want "SliceHeader is deprecated"
	return h, sh
}

// Collections use the types as element, key and type arguments.
func Collections() int {
	m := map[reflect.SliceHeader]bool{}          // want "SliceHeader"
	l := make([]reflect.StringHeader, 0, 2)      // want "StringHeader"
	n := first[reflect.SliceHeader](nil)         // want "SliceHeader"
	size := unsafe.Sizeof(reflect.SliceHeader{}) // want "SliceHeader"
	return len(m) + len(l) + int(size) + n.Len
}

// Convert converts a value between the header type and a look-alike.
func Convert(v lookalike) reflect.SliceHeader { // want "SliceHeader"
	return reflect.SliceHeader(v) // want "SliceHeader"
}

type lookalike struct {
	Data uintptr
	Len  int
	Cap  int
}

func first[T any](xs []T) T {
	var zero T
	if len(xs) > 0 {
		return xs[0]
	}
	return zero
}

// Kind still uses the reflect package; other members are fine.
func Kind(v any) reflect.Kind {
	return reflect.TypeOf(v).Kind()
}
