package lnk002go122

import _ "unsafe" // for go:linkname

// Refused from Go 1.23; these targets stop at 1.22.
//
//go:linkname gcount runtime.gcount
func gcount() int32

//go:linkname osyield runtime.osyield
func osyield()

//go:linkname ncpu runtime.ncpu
var ncpu int32

func use() {
	_ = gcount()
	osyield()
}
