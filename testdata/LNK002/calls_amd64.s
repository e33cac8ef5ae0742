#include "textflag.h"

// func yield()
TEXT ·yield(SB), NOSPLIT, $0-0
	CALL runtime·osyield(SB) // want "LNK002 link: example.com/lnk002: invalid reference to runtime.osyield; an assembly function std does not push$"
	RET

// func ticks() int64
TEXT ·ticks(SB), NOSPLIT, $0-8
	CALL runtime·nanotime(SB)
	MOVQ AX, ret+0(FP)
	RET

// func goroutines() int32
TEXT ·goroutines(SB), NOSPLIT, $0-4
	CALL runtime·gcount(SB) // want "LNK002 .*invalid reference to runtime.gcount; assembly may not call a Go function std does not push$"
	MOVL AX, ret+0(FP)
	RET

// func local() uintptr
TEXT ·local(SB), NOSPLIT, $0-8
	CALL ·yield(SB)
	MOVQ $table<>(SB), AX
	MOVQ AX, ret+0(FP)
	RET

DATA table<>+0(SB)/8, $1
GLOBL table<>(SB), RODATA, $8
