#include "textflag.h"

TEXT ·leaf(SB), NOSPLIT, $0
	MOVQ p_len+8(FP), AX
	MOVQ AX, ret+24(FP)
	RET

TEXT ·split(SB), $16 // want `TEXT split has no argument size but it is not NOSPLIT: the GC cannot see its arguments; the declaration needs \$\.\.\.-32`
	MOVQ p_len+8(FP), AX
	MOVQ AX, ret+24(FP)
	RET

TEXT ·caller(SB), NOSPLIT, $8 // want `TEXT caller has no argument size but it calls Go code`
	CALL ·goHelper(SB)
	RET

TEXT ·callsLeaf(SB), NOSPLIT, $8
	CALL helper<>(SB)
	CALL ·asmLeaf(SB)
	RET

TEXT ·asmLeaf(SB), NOSPLIT, $0-0
	RET

TEXT helper<>(SB), NOSPLIT, $0
	RET

TEXT ·none(SB), $0
	RET

TEXT ·complete(SB), NOSPLIT, $8-8
	CALL ·goHelper(SB)
	RET
