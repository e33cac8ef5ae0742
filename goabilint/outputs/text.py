"""The human format: ``path:line:col: CODE message``, one finding a line."""

from __future__ import annotations

from goabilint.context import format_versions
from goabilint.engine import RunResult
from goabilint.rule import Finding, Severity

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.NOTE: "36"}


def _paint(text: str, code: str, colour: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if colour else text


def format_finding(f: Finding, colour: bool = False) -> str:
    loc = f.location
    where = _paint(f"{loc.path}:{loc.line}:{loc.column}:", "1", colour)
    code = _paint(f.code, "1;" + _COLOURS[f.severity], colour)
    line = f"{where} {code} {f.message}"
    if f.versions:
        line += f" ({format_versions(f.versions)})"
    if f.fix:
        line += "\n  " + _paint("help:", "1;32", colour) + " " + f.fix
    return line


def summary(result: RunResult) -> str:
    files = f"{result.files} file{'s' if result.files != 1 else ''}"
    if not result.findings:
        text = f"No problems found in {files}."
    else:
        counts = []
        for sev in (Severity.ERROR, Severity.WARNING, Severity.NOTE):
            n = sum(1 for f in result.findings if f.severity == sev)
            if n:
                counts.append(f"{n} {sev}{'s' if n != 1 else ''}")
        n = len(result.findings)
        text = f"Found {n} problem{'s' if n != 1 else ''} ({', '.join(counts)}) in {files}."
    if result.suppressed:
        text += f" {len(result.suppressed)} suppressed in source."
    return text


def render_text(
    result: RunResult, colour: bool = False, show_summary: bool = True
) -> str:
    lines = [format_finding(f, colour) for f in result.findings]
    if show_summary:
        lines.append(summary(result))
    return "\n".join(lines) + "\n" if lines else ""
