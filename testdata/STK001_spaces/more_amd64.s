#include "textflag.h"

TEXT ·moreStack(SB), NOSPLIT, $0 - 8
	RET
