// Package sup003 names rules that do not exist in its suppressions.
package sup003

import _ "unsafe" // for go:linkname

// want@+1 "suppression names 'LNK01'"
//goabilint:ignore LNK01 typo in the code
//go:linkname nanotime runtime.nanotime
func nanotime() int64

// want@+1 "suppression names no rule code"
//goabilint:ignore
//go:linkname cputicks runtime.cputicks
func cputicks() int64

// Sum keeps the pulled functions referenced.
func Sum() int64 {
	return nanotime() + cputicks() //goabilint:ignore linkname-missing-unsafe-import,NOPE999 mixed // want "'NOPE999'"
}
