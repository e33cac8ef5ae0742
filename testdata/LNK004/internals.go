package lnk004

import _ "unsafe" // for go:linkname

// want@+1 "LNK004 runtime.fastrand is an internal detail of std, linkable only because runtime pushes it$"
//go:linkname fastrand runtime.fastrand
func fastrand() uint32

// want@+1 "LNK004 runtime.memhash is an internal detail of std, kept linkable for compatibility \\(hall of shame\\)$"
//go:linkname memhash runtime.memhash
func memhash(p *byte, seed, n uintptr) uintptr

// Pushed by runtime for package sync, and kept for gvisor.
//
// want@+1 "LNK004 sync.runtime_Semacquire is an internal detail of std, kept linkable for compatibility \\(hall of shame\\)$"
//go:linkname semacquire sync.runtime_Semacquire
func semacquire(addr *uint32)

// Refused, not pushed: LNK002's business.
//
//go:linkname gcount runtime.gcount
func gcount() int32

// Even an exported function links only when pushed; time pushes Now
// because x/tools pulls it in its tests.
//
// want@+1 "LNK004 time.Now is an internal detail of std, linkable only because time pushes it$"
//go:linkname now time.Now
func now() int64

func use() {
	_ = fastrand()
	_ = memhash(nil, 0, 0)
	semacquire(nil)
	_ = gcount()
	_ = now()
}
