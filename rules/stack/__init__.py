"""STK: assembly frames, body-less functions and goroutine stack limits.

This module is the family's registry: the plugin the ``goabilint`` entry
point names. ``goabilint new-rule`` adds rules to the tuple below.
"""

from goabilint_rules.stack import (
    asm_arg_size_mismatch,
    asm_missing_frame_size,
    bodyless_func_without_definition,
    nosplit_frame_too_large,
)

from goabilint.hookspecs import hookimpl

FAMILY = "STK"
RULES = (
    asm_arg_size_mismatch.RULE,
    asm_missing_frame_size.RULE,
    bodyless_func_without_definition.RULE,
    nosplit_frame_too_large.RULE,
)


@hookimpl
def goabilint_rules():
    return list(RULES)
