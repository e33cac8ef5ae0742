package escape

import "unsafe"

// Rule 3: the round trip within one expression.
func offset(p unsafe.Pointer) unsafe.Pointer {
	return unsafe.Pointer(uintptr(p) + 8)
}

// A uintptr that never becomes a pointer again.
func hash(p unsafe.Pointer) uintptr {
	u := uintptr(p)
	return u >> 3
}

// Not from a pointer: an address from the outside world.
func mapped(addr uintptr) unsafe.Pointer {
	base := addr
	return unsafe.Pointer(base)
}

// Assembly (rule 4) may take it.
func syscall6(a uintptr) uintptr

func passes(p *int) uintptr {
	return syscall6(uintptr(unsafe.Pointer(p)))
}

// A fresh conversion after the store is fine.
func fresh(p unsafe.Pointer) unsafe.Pointer {
	u := uintptr(p)
	_ = u
	return unsafe.Pointer(uintptr(p) + 1)
}
