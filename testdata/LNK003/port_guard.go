package lnk003

import (
	"runtime"
	_ "unsafe" // for go:linkname
)

// runtime.GOOS and runtime.GOARCH are constants: the compiler drops the
// branches they rule out, and with them the reference, so only the ports
// that compile a call can fail to link (github.com/bytedance/gopkg's lscq
// calls sysctlEnabled under `case "darwin"`).
//
// want@+1 "LNK003 relocation target internal/cpu.sysctlEnabled not defined on darwin/amd64$"
//go:linkname sysctlGuarded internal/cpu.sysctlEnabled
func sysctlGuarded(name []byte) bool

func detectAtomics() bool {
	switch runtime.GOOS {
	case "darwin":
		return sysctlGuarded([]byte("hw.optional.armv8_1_atomics\x00"))
	default:
		return false
	}
}

// Called only where it is defined: nothing to say.
//
//go:linkname sysctlDarwinArm64 internal/cpu.sysctlEnabled
func sysctlDarwinArm64(name []byte) bool

func detectDarwinArm64() bool {
	if runtime.GOOS != "darwin" || runtime.GOARCH != "arm64" {
		return false
	} else {
		return sysctlDarwinArm64(nil)
	}
}

// A variable decides nothing, unless the port alone rules the branch out
// (the compiler drops `enabled && false` too).
//
// want@+1 "LNK003 relocation target internal/cpu.sysctlEnabled not defined on darwin/amd64, linux/amd64, linux/arm64, windows/amd64, windows/arm64$"
//go:linkname sysctlMaybe internal/cpu.sysctlEnabled
func sysctlMaybe(name []byte) bool

// want@+1 "LNK003 relocation target internal/cpu.sysctlEnabled not defined on linux/arm64, windows/arm64$"
//go:linkname sysctlArm64 internal/cpu.sysctlEnabled
func sysctlArm64(name []byte) bool

var enabled bool

func detectMaybe() bool {
	if enabled || runtime.GOOS == "plan9" {
		return sysctlMaybe(nil)
	}
	if enabled && runtime.GOARCH == "arm64" {
		return sysctlArm64(nil)
	}
	return false
}

// The default case runs wherever no case matches; a body is also
// reached from the cases above it that fall through into it.
//
// want@+1 "LNK003 relocation target internal/cpu.sysctlEnabled not defined on linux/amd64, linux/arm64$"
//go:linkname sysctlDefault internal/cpu.sysctlEnabled
func sysctlDefault(name []byte) bool

// want@+1 "LNK003 relocation target internal/cpu.sysctlEnabled not defined on darwin/amd64, windows/amd64, windows/arm64$"
//go:linkname sysctlFallthrough internal/cpu.sysctlEnabled
func sysctlFallthrough(name []byte) bool

func detectDefault() bool {
	switch {
	case runtime.GOOS == "windows", runtime.GOOS == "darwin":
		return false
	default:
		return sysctlDefault(nil)
	}
}

func detectFallthrough() (ok bool) {
	switch runtime.GOOS {
	case "windows":
		fallthrough
	case "darwin":
		ok = sysctlFallthrough(nil)
	}
	return ok
}
