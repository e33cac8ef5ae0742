"""HTTP: the net/http handler contract.

This module is the family's registry: the plugin the ``goabilint`` entry
point names. ``goabilint new-rule`` adds rules to the tuple below.
"""

from goabilint.hookspecs import hookimpl
from goabilint_rules.http import builtin_context_key, discarded_with_context
from goabilint_rules.http import (
    handler_self_recursion,
    handler_signature,
    header_after_write,
    missing_return_after_error,
    pprof_on_default_mux,
    response_writer_escapes,
    server_without_timeouts,
    superfluous_write_header,
)

FAMILY = "HTTP"
RULES = (
    missing_return_after_error.RULE,
    superfluous_write_header.RULE,
    header_after_write.RULE,
    response_writer_escapes.RULE,
    handler_self_recursion.RULE,
    server_without_timeouts.RULE,
    pprof_on_default_mux.RULE,
    handler_signature.RULE,
    discarded_with_context.RULE,
    builtin_context_key.RULE,
)


@hookimpl
def goabilint_rules():
    return list(RULES)
