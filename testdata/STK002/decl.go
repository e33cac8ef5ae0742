// Package frames has assembly functions with and without argument sizes.
package frames

// A NOSPLIT leaf: the runtime never walks its frame, so no size is fine.
func leaf(p []byte) int

// Not NOSPLIT: its prologue may grow the stack while its frame is live.
func split(p []byte) int

// NOSPLIT, but it calls Go code.
func caller(p *int, f func())

// NOSPLIT, calling only a NOSPLIT assembly leaf of the package.
func callsLeaf(p *int)

// Nothing to pass: a missing size loses nothing.
func none()

// Complete.
func complete(p *int)

func goHelper() {}
