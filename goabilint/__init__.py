"""goabilint: find Go code that breaks when the Go toolchain changes.

The engine parses Go and Go assembly with tree-sitter, hands each file to the
rule plugins registered under the ``goabilint`` entry-point group, and renders
their findings as text, JSON, GitHub annotations or SARIF.
"""

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
