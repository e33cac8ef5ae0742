// Command nosplit has nosplit functions near and over the stack limit;
// tests/test_stack_toolchain.py links it for every target.
package main

//go:nosplit
//go:noinline
func over(i int) byte { // want `nosplit over grows the stack by at least 800 bytes on 386 \(limit 796\), 808 bytes on amd64 \(limit 792\), 816 bytes on arm64 \(limit 792\)`
	var buf [800]byte
	buf[i&511] = 1
	return buf[i&255]
}

// Over on amd64 and arm64 only: 386 allows 796 bytes.
//
//go:nosplit
//go:noinline
func edge(i int) byte { // want `nosplit edge grows the stack by at least 800 bytes on amd64 \(limit 792\), 816 bytes on arm64`
	var buf [790]byte
	buf[i&511] = 1
	return buf[i&255]
}

//go:nosplit
//go:noinline
func near(i int) byte {
	var buf [512]byte
	buf[i&511] = 1
	return buf[i&255]
}

// The array escapes to the heap: the frame holds a pointer.
//
//go:nosplit
//go:noinline
func escapes() *[1024]byte {
	var buf [1024]byte
	return &buf
}

// Not nosplit: the prologue grows the stack as needed.
//
//go:noinline
func splittable(i int) byte {
	var buf [4096]byte
	buf[i&511] = 1
	return buf[i&255]
}

func main() {
	println(over(1), edge(2), near(3), escapes()[0], splittable(4), asmCalls())
}
