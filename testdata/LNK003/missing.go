package lnk003

import _ "unsafe" // for go:linkname

// Renamed away before Go 1.21 (now gcWriteBarrier1 ... 8).
//
// want@+1 "LNK003 relocation target runtime.gcWriteBarrier not defined$"
//go:linkname gcWriteBarrier runtime.gcWriteBarrier
func gcWriteBarrier()

// The package moved to internal/runtime/atomic in Go 1.23.
//
// want@+1 "LNK003 relocation target runtime/internal/atomic.Load not defined; it exists in go1.21–1.22$"
//go:linkname load runtime/internal/atomic.Load
func load(ptr *uint32) uint32

// Defined for darwin/arm64 only.
//
// want@+1 "LNK003 relocation target internal/cpu.sysctlEnabled not defined on darwin/amd64, linux/amd64, linux/arm64, windows/amd64, windows/arm64$"
//go:linkname sysctlEnabled internal/cpu.sysctlEnabled
func sysctlEnabled(name []byte) bool

// Removed in Go 1.25: the var pull still links, to a zero of its own.
//
// want@+1 "LNK003 runtime.ncpu is not defined in std, so this var defines it and always reads zero$"
//go:linkname ncpu runtime.ncpu
var ncpu int32

// Exists in every release: nothing to say.
//
//go:linkname nanotime runtime.nanotime
func nanotime() int64

func use() {
	gcWriteBarrier()
	_ = load(nil)
	_ = sysctlEnabled(nil)
	_ = nanotime()
}
