//go:build !plan9
// +build !plan9

// A sentence in the header is not a disabled constraint: the generator adds
// go:build expression `(!tinygo || tinygo.enable)` to each file it writes.

package lnk007

import _ "unsafe" // go:linkname below needs it

// Well-formed directives are not reported.

//go:linkname nanotime runtime.nanotime
func nanotime() int64

// Push form: one argument, on a function with a body.
//
//go:linkname exported
func exported() int { return int(nanotime()) }

//go:nosplit
func add(a, b int) int { return a + b }

//go:noinline
func id(x int) int { return x } // go:noinline above is not a trailing directive

//go:generate echo generating

// Prose that mentions directives stays quiet:
// go:nosplit functions must not grow the stack.
// go:linkname usage: //go:linkname localname [importpath.name]
// go: see the compiler documentation.
// go:foo is nice.
// go:nosplit.
//
// A tab-indented doc-comment code block is not a disabled directive:
//
//	go:noinline
//
// Nor is a quotation of a directive:
// // go:linkname nanotime runtime.nanotime
func prose() {}

/* go:nosplit */
func blockComment() {}

/*go:noinline*/
func blockComment2() {}

// Directives of other tools, far from every gc name, and TinyGo's:

//go:mytool run
func mytool() {}

//go:bind
func bind() {}

//go:inline
func inline() {}

//go:export Exported
func tinygoExport() {}

//go:fix inline
func fix() { mytool() }

// A //go:build line after the package clause is ignored with or without
// the space, so it is not reported here:
// go:build linux
func late() {}
