"""Build constraints: ``//go:build`` lines, ``// +build`` lines and file names.

Mirrors the go command's rules (go/build and go/build/constraint): a file is
built for a context when its name suffixes (``_linux``, ``_arm64``,
``_linux_arm64``) match and its constraint expression is true, where a tag is
satisfied by GOOS, GOARCH, ``unix``, ``gc``, ``cgo``, ``go1.N`` for every N up
to the context's Go version, and any custom tag.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

__all__ = [
    "KNOWN_ARCH",
    "KNOWN_OS",
    "BuildContext",
    "Constraint",
    "ConstraintError",
    "GoVersion",
    "file_name_matches",
    "parse_expr",
    "parse_plus_build",
]

KNOWN_OS = frozenset(
    "aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd "
    "openbsd plan9 solaris wasip1 windows zos".split()
)
UNIX_OS = frozenset(
    "aix android darwin dragonfly freebsd hurd illumos ios linux netbsd openbsd "
    "solaris".split()
)
KNOWN_ARCH = frozenset(
    "386 amd64 amd64p32 arm armbe arm64 arm64be loong64 mips mipsle mips64 "
    "mips64le mips64p32 mips64p32le ppc ppc64 ppc64le riscv riscv64 s390 s390x "
    "sparc sparc64 wasm".split()
)
# GOOS values that also satisfy another OS tag, as go/build's matchTag says.
OS_IMPLIES = {"android": "linux", "illumos": "solaris", "ios": "darwin"}


class ConstraintError(ValueError):
    """A ``//go:build`` or ``// +build`` line the go command would reject."""


@dataclass(frozen=True, order=True)
class GoVersion:
    """A Go release as ``major.minor`` (patch levels do not change tags)."""

    major: int
    minor: int

    _RE = re.compile(r"^(?:go)?(\d+)\.(\d+)(?:\.\d+|rc\d+|beta\d+)?$")

    @classmethod
    def parse(cls, text: str) -> GoVersion:
        m = cls._RE.match(text.strip())
        if not m:
            raise ValueError(f"not a Go version: {text!r} (expected e.g. 1.23)")
        return cls(int(m.group(1)), int(m.group(2)))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"


@dataclass(frozen=True)
class BuildContext:
    """One configuration the go command could build for."""

    goos: str = "linux"
    goarch: str = "amd64"
    go: GoVersion = GoVersion(1, 27)
    cgo: bool = True
    compiler: str = "gc"
    tags: frozenset[str] = field(default_factory=frozenset)

    def has_tag(self, tag: str) -> bool:
        if tag in (self.goos, self.goarch, self.compiler) or tag in self.tags:
            return True
        if tag == OS_IMPLIES.get(self.goos):
            return True
        if tag == "unix":
            return self.goos in UNIX_OS
        if tag == "cgo":
            return self.cgo
        m = re.fullmatch(r"go1\.(\d+)", tag)
        if m:
            return self.go.major == 1 and int(m.group(1)) <= self.go.minor
        return False


class Constraint:
    """A parsed constraint expression; ``eval(ctx)`` says whether it holds."""

    def __init__(self, op: str, args: Sequence[Constraint | str]):
        self.op = op  # "tag", "not", "and", "or"
        self.args = tuple(args)
        self._answers: dict[BuildContext, bool] = {}

    def eval(self, ctx: BuildContext) -> bool:
        # Files with the same expression share one Constraint (parse_expr
        # is cached), and rules ask each file about the same few contexts.
        answer = self._answers.get(ctx)
        if answer is None:
            answer = self._answers[ctx] = self._eval(ctx)
        return answer

    def _eval(self, ctx: BuildContext) -> bool:
        if self.op == "tag":
            return ctx.has_tag(str(self.args[0]))
        if self.op == "not":
            return not self.args[0].eval(ctx)  # type: ignore[union-attr]
        results = (a.eval(ctx) for a in self.args)  # type: ignore[union-attr]
        return all(results) if self.op == "and" else any(results)

    def tags(self) -> set[str]:
        if self.op == "tag":
            return {str(self.args[0])}
        out: set[str] = set()
        for a in self.args:
            out |= a.tags()  # type: ignore[union-attr]
        return out

    def __str__(self) -> str:
        if self.op == "tag":
            return str(self.args[0])
        if self.op == "not":
            return f"!{self.args[0]}"
        sep = " && " if self.op == "and" else " || "
        return "(" + sep.join(str(a) for a in self.args) + ")"


# The most operands the go command accepts in one //go:build expression
# (maxSize in go/build/constraint).
MAX_SIZE = 1000

# A tag is letters, digits, "_" and "." of any script, as in go/build/constraint.
_TOKEN = re.compile(r"\s*(\(|\)|!|&&|\|\||[\w.]+)")


@functools.lru_cache(maxsize=4096)
def parse_expr(expr: str) -> Constraint:
    """Parse a ``//go:build`` expression (without the ``//go:build`` prefix).

    Cached: the files of a tree repeat a few expressions, and a
    :class:`Constraint` is not changed once made."""
    tokens: list[str] = []
    pos = 0
    expr = expr.strip()
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if not m:
            raise ConstraintError(f"unexpected {expr[pos:].strip()[:10]!r}")
        tokens.append(m.group(1))
        pos = m.end()
        while pos < len(expr) and expr[pos].isspace():
            pos += 1
    if not tokens:
        raise ConstraintError("empty //go:build expression")
    # Refused by the go command too; it also keeps the recursion shallow.
    if sum(t not in ("!", ")", "&&", "||") for t in tokens) > MAX_SIZE:
        raise ConstraintError("build expression too large")
    try:
        result, i = _parse_or(tokens, 0)
    except RecursionError:  # within MAX_SIZE, but nested deeper than Python recurses
        raise ConstraintError("build expression nested too deeply") from None
    if i != len(tokens):
        raise ConstraintError(f"unexpected {tokens[i]!r}")
    return result


def _parse_or(toks: list[str], i: int) -> tuple[Constraint, int]:
    left, i = _parse_and(toks, i)
    args = [left]
    while i < len(toks) and toks[i] == "||":
        right, i = _parse_and(toks, i + 1)
        args.append(right)
    return (left if len(args) == 1 else Constraint("or", args)), i


def _parse_and(toks: list[str], i: int) -> tuple[Constraint, int]:
    left, i = _parse_not(toks, i)
    args = [left]
    while i < len(toks) and toks[i] == "&&":
        right, i = _parse_not(toks, i + 1)
        args.append(right)
    return (left if len(args) == 1 else Constraint("and", args)), i


def _parse_not(toks: list[str], i: int) -> tuple[Constraint, int]:
    if i >= len(toks):
        raise ConstraintError("unexpected end of expression")
    tok = toks[i]
    if tok == "!":
        if i + 1 < len(toks) and toks[i + 1] == "!":
            raise ConstraintError("double negation not allowed")
        inner, i = _parse_not(toks, i + 1)
        return Constraint("not", [inner]), i
    if tok == "(":
        inner, i = _parse_or(toks, i + 1)
        if i >= len(toks) or toks[i] != ")":
            raise ConstraintError("missing )")
        return inner, i + 1
    if tok in (")", "&&", "||"):
        raise ConstraintError(f"unexpected {tok!r}")
    return Constraint("tag", [tok]), i + 1


def parse_plus_build(lines: Iterable[str]) -> Constraint:
    """Combine legacy ``// +build`` lines: lines AND, spaces OR, commas AND.

    As in go/build/constraint, a term that is not a valid tag (``!!x``, a
    lone ``!``, ``a-b``) and a line with no terms stand for the tag
    ``ignore``, which no build satisfies; they are not errors.
    """
    line_exprs: list[Constraint] = []
    for line in lines:
        ors: list[Constraint] = []
        for term in line.split():
            ands: list[Constraint] = []
            for lit in term.split(","):
                if lit.startswith("!!") or lit == "!":
                    ands.append(Constraint("tag", ["ignore"]))
                    continue
                neg = lit.startswith("!")
                name = lit[1:] if neg else lit
                if not re.fullmatch(r"[\w.]+", name):
                    name = "ignore"
                c = Constraint("tag", [name])
                ands.append(Constraint("not", [c]) if neg else c)
            ors.append(ands[0] if len(ands) == 1 else Constraint("and", ands))
        if not ors:
            ors.append(Constraint("tag", ["ignore"]))
        line_exprs.append(ors[0] if len(ors) == 1 else Constraint("or", ors))
    return line_exprs[0] if len(line_exprs) == 1 else Constraint("and", line_exprs)


@dataclass(frozen=True)
class NameConstraint:
    """What a file name's ``_GOOS``/``_GOARCH``/``_test`` suffixes require."""

    goos: str | None = None
    goarch: str | None = None
    test: bool = False

    def matches(self, ctx: BuildContext) -> bool:
        if self.goos is not None and not (
            self.goos == ctx.goos or self.goos == OS_IMPLIES.get(ctx.goos)
        ):
            return False
        return self.goarch is None or self.goarch == ctx.goarch


def name_constraint(filename: str) -> NameConstraint:
    """Read the build suffixes of a file name as go/build does."""
    stem = filename.split(".", 1)[0]
    test = False
    parts = stem.split("_")
    if len(parts) > 1 and parts[-1] == "test":
        test = True
        parts = parts[:-1]
    # Only what follows the first underscore counts: "linux.go" is unconstrained.
    parts = parts[1:]
    n = len(parts)
    if n >= 2 and parts[-2] in KNOWN_OS and parts[-1] in KNOWN_ARCH:
        return NameConstraint(parts[-2], parts[-1], test)
    if n >= 1 and parts[-1] in KNOWN_OS:
        return NameConstraint(parts[-1], None, test)
    if n >= 1 and parts[-1] in KNOWN_ARCH:
        return NameConstraint(None, parts[-1], test)
    return NameConstraint(None, None, test)


def file_name_matches(filename: str, ctx: BuildContext) -> bool:
    return name_constraint(filename).matches(ctx)


_HEADER_GO_BUILD = re.compile(rb"^//go:build(?:\s|$)(.*)$")
_HEADER_PLUS_BUILD = re.compile(rb"^//\s*\+build(?:\s+(.*))?$")


_EOL = re.compile(rb"\r\n|\r|\n")


def _first_lines(src: bytes, limit: int) -> Iterator[bytes]:
    """``src.splitlines()[:limit]``, split as far as they are read: the
    header is a few lines of a file of thousands."""
    pos, n = 0, len(src)
    for _ in range(limit):
        if pos >= n:
            return
        m = _EOL.search(src, pos)
        if m is None:
            yield src[pos:]
            return
        yield src[pos : m.start()]
        pos = m.end()


def read_header(src: bytes) -> tuple[Constraint | None, int, str | None]:
    """Find the file's build constraint in its header.

    Returns ``(constraint, line, error)``: ``line`` is the 1-based line of the
    ``//go:build`` (or first ``// +build``) line, 0 if none; ``error`` is a
    message when the line is malformed, in which case ``constraint`` is None
    and the file is treated as unconstrained.

    As with the go command, only comments before the package clause count,
    ``//go:build`` wins over ``// +build``, and ``// +build`` lines count
    only when a blank line separates them from the package clause.
    """
    clause = 0 if src.startswith(b"package") else src.find(b"\npackage")
    if clause >= 0:
        head = src[:clause]
        if b"go:build" not in head and b"+build" not in head and b"/*" not in head:
            # Most files: no constraint before the first line starting with
            # "package", and no block comment that could hide the clause.
            return None, 0, None
    go_build: tuple[int, bytes] | None = None
    plus: list[tuple[int, bytes]] = []
    in_block = False
    last_blank = 0
    # The go command drops a leading BOM before it reads the header.
    src = src.removeprefix(b"\xef\xbb\xbf")
    for lineno, raw in enumerate(_first_lines(src, 400), start=1):
        line = raw.strip()
        if in_block:
            if b"*/" in line:
                in_block = False
            continue
        if not line:
            last_blank = lineno
            continue
        if line.startswith(b"/*"):
            in_block = b"*/" not in line[2:]
            continue
        if not line.startswith(b"//"):
            break  # the package clause (or anything else) ends the header
        m = _HEADER_GO_BUILD.match(line)
        if m:
            if go_build is not None:
                return None, lineno, "multiple //go:build lines"
            go_build = (lineno, m.group(1))
            continue
        m = _HEADER_PLUS_BUILD.match(line)
        if m:
            plus.append((lineno, m.group(1) or b""))
    try:
        if go_build is not None:
            # No trailing comment allowed: the go command rejects "//go:build x // why".
            expr = go_build[1].decode("utf-8", "replace")
            return parse_expr(expr), go_build[0], None
        plus = [(n, text) for n, text in plus if n < last_blank]
        if plus:
            lines = [t.decode("utf-8", "replace") for _, t in plus]
            return parse_plus_build(lines), plus[0][0], None
    except ConstraintError as e:
        return None, (go_build or plus[0])[0], str(e)
    return None, 0, None
