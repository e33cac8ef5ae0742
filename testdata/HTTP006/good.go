package http006

import (
	"context"

	"example.com/http006/keys"
)

type ctxKey string

type structKey struct{}

type intKey int

const typedKey ctxKey = "typed"

const (
	firstKey intKey = iota
	secondKey
)

var pointerKey = &structKey{}

var namedKey ctxKey = "named"

// Typed uses keys of types this package defines.
func Typed(ctx context.Context, u *User) context.Context {
	ctx = context.WithValue(ctx, typedKey, u)
	ctx = context.WithValue(ctx, secondKey, u)
	ctx = context.WithValue(ctx, ctxKey("conv"), u)
	ctx = context.WithValue(ctx, structKey{}, u)
	ctx = context.WithValue(ctx, &structKey{}, u)
	ctx = context.WithValue(ctx, pointerKey, u)
	ctx = context.WithValue(ctx, namedKey, u)
	local := ctxKey("local")
	ctx = context.WithValue(ctx, local, u)
	ctx = context.WithValue(ctx, typedKey+"suffix", u)
	return context.WithValue(ctx, keys.Request, u)
}

// Unknown uses keys whose type this file does not show.
func Unknown(ctx context.Context, u *User, key any) context.Context {
	ctx = context.WithValue(ctx, otherFileKey, u) // declared in other.go
	ctx = context.WithValue(ctx, key, u)
	var boxed any = "boxed"
	ctx = context.WithValue(ctx, boxed, u)
	ctx = context.WithValue(ctx, keys.Untyped, u)
	ctx = context.WithValue(ctx, lookup(), u)
	return context.WithValue(ctx, nil, u)
}

// Generic stores under a key of a type parameter.
func Generic[K comparable](ctx context.Context, key K, u *User) context.Context {
	return context.WithValue(ctx, key, u)
}

// Shadowed declares names that hide the predeclared true and string.
func Shadowed(ctx context.Context, u *User) context.Context {
	var true = intKey(1)
	ctx = context.WithValue(ctx, true, u)
	string := func(v int) intKey { return intKey(v) }
	return context.WithValue(ctx, string(3), u)
}

// ShadowedContext has a parameter named context with its own WithValue.
func ShadowedContext(context valuer) any {
	return context.WithValue(nil, "not the package", 1)
}

type valuer struct{}

func (valuer) WithValue(parent any, key, val any) any { return key }

func lookup() ctxKey { return "looked up" }

// Values reads values back, which is no concern of this rule.
func Values(ctx context.Context) any {
	return ctx.Value("user")
}
