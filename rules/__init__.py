"""goabilint's built-in rules, one package per family.

Installed as ``goabilint_rules``; each family package is registered under
the ``goabilint`` entry-point group, exactly as a third-party plugin is.
"""
