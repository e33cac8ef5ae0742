// Package sup001 suppresses LNK001 findings with and without reasons.
package sup001

// want@+1 "suppression has no reason"
//goabilint:ignore LNK001
//go:linkname nanotime runtime.nanotime
func nanotime() int64

//goabilint:ignore LNK001 kept for the Go 1.20 build; removal tracked separately
//go:linkname cputicks runtime.cputicks
func cputicks() int64

// want@+1 "suppression has no reason"
//nolint:goabilint
//go:linkname fastrand runtime.fastrand
func fastrand() uint32

//nolint:goabilint // generated code, regenerated with the fix
//go:linkname memhash runtime.memhash
func memhash(p, h, s uintptr) uintptr

// A bare //nolint is shared with other linters; its reason is their business.
//nolint
//go:linkname procyield runtime.procyield
func procyield(cycles uint32)

// Sum keeps the pulled functions referenced.
func Sum() int64 {
	procyield(1)
	return nanotime() + cputicks() + int64(fastrand()) + int64(memhash(0, 0, 0))
}
