//go:build go1.99

// A release yet to come builds it.
package lnk006
