"""Rule metadata and the findings rules produce.

A rule is one record: its identity (code and kebab-case name), how loud it is
by default, its documentation, and the functions that check a Go file, an
assembly file or a whole package. The same record drives ``goabilint rules``,
``goabilint explain``, SARIF ``rules[]`` and the generated docs.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from goabilint.context import Reporter
    from goabilint.source import AsmFile, GoFile, Package

__all__ = [
    "DOC_SECTIONS",
    "Finding",
    "Location",
    "Rule",
    "Severity",
]

CODE_RE = re.compile(r"^[A-Z]{2,5}[0-9]{3}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
PRECISIONS = ("very-high", "high", "medium", "low")

# The Markdown sections every rule doc carries, in this order. "Use instead"
# and "Known problems" may say "None." but must be present.
DOC_SECTIONS = (
    "What it does",
    "Why is this bad?",
    "Example",
    "Use instead",
    "Known problems",
    "References",
)


class Severity(enum.IntEnum):
    """How serious a finding is; ordered so that ``ERROR > WARNING > NOTE``."""

    NOTE = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(
                f"unknown severity {text!r} (expected error, warning or note)"
            ) from None

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, order=True)
class Location:
    """A span in a file.

    Lines are 1-based. ``column`` counts bytes from 1, as go vet and the Go
    compiler do; ``column_utf16`` counts UTF-16 code units from 1, as SARIF
    and LSP do. End columns point just past the last character.
    """

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    column_utf16: int = 0
    end_column_utf16: int = 0


@dataclass(frozen=True)
class Finding:
    """One problem a rule found.

    ``versions`` lists the Go releases (``"1.23"``) for which the problem
    matters, when the rule knows; an empty tuple means "every target".
    ``edits``, when the rule can fix the problem mechanically, replace the
    text of each location (all in the finding's file, not overlapping;
    empty spans insert) so that applying them all carries out ``fix``.
    """

    code: str
    severity: Severity
    message: str
    location: Location
    fix: str | None = None
    related: tuple[tuple[Location, str], ...] = ()
    versions: tuple[str, ...] = ()
    suppressed: str | None = None  # justification, when suppressed in source
    edits: tuple[tuple[Location, str], ...] = ()

    def sort_key(self) -> tuple[Any, ...]:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.code, self.message)


class Searcher(Protocol):
    """A prefilter entry that is not a plain byte string."""

    def search(self, data: bytes, /) -> object: ...


GoCheck = Callable[["GoFile", "Reporter"], None]
AsmCheck = Callable[["AsmFile", "Reporter"], None]
PackageCheck = Callable[["Package", "Reporter"], None]


@dataclass(eq=False)
class Rule:
    """A rule's metadata and its check functions.

    :param code: stable identifier such as ``LNK001``.
    :param name: kebab-case name of the *pattern* found, e.g.
        ``linkname-missing-unsafe-import``; works wherever a code does.
    :param title: one line, lower-case, no trailing period.
    :param doc: Markdown with the sections in :data:`DOC_SECTIONS`.
    :param since: the goabilint version that introduced the rule.
    :param needs: the prefilter: byte strings, or objects with a
        ``search(bytes)`` method such as compiled ``bytes`` regular
        expressions, of which a file must contain (or match) at least one
        for the rule to possibly fire; files with none are not
        handed to it, and a package rule runs only when one of the
        package's files passes. Empty means every file. A prefilter may let
        through files the rule finds nothing in, never the reverse.
    :param precision: how often a finding is a true problem, in GitHub
        code scanning's terms: ``very-high``, ``high``, ``medium`` or ``low``.
    :param security_severity: for a rule whose findings are security
        problems, a CVSS-like score from 0.1 to 10.0 (GitHub shows 9.0 and
        up as critical, 7.0 high, 4.0 medium, below that low); ``None`` for
        every other rule.
    """

    code: str
    name: str
    title: str
    severity: Severity
    doc: str
    since: str
    default_enabled: bool = True
    tags: tuple[str, ...] = ()
    needs: tuple[bytes | Searcher, ...] = ()
    check_go: GoCheck | None = None
    check_asm: AsmCheck | None = None
    check_package: PackageCheck | None = None
    precision: str = "high"
    security_severity: float | None = None
    origin: str = field(default="", compare=False)  # plugin that registered it

    def __post_init__(self) -> None:
        if not CODE_RE.match(self.code):
            raise ValueError(f"rule code {self.code!r} is not like LNK001")
        if not NAME_RE.match(self.name):
            raise ValueError(f"rule name {self.name!r} is not kebab-case")
        if self.precision not in PRECISIONS:
            raise ValueError(
                f"rule precision {self.precision!r} is not one of {PRECISIONS}"
            )
        if self.security_severity is not None and not 0 < self.security_severity <= 10:
            raise ValueError(
                f"security severity {self.security_severity} is not in 0.1-10.0"
            )
        self.doc = _dedent_doc(self.doc)

    def may_fire(
        self,
        present: Collection[bytes],
        contents: Sequence[bytes],
        seen: dict[object, Any] | None = None,
    ) -> bool:
        """Whether the prefilter lets through files with these contents.

        :param present: the byte-string needs that occur in ``contents``
            (see :class:`goabilint.prefilter.Needles`); the other needs are
            searched for here.
        :param seen: answers of the other needs for the same ``contents``,
            shared by the rules asked about them.
        """
        if not self.needs:
            return True
        seen = {} if seen is None else seen
        for need in self.needs:
            if isinstance(need, bytes):
                if need in present:
                    return True
                continue
            if need not in seen:
                seen[need] = any(need.search(data) for data in contents)
            if seen[need]:
                return True
        return False

    @property
    def family(self) -> str:
        return self.code.rstrip("0123456789")

    def on_go_file(self, fn: GoCheck) -> GoCheck:
        """Decorator: ``fn(file, report)`` checks one parsed Go file."""
        self.check_go = fn
        return fn

    def on_asm_file(self, fn: AsmCheck) -> AsmCheck:
        """Decorator: ``fn(file, report)`` checks one Go assembly file."""
        self.check_asm = fn
        return fn

    def on_package(self, fn: PackageCheck) -> PackageCheck:
        """Decorator: ``fn(package, report)`` checks one directory's files."""
        self.check_package = fn
        return fn

    def doc_sections(self) -> dict[str, str]:
        """Split :attr:`doc` into ``{section title: body}``."""
        sections: dict[str, str] = {}
        current = None
        lines: list[str] = []
        for line in self.doc.splitlines():
            m = re.match(r"^##\s+(.*?)\s*$", line)
            if m:
                if current is not None:
                    sections[current] = "\n".join(lines).strip()
                current, lines = m.group(1), []
            elif current is not None:
                lines.append(line)
        if current is not None:
            sections[current] = "\n".join(lines).strip()
        return sections

    def summary(self) -> str:
        """The first paragraph of *What it does*, on one line."""
        body = self.doc_sections().get("What it does", self.title)
        return " ".join(body.split("\n\n")[0].split())


def _dedent_doc(doc: str) -> str:
    import inspect

    return inspect.cleandoc(doc)


def matches_selector(rule: Rule, selector: str) -> bool:
    """Whether ``selector`` (a code, a code prefix, a name or ``ALL``) names ``rule``."""
    if selector == "ALL":
        return True
    if selector == rule.name:
        return True
    return bool(selector) and selector.isupper() and rule.code.startswith(selector)


def is_selector(selector: str, rules: Iterable[Rule]) -> bool:
    return any(matches_selector(r, selector) for r in rules)
