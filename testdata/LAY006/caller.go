package escape

import "unsafe"

// This file converts nothing back to a pointer itself: only the callee in
// callee.go does.
func first(buf []byte) byte {
	// The integer is made and passed within one call, but peek keeps it
	// across a statement boundary of its own.
	return peek(uintptr(unsafe.Pointer(&buf[0])))
}
