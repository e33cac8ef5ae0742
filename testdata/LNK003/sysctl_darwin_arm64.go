package lnk003

import _ "unsafe" // for go:linkname

// Only darwin/arm64 builds this file, and only it defines the target.
//
//go:linkname sysctlDarwin internal/cpu.sysctlEnabled
func sysctlDarwin(name []byte) bool

func useDarwin() { _ = sysctlDarwin(nil) }
