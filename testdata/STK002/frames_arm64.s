#include "textflag.h"

TEXT ·leaf(SB), NOSPLIT, $0
	RET

TEXT ·split(SB), $16-32
	RET

TEXT ·caller(SB), NOSPLIT, $16 // want `TEXT caller has no argument size but it calls Go code: .*needs \$\.\.\.-16`
	BL ·goHelper(SB)
	RET

TEXT ·callsLeaf(SB), NOSPLIT, $16-8
	RET

TEXT ·asmLeaf(SB), NOSPLIT, $0-0
	RET

TEXT ·none(SB), $0
	RET

TEXT ·complete(SB), NOSPLIT, $0-8
	RET
