// Package user pulls what package push defines: the blank import links
// it in, so a name no release of std defines is taken for that push.
package user

import (
	_ "unsafe" // for go:linkname

	_ "example.com/lnk003/push"
)

//go:linkname getgp runtime.getgp
func getgp() uintptr

// Typo of runtime.nanotime: no blank import of this module's packages in
// another package would excuse it, but here one exists, so it is taken for
// a push too (a known gap).
//
//go:linkname nanotim runtime.nanotim
func nanotim() int64

func Use() uintptr { _ = nanotim(); return getgp() }
