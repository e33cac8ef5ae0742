// Package fake declares look-alike header types.
package fake

// SliceHeader is not reflect's.
type SliceHeader struct{ Len int }

// StringHeader is not reflect's either.
type StringHeader struct{ Len int }
