// Package dot imports reflect with a dot.
package dot

import (
	. "reflect"
	"unsafe"
)

// Data reads a slice's data word through bare names.
func Data(b []byte) uintptr {
	return (*SliceHeader)(unsafe.Pointer(&b)).Data // want "reflect.SliceHeader is deprecated"
}

// Make builds a header with a composite literal.
func Make(p uintptr) StringHeader { // want "reflect.StringHeader"
	return StringHeader{Data: p, Len: 1} // want "reflect.StringHeader"
}

// Embeds embeds the type.
type Embeds struct {
	SliceHeader // want "reflect.SliceHeader"
	n           int
}

type keyed struct{ SliceHeader int }

// Keys uses the name as a struct field key, which is no use of the type.
func Keys() int {
	return keyed{SliceHeader: 1}.SliceHeader + Embeds{n: 2}.n
}

// Local declares its own SliceHeader, which shadows the dot import.
func Local() int {
	type SliceHeader struct{ Len int }
	var h SliceHeader
	return h.Len
}

// Variable names a variable StringHeader.
func Variable() int {
	StringHeader := 3
	return StringHeader + int(TypeOf(0).Kind())
}
