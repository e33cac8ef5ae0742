//go:build go1.20

package old

import (
	"reflect"
	"unsafe"
)

// String uses the replacement where it exists.
func String(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// header is still reported; this file's language version is go1.21.
func header(s string) int {
	return (*reflect.StringHeader)(unsafe.Pointer(&s)).Len // want "StringHeader is deprecated"
}
