package http006

import stdctx "context"

// Aliased reaches WithValue through an aliased import.
func Aliased(ctx stdctx.Context) stdctx.Context {
	return stdctx.WithValue(ctx, "aliased", 1) // want "has built-in type string"
}
