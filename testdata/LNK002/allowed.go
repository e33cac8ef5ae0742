package lnk002

import _ "unsafe" // for go:linkname

// Pushed by runtime: links (LNK004's business, not LNK002's).
//
//go:linkname fastrand runtime.fastrand
func fastrand() uint32

// Nothing calls it, so the object file never names the target and the
// linker never checks it.
//
//go:linkname gcountUnused runtime.gcount
func gcountUnused() int32

// A body makes the directive a definition (a push), which the linker
// never checks; libraries push into syscall like this.
//
//go:linkname setenv syscall.runtimeSetenv
func setenv(key, value string) {}

// So does an initialiser on a variable.
//
//go:linkname answer runtime.answerForLinkname
var answer = 42

// Not a standard-library symbol: the linker checks only std.
//
//go:linkname hidden github.com/example/dep.hidden
func hidden() int

// Exported: other packages may call it, so it counts as used.
//
//go:linkname Memequal runtime.memequal
func Memequal(a, b *byte, size uintptr) bool

func useAllowed() {
	_ = fastrand()
	_ = hidden()
}
