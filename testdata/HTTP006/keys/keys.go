// Package keys declares context keys for other packages.
package keys

type key int

// Request is a typed key.
const Request key = 0

// Untyped is an untyped constant of another package; it is not followed.
const Untyped = "untyped"
