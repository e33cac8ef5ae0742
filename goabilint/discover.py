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

__all__ = ["Discovered", "discover", "package_files"]

log = logging.getLogger(__name__)

SOURCE_SUFFIXES = (".go", ".s")
SKIP_DIRS = frozenset({"vendor", "testdata"})


@dataclass(frozen=True)
class Discovered:
    files: list[Path]  # absolute, sorted, unique
    skipped: list[str]  # one-line warnings about named paths not analysed
    unreadable: list[str]  # directories met while walking that could not be read
    # Directories of which only files named on the command line were
    # collected: no walk entered them.
    partial: frozenset[Path] = frozenset()


def discover(paths: Iterable[str], excluded: Callable[[Path], bool]) -> Discovered:
    """Collect source files under ``paths``.

    :param excluded: whether the configuration excludes a path met while
        walking (named paths are never excluded).
    :raises ConfigError: when a named path does not exist. One that exists
        but cannot be read is reported like any unreadable file, and the
        other paths are still analysed.
    """
    found: set[Path] = set()
    named_dirs: set[Path] = set()
    walked_dirs: set[Path] = set()
    skipped: list[str] = []
    unreadable: list[str] = []
    for arg in paths:
        p = Path(arg)
        try:
            p.stat()
        except (FileNotFoundError, NotADirectoryError):
            raise ConfigError(f"{arg}: no such file or directory") from None
        except OSError as e:  # a directory on the way is not searchable, a link loop
            unreadable.append(f"{arg}: {e.strerror or e}")
            continue
        p = p.absolute()
        if p.is_dir():
            found.update(_walk(p, excluded, unreadable, walked_dirs))
        elif p.suffix in SOURCE_SUFFIXES:
            found.add(p)
            named_dirs.add(p.parent)
        else:
            skipped.append(f"{arg}: not a Go or Go assembly file; skipped")
    return Discovered(
        sorted(found, key=_parts),
        skipped,
        unreadable,
        frozenset(named_dirs - walked_dirs),
    )


def package_files(directory: Path, excluded: Callable[[Path], bool]) -> list[Path]:
    """The source files of one directory that a walk would collect, sorted."""
    try:
        with os.scandir(directory) as it:
            entries = [e for e in it if not e.is_dir(follow_symlinks=False)]
    except OSError:
        return []  # the named files are still read, and fail on their own
    return sorted(_source_files(directory, entries, excluded))


def _walk(
    root: Path,
    excluded: Callable[[Path], bool],
    unreadable: list[str],
    walked: set[Path],
) -> Iterable[Path]:
    # os.scandir rather than os.walk: see _source_files.
    stack = [root]
    while stack:
        d = stack.pop()
        try:
            with os.scandir(d) as it:
                entries = list(it)
        except OSError as err:
            unreadable.append(f"{err.filename}: {err.strerror or err}")
            continue
        walked.add(d)
        subdirs = []
        files = []
        for e in entries:
            if not _entry_is_dir(e):
                files.append(e)
                continue
            n = e.name
            if n.startswith((".", "_")) or n in SKIP_DIRS:
                continue
            sub = d / n
            if not excluded(sub):
                subdirs.append(sub)
        yield from _source_files(d, files, excluded)
        # Reversed onto the stack: directories are entered in name order.
        stack += sorted(subdirs, reverse=True)


def _source_files(
    d: Path, entries: Iterable[os.DirEntry], excluded: Callable[[Path], bool]
) -> Iterable[Path]:
    """The Go and assembly files among a directory's non-directory entries
    (scandir's entries say which are links without an lstat each)."""
    for e in entries:
        name = e.name
        if not name.endswith(SOURCE_SUFFIXES) or name.startswith((".", "_")):
            continue
        f = d / name
        if _entry_is_symlink(e):
            log.info("%s: symbolic link; not followed", f)
            continue
        if excluded(f):
            continue
        yield f


def _entry_is_dir(e: os.DirEntry) -> bool:
    """A directory to walk into: not a link to one, as os.walk would not
    follow it either."""
    try:
        return e.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _entry_is_symlink(e: os.DirEntry) -> bool:
    """Whether the entry is a symbolic link; False when it cannot be told
    (in a directory that can be listed but not searched): such a file is
    kept, so that reading it reports the error."""
    try:
        return e.is_symlink()
    except OSError:
        return False


def _parts(p: Path) -> tuple[str, ...]:
    # Path order, computed once a path rather than once a comparison.
    return p.parts
