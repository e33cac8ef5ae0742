package lnk002

import (
	rt "runtime"
	_ "unsafe" // for go:linkname
)

// Called only on windows: the compiler drops the call on every other
// port, so only windows links a reference the linker refuses.
//
// want@+1 "LNK002 .*invalid reference to runtime.gcount; std does not push it on windows/amd64, windows/arm64$"
//go:linkname gcountWindows runtime.gcount
func gcountWindows() int32

// Called only on plan9, which no target builds: no reference anywhere.
//
//go:linkname gcountPlan9 runtime.gcount
func gcountPlan9() int32

func goroutines() int32 {
	if rt.GOOS == "windows" {
		return gcountWindows()
	}
	if rt.GOOS == "plan9" {
		return gcountPlan9()
	}
	return 0
}
