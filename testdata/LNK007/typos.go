package lnk007

// Directives the toolchain ignores without a trace: the file compiles
// either way, only the effect is lost.

// want@+1 "//go:nospilt looks like a misspelling of //go:nosplit; the toolchain ignores it"
//go:nospilt
func spilt(a int) int { return a }

// want@+1 "//go:noinlne looks like a misspelling of //go:noinline"
//go:noinlne
func inlne(a int) int { return a }

// want@+1 "//go:NoInline looks like a misspelling of //go:noinline"
//go:NoInline
func noInline(a int) int { return a }

// want@+1 "//go:nosplit, looks like a misspelling of //go:nosplit"
//go:nosplit,
func comma(a int) int { return a }

// want@+1 "//go:generat looks like a misspelling of //go:generate"
//go:generat echo never runs

// go:nosplit // want "space after // makes //go:nosplit an ordinary comment, so the toolchain ignores it"
func spacedNosplit(a int) int { return a }

// go:noinline // want "space after // makes //go:noinline an ordinary comment"
func spacedNoinline(a int) int { return a }

// go:generate echo never runs // want "space after // makes //go:generate an ordinary comment"
