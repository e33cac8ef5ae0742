package lnk007

import _ "unsafe" // for go:linkname

// Wrong argument counts: the compiler rejects each of these.

// want@+1 "//go:linkname takes 1 or 2 arguments, not 3; the compiler rejects it"
//go:linkname three runtime.nanotime extra
func three() int64 { return 0 }

// The next directive ends in a space, which makes it a directive with no
// arguments rather than a bare one.
// want@+1 "//go:linkname takes 1 or 2 arguments, not 0; the compiler rejects it"
//go:linkname 
func trailingSpace() int64 { return 0 }

// want@+1 "//go:linknamestd takes 1 or 2 arguments, not 4; the compiler rejects it"
//go:linknamestd four runtime.nanotime x y
func four() int64 { return 0 }

// want@+1 "//go:wasmimport takes 2 arguments, not 1; the compiler rejects it"
//go:wasmimport env
func wasmImport() int32 { return 0 }

// want@+1 "//go:wasmexport takes 1 argument, not 2; the compiler rejects it"
//go:wasmexport run now
func wasmExport() {}
