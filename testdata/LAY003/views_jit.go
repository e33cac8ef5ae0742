//go:build go1.26 && !go1.27

package mirrors

// Only this file calls indirectElem126, and Go 1.27 does not build it.
func jitElemIndirect(t *rtype) bool { return indirectElem126(t) }
