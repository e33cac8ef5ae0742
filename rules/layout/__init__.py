"""LAY: memory layout, unsafe pointer arithmetic and runtime mirrors.

This module is the family's registry: the plugin the ``goabilint`` entry
point names. ``goabilint new-rule`` adds rules to the tuple below.
"""

from goabilint.hookspecs import hookimpl
from goabilint_rules.layout import reflect_header

RULES = (reflect_header.RULE,)


@hookimpl
def goabilint_rules():
    return list(RULES)
