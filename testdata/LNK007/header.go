// want@+1 "space after // makes //go:build an ordinary comment, so the file is built for every platform"
// go:build ignore

// Package lnk007 holds //go: directives that the toolchain ignores or
// rejects. Each file makes one kind of claim, so that a test can build it
// on its own and ask the real toolchain whether the claim holds.
package lnk007

// Header exists so that the file is not empty.
func Header() {}
