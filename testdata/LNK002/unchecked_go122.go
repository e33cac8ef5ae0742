//go:build !go1.23

package lnk002

import _ "unsafe" // for go:linkname

// Only Go 1.21 and 1.22 build this file, and they check no pulls.
//
//go:linkname gcountOld runtime.gcount
func gcountOld() int32

func useOld() { _ = gcountOld() }
