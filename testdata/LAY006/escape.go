package escape

import "unsafe"

type holder struct {
	addr uintptr
}

func fill(b []byte) int { return len(b) }

func lastByte(buf []byte) *byte {
	u := uintptr(unsafe.Pointer(&buf[0])) // the store
	n := fill(buf)
	return (*byte)(unsafe.Pointer(u + uintptr(n-1))) // want `unsafe.Pointer from uintptr u, made from a pointer on line 12`
}

func field(h *holder, p *int) *int {
	h.addr = uintptr(unsafe.Pointer(p))
	return (*int)(unsafe.Pointer(h.addr)) // want `unsafe.Pointer from uintptr h.addr`
}

func declared(p unsafe.Pointer) unsafe.Pointer {
	var u = uintptr(p) + 8
	return unsafe.Pointer(u) // want `from uintptr u`
}

func callee(u uintptr) *int {
	return (*int)(unsafe.Pointer(u)) // want `unsafe.Pointer from a uintptr parameter; the caller at LAY006/escape.go:32`
}

func caller(x *int) *int {
	return callee(uintptr(unsafe.Pointer(x)))
}
