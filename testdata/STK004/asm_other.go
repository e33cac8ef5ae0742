//go:build !amd64

package main

func asmCalls() int { return 0 }
