//go:build !go1.21 || linux

// Linux builds it on every release: not a stale gate.
package lnk006
