#include "textflag.h"

TEXT ·add(SB), NOSPLIT, $0-24
	MOVL a_lo+0(FP), AX
	MOVL a_hi+4(FP), DX
	MOVL a+0(FP), AX // want `\[386\] add: invalid MOVL of a\+0\(FP\); int64 is 8-byte value containing a_lo\+0\(FP\) and a_hi\+4\(FP\)`
	ADDL b_lo+8(FP), AX
	ADCL b_hi+12(FP), DX
	MOVL AX, ret_lo+16(FP)
	MOVL DX, ret_hi+20(FP)
	RET

TEXT ·sum(SB), NOSPLIT, $0-32 // want `\[386\] sum: wrong argument size 32; expected \$\.\.\.-20`
	MOVL p_base+0(FP), SI
	MOVL p_len+4(FP), CX
	MOVL $0, ret_lo+12(FP)
	MOVL $0, ret_hi+16(FP)
	RET

TEXT ·mix(SB), NOSPLIT, $0-21
	MOVB b+0(FP), AX
	MOVL i+4(FP), BX
	MOVL s_base+8(FP), SI
	MOVL s_len+12(FP), CX
	MOVL AX, n+16(FP)
	MOVB $1, ok+20(FP)
	RET

TEXT ·half(SB), NOSPLIT, $0-8
	MOVL x+0(FP), AX
	MOVL AX, ret+4(FP)
	RET

TEXT ·noargs(SB), NOSPLIT, $0-0
	RET

TEXT ·iface(SB), NOSPLIT, $0-20
	MOVL e_type+0(FP), AX
	MOVL err_itable+8(FP), BX
	MOVL AX, ret+16(FP)
	RET

TEXT ·copy4(SB), NOSPLIT, $0-12
	MOVL dst+0(FP), DI
	MOVL src+4(FP), SI
	MOVL n+8(FP), CX
	MOVQ n+8(FP), CX // want `invalid MOVQ of n\+8\(FP\); int is 4-byte value`
	RET

TEXT ·pair(SB), NOSPLIT, $0-20
	MOVL p_a+0(FP), AX
	MOVL p_b_lo+4(FP), BX
	MOVL BX, ret_lo+12(FP)
	MOVL BX, ret_hi+16(FP)
	RET

TEXT ·spread(SB), NOSPLIT, $0-16
	MOVL xs_len+4(FP), AX
	MOVL AX, ret+12(FP)
	RET

TEXT ·unnamed(SB), NOSPLIT, $0-13
	MOVB $1, ret+12(FP)
	RET
