// Package dot imports context with a dot.
package dot

import . "context"

type key struct{}

// Store uses WithValue as a bare name.
func Store(ctx Context) Context {
	ctx = WithValue(ctx, key{}, 1)
	return WithValue(ctx, "dot", 2) // want "context key \"dot\" has built-in type string"
}
