"""The fixture harness: run rules over ``testdata/<CODE>/`` and compare
their findings with the ``// want`` expectations written in the files.

An expectation is a comment ``// want "regexp" ["regexp" ...]`` at the end of
the offending line; each regexp (a Go-style double-quoted or back-quoted
string) must match one finding on that line, searched in ``"CODE message"``.
Text after a ``//go:`` directive would become part of the directive, so an
expectation can point at another line: ``// want@+1 "regexp"`` on the line
above, ``// want@-1`` below. Findings nobody expected fail the test too.

A fixture directory with its own ``.goabilint.toml`` is analysed with that
configuration; otherwise only the directory's rule is selected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from goabilint import engine
from goabilint.rule import Finding

REPO = Path(__file__).resolve().parent.parent
TESTDATA = REPO / "testdata"

_WANT = re.compile(r"//\s*want(?:@([+-]\d+))?\s+(.*)$")
_PATTERN = re.compile(r'"((?:[^"\\]|\\.)*)"|`([^`]*)`')


@dataclass
class Expectation:
    path: str
    line: int
    pattern: re.Pattern[str]
    source_line: int
    matched: list[Finding] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: want {self.pattern.pattern!r} (written on line {self.source_line})"


def _unquote(s: str) -> str:
    return re.sub(r'\\(["\\])', r"\1", s)


def parse_expectations(directory: Path, relative_to: Path) -> list[Expectation]:
    out = []
    for f in sorted(directory.rglob("*")):
        if f.suffix not in (".go", ".s") or not f.is_file():
            continue
        display = f.relative_to(relative_to).as_posix()
        for lineno, line in enumerate(f.read_text("utf-8", "replace").splitlines(), 1):
            m = _WANT.search(line)
            if not m:
                continue
            offset = int(m.group(1) or 0)
            patterns = [
                _unquote(p.group(1)) if p.group(1) is not None else p.group(2)
                for p in _PATTERN.finditer(m.group(2))
            ]
            if not patterns:
                raise ValueError(f"{display}:{lineno}: // want without a quoted regexp")
            for p in patterns:
                out.append(Expectation(display, lineno + offset, re.compile(p), lineno))
    return out


def check_fixture(directory: Path, code: str, monkeypatch) -> list[str]:
    """Run goabilint over ``directory``; return a list of mismatches (empty is good)."""
    monkeypatch.chdir(directory.parent)
    overrides = {}
    if not (directory / ".goabilint.toml").exists():
        overrides["select"] = (code,)
    result = engine.run([directory.name], {"overrides": overrides})
    problems = [
        f"tool error: {n.path}: {n.message}"
        for n in result.notifications
        if n.level == "error"
    ]
    expectations = parse_expectations(directory, directory.parent)
    for finding in result.findings:
        loc = finding.location
        text = f"{finding.code} {finding.message}"
        for exp in expectations:
            if (
                exp.path == loc.path
                and exp.line == loc.line
                and not exp.matched
                and exp.pattern.search(text)
            ):
                exp.matched.append(finding)
                break
        else:
            problems.append(f"unexpected: {loc.path}:{loc.line}:{loc.column}: {text}")
    problems += [f"missing: {e}" for e in expectations if not e.matched]
    return problems
