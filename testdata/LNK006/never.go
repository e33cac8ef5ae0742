//go:build go1.20 && !go1.20

// No release at all builds it: a contradiction, not a stale gate.
package lnk006
