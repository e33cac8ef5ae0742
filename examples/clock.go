// Package example shows each goabilint rule firing on realistic code.
// Run `goabilint check examples/` from the repository root.
package example

// This file reaches into the runtime but forgot `import _ "unsafe"`:
// the compiler refuses it (LNK001).

//go:linkname nanotime runtime.nanotime
func nanotime() int64

// A space after // turns the directive into a plain comment: the compiler
// ignores it and the function below is not marked nosplit (LNK007).

// go:nosplit
func ticks() int64 { return nanotime() }

// Elapsed returns nanoseconds since start.
func Elapsed(start int64) int64 { return ticks() - start }
