package runtime

import _ "unsafe" // for go:linkname

// Std's own pulls are legitimate; goabilint recognises std by the go.mod
// above (module std, as in $GOROOT/src) and never reports them.
//
//go:linkname gcount runtime.gcount
func gcount() int32

//go:linkname newcoro runtime.newcoro
func newcoro(func(*byte)) *byte

func use() {
	_ = gcount()
	_ = newcoro(nil)
}
