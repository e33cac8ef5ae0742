"""What the Go linker does with a reference to a standard-library symbol.

The rules LNK002–LNK005 and ``goabilint upgrade`` share one model of the
linker's ``checkLinkname`` (cmd/link/internal/loader, see GO-FACTS §1),
evaluated against the toolchain tables of :mod:`goabilint.tables`:

1. Go 1.21 and 1.22 check nothing: a reference links when the symbol
   exists.
2. A name in the release's blocked list is refused, pushed or not.
3. A name std does not define fails with "relocation target ... not
   defined", except a *variable* pulled from Go: the user's body-less
   variable then defines the symbol itself and reads zero.
4. A pushed name links; one pushed only with ``//go:linknamestd`` is
   refused outside std.
5. A function std defines only in assembly: before Go 1.27 the assembler
   marked every symbol it wrote as linknamed, which the linker took for a
   push, so it links; from 1.27 it is refused unless pushed, except for
   names without a ``.`` and on ports without register-ABI wrappers.
6. Anything else is refused.

Assembly references (``CALL runtime·osyield(SB)``) carry the same mark
and go through the same check in every enforcing release. They call
ABI0, though, and a Go function (or an ABIInternal assembly function) has
an ABI0 entry only in some cases the tables do not record; where that
decides the outcome the verdict is :attr:`Outcome.UNSURE`, and the rules
stay silent.

A reference is judged per Go release and per build configuration; the
rules fold the verdicts into the versions they report.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from goabilint import tables
from goabilint.constraints import BuildContext, GoVersion
from goabilint.gomod import GoMod
from goabilint.paths import real_path
from goabilint.tables import Push, ToolchainTable

__all__ = [
    "Outcome",
    "Verdict",
    "is_std_module",
    "judge",
    "linker_package",
    "std_symbol",
    "symbol_package",
    "table",
]


class Outcome(enum.Enum):
    """How a link that references the symbol ends."""

    LINKS = "links"  # no check applies (Go 1.21/1.22, C names, asm before 1.27)
    PUSHED = "pushed"  # allowed because std pushes the symbol
    REFUSED = "refused"  # "invalid reference to ..."
    MISSING = "missing"  # "relocation target ... not defined"
    ZERO = "zero"  # a var pull of a missing symbol defines it: reads zero
    UNSURE = "unsure"  # the tables cannot tell; rules stay silent

    @property
    def links(self) -> bool:
        return self in (Outcome.LINKS, Outcome.PUSHED, Outcome.ZERO)


@dataclass(frozen=True)
class Verdict:
    """The linker's answer for one release and build configuration.

    ``why`` says which rule of the model decided: ``blocked``,
    ``not-pushed``, ``std-only``, ``asm``, ``asm-go`` (assembly calling a
    Go function), ``undefined``, ``port``
    (defined for other ports only), ``unchecked`` (the release does not
    check), ``c-name``, ``wrapper`` or ``push``.
    """

    outcome: Outcome
    why: str
    push: Push | None = None
    allowed: tuple[str, ...] = ()  # the packages a blocked name is allowed for


def table(version: GoVersion) -> ToolchainTable | None:
    """The toolchain table of ``version``, or None when none is shipped or cached."""
    return _table(version)


@functools.cache
def _table(version: GoVersion) -> ToolchainTable | None:
    try:
        return tables.load(version)
    except tables.TableNotFound:
        return None


def symbol_package(name: str) -> str:
    """The package part of a linker symbol name.

    ``runtime.gcount`` → ``runtime``, ``sync.(*Mutex).Lock`` → ``sync``,
    ``internal/runtime/atomic.Load`` → ``internal/runtime/atomic``,
    ``crosscall2`` → ``""``.
    """
    slash = name.rfind("/")
    dot = name.find(".", slash + 1)
    return name[:dot] if dot >= 0 else ""


@functools.cache
def _std_packages() -> frozenset[str]:
    out: set[str] = set()
    for v in tables.available_versions():
        t = _table(v)
        if t is not None:
            out.update(t.packages)
    return frozenset(out)


@functools.cache
def std_symbol(name: str) -> bool:
    """Whether ``name`` belongs to the standard library in some known release.

    A dotted name belongs to std when its package is a std package of some
    table; a name without a package (``crosscall2``) when some table's std
    defines it. Everything else is third-party or the user's own, and the
    linker never checks references to those.
    """
    pkg = symbol_package(name)
    if pkg:
        first = pkg.split("/", 1)[0]
        return "." not in first and pkg in _std_packages()
    return ever_defined(name)


@functools.cache
def ever_defined(name: str) -> bool:
    """Whether the std of some known release defines ``name``."""
    return any(
        t is not None and t.symbol(name) is not None
        for t in map(_table, tables.available_versions())
    )


def is_std_module(module: GoMod | None) -> bool:
    """Whether the code belongs to the Go distribution itself.

    ``$GOROOT/src/go.mod`` says ``module std`` and ``$GOROOT/src/cmd/go.mod``
    ``module cmd``; the go command builds both as standard packages, which
    the linker lets pull what user code may not.
    """
    return module is not None and module.module in ("std", "cmd")


def linker_package(module: GoMod | None, directory, package_name: str | None) -> str:
    """The package path the linker names in its errors.

    ``main`` for a command; otherwise the module path joined with the
    directory below go.mod, or the bare package name without a go.mod.
    """
    if package_name == "main":
        return "main"
    if module is not None and module.module:
        try:
            rel = real_path(directory).relative_to(real_path(module.root)).as_posix()
        except ValueError:
            rel = ""
        return module.module if rel in ("", ".") else f"{module.module}/{rel}"
    return package_name or "main"


def judge(
    t: ToolchainTable,
    name: str,
    ctx: BuildContext,
    *,
    decl: str = "func",
    from_asm: bool = False,
) -> Verdict:
    """The linker's verdict on a reference to ``name`` from non-std code.

    :param decl: ``"func"`` or ``"var"``: what the pulling Go declaration
        is (a body-less function or a variable without an initialiser).
    :param from_asm: the reference is an assembly operand, not a
        ``//go:linkname`` pull.
    """
    port = (ctx.goos, ctx.goarch)
    if port not in _pairs(t):
        return Verdict(Outcome.UNSURE, "port")  # the table knows nothing of it

    checked = t.enforces_linkname
    if checked:
        allowed = t.blocked(name)
        if allowed is not None:
            return Verdict(Outcome.REFUSED, "blocked", t.pushed(name), allowed)

    sym = t.symbol(name)
    if sym is None or not sym.defined_for(ctx):
        why = "undefined" if sym is None else "port"
        if decl == "var" and not from_asm:
            # The body-less var is a definition of size zero; with no
            # other definition the linker keeps it (GO-FACTS §3 case m).
            return Verdict(Outcome.ZERO, why)
        return Verdict(Outcome.MISSING, why)

    push = t.pushed(name)
    if push is not None and ctx not in push.ports:
        push = None  # pushed on other ports only
    go_func = any(
        k in ("func", "method") and ctx in ports for k, ports in sym.definitions
    )
    if from_asm and go_func and push is None:
        # Assembly calls a Go function through an ABI0 wrapper, which the
        # compiler makes for pushed functions and for those std's own
        # assembly calls. Without one the link fails in every release
        # ("not defined for ABI0"); with one Go 1.27 refuses the call.
        # The tables cannot tell which, so only 1.27's failure is certain.
        if t.checks_assembly:
            return Verdict(Outcome.REFUSED, "asm-go")
        return Verdict(Outcome.UNSURE, "asm-go")
    if not checked:
        return Verdict(Outcome.LINKS, "unchecked", push)

    if push is not None:
        if "linkname" in push.kinds and ctx in push.kinds["linkname"]:
            return Verdict(Outcome.PUSHED, "push", push)
        return Verdict(Outcome.REFUSED, "std-only", push)

    if not go_func and not any(k == "var" and ctx in p for k, p in sym.definitions):
        # Defined only in assembly. Before Go 1.27 the assembler flagged
        # every symbol it wrote as linknamed, which the linker took for
        # a push.
        if "." not in name:
            return Verdict(Outcome.LINKS, "c-name")
        if from_asm:
            # Assembly calls ABI0; std's assembly may define the symbol
            # for ABIInternal only (gcWriteBarrier2), which the tables do
            # not record, and then the link fails in every release. Go
            # 1.27 refuses the call either way.
            if t.checks_assembly and t.regabi(ctx.goarch):
                return Verdict(Outcome.REFUSED, "asm")
            return Verdict(Outcome.UNSURE, "asm")
        if not t.checks_assembly:
            return Verdict(Outcome.LINKS, "asm-def")
        if not t.regabi(ctx.goarch):
            return Verdict(Outcome.LINKS, "wrapper")  # no way to check, so allowed
        return Verdict(Outcome.REFUSED, "asm")
    return Verdict(Outcome.REFUSED, "not-pushed")


@functools.cache
def _pairs(t: ToolchainTable) -> frozenset[tuple[str, str]]:
    """The ``(goos, goarch)`` pairs a table was evaluated for."""
    return frozenset((p.goos, p.goarch) for p in t.configs)


# --- assembly references ---------------------------------------------------

# An operand naming a symbol: optional package path (with ∕ for /), the
# middle dot, the name, an optional <> (file-static), an optional offset,
# then (SB). Package paths may contain dots (github.com∕x∕y).
_ASM_SYMBOL = re.compile(
    r"(?P<pkg>[\w.∕]*)·(?P<name>[\w·]+)(?P<static><>)?(?:[+-]\d+)?\(SB\)"
)
_DEFINING = re.compile(r"^\s*(?:TEXT|GLOBL|DATA)\b")
_CALLS = re.compile(r"^\s*(?:CALL|JMP|BL|B|BR|JAL|CALLL?)\b")


@dataclass(frozen=True)
class AsmReference:
    """A cross-package symbol operand in a Go assembly file."""

    line: int
    column: int  # 1-based byte column of the operand
    end_column: int
    name: str  # as the linker spells it: runtime.osyield
    call: bool  # CALL/JMP/B... rather than a data access


def asm_definitions(lines: Iterable[str]) -> set[str]:
    """Cross-package names that ``TEXT``, ``GLOBL`` or ``DATA`` lines define."""
    out = set()
    for raw in lines:
        if "\u00b7" not in raw:
            continue  # names no symbol of another package
        code = raw.split("//", 1)[0]
        if not _DEFINING.match(code):
            continue
        m = _ASM_SYMBOL.search(code)
        if m and m.group("pkg") and not m.group("static"):
            out.add(_linker_name(m))
    return out


def _linker_name(m: re.Match[str]) -> str:
    pkg = m.group("pkg").replace("\u2215", "/")
    name = m.group("name").replace("\u00b7", ".")
    return f"{pkg}.{name}"


def asm_references(lines: Iterable[str]) -> list[AsmReference]:
    """Cross-package ``pkg·name(SB)`` operands, definitions and statics left out.

    Comments (``//`` and ``/* */`` on one line) are ignored; ``#ifdef``
    blocks are not evaluated.
    """
    out = []
    in_block = False
    for lineno, raw in enumerate(lines, start=1):
        if not in_block and "\u00b7" not in raw and "/*" not in raw:
            continue  # most lines of generated assembly name no symbol
        code = raw
        if in_block:
            end = code.find("*/")
            if end < 0:
                continue
            code = " " * (end + 2) + code[end + 2 :]
            in_block = False
        code = re.sub(r"/\*.*?\*/", lambda m: " " * len(m.group(0)), code)
        start = code.find("/*")
        if start >= 0:
            code, in_block = code[:start], True
        code = code.split("//", 1)[0]
        if code.lstrip().startswith("#"):
            continue  # preprocessor lines: #define bodies are not judged
        defining = _DEFINING.match(code) is not None
        call = _CALLS.match(code) is not None
        for i, m in enumerate(_ASM_SYMBOL.finditer(code)):
            if defining and i == 0:
                continue  # TEXT/GLOBL/DATA name the symbol they define
            if m.group("static") or not m.group("pkg"):
                continue  # file-static or the package's own symbol
            name = _linker_name(m)
            col = len(raw[: m.start()].encode("utf-8")) + 1
            end = len(raw[: m.end()].encode("utf-8")) + 1
            out.append(AsmReference(lineno, col, end, name, call))
    return out
