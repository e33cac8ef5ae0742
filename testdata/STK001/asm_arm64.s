#include "textflag.h"

TEXT ·add(SB), NOSPLIT, $0-24
	MOVD a+0(FP), R0
	MOVD b+8(FP), R1
	ADD R1, R0
	MOVD R0, ret+16(FP)
	RET

TEXT ·sum(SB), NOSPLIT, $0-24 // want `\[arm64\] sum: wrong argument size 24; expected \$\.\.\.-32`
	MOVD p_base+0(FP), R0
	MOVD p_len+16(FP), R1 // want `invalid offset p_len\+16\(FP\); expected p_len\+8\(FP\)`
	MOVD R1, ret+24(FP)
	RET

TEXT ·mix(SB), NOSPLIT, $0-33
	MOVB b+0(FP), R0
	MOVW i+4(FP), R1
	MOVD s_base+8(FP), R2
	MOVD s_len+16(FP), R3
	MOVD R0, n+24(FP)
	MOVB R0, ok+32(FP)
	RET

TEXT ·half(SB), NOSPLIT, $0-12
	MOVW x+0(FP), R0
	MOVW R0, ret+8(FP)
	RET

TEXT ·noargs(SB), NOSPLIT, $0-0
	RET

TEXT ·iface(SB), NOSPLIT, $0-40
	MOVD e_type+0(FP), R0
	MOVD R0, ret+32(FP)
	RET

TEXT ·copy4(SB), NOSPLIT, $0-24
	MOVD dst+0(FP), R0
	MOVD src+8(FP), R1
	MOVD n+16(FP), R2
	RET

TEXT ·pair(SB), NOSPLIT, $0-24
	MOVD p_b+8(FP), R0
	MOVD R0, ret+16(FP)
	RET

TEXT ·spread(SB), NOSPLIT, $0-32
	MOVD xs_len+8(FP), R0
	MOVD R0, ret+24(FP)
	RET

TEXT ·unnamed(SB), NOSPLIT, $0-25
	MOVB R0, ret+24(FP)
	RET
