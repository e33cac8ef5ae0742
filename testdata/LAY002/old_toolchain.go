//go:build !go1.20

package lay002

import (
	"reflect"
	"unsafe"
)

// legacyString is the pre-1.20 fallback; no target release builds it.
func legacyString(b []byte) string {
	var s string
	h := (*reflect.StringHeader)(unsafe.Pointer(&s))
	h.Data = uintptr(unsafe.Pointer(&b[0]))
	h.Len = len(b)
	return s
}
