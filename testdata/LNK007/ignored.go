package lnk007

import _ "unsafe" // for go:linkname

// Directives the compiler silently ignores. Each sits on a body-less
// function, so the compiler proves it ignored the directive by reporting
// "missing function body"; a recognised //go:linkname would accept it.

// want@+1 "space after // makes //go:linkname an ordinary comment, so the toolchain ignores it"
// go:linkname spaced runtime.nanotime
func spaced() int64

// want@+1 "space after // makes //go:linkname an ordinary comment"
//  go:linkname twoSpaces runtime.nanotime
func twoSpaces() int64

// want@+1 "//go:linkname without arguments is not recognised, so the compiler ignores it"
//go:linkname
func bare() int64

// want@+1 "//go:linkname followed by a tab is not recognised, so the compiler ignores it"
//go:linkname	tabbed runtime.nanotime
func tabbed() int64

// want@+1 "//go:linkanme looks like a misspelling of //go:linkname; the toolchain ignores it"
//go:linkanme misspelled runtime.nanotime
func misspelled() int64

// want@+1 "//go:LinkName looks like a misspelling of //go:linkname"
//go:LinkName capitalised runtime.nanotime
func capitalised() int64

// A recognised //go:noescape on a function with a body is an error; the
// misspelled one compiles.
//
// want@+1 "//go:noescpae looks like a misspelling of //go:noescape"
//go:noescpae
func escape(p *int) *int { return p }
