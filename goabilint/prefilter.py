"""Which of the rules' prefilter byte strings each file contains.

Every rule names byte strings a file must contain for it to possibly fire
(:attr:`goabilint.rule.Rule.needs`). Asking each rule in turn costs one scan
of the file per string, and package rules scanned every file again. Here all
the strings of a rule set are looked for in one pass per file, and the
answer is kept on the file for the file and package rules alike.

On x86-64 Linux the pass is Hyperscan's (the ``hyperscan`` wheel), about
fifteen times faster than Python's ``in`` over the standard library; a run
switches to it only once it has scanned enough bytes to repay loading it, so
a pre-commit run on three files never imports it. Elsewhere, and without the
wheel, the strings are looked for with ``in``: the answers are the same.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

log = logging.getLogger(__name__)

__all__ = ["Needles"]

# Bytes scanned with ``in`` before the run loads Hyperscan (about 20 ms,
# what the plain scan spends on a megabyte).
FAST_AFTER = 1 << 20

Scan = Callable[[bytes], frozenset[bytes]]


class Needles:
    """The byte strings of a set of prefilters, found in one pass per file."""

    def __init__(self, needles: Iterable[bytes], fast_after: int = FAST_AFTER):
        self.needles = tuple(sorted(set(needles)))
        self._fast_after = fast_after
        self._scanned = 0
        self._fast: Scan | None = None

    def __getstate__(self) -> dict:
        # A compiled database does not cross process boundaries.
        return {**self.__dict__, "_fast": None}

    def present(self, data: bytes) -> frozenset[bytes]:
        """The needles that occur in ``data``."""
        if self._use_fast(data):
            return self._fast(data)  # type: ignore[misc]
        return frozenset(n for n in self.needles if n in data)

    def any_in(self, data: bytes) -> bool:
        """Whether one of the needles occurs in ``data``."""
        if self._use_fast(data):
            return bool(self._fast(data))  # type: ignore[misc]
        return any(n in data for n in self.needles)

    def _use_fast(self, data: bytes) -> bool:
        if self._fast is not None:
            return True
        if self._scanned < self._fast_after:
            self._scanned += len(data)
            if self._scanned >= self._fast_after:
                self._fast = _hyperscan(self.needles)  # from the next file on
        return False


def _hyperscan(needles: tuple[bytes, ...]) -> Scan | None:
    """A scan function over a compiled Hyperscan database, or None where
    the wheel is missing or refuses the patterns."""
    if not needles:
        return None
    if b"" in needles:  # in every file; Hyperscan refuses an empty pattern
        rest = _hyperscan(tuple(n for n in needles if n))
        return None if rest is None else lambda data: rest(data) | {b""}
    try:
        import hyperscan
    except ImportError:
        return None
    try:
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        db.compile(
            # Hex escapes: a literal for any byte, NUL and metacharacters too.
            expressions=[b"".join(b"\\x%02x" % c for c in n) for n in needles],
            ids=list(range(len(needles))),
            elements=len(needles),
            flags=[hyperscan.HS_FLAG_SINGLEMATCH] * len(needles),
        )
    except Exception as e:  # any failure leaves the plain scan, never a wrong answer
        log.debug("hyperscan unavailable: %s", e)
        return None

    def scan(data: bytes) -> frozenset[bytes]:
        found: list[int] = []
        db.scan(data, match_event_handler=_collect, context=found)
        return frozenset(needles[i] for i in found)

    return scan


def _collect(id_: int, start: int, end: int, flags: int, found: list[int]) -> None:
    found.append(id_)
