// Package stk declares functions written in assembly, for STK001.
package stk

func add(a, b int64) int64

func sum(p []uint64) uint64

func mix(b byte, i int32, s string) (n int, ok bool)

func half(x int32) int32

func noargs()

func iface(e any, err error) uintptr

func copy4(dst, src *[4]uint32, n int)

func pair(p struct{ a int32; b int64 }) int64

func spread(xs ...int) int

func unnamed(int, string) bool
