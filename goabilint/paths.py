"""Resolving paths without an lstat for every component every time.

``Path.resolve()`` looks at each component of the path, so resolving the
directory of every package of a deep tree (a GOROOT under
``~/.pyenv/versions/...``) costs dozens of system calls apiece. The answer
for a directory is kept and reused for everything below it: a new path
costs one lstat, of its last component.
"""

from __future__ import annotations

import functools
from pathlib import Path

__all__ = ["real_path"]


@functools.lru_cache(maxsize=8192)
def real_path(path: Path) -> Path:
    """What ``path.resolve()`` returns, for an absolute path.

    Kept for the run (``real_path.cache_clear()`` forgets): a link changed
    meanwhile is seen by the next run.
    """
    parent = path.parent
    if parent == path or not path.is_absolute() or ".." in path.parts:
        return path.resolve()
    try:
        if path.is_symlink():
            return path.resolve()
    except OSError:
        return path.resolve()
    return real_path(parent) / path.name
