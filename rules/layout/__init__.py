"""LAY: memory layout, unsafe pointer arithmetic and runtime mirrors.

This module is the family's registry: the plugin the ``goabilint`` entry
point names. ``goabilint new-rule`` adds rules to the tuple below.
"""

from goabilint.hookspecs import hookimpl

RULES = ()


@hookimpl
def goabilint_rules():
    return list(RULES)
