"""``primaryLocationLineHash``: the line fingerprint GitHub code scanning uses.

GitHub matches an alert across commits by this value. When a SARIF file has
none, github/codeql-action's upload step computes it from the checked-out
file (``src/fingerprints.ts``), and it warns when a value that is present
differs from what it computes. This module computes the same value, so that
SARIF uploaded by any means keeps alert identity when lines move.

The hash of a line is a polynomial hash, base 37 modulo 2**64, of the 100
characters that start at the line's first character, where "characters"
are the file's UTF-16 code units with spaces and tabs left out, every line
break (``\\r\\n``, ``\\r``, ``\\n``) written as one ``\\n``, then the code unit
65535 standing for the end of the file, then zeros. A line's value is the
hash in lower-case hex without leading zeros, ``:``, and how many lines so
far (this one included) had the same hash.
"""

from __future__ import annotations

__all__ = ["line_hashes"]

_WINDOW = 100
_BASE = 37
_MASK = (1 << 64) - 1
_END = 0xFFFF
_LF, _CR, _SPACE, _TAB = 0x0A, 0x0D, 0x20, 0x09


def line_hashes(data: bytes) -> list[str]:
    """The fingerprint of every line of a file's contents, line 1 first.

    Lines are counted as the upload action counts them (``\\r`` alone ends
    a line too); a file that ends with a line break has one more, empty
    line. Bytes that are not UTF-8 count as U+FFFD, as Node.js reads them.
    """
    units, starts = _normalise(data)

    # prefix[i] is the hash of units[:i]; a window's hash is the difference
    # of two prefixes, the earlier one shifted up by the window length.
    prefix = [0]
    h = 0
    for u in units:
        h = (h * _BASE + u) & _MASK
        prefix.append(h)
    for _ in range(_WINDOW):  # the zeros after the end
        h = (h * _BASE) & _MASK
        prefix.append(h)
    shift = pow(_BASE, _WINDOW, 1 << 64)

    seen: dict[str, int] = {}
    out = []
    for start in starts:
        value = (prefix[start + _WINDOW] - prefix[start] * shift) & _MASK
        text = format(value, "x")
        seen[text] = seen.get(text, 0) + 1
        out.append(f"{text}:{seen[text]}")
    return out


def _normalise(data: bytes) -> tuple[list[int], list[int]]:
    """The code units that are hashed, and the index where each line starts."""
    raw = data.decode("utf-8", "replace").encode("utf-16-le")
    units: list[int] = []
    starts: list[int] = []
    at_line_start = True
    after_cr = False
    for i in range(0, len(raw), 2):
        u = raw[i] | raw[i + 1] << 8
        if u in (_SPACE, _TAB) or (after_cr and u == _LF):
            after_cr = False  # blanks, and the \n of \r\n, are not hashed
            continue
        after_cr = u == _CR
        if after_cr:
            u = _LF
        if at_line_start:
            starts.append(len(units))
        at_line_start = u == _LF
        units.append(u)

    # The end of the file is a character of its own, and starts a line when
    # the file ends with a line break (or is empty).
    if at_line_start:
        starts.append(len(units))
    units.append(_END)
    return units, starts
