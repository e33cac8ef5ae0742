// Package sup002 has suppressions that suppress nothing.
package sup002

import _ "unsafe" // for go:linkname

// want@+1 "unused suppression: LNK001"
//goabilint:ignore LNK001 the file imports unsafe, so LNK001 never fires here
//go:linkname nanotime runtime.nanotime
func nanotime() int64

// Used keeps its suppression busy: none needed, so it is unused.
func Used() int64 {
	return nanotime() //nolint:goabilint // want "unused suppression: any goabilint rule"
}

// HTTP006 is not selected in this fixture, so its suppression is not judged.
func Unjudged() int64 {
	return nanotime() //goabilint:ignore HTTP006 rule not enabled here, not judged
}
