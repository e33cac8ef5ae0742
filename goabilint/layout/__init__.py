"""Memory layout of Go types: a calculator and the real runtime layouts.

:mod:`goabilint.layout.calc` computes sizes, alignments and offsets of the
types a package declares, as gc lays them out on each GOARCH;
:mod:`goabilint.layout.runtime_types` holds the layouts of runtime and
standard-library types per Go release, generated from DWARF by
:mod:`goabilint.layout.generate`.
"""

from goabilint.layout.calc import (
    ARCHES,
    Arch,
    Calculator,
    Const,
    Field,
    Layout,
    Unknown,
)

__all__ = ["ARCHES", "Arch", "Calculator", "Const", "Field", "Layout", "Unknown"]
