//go:build !go1.21

// go.mod says go 1.22, so no release that may build this module builds
// this file any more (LNK006).

package example

// Load is the pre-1.21 implementation.
func Load() uint64 { return 0 }
