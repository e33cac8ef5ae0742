"""What a rule sees besides the file: its targets, and a way to report.

:class:`Targets` answers "for which Go versions, GOOS and GOARCH does this
matter?"; :class:`Reporter` turns a node and a message into a
:class:`~goabilint.rule.Finding`, dropping anything that points into a
subtree tree-sitter could not parse.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from goabilint.constraints import BuildContext, GoVersion
from goabilint.gomod import GoMod
from goabilint.rule import Finding, Location, Rule, Severity
from goabilint.source import BOM, GoFile, SourceFile
from goabilint.syntax import Node

__all__ = ["Reporter", "Targets", "format_versions"]


@dataclass(frozen=True)
class Targets:
    """The build configurations a run asks about.

    ``go`` is every target Go release, oldest first; ``platforms`` every
    ``(GOOS, GOARCH)`` pair; ``tags`` the custom build tags.
    """

    go: tuple[GoVersion, ...]
    platforms: tuple[tuple[str, str], ...]
    tags: frozenset[str] = frozenset()
    module: GoMod | None = None

    def contexts(self, go: GoVersion | None = None) -> list[BuildContext]:
        """One build context per platform, at ``go`` (default: newest target)."""
        version = go or self.go[-1]
        return [
            BuildContext(goos=os_, goarch=arch, go=version, tags=self.tags)
            for os_, arch in self.platforms
        ]

    def versions_building(self, file: SourceFile) -> list[GoVersion]:
        """Target Go versions for which ``file`` is built on some platform."""
        out = []
        for v in self.go:
            if any(file.built_for(ctx) for ctx in self.contexts(v)):
                out.append(v)
        return out

    def is_built(self, file: SourceFile) -> bool:
        """Whether some target version and platform builds ``file``."""
        return bool(self.versions_building(file))


def format_versions(versions: Sequence[str]) -> str:
    """``go1.23–1.27`` for a run of consecutive releases, commas otherwise."""
    if not versions:
        return ""
    parsed = sorted(GoVersion.parse(v) for v in versions)
    runs: list[list[GoVersion]] = []
    for v in parsed:
        if runs and v.major == runs[-1][-1].major and v.minor == runs[-1][-1].minor + 1:
            runs[-1].append(v)
        else:
            runs.append([v])
    parts = [str(r[0]) if len(r) == 1 else f"{r[0]}\u2013{r[-1]}" for r in runs]
    return "go" + ", ".join(parts)


class Reporter:
    """Collects one rule's findings for one file (or package).

    Call it with the node the finding is about::

        report(node, "message", fix="what to do instead")

    A rule that can make the fix itself passes ``edits``: pairs of a node
    or a ``(start byte, end byte)`` span of the same file and the text
    that replaces it (``(offset, offset)`` inserts).
    """

    def __init__(
        self,
        rule: Rule,
        severity: Severity,
        file: SourceFile | None,
        targets: Targets,
        sink: list[Finding],
    ):
        self.rule = rule
        self.severity = severity
        self.file = file
        self.targets = targets
        self._sink = sink

    def in_file(self, file: SourceFile) -> Reporter:
        """A reporter for another file of the package (package-level rules)."""
        return Reporter(self.rule, self.severity, file, self.targets, self._sink)

    def __call__(
        self,
        node: Node,
        message: str,
        *,
        fix: str | None = None,
        related: Iterable[tuple[Node, str]] = (),
        versions: Iterable[GoVersion | str] = (),
        edits: Iterable[tuple[Node | tuple[int, int], str]] = (),
    ) -> None:
        file = self._require_file()
        if isinstance(file, GoFile) and file.in_broken(node.start_byte, node.end_byte):
            return  # never report from a subtree tree-sitter could not parse
        rel = tuple(
            (self._location(file, n.start_byte, n.end_byte), m) for n, m in related
        )
        loc = self._location(file, node.start_byte, node.end_byte)
        changes = tuple((self._location(file, *_span(w)), new) for w, new in edits)
        self._add(loc, message, fix, rel, versions, changes)

    def at_line(
        self,
        line: int,
        message: str,
        *,
        column: int = 1,
        end_column: int | None = None,
        fix: str | None = None,
        versions: Iterable[GoVersion | str] = (),
    ) -> None:
        """Report on a 1-based line (byte columns), for files without a tree."""
        file = self._require_file()
        idx = file.lines
        start = idx.starts[line - 1] + column - 1
        if end_column is None:
            end = start - column + 1 + len(idx.line_bytes(line))
            if start == 0 and file.data.startswith(BOM):
                start = len(BOM)  # the whole first line is the text after the BOM
        else:
            end = start + end_column - column
        if isinstance(file, GoFile) and file.in_broken(start, end):
            return
        self._add(self._location(file, start, end), message, fix, (), versions)

    def _require_file(self) -> SourceFile:
        if self.file is None:
            raise RuntimeError(
                "package-level rules report through report.in_file(file)"
            )
        return self.file

    def _add(
        self,
        loc: Location,
        message: str,
        fix: str | None,
        related: tuple[tuple[Location, str], ...],
        versions: Iterable[GoVersion | str],
        edits: tuple[tuple[Location, str], ...] = (),
    ) -> None:
        vs = tuple(sorted({str(v) for v in versions}, key=GoVersion.parse))
        self._sink.append(
            Finding(
                self.rule.code,
                self.severity,
                message,
                loc,
                fix,
                related,
                vs,
                edits=edits,
            )
        )

    @staticmethod
    def _location(file: SourceFile, start: int, end: int) -> Location:
        idx = file.lines
        if end - 1 > start and file.data[end - 1 : end + 1] == b"\r\n":
            end -= 1  # a line comment's node takes in the "\r" of a CRLF
        line, col = idx.position(start)
        end_line, end_col = idx.position(max(end, start))
        return Location(
            file.display,
            line,
            col,
            end_line,
            end_col,
            idx.utf16_column(line, col),
            idx.utf16_column(end_line, end_col),
        )


def _span(where: Node | tuple[int, int]) -> tuple[int, int]:
    if isinstance(where, tuple):
        return where
    return where.start_byte, where.end_byte


def with_severity(finding: Finding, severity: Severity) -> Finding:
    return replace(finding, severity=severity)
