"""LAY: memory layout, unsafe pointer arithmetic and runtime mirrors.

This module is the family's registry: the plugin the ``goabilint`` entry
point names. ``goabilint new-rule`` adds rules to the tuple below.
"""

from goabilint_rules.layout import (
    hard_coded_offset,
    missing_layout_assertion,
    one_sided_layout_guard,
    reflect_header,
    runtime_mirror_drift,
    uintptr_escape,
)

from goabilint.hookspecs import hookimpl

FAMILY = "LAY"
RULES = (
    hard_coded_offset.RULE,
    reflect_header.RULE,
    runtime_mirror_drift.RULE,
    missing_layout_assertion.RULE,
    one_sided_layout_guard.RULE,
    uintptr_escape.RULE,
)


@hookimpl
def goabilint_rules():
    return list(RULES)
