"""The results cache: one entry per package, keyed by everything that
decides its results.

The key hashes the bytes of every file of the package, its ``go.mod``, the
effective settings, the working directory (findings carry paths relative to
it), goabilint's version and a fingerprint of the installed rule code. Any
change to one of them misses the cache, so a stale result is never served;
touching one file re-analyses only its package. A package whose analysis
read other packages of the module (``Package.used_module``) leaves a marker
under that key and its result under a second key that adds the names,
sizes and modification times of every Go file of the module. Entries are
written to a temporary file and renamed into place, so concurrent runs
sharing a cache directory see either a whole entry or none. Entries are JSON, never pickle:
the cache usually lives inside the tree being analysed, and reading it must
not be able to run anything planted there.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import itertools
import json
import logging
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from goabilint import __version__, tables

__all__ = ["Cache", "code_fingerprint"]

log = logging.getLogger(__name__)

CACHE_FORMAT = 3
DEFAULT_DIR = ".goabilint_cache"


class Cache:
    """A directory of package results stored as JSON documents."""

    def __init__(self, directory: Path, fingerprint: str):
        self.directory = directory / f"v{CACHE_FORMAT}"
        self.fingerprint = fingerprint

    def key(self, parts: Iterable[bytes]) -> str:
        # SHA-256: it hashes every byte of the tree on each run, and CPUs
        # with SHA instructions do it about three times faster than BLAKE2.
        h = hashlib.sha256(self.fingerprint.encode())
        for part in parts:
            h.update(len(part).to_bytes(8, "little"))
            h.update(part)
        return h.hexdigest()[:40]

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / key

    def get(self, key: str) -> Any | None:
        try:
            with self._path(key).open("rb") as f:
                return json.load(f)
        except FileNotFoundError:
            return None
        except Exception as e:  # a corrupt entry is a miss, never a failure
            log.debug("cache entry %s unreadable: %s", key, e)
            return None

    def put(self, key: str, value: Any) -> None:
        path = self._path(key)
        try:
            _make_dir(path.parent)
            _ensure_gitignore(self.directory.parent)
            # A name no other writer uses (this run, process and a counter),
            # created exclusively: cheaper than tempfile's names, as safe.
            tmp = path.parent / f".tmp-{_RUN}-{os.getpid()}-{next(_SERIAL)}"
            try:
                fd = os.open(tmp, _CREATE, 0o644)
            except FileNotFoundError:  # the directory went away since
                _make_dir.cache_clear()
                _make_dir(path.parent)
                fd = os.open(tmp, _CREATE, 0o644)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(value, f, separators=(",", ":"))
            os.replace(tmp, path)
        except OSError as e:  # a read-only tree still gets its results
            log.debug("cannot write cache entry %s: %s", path, e)


_RUN = os.urandom(4).hex()
_SERIAL = itertools.count()
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL


@functools.cache
def _make_dir(directory: Path) -> None:
    # Once per directory and process; a directory removed during the run
    # fails the write, which costs only that entry.
    directory.mkdir(parents=True, exist_ok=True)


@functools.cache
def _ensure_gitignore(directory: Path) -> None:
    marker = directory / ".gitignore"
    if not marker.exists():
        try:
            marker.write_text("# created by goabilint\n*\n")
        except OSError:
            pass


def code_fingerprint(plugin_modules: Iterable[str]) -> str:
    """A digest of goabilint's version and of the code that computes results.

    Covers the engine and every plugin module's package: their file names,
    sizes and modification times, plus installed distribution versions and
    the toolchain table files in use, so that editing a rule, upgrading a
    plugin or rebuilding a table invalidates the cache.
    """
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{__version__}:{CACHE_FORMAT}:{sys.version_info[:2]}".encode())
    roots: set[Path] = set()
    for name in sorted({"goabilint", *plugin_modules}):
        module = sys.modules.get(name)
        file = getattr(module, "__file__", None)
        if file:
            roots.add(Path(file).parent)
    for root in sorted(roots):
        for py in sorted(root.rglob("*.py")):
            try:
                st = py.stat()
            except OSError:
                continue
            h.update(f"{py}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    for dist in sorted(
        (d.metadata["Name"] or "", d.version) for d in _plugin_distributions()
    ):
        h.update(f"{dist}\n".encode())
    # Rules answer from the toolchain tables: a table built from another
    # toolchain, or picked with --goroot, changes results too.
    h.update(tables.fingerprint().encode())
    return h.hexdigest()


def _plugin_distributions() -> list[importlib.metadata.Distribution]:
    out = []
    for ep in importlib.metadata.entry_points(group="goabilint"):
        dist = getattr(ep, "dist", None)
        if dist is not None:
            out.append(dist)
    return out
