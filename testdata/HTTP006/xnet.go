package http006

import "golang.org/x/net/context"

// Legacy uses the pre-1.7 import path, which forwards to the standard library.
func Legacy(ctx context.Context) context.Context {
	return context.WithValue(ctx, "legacy", 1) // want "context key \"legacy\" has built-in type string"
}
