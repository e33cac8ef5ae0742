// want@+1 "LNK006 no Go release from go1.22"
// +build !go1.20

package lnk006
