#include "textflag.h"

// func yield()
TEXT ·yield(SB), NOSPLIT, $0-0
	CALL runtime·osyield(SB)
	RET
