#include "textflag.h"

TEXT ·asmOver(SB), NOSPLIT, $800-0 // want `NOSPLIT asmOver grows the stack by at least 808 bytes on amd64 \(limit 792\)`
	RET

// 784 bytes and the saved frame pointer make exactly the limit.
TEXT ·asmNear(SB), NOSPLIT, $784-0
	RET
