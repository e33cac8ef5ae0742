#include "textflag.h"

TEXT ·add(SB), NOSPLIT, $0-16 // want `\[amd64\] add: wrong argument size 16; expected \$\.\.\.-24`
	MOVQ a+0(FP), AX
	ADDQ b+8(FP), AX
	MOVQ y+8(FP), BX // want `unknown variable y; offset 8 is b\+8\(FP\)`
	MOVQ AX, ret+16(FP)
	RET

TEXT ·sum(SB), NOSPLIT, $0-32
	MOVQ p_base+0(FP), SI
	MOVQ p_len+8(FP), CX
	MOVL p_len+8(FP), CX // want `invalid MOVL of p_len\+8\(FP\); slice len is 8-byte value`
	MOVQ p+0(FP), DI
	MOVQ $0, ret+24(FP)
	RET

TEXT ·mix(SB), NOSPLIT, $0-33
	MOVB b+0(FP), AX
	MOVL i+4(FP), BX
	MOVQ s_base+8(FP), SI
	MOVQ s_len+24(FP), CX // want `invalid offset s_len\+24\(FP\); expected s_len\+16\(FP\)`
	MOVQ AX, n+24(FP)
	MOVB $1, ok+32(FP)
	RET

TEXT ·half(SB), NOSPLIT, $0-12
	MOVL x+0(FP), AX
	SHRL $1, AX
	MOVL AX, ret+4(FP) // want `invalid offset ret\+4\(FP\); expected ret\+8\(FP\)`
	RET

TEXT ·noargs(SB), $0-8 // want `wrong argument size 8; expected \$\.\.\.-0`
	RET

TEXT ·iface(SB), NOSPLIT, $0-40
	MOVQ e_type+0(FP), AX
	MOVQ e_data+8(FP), BX
	MOVQ err_itable+16(FP), CX
	MOVQ e+0(FP), DX
	MOVL err_data+24(FP), DX // want `invalid MOVL of err_data\+24\(FP\); interface data is 8-byte value`
	MOVQ AX, ret+32(FP)
	RET

// NOSPLIT with a zero argument size is accepted, as go vet accepts it.
TEXT ·copy4(SB), NOSPLIT, $0-0
	RET

TEXT ·pair(SB), NOSPLIT, $0-24
	MOVL p_a+0(FP), AX
	MOVQ p_b+8(FP), BX
	MOVQ p_b+4(FP), BX // want `invalid offset p_b\+4\(FP\); expected p_b\+8\(FP\)`
	MOVQ BX, ret+16(FP)
	RET

TEXT ·spread(SB), NOSPLIT, $0-32
	MOVQ xs_len+8(FP), AX
	MOVQ AX, ret+24(FP)
	RET

TEXT ·unnamed(SB), NOSPLIT, $0-25
	MOVQ arg+0(FP), AX
	MOVQ arg1_len+16(FP), BX
	MOVB $1, ret+24(FP)
	RET

// Another package's symbol and a file-local helper are not checked.
TEXT runtime·notours(SB), NOSPLIT, $0-99
	RET

TEXT helper<>(SB), NOSPLIT, $0-99
	RET
