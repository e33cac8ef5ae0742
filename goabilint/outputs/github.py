"""GitHub Actions workflow commands: one ``::error``/``::warning`` per finding.

GitHub places an annotation by its path from the repository root; ``root``
names that directory when goabilint runs below it.
"""

from __future__ import annotations

import os
from pathlib import Path

from goabilint.context import format_versions
from goabilint.engine import RunResult
from goabilint.rule import Severity

_COMMAND = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.NOTE: "notice",
}


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def render_github(result: RunResult, root: Path | None = None) -> str:
    names = {r.code: r.name for r in result.rules}
    out = []
    for f in result.findings:
        loc = f.location
        props = {
            "file": _from_root(loc.path, root),
            "line": str(loc.line),
            "col": str(loc.column),
            "endLine": str(loc.end_line),
            "endColumn": str(loc.end_column),
            "title": f"{f.code} {names.get(f.code, '')}".strip(),
        }
        message = f.message
        if f.versions:
            message += f" ({format_versions(f.versions)})"
        if f.fix:
            message += f"\nhelp: {f.fix}"
        prop_text = ",".join(f"{k}={_escape_property(v)}" for k, v in props.items())
        out.append(f"::{_COMMAND[f.severity]} {prop_text}::{_escape_data(message)}")
    return "\n".join(out) + "\n" if out else ""


def _from_root(path: str, root: Path | None) -> str:
    """A shown path (relative to the working directory) made relative to
    ``root``; unchanged when it lies outside."""
    if root is None:
        return path
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(root.resolve()).as_posix()
    except ValueError:
        return path
