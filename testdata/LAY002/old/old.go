// Package old is a module whose go line is older than go1.20.
package old

import (
	"reflect"
	"unsafe"
)

// Len is built by every target, so the hint says what needs go1.20.
func Len(b []byte) int {
	return (*reflect.SliceHeader)(unsafe.Pointer(&b)).Len // want "SliceHeader is deprecated"
}

// StringLen likewise.
func StringLen(s string) int {
	return (*reflect.StringHeader)(unsafe.Pointer(&s)).Len // want "StringHeader is deprecated"
}
