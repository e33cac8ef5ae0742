//go:build !go1.20

package old

import (
	"reflect"
	"unsafe"
)

// String is the fallback for toolchains without unsafe.String: built only
// for go1.18 and go1.19, so not reported.
func String(b []byte) string {
	var s string
	h := (*reflect.StringHeader)(unsafe.Pointer(&s))
	h.Data = uintptr(unsafe.Pointer(&b[0]))
	h.Len = len(b)
	return s
}
