// Command probe shows the linker's package name for a command: main.
package main

import _ "unsafe" // for go:linkname

// want@+1 "LNK002 link: main: invalid reference to runtime.gcount; std does not push it$"
//go:linkname gcount runtime.gcount
func gcount() int32

func main() { println(gcount()) }
