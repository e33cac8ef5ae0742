//go:build !go1.21

package lnk003

import _ "unsafe" // for go:linkname

// No target release (1.21 and later) builds this file.
//
//go:linkname gcWriteBarrierOld runtime.gcWriteBarrier
func gcWriteBarrierOld()

func useGated() { gcWriteBarrierOld() }
