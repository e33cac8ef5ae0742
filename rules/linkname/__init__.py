"""LNK: ``//go:linkname`` and other compiler directives.

This module is the family's registry: the plugin the ``goabilint`` entry
point names. ``goabilint new-rule`` adds rules to the tuple below.
"""

from goabilint.hookspecs import hookimpl
from goabilint_rules.linkname import (
    linkname_blocked,
    linkname_missing_target,
    linkname_missing_unsafe_import,
    linkname_pushed_internal,
    linkname_signature_mismatch,
    malformed_directive,
    stale_version_gate,
)

FAMILY = "LNK"
RULES = (
    linkname_missing_unsafe_import.RULE,
    linkname_blocked.RULE,
    linkname_missing_target.RULE,
    linkname_pushed_internal.RULE,
    linkname_signature_mismatch.RULE,
    stale_version_gate.RULE,
    malformed_directive.RULE,
)


@hookimpl
def goabilint_rules():
    return list(RULES)
