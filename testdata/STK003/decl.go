// Package fast has assembly for amd64 only, but declares it everywhere.
package fast

import _ "unsafe"

func sum(p []uint64) uint64 // want "missing function body for linux/arm64: no assembly, no //go:linkname"

// A pull from the runtime needs no assembly.
//
//go:linkname nanotime runtime.nanotime
func nanotime() int64

func Sum(p []uint64) uint64 { return sum(p) + uint64(nanotime()*0) }
