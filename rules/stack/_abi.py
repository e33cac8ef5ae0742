"""What the STK rules share: Go assembly TEXT symbols, the Go declarations
they implement, and the ABI0 argument frame of a declaration.

The frame is laid out as ``go vet``'s asmdecl pass expects it: parameters
in order, each at an offset aligned to its own alignment; results from the
next offset aligned to the register size; the argument size is where the
last result ends. Each parameter also gets the names asmdecl accepts for
its parts: ``s_base``/``s_len``/``s_cap`` for a slice, ``x_lo``/``x_hi``
for a 64-bit value on a 32-bit port, ``p_field`` for a struct field,
``a_0`` for an array element, and so on.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from goabilint.constraints import BuildContext
from goabilint.context import Targets
from goabilint.layout.calc import ARCHES, Calculator, Layout, Unknown, import_path
from goabilint.source import AsmFile, AsmText, GoFile, Package, func_words
from goabilint.syntax import Node, text

__all__ = [
    "BODYLESS_LINES",
    "AsmVar",
    "Frame",
    "FuncFrame",
    "PackageView",
    "asm_contexts",
    "func_frame",
    "in_package",
    "may_declare_bodyless",
    "parse_frame",
]

_FRAME_RE = re.compile(r"^\$(?P<frame>-?\d+)(?:-(?P<args>\d+))?$")


@dataclass(frozen=True)
class Frame:
    """``$frame-args`` of a TEXT line; None for a part that is missing."""

    frame: int | None
    args: int | None
    written: str | None


def parse_frame(text_: AsmText) -> Frame | None:
    """The sizes of a TEXT line, or None when they are not plain integers
    (a ``#define``d constant, an expression)."""
    if text_.frame is None:
        return Frame(None, None, None)
    m = _FRAME_RE.match(text_.frame.replace(" ", ""))
    if not m:
        return None
    args = m.group("args")
    return Frame(
        int(m.group("frame")), int(args) if args is not None else None, text_.frame
    )


def flags_of(text_: AsmText) -> set[str]:
    """The flag names of a TEXT line; the number 7 is NOPROF|DUPOK|NOSPLIT."""
    if text_.flags is None:
        return set()
    flags = {f.strip() for f in re.split(r"[|+]", text_.flags) if f.strip()}
    if "7" in flags:
        flags |= {"NOPROF", "DUPOK", "NOSPLIT"}
    return flags


_ABI_RE = re.compile(r"^(.+)<(ABI.+)>$")


def local_name(symbol: str, path: str | None) -> tuple[str, str] | None:
    """``(name, abi)`` of a TEXT symbol of this package, or None for a
    symbol of another package or a file-local ``name<>`` symbol."""
    if "·" not in symbol:
        return None
    pkg, _, name = symbol.rpartition("·")
    pkg = pkg.replace("∕", "/")
    if pkg and pkg != path:
        return None
    m = _ABI_RE.match(name)
    if m:
        name, abi = m.group(1), m.group(2)
    else:
        abi = ""
    if name.endswith("<>") or not name:
        return None
    return name, abi


def asm_contexts(file: AsmFile, targets: Targets) -> list[BuildContext]:
    """The target contexts (newest Go version) whose build includes ``file``,
    one per distinct (GOOS, GOARCH) that the release supports."""
    return [ctx for ctx in port_contexts(targets) if file.built_for(ctx)]


def port_contexts(targets: Targets) -> list[BuildContext]:
    """The target contexts at the newest Go version whose (GOOS, GOARCH)
    is a port of that release (``go tool dist list``): a configured
    windows/riscv64 builds nothing."""
    return [ctx for ctx in targets.contexts() if ctx.goarch in ARCHES and is_port(ctx)]


@functools.cache
def _ports(version: str) -> frozenset[tuple[str, str]] | None:
    from goabilint import tables

    try:
        table = tables.load(version)
    except tables.TableNotFound:
        return None
    return frozenset((p.goos, p.goarch) for p in table.configs)


def is_port(ctx: BuildContext) -> bool:
    """Whether the release of ``ctx`` supports its GOOS/GOARCH."""
    ports = _ports(str(ctx.go))
    return ports is None or (ctx.goos, ctx.goarch) in ports


@dataclass(frozen=True)
class AsmVar:
    """A name ``x+off(FP)`` may use, with its offset and width."""

    name: str
    kind: str  # "1", "2", "4", "8", or string, slice, iface, eface, complex, struct, array
    typ: str  # as asmdecl words it: "int64", "slice base", "interface type"
    offset: int
    size: int
    inner: tuple[str, ...] = ()  # names of the parts of a composite value


@dataclass
class FuncFrame:
    """The ABI0 argument frame of one Go declaration on one architecture."""

    name: str
    size: int
    vars: dict[str, AsmVar]
    by_offset: dict[int, AsmVar]


class PackageView:
    """A package's Go declarations as built in one context."""

    def __init__(self, package: Package, ctx: BuildContext):
        self.package = package
        self.ctx = ctx
        self.path = import_path(package)
        self._frames: dict[str, FuncFrame | None] = {}

    @functools.cached_property
    def calc(self) -> Calculator:
        return Calculator.for_package(self.package, self.ctx, self.path)

    @functools.cached_property
    def files(self) -> list[GoFile]:
        """The package's Go files built in the context (a view asked only
        about assembly never tests every Go file's constraint)."""
        return [f for f in self.calc.files if in_package(f)]

    @classmethod
    def of(cls, package: Package, ctx: BuildContext) -> PackageView:
        """The view of ``package`` in ``ctx``, shared by every rule that
        asks while the package is analysed (its declarations and frames are
        worked out once)."""
        return package.shared(("package-view", ctx), lambda: cls(package, ctx))

    @functools.cached_property
    def bodyless(self) -> dict[str, tuple[Node, GoFile]]:
        """Body-less function declarations by name (methods excluded), from
        the files with a line that looks like one (see :func:`may_declare_bodyless`).
        Test files are left out: what they declare is found by
        :meth:`bodyless_named`, and is no rule's concern otherwise."""
        return self.bodyless_of([f for f in self.files if not f.is_test])

    def bodyless_of(self, files: list[GoFile]) -> dict[str, tuple[Node, GoFile]]:
        """:attr:`bodyless`, of some of the package's files only."""
        found = [
            f
            for f in files
            if f.shared(
                "may-declare-bodyless", lambda f=f: may_declare_bodyless(f.data)
            )
        ]
        return self._bodyless_in(found)

    def bodyless_named(self, name: str) -> tuple[Node, GoFile] | None:
        """The body-less declaration of ``name``, looked for in every file
        that mentions it: an assembly TEXT's Go declaration is found even
        where the line prefilter would miss it."""
        hit = self.bodyless.get(name)
        if hit is None:
            hit = self._bodyless_in(
                [f for f in self.files if name in func_words(f)]
            ).get(name)
        return hit

    @staticmethod
    def _bodyless_in(files: list[GoFile]) -> dict[str, tuple[Node, GoFile]]:
        out: dict[str, tuple[Node, GoFile]] = {}
        for f in files:
            for d in f.decls:
                if d.kind == "func" and d.node.child_by_field_name("body") is None:
                    out.setdefault(d.name, (d.node, f))
        return out

    @functools.cached_property
    def asm_texts(self) -> dict[str, list[tuple[AsmFile, AsmText]]]:
        """TEXT lines of this package's assembly files built in the context."""
        out: dict[str, list[tuple[AsmFile, AsmText]]] = {}
        for af in self.package.asm_files:
            if not af.built_for(self.ctx):
                continue
            for t in af.texts:
                name = local_name(t.symbol, self.path)
                if name is not None:
                    out.setdefault(name[0], []).append((af, t))
        return out

    def frame(self, name: str) -> FuncFrame | None:
        if name not in self._frames:
            self._frames[name] = self._frame(name)
        return self._frames[name]

    def _frame(self, name: str) -> FuncFrame | None:
        decl = self.bodyless_named(name)
        if decl is None:
            return None
        try:
            return func_frame(self.calc, decl[0], decl[1])
        except Unknown:
            return None


def may_declare_bodyless(data: bytes) -> bool:
    """Whether a Go file's bytes may hold a body-less function declaration.

    One is a line starting with ``func`` that opens no body: ``{`` ends the
    line of every declaration with one (Go's semicolon rule puts it there),
    or the line of its last parameter or result when the signature spans
    lines. The line's comment is ignored and empty braces (``interface{}``)
    do not count, except ``{}`` ending the signature: an empty body. A
    one-line declaration whose parameters hold a non-empty struct or
    interface literal is missed.
    """
    at = 0 if data.startswith(b"func") else data.find(b"\nfunc")
    while at != -1:
        start = at if at == 0 and data.startswith(b"func") else at + 1
        end = data.find(b"\n", start)
        if end > 0 and data[end - 1] == 0x7B and data.find(b"//", start, end) == -1:
            pass  # the common case: the line ends opening the body
        elif data[start + 4 : start + 5] in (
            b" ",
            b"\t",
            b"(",
            b"\r",
            b"\n",
            b"",
        ) and _opens_no_body(data, start):
            return True
        at = data.find(b"\nfunc", start)
    return False


# How many lines a signature may span before the test gives up (and says
# the declaration may have no body).
_SIGNATURE_LINES = 64


def _opens_no_body(data: bytes, start: int) -> bool:
    """Whether the declaration starting at ``start`` may lack a body: its
    lines are followed while brackets stay open."""
    depth = 0
    for i in range(_SIGNATURE_LINES):
        end = data.find(b"\n", start)
        line = data[start : end if end != -1 else len(data)]
        code = line.split(b"//", 1)[0].rstrip()
        depth += code.count(b"(") + code.count(b"[")
        depth -= code.count(b")") + code.count(b"]")
        # A brace on the first line opens the body (brackets in it may be
        # a string's): decided there, as for a one-line signature.
        if depth <= 0 or end == -1 or (i == 0 and b"{" in code.replace(b"{}", b"")):
            if code.endswith(b"{"):
                return False
            if code.endswith(b"{}"):
                # An empty body, unless the braces belong to a result type.
                return code[:-2].rstrip().endswith((b"interface", b"struct"))
            return b"{" not in code.replace(b"{}", b"")
        start = end + 1
    return True


class _BodylessLines:
    """A prefilter (``Rule.needs``) passing files :func:`may_declare_bodyless`."""

    def search(self, data: bytes) -> bool:
        return may_declare_bodyless(data)


BODYLESS_LINES = _BodylessLines()


def in_package(f: GoFile) -> bool:
    """Whether ``f`` belongs to the directory's package proper (not an
    external ``_test`` package)."""
    name = f.package_name
    return name is not None and not (f.is_test and name.endswith("_test"))


def _params(node: Node | None) -> Iterator[tuple[list[str], Node, bool]]:
    """``(names, type node, variadic)`` per parameter declaration."""
    if node is None:
        return
    if node.type != "parameter_list":
        yield [], node, False  # a single unnamed result type
        return
    for p in node.named_children:
        if p.type not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        names = [text(n) for n in p.children_by_field_name("name") if n.is_named]
        yield (
            names,
            p.child_by_field_name("type"),
            p.type == "variadic_parameter_declaration",
        )


def func_frame(calc: Calculator, decl: Node, file: GoFile) -> FuncFrame:
    """The argument frame of function declaration ``decl``; raises
    :class:`Unknown` when a parameter's layout is not known."""
    arch = calc.arch
    frame = FuncFrame(text(decl.child_by_field_name("name")), 0, {}, {})
    offset = 0

    def add(section: Node | None, result: bool) -> None:
        nonlocal offset
        count = 0
        for names, tnode, variadic in _params(section):
            lay = calc.of_type(tnode, file)
            if variadic:
                lay = Layout(3 * arch.ptr, arch.ptr, "slice", "[]" + lay.name, elem=lay)
            offset = _round(offset, lay.align)
            if not names:
                base = "ret" if result else "arg"
                names = [base + (str(count) if count else "")]
            count += len(names)
            for name in names:
                for v in _components(calc, lay, name, offset):
                    frame.vars[v.name] = v
                    for i in range(v.size):
                        frame.by_offset[v.offset + i] = v
                offset += lay.size

    add(decl.child_by_field_name("parameters"), False)
    results = decl.child_by_field_name("result")
    if results is not None and (
        results.type != "parameter_list" or results.named_child_count
    ):
        offset = _round(offset, arch.reg)
        add(results, True)
    frame.size = offset
    return frame


def _round(n: int, a: int) -> int:
    return (n + a - 1) // a * a


def _kind(lay: Layout) -> str:
    if lay.kind in ("string", "slice", "iface", "eface", "complex", "struct", "array"):
        return lay.kind
    return str(lay.size)


def _components(calc: Calculator, lay: Layout, name: str, off: int) -> list[AsmVar]:
    """The variable for a value and for each of its addressable parts."""
    arch = calc.arch
    ptr, word = arch.ptr, arch.ptr
    kind = _kind(lay)
    parts: list[AsmVar] = []
    if kind == "8" and ptr == 4:
        lo, hi = ("hi", "lo") if arch.big_endian else ("lo", "hi")
        parts = [
            AsmVar(f"{name}_{lo}", "4", f"half {lay.name}", off, 4),
            AsmVar(f"{name}_{hi}", "4", f"half {lay.name}", off + 4, 4),
        ]
    elif kind == "eface":
        parts = [
            AsmVar(f"{name}_type", str(ptr), "interface type", off, ptr),
            AsmVar(f"{name}_data", str(ptr), "interface data", off + ptr, ptr),
        ]
    elif kind == "iface":
        parts = [
            AsmVar(f"{name}_itable", str(ptr), "interface itable", off, ptr),
            AsmVar(f"{name}_data", str(ptr), "interface data", off + ptr, ptr),
        ]
    elif kind == "slice":
        parts = [
            AsmVar(f"{name}_base", str(ptr), "slice base", off, ptr),
            AsmVar(f"{name}_len", str(word), "slice len", off + ptr, word),
            AsmVar(f"{name}_cap", str(word), "slice cap", off + ptr + word, word),
        ]
    elif kind == "string":
        parts = [
            AsmVar(f"{name}_base", str(ptr), "string base", off, ptr),
            AsmVar(f"{name}_len", str(word), "string len", off + ptr, word),
        ]
    elif kind == "complex":
        half = lay.size // 2
        parts = [
            AsmVar(
                f"{name}_real", str(half), f"real(complex{lay.size * 8})", off, half
            ),
            AsmVar(
                f"{name}_imag",
                str(half),
                f"imag(complex{lay.size * 8})",
                off + half,
                half,
            ),
        ]
    nested: list[AsmVar] = []
    inner = [p.name for p in parts]
    if kind == "struct":
        for f in lay.fields:
            sub = _components(calc, f.layout, f"{name}_{f.name}", off + f.offset)
            inner.append(sub[0].name)
            nested += sub
    elif kind == "array" and lay.elem is not None:
        step = _round(lay.elem.size, lay.elem.align)
        for i in range(lay.length):
            sub = _components(calc, lay.elem, f"{name}_{i}", off + i * step)
            inner.append(sub[0].name)
            nested += sub
    whole = AsmVar(name, kind, lay.name, off, lay.size, tuple(inner))
    # Parts come after the whole: by_offset keeps the last writer, as vet's
    # varByOffset does, so an offset maps to its innermost part.
    return [whole, *parts, *nested]
