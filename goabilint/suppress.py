"""In-source suppressions and the meta rules that keep them honest.

Three spellings are honoured:

- ``//goabilint:ignore CODE[,CODE] reason`` on the offending line, or alone
  on the line above it;
- ``//goabilint:file-ignore CODE[,CODE] reason`` anywhere in a file;
- ``//nolint:goabilint`` (or ``//nolint`` / ``//nolint:all``), as
  golangci-lint users write it, with the same line rules.

Codes may be rule codes or names. A suppression without a reason, one that
suppressed nothing although its rules ran, and one naming an unknown rule
are reported by SUP001, SUP002 and SUP003.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from goabilint.hookspecs import hookimpl
from goabilint.rule import Finding, Location, Rule, Severity
from goabilint.source import GoFile, SourceFile

__all__ = ["META_RULES", "Suppression", "apply_suppressions", "parse_suppressions"]

_IGNORE = re.compile(r"^//goabilint:(ignore|file-ignore)(?:\s+(\S+))?\s*(.*)$")
_NOLINT = re.compile(r"^//\s?nolint(?::([\w,\-]+))?\s*(?://\s*(.*))?$")


@dataclass
class Suppression:
    kind: str  # "line", "file" or "nolint"
    line: int
    column: int  # 1-based byte column of the comment
    length: int  # bytes
    standalone: bool  # the comment is alone on its line
    codes: tuple[str, ...]  # the known rule codes it names
    reason: str
    unknown: tuple[str, ...] = ()
    used: bool = field(default=False)
    generic_nolint: bool = False  # bare //nolint: also meant for other linters

    @property
    def everything(self) -> bool:
        """``//nolint`` forms name no codes and cover every goabilint rule."""
        return self.kind == "nolint"

    def covers(self, finding: Finding) -> bool:
        if not self.everything and finding.code not in self.codes:
            return False
        if self.kind == "file":
            return True
        line = finding.location.line
        return line == self.line or (self.standalone and line == self.line + 1)


def _comments(file: SourceFile) -> Iterable[tuple[int, int, str, bool]]:
    """``(line, byte column, text, standalone)`` of each ``//`` comment."""
    if isinstance(file, GoFile):
        for c in file.comments:
            if not c.text.startswith("//"):
                continue
            line, col = c.node.start_point[0] + 1, c.node.start_point[1] + 1
            before = file.lines.line_bytes(line)[: col - 1]
            yield line, col, c.text, not before.strip()
        return
    for lineno in range(1, len(file.lines.starts) + 1):
        raw = file.lines.line_bytes(lineno)
        pos = raw.find(b"//")
        if pos >= 0 and (b"goabilint" in raw or b"nolint" in raw):
            text = raw[pos:].decode("utf-8", "replace")
            yield lineno, pos + 1, text, not raw[:pos].strip()


def parse_suppressions(
    file: SourceFile, resolve: Callable[[str], Rule | None]
) -> list[Suppression]:
    out = []
    data = file.data
    # The common case in one pass: both markers spell "lint".
    if b"lint" not in data or (b"goabilint:" not in data and b"nolint" not in data):
        return out
    for line, col, text, standalone in _comments(file):
        # A line comment runs to the end of its line; counted in the file's
        # bytes, since text has invalid UTF-8 replaced.
        length = len(file.lines.line_bytes(line)) - col + 1
        m = _IGNORE.match(text)
        if m:
            kind = "file" if m.group(1) == "file-ignore" else "line"
            names = [n for n in (m.group(2) or "").split(",") if n]
            reason = m.group(3).strip()
        else:
            m = _NOLINT.match(text)
            if not m:
                continue
            linters = [x for x in (m.group(1) or "").split(",") if x]
            if linters and not ({"goabilint", "all"} & set(linters)):
                continue  # meant for other linters
            kind, names, reason = "nolint", [], (m.group(2) or "").strip()
            generic = not linters or "goabilint" not in linters
            s = Suppression(kind, line, col, length, standalone, (), reason)
            s.generic_nolint = generic
            out.append(s)
            continue
        codes, unknown = [], []
        for n in names:
            rule = resolve(n)
            (codes.append(rule.code) if rule else unknown.append(n))
        if not names:
            unknown.append("")  # "//goabilint:ignore" with no code at all
        out.append(
            Suppression(
                kind,
                line,
                col,
                length,
                standalone,
                tuple(codes),
                reason,
                tuple(unknown),
            )
        )
    return out


def apply_suppressions(
    file: SourceFile,
    findings: list[Finding],
    ran: frozenset[str],
    resolve: Callable[[str], Rule | None],
) -> tuple[list[Finding], list[Finding], list[Finding]]:
    """Split ``findings`` of one file into kept and suppressed ones.

    ``ran`` holds the codes of the rules that ran on the file. Returns
    ``(kept, suppressed, meta)``, ``meta`` being SUP00x findings about the
    suppressions themselves (the caller filters them by selection).
    """
    sups = parse_suppressions(file, resolve)
    if not sups:
        return findings, [], []
    kept, suppressed = [], []
    for f in findings:
        hit = next((s for s in sups if s.covers(f)), None)
        if hit is None:
            kept.append(f)
            continue
        hit.used = True
        suppressed.append(replace(f, suppressed=hit.reason or "(no reason given)"))

    meta = []
    for s in sups:
        end = s.column + s.length
        utf16 = file.lines.utf16_column
        loc = Location(
            file.display,
            s.line,
            s.column,
            s.line,
            end,
            utf16(s.line, s.column),
            utf16(s.line, end),
        )
        if s.unknown:
            names = ", ".join(repr(u) for u in s.unknown if u) or "no rule code"
            meta.append(
                _meta(
                    SUP003,
                    loc,
                    f"suppression names {names}; it suppresses nothing for those",
                )
            )
        if not s.reason and not s.generic_nolint:
            meta.append(
                _meta(
                    SUP001,
                    loc,
                    "suppression has no reason; say why the finding does not apply",
                )
            )
        if not s.used and not s.generic_nolint:
            relevant = tuple(ran) if s.everything else s.codes
            if relevant and all(c in ran for c in relevant):
                what = "any goabilint rule" if s.everything else ", ".join(s.codes)
                meta.append(
                    _meta(
                        SUP002, loc, f"unused suppression: {what} reported nothing here"
                    )
                )
    return kept, suppressed, meta


def _meta(rule: Rule, loc: Location, message: str) -> Finding:
    return Finding(rule.code, rule.severity, message, loc)


SUP001 = Rule(
    code="SUP001",
    name="suppression-missing-reason",
    title="suppression comment without a reason",
    severity=Severity.WARNING,
    since="0.1.0",
    tags=("suppression",),
    doc="""
    ## What it does
    Reports `//goabilint:ignore`, `//goabilint:file-ignore` and
    `//nolint:goabilint` comments that do not say why the finding is wrong.

    ## Why is this bad?
    A suppression outlives the reason it was written for. Without the reason,
    the next reader cannot tell whether it still applies after a Go upgrade,
    which is exactly when goabilint's findings change.

    ## Example
    ```go
    //goabilint:ignore LNK002
    //go:linkname nanotime runtime.nanotime
    ```

    ## Use instead
    ```go
    //goabilint:ignore LNK002 pushed by runtime; checked on every release in CI
    //go:linkname nanotime runtime.nanotime
    ```

    ## Known problems
    A bare `//nolint` or `//nolint:all` is shared with other linters and is
    not checked for a reason here.

    ## References
    - [ruff: noqa directives](https://docs.astral.sh/ruff/linter/#error-suppression)
    """,
)

SUP002 = Rule(
    code="SUP002",
    name="unused-suppression",
    title="suppression comment that suppresses nothing",
    severity=Severity.WARNING,
    since="0.1.0",
    tags=("suppression",),
    doc="""
    ## What it does
    Reports a suppression comment whose rules all ran on the file but
    reported nothing on the lines it covers.

    ## Why is this bad?
    A stale suppression hides the next real finding on that line, and it
    tells readers a problem exists where there is none.

    ## Example
    ```go
    func f(r *http.Request) {
        r = r.WithContext(ctx) //goabilint:ignore HTTP005 result is kept
    }
    ```

    ## Use instead
    ```go
    func f(r *http.Request) {
        r = r.WithContext(ctx)
    }
    ```

    ## Known problems
    Only judged when every rule the comment names was enabled for the file;
    a suppression for a rule turned off by configuration is left alone.

    ## References
    - [ruff: RUF100](https://docs.astral.sh/ruff/rules/unused-noqa/)
    """,
)

SUP003 = Rule(
    code="SUP003",
    name="unknown-suppression-code",
    title="suppression comment naming no known rule",
    severity=Severity.WARNING,
    since="0.1.0",
    tags=("suppression",),
    doc="""
    ## What it does
    Reports `//goabilint:ignore` and `//goabilint:file-ignore` comments that
    name no rule, or a code or name that no installed rule has.

    ## Why is this bad?
    A mistyped code suppresses nothing, so the finding the author meant to
    silence still fires, or fires again after a plugin is removed.

    ## Example
    ```go
    //goabilint:ignore LNK01 reason
    ```

    ## Use instead
    ```go
    //goabilint:ignore LNK001 reason
    ```

    ## Known problems
    A code from a plugin that is not installed is reported too.

    ## References
    - `goabilint rules` lists every installed rule.
    """,
)

META_RULES = (SUP001, SUP002, SUP003)


class MetaRules:
    """Registers the suppression rules; the engine itself implements them."""

    plugin_name = "goabilint[suppress]"

    @hookimpl
    def goabilint_rules(self) -> list[Rule]:
        return list(META_RULES)
