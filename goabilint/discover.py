"""Finding the files to analyse.

Directories are walked for ``*.go`` and Go assembly ``*.s`` files, skipping
what the go command skips (``vendor``, ``testdata``, and directories starting
with ``.`` or ``_``) and whatever the configuration excludes. A path named on
the command line is always analysed, whatever its name: pre-commit passes
file names one by one. Symbolic links met while walking are not followed.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from goabilint.config import ConfigError

__all__ = ["Discovered", "discover"]

log = logging.getLogger(__name__)

SOURCE_SUFFIXES = (".go", ".s")
SKIP_DIRS = frozenset({"vendor", "testdata"})


@dataclass(frozen=True)
class Discovered:
    files: list[Path]  # absolute, sorted, unique
    skipped: list[str]  # one-line warnings about named paths not analysed
    unreadable: list[str]  # directories met while walking that could not be read


def discover(paths: Iterable[str], excluded: Callable[[Path], bool]) -> Discovered:
    """Collect source files under ``paths``.

    :param excluded: whether the configuration excludes a path met while
        walking (named paths are never excluded).
    :raises ConfigError: when a named path does not exist or cannot be read.
    """
    found: set[Path] = set()
    skipped: list[str] = []
    unreadable: list[str] = []
    for arg in paths:
        p = Path(arg)
        if not p.exists():
            raise ConfigError(f"{arg}: no such file or directory")
        if not os.access(p, os.R_OK):
            raise ConfigError(f"{arg}: permission denied")
        p = p.absolute()
        if p.is_dir():
            found.update(_walk(p, excluded, unreadable))
        elif p.suffix in SOURCE_SUFFIXES:
            found.add(p)
        else:
            skipped.append(f"{arg}: not a Go or Go assembly file; skipped")
    return Discovered(sorted(found), skipped, unreadable)


def _walk(root: Path, excluded: Callable[[Path], bool], unreadable: list[str]) -> Iterable[Path]:
    def onerror(err: OSError) -> None:
        unreadable.append(f"{err.filename}: {err.strerror or err}")

    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror):
        d = Path(dirpath)
        dirnames[:] = sorted(
            n
            for n in dirnames
            if not (n.startswith((".", "_")) or n in SKIP_DIRS)
            and not (d / n).is_symlink()
            and not excluded(d / n)
        )
        for name in filenames:
            if not name.endswith(SOURCE_SUFFIXES) or name.startswith((".", "_")):
                continue
            f = d / name
            if f.is_symlink():
                log.info("%s: symbolic link; not followed", f)
                continue
            if excluded(f):
                continue
            yield f
