package offsets

import "unsafe"

func lenOf(h *header) int {
	return *(*int)(unsafe.Add(unsafe.Pointer(h), 8)) // want `pointer arithmetic with the hard-coded offset 8`
}

func capOf(h *header) int {
	return *(*int)(unsafe.Pointer(uintptr(unsafe.Pointer(h)) + 16)) // want `hard-coded offset 16`
}

func dataOf(p unsafe.Pointer) unsafe.Pointer {
	return *(*unsafe.Pointer)(unsafe.Add(p, dataOff)) // want `pointer arithmetic with dataOff = 16, a hard-coded offset`
}

func other(p unsafe.Pointer) unsafe.Pointer {
	return unsafe.Pointer(twice + uintptr(p)) // want `pointer arithmetic with twice = 32`
}

func back(p unsafe.Pointer) unsafe.Pointer {
	return unsafe.Pointer(uintptr(p) - uintptr(8)) // want `hard-coded offset uintptr\(8\)`
}

func local(p unsafe.Pointer) unsafe.Pointer {
	const off = 24
	return unsafe.Add(p, off) // want `off = 24`
}
