//go:build go1.21

package lnk006

func impl2() int { return 121 }
