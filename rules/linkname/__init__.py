"""LNK: ``//go:linkname`` and other compiler directives.

This module is the family's registry: the plugin the ``goabilint`` entry
point names. ``goabilint new-rule`` adds rules to the tuple below.
"""

from goabilint.hookspecs import hookimpl
from goabilint_rules.linkname import (
    linkname_missing_unsafe_import,
    malformed_directive,
)

RULES = (
    linkname_missing_unsafe_import.RULE,
    malformed_directive.RULE,
)


@hookimpl
def goabilint_rules():
    return list(RULES)
