// want@+1 "LNK006 no Go release from go1.22"
//go:build go1.21 && !go1.22

package lnk006
