#include "textflag.h"

// The declaration takes 4 bytes on 386.
TEXT ·moreStack(SB), NOSPLIT, $0 - 8 // want `\[386\] moreStack: wrong argument size 8; expected \$\.\.\.-4`
	RET
