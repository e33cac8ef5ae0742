package asserted

import "unsafe"

const lenOff = 8 // want `offset constant lenOff = 8 is used in pointer arithmetic but no assertion ties it to a layout`

const capOff = 16

const _ = uint(capOff - unsafe.Offsetof(header{}.cap))

const flagsOff = 24 // not used in arithmetic

type header struct {
	data unsafe.Pointer
	len  int
	cap  int
}

func lenOf(p unsafe.Pointer) int { return *(*int)(unsafe.Add(p, lenOff)) }

func capOf(p unsafe.Pointer) int { return *(*int)(unsafe.Add(p, capOff)) }
