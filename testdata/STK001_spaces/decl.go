// Package spaces writes a frame size the way a code generator did.
package spaces

func moreStack(size uintptr)
