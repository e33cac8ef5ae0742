"""Public replacements for pulled standard-library internals.

The mapping is reviewed data, kept in ``replacements.toml`` next to this
module; see the comment at its top for what an entry must satisfy.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources

__all__ = ["Replacement", "replacement"]


@dataclass(frozen=True)
class Replacement:
    use: str  # an instruction: "call runtime.NumGoroutine"
    since: str  # the first Go release with the public API


@functools.cache
def _all() -> dict[str, Replacement]:
    data = resources.files(__package__).joinpath("replacements.toml").read_text("utf-8")
    return {name: Replacement(**entry) for name, entry in tomllib.loads(data).items()}


def replacement(name: str) -> Replacement | None:
    """The public API that replaces the linker symbol ``name``, if one does."""
    return _all().get(name)
