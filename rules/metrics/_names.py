"""runtime/metrics names as goabilint's toolchain tables know them."""

from __future__ import annotations

import functools
import re

from goabilint import tables
from goabilint.constraints import GoVersion

__all__ = ["METRIC_NAME", "known_in", "names_of"]

# The name format documented in runtime/metrics/description.go: a path, a
# colon, and a unit that may combine words with * and /.
METRIC_NAME = re.compile(r"^/[^:\s]+:[^:*/\s]+(?:[*/][^:*/\s]+)*$")


@functools.cache
def names_of(version: GoVersion) -> frozenset[str] | None:
    """Every name ``metrics.All()`` returns in ``version``; None without a table."""
    try:
        return frozenset(tables.load(version).metrics)
    except tables.TableNotFound:
        return None


def known_in(name: str) -> list[GoVersion]:
    """The releases with a table that define ``name``."""
    out = []
    for v in tables.available_versions():
        names = names_of(v)
        if names is not None and name in names:
            out.append(v)
    return out


@functools.cache
def all_names() -> tuple[str, ...]:
    out: set[str] = set()
    for v in tables.available_versions():
        out |= names_of(v) or set()
    return tuple(sorted(out))
