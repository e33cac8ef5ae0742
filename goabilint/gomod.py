"""Reading ``go.mod``: module path, ``go`` directive and ``toolchain`` line.

Only the three lines goabilint needs are read, with the go command's lexical
rules (``//`` comments, quoted module paths). ``replace`` targets are never
followed: goabilint analyses only the tree it is given.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from goabilint.constraints import GoVersion

__all__ = ["GoMod", "find_go_mod", "parse_go_mod"]


@dataclass(frozen=True)
class GoMod:
    path: Path  # the go.mod file
    module: str | None
    go: GoVersion | None
    toolchain: str | None
    errors: tuple[str, ...] = ()

    @property
    def root(self) -> Path:
        return self.path.parent


_DIRECTIVE = re.compile(r"^\s*(module|go|toolchain)\s+(\S+)\s*$")


def parse_go_mod(path: Path, data: bytes) -> GoMod:
    module = toolchain = None
    go = None
    errors: list[str] = []
    for lineno, raw in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
        line = raw.split("//", 1)[0]
        m = _DIRECTIVE.match(line)
        if not m:
            continue
        verb, arg = m.group(1), m.group(2).strip('"`')
        if verb == "module":
            module = arg
        elif verb == "toolchain":
            toolchain = arg
        else:
            try:
                go = GoVersion.parse(arg)
            except ValueError:
                errors.append(f"{path}:{lineno}: invalid go version {arg!r}")
    return GoMod(path, module, go, toolchain, tuple(errors))


@functools.lru_cache(maxsize=4096)
def find_go_mod(directory: Path) -> GoMod | None:
    """The nearest ``go.mod`` at or above ``directory`` (an absolute path).

    Each directory is looked at once per run: the answer for a parent is
    the cached answer for all of its subdirectories without a go.mod."""
    candidate = directory / "go.mod"
    try:
        data = candidate.read_bytes()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        parent = directory.parent
        return None if parent == directory else find_go_mod(parent)
    except OSError as e:  # say so rather than guess the Go version silently
        err = f"{candidate}: cannot read: {e.strerror or e}; its go line is not known"
        return GoMod(candidate, None, None, None, (err,))
    return parse_go_mod(candidate, data)
