// Package lnk001 pulls a runtime symbol without importing unsafe.
package lnk001

// want@+1 "only allowed in Go files that import \"unsafe\""
//go:linkname nanotime runtime.nanotime
func nanotime() int64

// Now is the monotonic clock.
func Now() int64 { return nanotime() }
