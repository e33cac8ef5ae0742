"""MET: names and values of runtime/metrics samples.

This module is the family's registry: the plugin the ``goabilint`` entry
point names. ``goabilint new-rule`` adds rules to the tuple below.
"""

from goabilint_rules.metrics import metric_kind_unchecked, unknown_metric_name

from goabilint.hookspecs import hookimpl

FAMILY = "MET"
RULES = (
    unknown_metric_name.RULE,
    metric_kind_unchecked.RULE,
)


@hookimpl
def goabilint_rules():
    return list(RULES)
