package lnk003

import _ "unsafe" // for go:linkname

// The package's own assembly defines runtime·ownTicks (a push into the
// runtime namespace), so the pull resolves to it.
//
//go:linkname ownTicks runtime.ownTicks
func ownTicks() int64

func useOwn() { _ = ownTicks() }
