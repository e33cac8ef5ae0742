package example

import (
	"reflect"
	"unsafe"
)

// BytesToString converts without copying, the pre-Go 1.20 way (LAY002).
func BytesToString(b []byte) string {
	bh := (*reflect.SliceHeader)(unsafe.Pointer(&b))
	var s string
	sh := (*reflect.StringHeader)(unsafe.Pointer(&s))
	sh.Data = bh.Data
	sh.Len = bh.Len
	return s
}

// StringToBytes is the Go 1.20 way: nothing to report.
func StringToBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
