package offsets

import "unsafe"

// A bare literal: the layout it assumes is written nowhere else.
const dataOff = 16

// Derived from the type: follows the layout.
const lenOff = unsafe.Offsetof(header{}.len)

const twice = dataOff * 2

const (
	kindA = iota
	kindB
)

type header struct {
	data unsafe.Pointer
	len  int
	cap  int
}
