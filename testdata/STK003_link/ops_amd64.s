#include "textflag.h"

TEXT ·add(SB), NOSPLIT, $0-24
	RET

TEXT ·sub(SB), NOSPLIT, $0-24
	RET

TEXT ·Neg(SB), NOSPLIT, $0-16
	RET

TEXT ·unused(SB), NOSPLIT, $0-0
	RET

TEXT ·amd64only(SB), NOSPLIT, $0-0
	RET
