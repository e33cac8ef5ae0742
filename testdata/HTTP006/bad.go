// Package http006 stores request values in contexts under various keys.
package http006

import (
	"context"
	"net/http"
)

// User is what the middleware stores.
type User struct{ Name string }

const userKey = "user" // an untyped string constant

const (
	traceKey = iota // untyped int constants
	spanKey
)

const prefixedKey = "app." + userKey

var sessionKey = "session" // a string variable

var counterKey int

// keyAlias is another name for string, not a type of its own.
type keyAlias = string

// Literals uses literal keys of every kind.
func Literals(ctx context.Context, u *User) context.Context {
	ctx = context.WithValue(ctx, "user", u)    // want `context key "user" has built-in type string; keys of built-in types collide across packages`
	ctx = context.WithValue(ctx, `raw`, u)     // want "context key `raw` has built-in type string"
	ctx = context.WithValue(ctx, 42, u)        // want "context key 42 has built-in type int"
	ctx = context.WithValue(ctx, 1.5, u)       // want "has built-in type float64"
	ctx = context.WithValue(ctx, 'u', u)       // want "has built-in type rune"
	ctx = context.WithValue(ctx, 2i, u)        // want "has built-in type complex128"
	ctx = context.WithValue(ctx, true, u)      // want "context key true has built-in type bool"
	ctx = context.WithValue(ctx, -1, u)        // want "has built-in type int"
	ctx = context.WithValue(ctx, ("paren"), u) // want "has built-in type string"
	return context.WithValue(ctx, 1 == 2, u)   // want "has built-in type bool"
}

// Constants uses untyped constants of this file.
func Constants(ctx context.Context, u *User) context.Context {
	const localKey = "local"
	ctx = context.WithValue(ctx, userKey, u)     // want "context key userKey has built-in type string"
	ctx = context.WithValue(ctx, spanKey, u)     // want "context key spanKey has built-in type int"
	ctx = context.WithValue(ctx, traceKey+1, u)  // want "has built-in type int"
	ctx = context.WithValue(ctx, prefixedKey, u) // want "has built-in type string"
	ctx = context.WithValue(ctx, 1<<3+0.5, u)    // want "has built-in type float64"
	return context.WithValue(ctx, localKey, u)   // want "context key localKey has built-in type string"
}

// Variables uses variables of built-in types.
func Variables(ctx context.Context, u *User, id int64, raw []byte) context.Context {
	ctx = context.WithValue(ctx, sessionKey, u) // want "context key sessionKey has built-in type string"
	ctx = context.WithValue(ctx, counterKey, u) // want "has built-in type int"
	name := "name"
	ctx = context.WithValue(ctx, name, u) // want "context key name has built-in type string"
	var flag bool
	ctx = context.WithValue(ctx, flag, u)       // want "has built-in type bool"
	ctx = context.WithValue(ctx, id, u)         // want "context key id has built-in type int64"
	ctx = context.WithValue(ctx, string(raw), u) // want `context key string\(raw\) has built-in type string`
	ctx = context.WithValue(ctx, uint8(7), u)   // want "has built-in type uint8"
	var aliased keyAlias = "aliased"
	ctx = context.WithValue(ctx, aliased, u)   // want "has built-in type string"
	return context.WithValue(ctx, name+"!", u) // want "has built-in type string"
}

// Set is a helper whose key parameter is a plain string.
func Set(ctx context.Context, key string, v any) context.Context {
	return context.WithValue(ctx, key, v) // want "context key key has built-in type string"
}

// Middleware stores the user in the request's context.
func Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), "user", &User{"gopher"}) // want "has built-in type string"
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
