package offsets

import "unsafe"

func lenOfGood(h *header) int {
	return *(*int)(unsafe.Add(unsafe.Pointer(h), unsafe.Offsetof(h.len)))
}

func lenOfConst(h *header) int {
	return *(*int)(unsafe.Add(unsafe.Pointer(h), lenOff))
}

func nth(p unsafe.Pointer, i int) unsafe.Pointer {
	return unsafe.Add(p, uintptr(i)*unsafe.Sizeof(header{}))
}

func same(p unsafe.Pointer) unsafe.Pointer {
	return unsafe.Add(p, 0)
}

// Stepping through elements, not through a struct.
func second(b []uint32) unsafe.Pointer {
	return unsafe.Add(unsafe.Pointer(&b[0]), 4)
}

func byteAt(s string) unsafe.Pointer {
	return unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), 1)
}

func variable(p unsafe.Pointer, n uintptr) unsafe.Pointer {
	return unsafe.Pointer(uintptr(p) + n)
}

func enum(p unsafe.Pointer) unsafe.Pointer {
	return unsafe.Add(p, kindB)
}
