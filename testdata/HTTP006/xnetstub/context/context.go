// Package context stands in for golang.org/x/net/context, which forwards
// to the standard library.
package context

import "context"

// Context is the standard library's.
type Context = context.Context

// WithValue forwards; its key parameter has an interface type.
func WithValue(parent Context, key, val any) Context {
	return context.WithValue(parent, key, val)
}
