package escape

import "unsafe"

// The conversion back is in this file; the caller that hands it a pointer
// made into an integer is in caller.go.
func peek(addr uintptr) byte {
	return *(*byte)(unsafe.Pointer(addr)) // want `unsafe.Pointer from a uintptr parameter; the caller at LAY006/caller.go:10`
}
