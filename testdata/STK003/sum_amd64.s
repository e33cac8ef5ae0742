#include "textflag.h"

TEXT ·sum(SB), NOSPLIT, $0-32
	MOVQ $0, ret+24(FP)
	RET
