// Package ops has assembly for both architectures, but arm64 lacks some.
package ops

import "runtime"

func add(a, b int) int

func sub(a, b int) int // want `no TEXT ·sub in the assembly built for linux/arm64; calls fail to link`

func Neg(a int) int // want `no TEXT ·Neg in the assembly built for linux/arm64`

// Nothing refers to it: the linker never looks for it.
func unused()

// Referred to only where GOARCH is amd64: the compiler drops the branch.
func amd64only()

func Calc(a, b int) int {
	if runtime.GOARCH == "amd64" {
		amd64only()
	}
	return add(a, b) - sub(a, b)
}
