// want@+1 "LNK006 no Go release from go1.22 \\(go.mod\\) on builds this file; it is dead code$"
//go:build !go1.21

package lnk006

func impl() int { return 120 }
