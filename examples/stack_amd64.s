#include "textflag.h"

// func sum(p []uint64) uint64
TEXT ·sum(SB), NOSPLIT, $0-32
	MOVQ p_base+0(FP), SI
	MOVQ p_len+8(FP), CX
	XORQ AX, AX
loop:
	TESTQ CX, CX
	JZ done
	ADDQ (SI), AX
	ADDQ $8, SI
	DECQ CX
	JMP loop
done:
	MOVQ AX, ret+24(FP)
	RET

// func add(a, b int64) int64
TEXT ·add(SB), NOSPLIT, $0-16
	MOVQ a+0(FP), AX
	ADDQ b+8(FP), AX
	MOVQ AX, ret+16(FP)
	RET

// func scale(p []uint64, k uint64)
TEXT ·scale(SB), $0
	RET
