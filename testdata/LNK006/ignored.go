//go:build ignore

// Excluded everywhere, but not by a Go version.
package main
