"""Sizes, alignments and field offsets of Go types, as gc lays them out.

A :class:`Calculator` answers for one package in one build context: it
sees the package-level declarations of the Go files built there, the
function-local ones around the node it is asked about, the predeclared
types, ``unsafe.Pointer``, and standard-library types that the generated
tables of :mod:`goabilint.layout.runtime_types` describe. Integer constant
expressions are evaluated, including package constants (``iota`` too),
conversions, ``unsafe.Sizeof``, ``Alignof`` and ``Offsetof``.

What it cannot resolve (a type from another module, a type parameter, a
constant it cannot evaluate) raises :class:`Unknown` with the reason; the
rules stay silent then.

The rules are those of ``cmd/compile/internal/types/size.go``: 64-bit
integers, floats and complex128 align to the register size (4 on 32-bit
ports), complex64 to 4; a struct aligns to its most aligned field and is
padded to a multiple of that; a non-empty struct whose last field has size
zero gets one more byte before that padding; ``sync/atomic.align64`` (and
its runtime twin) forces 8-byte alignment on every port.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from goabilint import syntax
from goabilint.constraints import BuildContext
from goabilint.paths import real_path
from goabilint.source import remember
from goabilint.syntax import Node, text

if TYPE_CHECKING:
    from goabilint.source import GoFile, Package

__all__ = [
    "ARCHES",
    "Arch",
    "Calculator",
    "Const",
    "Field",
    "Layout",
    "Unknown",
    "import_path",
]


@dataclass(frozen=True)
class Arch:
    """A GOARCH's sizes: pointer size, register size, byte order."""

    name: str
    ptr: int
    reg: int
    big_endian: bool = False


ARCHES: dict[str, Arch] = {
    a.name: a
    for a in (
        Arch("386", 4, 4),
        Arch("amd64", 8, 8),
        Arch("arm", 4, 4),
        Arch("arm64", 8, 8),
        Arch("loong64", 8, 8),
        Arch("mips", 4, 4, True),
        Arch("mipsle", 4, 4),
        Arch("mips64", 8, 8, True),
        Arch("mips64le", 8, 8),
        Arch("ppc64", 8, 8, True),
        Arch("ppc64le", 8, 8),
        Arch("riscv64", 8, 8),
        Arch("s390x", 8, 8, True),
        Arch("wasm", 8, 8),
    )
}


class Unknown(Exception):
    """The calculator cannot answer; ``str()`` says why."""


@dataclass(frozen=True)
class Field:
    name: str
    offset: int
    layout: Layout
    embedded: bool = False


@dataclass(frozen=True)
class Layout:
    """Size and shape of one type on one architecture.

    ``kind`` is one of bool, int, uint, float, complex, string, pointer,
    unsafe.Pointer, slice, eface (``any``), iface, map, chan, func, array,
    struct, or opaque (a table entry whose inside is not described).
    ``ptrs`` holds the byte offsets of the words the garbage collector
    scans as pointers.
    """

    size: int
    align: int
    kind: str
    name: str
    fields: tuple[Field, ...] = ()
    elem: Layout | None = None  # arrays and slices
    length: int = 0  # arrays
    ptrs: tuple[int, ...] = ()
    # For pointers and slices: how to find the element, resolved on demand
    # so that self-referential types terminate. Not part of equality.
    target: Target | None = field(default=None, compare=False, repr=False)

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def signed(self) -> bool:
        return self.kind == "int"


@dataclass(frozen=True)
class Target:
    """Where a pointer's element type is written: a type node (``expr``
    False) or an expression whose type it is (``&x``)."""

    node: Node
    file: GoFile
    expr: bool = False


@dataclass(frozen=True)
class Const:
    """An integer constant; ``type`` is None while it is untyped."""

    value: int
    type: Layout | None = None


_INT_TYPES = {
    "int8": ("int", 1),
    "int16": ("int", 2),
    "int32": ("int", 4),
    "rune": ("int", 4),
    "int64": ("int", 8),
    "uint8": ("uint", 1),
    "byte": ("uint", 1),
    "uint16": ("uint", 2),
    "uint32": ("uint", 4),
    "uint64": ("uint", 8),
}

# Integer constants of the standard library that code uses in sizes.
_STD_CONSTS = {
    ("math", "MaxInt8"): (1 << 7) - 1,
    ("math", "MaxInt16"): (1 << 15) - 1,
    ("math", "MaxInt32"): (1 << 31) - 1,
    ("math", "MaxInt64"): (1 << 63) - 1,
    ("math", "MaxUint8"): (1 << 8) - 1,
    ("math", "MaxUint16"): (1 << 16) - 1,
    ("math", "MaxUint32"): (1 << 32) - 1,
}


def import_path(package: Package) -> str | None:
    """The import path of a package directory, from its go.mod.

    ``GOROOT/src`` has ``module std``, whose packages are imported by their
    directory (``runtime``, ``internal/abi``).
    """
    # Asked by many rules; resolve() costs an lstat a path level.
    return package.shared("import-path", lambda: _import_path(package))


def _import_path(package: Package) -> str | None:
    mod = package.module
    if mod is None or mod.module is None:
        return None
    try:
        rel = real_path(package.directory).relative_to(real_path(mod.root)).as_posix()
    except ValueError:
        return None
    if mod.module == "std":
        return rel if rel != "." else None
    return mod.module if rel == "." else f"{mod.module}/{rel}"


class _Found(NamedTuple):
    """What a package declares under one name (each None when nothing)."""

    type: tuple[Node, GoFile] | None  # the type_spec or type_alias
    var: tuple[Node, int, GoFile] | None  # var_spec, position of the name
    const: tuple[Node, int, GoFile, int] | None  # const_spec, iota, file, position


_NOTHING = _Found(None, None, None)


# A package-level declaration starts a line with its keyword (gofmt puts
# it at the margin); what follows names one spec, or opens a group whose
# lines each start with the names of a spec until a ")" at the margin
# closes it. A spec may name several (var a, b int), and a group line may
# hold several specs after semicolons.
_DECL_KEYWORDS = (b"\ntype", b"\nvar", b"\nconst")
_WORD = rb"[\w\x80-\xff]+"
_COMMENTS = rb"(?:[ \t]*/\*[^*]*\*+(?:[^/*][^*]*\*+)*/)*[ \t]*"
_NAMES = rb"(" + _WORD + rb"(?:" + _COMMENTS + rb"," + _COMMENTS + _WORD + rb")*)"
_AFTER_KEYWORD = re.compile(rb"(?=[ \t/(])" + _COMMENTS + rb"(?:" + _NAMES + rb"|(\())")
_GROUP_LINE = re.compile(rb"[\n;(][ \t]*" + _NAMES)


def _declared_words(f: GoFile) -> frozenset[str]:
    """A superset of the names ``f`` declares at package level, read from
    its bytes once for every lookup (each would otherwise scan the file
    again). Declarations written off the margin, as gofmt never leaves
    them, are not seen."""

    def words() -> frozenset[str]:
        data = f.data
        found: set[bytes] = set()
        for keyword in _DECL_KEYWORDS:
            at = data.find(keyword)
            while at >= 0:
                m = _AFTER_KEYWORD.match(data, at + len(keyword))
                if m is not None and m.group(1) is not None:
                    found.update(_split_names(m.group(1)))
                elif m is not None and m.group(2) is not None:
                    end = data.find(b"\n)", m.end())
                    for names in _GROUP_LINE.findall(
                        data, m.end() - 1, end if end >= 0 else len(data)
                    ):
                        found.update(_split_names(names))
                at = data.find(keyword, at + 1)
        return frozenset(w.decode("utf-8", "replace") for w in found)

    return f.shared(_declared_words, words)


def _split_names(names: bytes) -> list[bytes]:
    # With the words of comments between them: a superset is enough.
    return _WORDS.findall(names)


_WORDS = re.compile(_WORD)


class _Declarations:
    """The package-level types, variables and constants of some files,
    read as names are asked for.

    A file that does not contain a name's bytes cannot declare it, so a
    lookup parses only the files that mention the name and were not read
    yet; a package whose rules ask about three types parses the files that
    name them, not all of its files. When several files declare a name the
    first in file order wins, test files last (a test file must not hide
    what every build declares), as if every file had been read in order.
    """

    def __init__(self, files: Sequence[GoFile]):
        self._files = [
            f
            for f in sorted(files, key=lambda f: f.is_test)
            if f.package_name is not None and not f.package_name.endswith("_test")
        ]
        self._unread = list(range(len(self._files)))
        self._found: dict[str, list] = {}  # name -> [type, var, const] with orders
        self._settled: dict[str, _Found] = {}

    def lookup(self, name: str) -> _Found:
        hit = self._settled.get(name)
        if hit is None:
            # Many files mention a name (int, a package's Word), few
            # declare it: read only those whose bytes spell a declaration
            # (the words are read once a file, not once a lookup).
            unread = [
                i for i in self._unread if name in _declared_words(self._files[i])
            ]
            self._read(unread)
            entry = self._found.get(name)
            hit = _Found(*(e[1] if e else None for e in entry)) if entry else _NOTHING
            self._settled[name] = hit
        return hit

    def type_names(self) -> list[str]:
        """Every package-level type, in file order (reads every file)."""
        self._read(list(self._unread))
        found = [(e[0][0], n) for n, e in self._found.items() if e[0] is not None]
        return [n for _, n in sorted(found, key=lambda x: x[0])]

    def _read(self, indices: list[int]) -> None:
        if not indices:
            return
        reading = set(indices)
        self._unread = [i for i in self._unread if i not in reading]
        for i in indices:
            f = self._files[i]
            for d in f.decls:
                if d.kind == "type":
                    self._put(d.name, 0, (i, d.node.start_byte), (d.node, f))
                elif d.kind == "var":
                    value = (d.node, _name_index(d.node, d.name), f)
                    self._put(d.name, 1, (i, d.node.start_byte), value)
            for spec, iota, name, idx in _const_specs(f.root):
                self._put(name, 2, (i, spec.start_byte), (spec, iota, f, idx))

    def _put(self, name: str, slot: int, order: tuple[int, int], value: Any) -> None:
        entry = self._found.setdefault(name, [None, None, None])
        if entry[slot] is None or order < entry[slot][0]:
            entry[slot] = (order, value)
        self._settled.pop(name, None)


class Calculator:
    """Layouts and constants for one package in one build context.

    :param files: the package's Go files; only those built in ``ctx`` count.
    :param path: the package's import path, when known.
    """

    def __init__(
        self,
        files: Sequence[GoFile],
        ctx: BuildContext,
        path: str | None = None,
        memo: dict | None = None,
    ):
        if ctx.goarch not in ARCHES:
            raise Unknown(f"GOARCH {ctx.goarch} has no size rules")
        self.ctx = ctx
        self.arch = ARCHES[ctx.goarch]
        self.path = path
        self.files = [f for f in files if f.built_for(ctx)]
        self._memo = memo
        self._named: dict[str, Layout | Unknown] = {}
        self._resolving: set[str] = set()
        self._const_cache: dict[str, Const | Unknown] = {}
        self._decls = self._index()

    @classmethod
    def for_package(
        cls, package: Package, ctx: BuildContext, path: str | None = None
    ) -> Calculator:
        """The package's calculator for ``ctx``, shared by every rule that
        asks while the package is analysed (kept in ``package.memo``).

        Raises :class:`Unknown` like the constructor, every time it is asked.
        """
        key = ("calculator", ctx, path)
        hit = package.memo.get(key)
        if hit is None:
            try:
                hit = cls(package.go_files, ctx, path, memo=package.memo)
            except Unknown as e:
                hit = e
            package.memo[key] = hit
        if isinstance(hit, Unknown):
            raise hit
        return hit

    # ---- declarations ---------------------------------------------------

    def _index(self) -> _Declarations:
        # The index depends only on which files are built: contexts that
        # build the same files (most Go versions of one platform) share it.
        return remember(
            self._memo if self._memo is not None else {},
            ("calculator-index", tuple(id(f) for f in self.files)),
            lambda: _Declarations(self.files),
        )

    @property
    def memo(self) -> dict | None:
        """The package's memo (shared by every rule while it is analysed)."""
        return self._memo

    def type_decl(self, name: str) -> tuple[Node, GoFile] | None:
        """The ``type_spec`` (or alias) declaring a package-level type."""
        return self._decls.lookup(name).type

    def const_decl(self, name: str) -> tuple[Node, GoFile] | None:
        """The ``const_spec`` declaring a package-level constant."""
        decl = self._decls.lookup(name).const
        return (decl[0], decl[2]) if decl is not None else None

    def var_type(self, name: str) -> Node | None:
        """The written type of a package-level variable, if it has one."""
        decl = self._decls.lookup(name).var
        return decl[0].child_by_field_name("type") if decl is not None else None

    def type_names(self) -> list[str]:
        return self._decls.type_names()

    # ---- types ----------------------------------------------------------

    def named(self, name: str) -> Layout:
        """The layout of a package-level type."""
        hit = self._named.get(name)
        if isinstance(hit, Layout):
            return hit
        if isinstance(hit, Unknown):
            raise hit
        decl = self._decls.lookup(name).type
        if decl is None:
            raise Unknown(f"no type {name} in the package")
        if name in self._resolving:
            raise Unknown(f"type {name} contains itself")
        spec, file = decl
        self._resolving.add(name)
        try:
            if spec.child_by_field_name("type_parameters") is not None:
                raise Unknown(f"{name} is generic")
            layout = self.of_type(spec.child_by_field_name("type"), file)
            if spec.type != "type_alias":
                layout = _renamed(layout, name)
            if name == "align64" and self.path in (
                "sync/atomic",
                "internal/runtime/atomic",
                "runtime/internal/atomic",
            ):
                layout = Layout(layout.size, 8, layout.kind, name, layout.fields)
        except Unknown as e:
            self._named[name] = e
            raise
        finally:
            self._resolving.discard(name)
        self._named[name] = layout
        return layout

    def of_type(self, node: Node | None, file: GoFile) -> Layout:
        """The layout of the type written at ``node`` in ``file``."""
        if node is None:
            raise Unknown("missing type")
        t = node.type
        a = self.arch
        if t in ("type_identifier", "identifier"):
            return self._ident_type(node, file)
        if t == "parenthesized_type" or t == "parenthesized_expression":
            return self.of_type(node.named_children[0], file)
        if t == "qualified_type" or t == "selector_expression":
            return self._qualified(node, file)
        if t == "pointer_type" or (t == "unary_expression" and _op(node) == "*"):
            inner = node.named_children[-1]
            return Layout(
                a.ptr,
                a.ptr,
                "pointer",
                "*" + text(inner),
                ptrs=(0,),
                target=Target(inner, file),
            )
        if t == "slice_type":
            elem = node.child_by_field_name("element")
            return Layout(
                3 * a.ptr,
                a.ptr,
                "slice",
                text(node),
                ptrs=(0,),
                target=Target(elem, file),
            )
        if t == "map_type":
            return Layout(a.ptr, a.ptr, "map", text(node), ptrs=(0,))
        if t == "channel_type":
            return Layout(a.ptr, a.ptr, "chan", text(node), ptrs=(0,))
        if t == "function_type":
            return Layout(a.ptr, a.ptr, "func", text(node), ptrs=(0,))
        if t == "interface_type":
            empty = not any(
                c.type in ("method_elem", "type_elem") for c in node.named_children
            )
            kind = "eface" if empty else "iface"
            return Layout(2 * a.ptr, a.ptr, kind, text(node), ptrs=(0, a.ptr))
        if t == "array_type":
            n = self.const_value(node.child_by_field_name("length"), file).value
            if n < 0:
                raise Unknown("negative array length")
            return self.array(
                self.of_type(node.child_by_field_name("element"), file), n
            )
        if t == "struct_type":
            return self._struct(node, file)
        if t == "generic_type":
            raise Unknown(f"{text(node)} is an instantiated generic type")
        raise Unknown(f"cannot lay out {t}")

    def array(self, elem: Layout, n: int, name: str | None = None) -> Layout:
        ptrs: tuple[int, ...] = ()
        if elem.ptrs and elem.size:
            ptrs = tuple(i * elem.size + p for i in range(n) for p in elem.ptrs)
        return Layout(
            elem.size * n,
            elem.align,
            "array",
            name or f"[{n}]{elem.name}",
            elem=elem,
            length=n,
            ptrs=ptrs,
        )

    def struct(
        self, members: Sequence[tuple[str, Layout, bool]], name: str = "struct{...}"
    ) -> Layout:
        """Lay out fields ``(name, layout, embedded)`` in order."""
        offset = 0
        align = 1
        fields = []
        ptrs: list[int] = []
        for fname, lay, embedded in members:
            offset = _round(offset, lay.align)
            fields.append(Field(fname, offset, lay, embedded))
            ptrs += [offset + p for p in lay.ptrs]
            offset += lay.size
            align = max(align, lay.align)
        if offset > 0 and fields and fields[-1].layout.size == 0:
            offset += 1  # a pointer to the last field must not point past the object
        return Layout(
            _round(offset, align),
            align,
            "struct",
            name,
            tuple(fields),
            ptrs=tuple(ptrs),
        )

    def deref(self, layout: Layout) -> Layout:
        """The pointee of a pointer, or the element of a slice."""
        target = layout.target
        if target is None:
            raise Unknown(f"{layout.name}: element type not known")
        if target.expr:
            return self.type_of(target.node, target.file)
        return self.of_type(target.node, target.file)

    def _struct(self, node: Node, file: GoFile) -> Layout:
        members: list[tuple[str, Layout, bool]] = []
        for decl in _field_decls(node):
            ftype = decl.child_by_field_name("type")
            lay = self.of_type(ftype, file)
            names = _names(decl)
            if names:
                members += [(text(n), lay, False) for n in names]
            else:
                members.append((_embedded_name(ftype), lay, True))
        return self.struct(members, _short(text(node)))

    def _ident_type(self, node: Node, file: GoFile) -> Layout:
        name = text(node)
        local = _local_type(node)
        if local is not None:
            if local == "param":
                raise Unknown(f"{name} is a type parameter")
            return _renamed(self.of_type(local.child_by_field_name("type"), file), name)
        if self._decls.lookup(name).type is not None:
            return self.named(name)
        dot = [i.path for i in file.imports if i.name == "."]
        predeclared = self.predeclared(name)
        if predeclared is not None:
            return predeclared
        for path in dot:
            try:
                return self._std_type(path, name)
            except Unknown:
                continue
        raise Unknown(f"type {name} is not declared in the package")

    def predeclared(self, name: str) -> Layout | None:
        a = self.arch
        if name in _INT_TYPES:
            kind, size = _INT_TYPES[name]
            return Layout(size, min(size, a.reg), kind, name)
        if name in ("int", "uint", "uintptr"):
            return Layout(a.ptr, a.ptr, "uint" if name != "int" else "int", name)
        if name == "bool":
            return Layout(1, 1, "bool", name)
        if name == "float32":
            return Layout(4, 4, "float", name)
        if name == "float64":
            return Layout(8, a.reg, "float", name)
        if name == "complex64":
            return Layout(8, 4, "complex", name)
        if name == "complex128":
            return Layout(16, a.reg, "complex", name)
        if name == "string":
            return Layout(2 * a.ptr, a.ptr, "string", name, ptrs=(0,))
        if name == "any":
            return Layout(2 * a.ptr, a.ptr, "eface", name, ptrs=(0, a.ptr))
        if name == "error":
            return Layout(2 * a.ptr, a.ptr, "iface", name, ptrs=(0, a.ptr))
        return None

    def _qualified(self, node: Node, file: GoFile) -> Layout:
        if node.type == "qualified_type":
            pkg, name = (
                node.child_by_field_name("package"),
                node.child_by_field_name("name"),
            )
        else:
            pkg, name = (
                node.child_by_field_name("operand"),
                node.child_by_field_name("field"),
            )
        if (
            pkg is None
            or name is None
            or pkg.type not in ("package_identifier", "identifier")
        ):
            raise Unknown(f"cannot lay out {text(node)}")
        path = file.resolve_package(pkg)
        if path is None:
            raise Unknown(f"{text(pkg)} is not an imported package")
        if path == "unsafe" and text(name) == "Pointer":
            a = self.arch
            return Layout(a.ptr, a.ptr, "unsafe.Pointer", "unsafe.Pointer", ptrs=(0,))
        return self._std_type(path, text(name))

    def _std_type(self, path: str, name: str) -> Layout:
        from goabilint.layout import runtime_types

        entry = runtime_types.lookup(self.ctx.go, self.ctx.goarch, f"{path}.{name}")
        if entry is None:
            raise Unknown(f"the layout of {path}.{name} is not known")
        return entry.layout(self.arch)

    # ---- constants ------------------------------------------------------

    def const_value(
        self, node: Node | None, file: GoFile, iota: int | None = None
    ) -> Const:
        """Evaluate an integer constant expression."""
        if node is None:
            raise Unknown("missing expression")
        t = node.type
        if t == "int_literal":
            return Const(_parse_int(text(node)))
        if t == "rune_literal":
            return Const(_parse_rune(text(node)))
        if t == "float_literal":
            v = float(text(node).replace("_", ""))
            if v != int(v):
                raise Unknown("not an integer")
            return Const(int(v))
        if (
            t in ("parenthesized_expression", "expression_list")
            and node.named_child_count == 1
        ):
            return self.const_value(node.named_children[0], file, iota)
        if t == "iota":
            if iota is None:
                raise Unknown("iota outside a constant declaration")
            return Const(iota)
        if t == "identifier":
            return self._const_ident(node, file)
        if t == "selector_expression":
            pkg = node.child_by_field_name("operand")
            member = text(node.child_by_field_name("field"))
            path = (
                file.resolve_package(pkg)
                if pkg is not None and pkg.type == "identifier"
                else None
            )
            if path is not None:
                return self._std_const(path, member)
            raise Unknown(f"cannot evaluate {text(node)}")
        if t == "unary_expression":
            x = self.const_value(node.child_by_field_name("operand"), file, iota)
            op = _op(node)
            if op == "-":
                return Const(-x.value, x.type)
            if op == "+":
                return x
            if op == "^":
                if x.type is not None and x.type.kind == "uint":
                    return Const(((1 << (8 * x.type.size)) - 1) ^ x.value, x.type)
                return Const(~x.value, x.type)
            raise Unknown(f"operator {op} is not integer arithmetic")
        if t == "binary_expression":
            return self._binary(node, file, iota)
        if t == "call_expression":
            return self._const_call(node, file, iota)
        raise Unknown(f"cannot evaluate {t}")

    def try_const(self, node: Node | None, file: GoFile) -> int | None:
        try:
            return self.const_value(node, file).value
        except Unknown:
            return None

    def _binary(self, node: Node, file: GoFile, iota: int | None) -> Const:
        op = _op(node)
        x = self.const_value(node.child_by_field_name("left"), file, iota)
        y = self.const_value(node.child_by_field_name("right"), file, iota)
        typ = x.type or y.type
        if op in ("<<", ">>"):
            typ = x.type
        a, b = x.value, y.value
        if op == "+":
            v = a + b
        elif op == "-":
            v = a - b
        elif op == "*":
            v = a * b
        elif op in ("/", "%"):
            if b == 0:
                raise Unknown("division by zero")
            q = abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)
            v = q if op == "/" else a - q * b
        elif op == "<<":
            if b < 0 or b > 1024:
                raise Unknown("shift count out of range")
            v = a << b
        elif op == ">>":
            if b < 0:
                raise Unknown("negative shift count")
            v = a >> b
        elif op == "&":
            v = a & b
        elif op == "|":
            v = a | b
        elif op == "^":
            v = a ^ b
        elif op == "&^":
            v = a & ~b
        else:
            raise Unknown(f"operator {op} is not integer arithmetic")
        if typ is not None and typ.kind == "uint" and op in ("<<",):
            v &= (1 << (8 * typ.size)) - 1
        return Const(v, typ)

    def _const_call(self, node: Node, file: GoFile, iota: int | None) -> Const:
        fn = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        argv = [
            c
            for c in (args.named_children if args is not None else [])
            if c.type != "comment"
        ]
        if fn is None:
            raise Unknown("not a call")
        if fn.type == "selector_expression" and text(
            fn.child_by_field_name("field")
        ) in (
            "Sizeof",
            "Alignof",
            "Offsetof",
        ):
            operand = fn.child_by_field_name("operand")
            if (
                operand is not None
                and operand.type == "identifier"
                and file.resolve_package(operand) == "unsafe"
            ):
                if len(argv) != 1:
                    raise Unknown("wrong argument count")
                return self._unsafe(
                    text(fn.child_by_field_name("field")), argv[0], file
                )
        builtin_len = fn.type == "identifier" and text(fn) in ("len", "cap")
        if builtin_len and len(argv) == 1 and _local_value(fn) is None:
            lay = self.type_of(argv[0], file)
            if lay.kind == "array":
                return Const(lay.length)
            raise Unknown(f"{text(fn)} of a non-array is not constant")
        # A conversion: T(x) with T an integer type.
        if len(argv) == 1:
            try:
                typ = self.of_type(fn, file)
            except Unknown:
                raise Unknown(f"cannot evaluate the call {text(fn)}(...)") from None
            if typ.kind not in ("int", "uint"):
                raise Unknown(f"conversion to {typ.name} is not an integer")
            return Const(self.const_value(argv[0], file, iota).value, typ)
        raise Unknown(f"cannot evaluate the call {text(fn)}(...)")

    def _unsafe(self, what: str, arg: Node, file: GoFile) -> Const:
        uintptr = self.predeclared("uintptr")
        if what == "Offsetof":
            while arg.type == "parenthesized_expression":
                arg = arg.named_children[0]
            if arg.type != "selector_expression":
                raise Unknown("Offsetof needs a selector")
            base = self.type_of(arg.child_by_field_name("operand"), file)
            if base.kind == "pointer":
                base = self.deref(base)
            path = _field_path(base, text(arg.child_by_field_name("field")))
            if path is None:
                raise Unknown(
                    f"no field {text(arg.child_by_field_name('field'))} in {base.name}"
                )
            if any(f.layout.kind == "pointer" for f in path[:-1]):
                raise Unknown("Offsetof through an embedded pointer")
            return Const(sum(f.offset for f in path), uintptr)
        lay = self.type_of(arg, file)
        return Const(lay.size if what == "Sizeof" else lay.align, uintptr)

    def _const_ident(self, node: Node, file: GoFile) -> Const:
        name = text(node)
        local = syntax.find_local_declaration(node)
        if local is not None:
            if local.node.type == "const_spec":
                spec = local.node
                iota, idx = _local_iota(spec, name)
                return self._eval_spec(spec, iota, idx, file)
            raise Unknown(f"{name} is a variable")
        key = name
        hit = self._const_cache.get(key)
        if isinstance(hit, Const):
            return hit
        if isinstance(hit, Unknown):
            raise hit
        decl = self._decls.lookup(name).const
        if decl is None:
            if name in ("true", "false", "nil"):
                raise Unknown(f"{name} is not an integer")
            raise Unknown(f"no constant {name} in the package")
        spec, iota, f, position = decl
        if key in self._resolving:
            raise Unknown(f"constant {name} refers to itself")
        self._resolving.add(key)
        try:
            value = self._eval_spec(spec, iota, position, f)
        except Unknown as e:
            self._const_cache[key] = e
            raise
        finally:
            self._resolving.discard(key)
        self._const_cache[key] = value
        return value

    def _eval_spec(self, spec: Node, iota: int, idx: int, file: GoFile) -> Const:
        """Evaluate name ``idx`` of a const spec, repeating the last
        explicit expression list of its group if the spec has none."""
        source = spec
        while source is not None and source.child_by_field_name("value") is None:
            source = source.prev_named_sibling
            while source is not None and source.type != "const_spec":
                source = source.prev_named_sibling
        if source is None:
            raise Unknown("constant without a value")
        values = [
            v
            for v in source.child_by_field_name("value").named_children
            if v.type != "comment"
        ]
        if idx >= len(values):
            raise Unknown("constant without a value")
        value = self.const_value(values[idx], file, iota)
        tnode = source.child_by_field_name("type")
        if tnode is not None:
            typ = self.of_type(tnode, file)
            if typ.kind not in ("int", "uint"):
                raise Unknown(f"constant of type {typ.name}")
            value = Const(value.value, typ)
        return value

    def _std_const(self, path: str, name: str) -> Const:
        if (path, name) in _STD_CONSTS:
            return Const(_STD_CONSTS[(path, name)])
        if (path, name) in (("math/bits", "UintSize"), ("strconv", "IntSize")):
            return Const(8 * self.arch.ptr)
        if path == "math" and name in ("MaxInt", "MaxUint", "MinInt"):
            bits = 8 * self.arch.ptr
            return Const(
                {
                    "MaxInt": (1 << (bits - 1)) - 1,
                    "MaxUint": (1 << bits) - 1,
                    "MinInt": -(1 << (bits - 1)),
                }[name]
            )
        raise Unknown(f"the value of {path}.{name} is not known")

    # ---- expression types ---------------------------------------------

    def type_of(self, node: Node, file: GoFile) -> Layout:
        """The layout of the type of expression ``node`` (for Sizeof)."""
        t = node.type
        if t == "parenthesized_expression":
            return self.type_of(node.named_children[0], file)
        if t == "composite_literal":
            tnode = node.child_by_field_name("type")
            if tnode is not None and tnode.type == "implicit_length_array_type":
                body = node.child_by_field_name("body")
                n = sum(
                    1
                    for c in body.named_children
                    if c.type in ("literal_element", "keyed_element")
                )
                if any(c.type == "keyed_element" for c in body.named_children):
                    raise Unknown("keyed [...] array literal")
                return self.array(
                    self.of_type(tnode.child_by_field_name("element"), file), n
                )
            return self.of_type(tnode, file)
        if t == "identifier":
            return self._var_type(node, file)
        if t == "unary_expression":
            op = _op(node)
            operand = node.child_by_field_name("operand")
            if op == "&":
                a = self.arch
                return Layout(
                    a.ptr,
                    a.ptr,
                    "pointer",
                    "*",
                    ptrs=(0,),
                    target=Target(operand, file, True),
                )
            if op == "*":
                return self.deref(self.type_of(operand, file))
            if op in ("-", "+", "^"):
                return self.type_of(operand, file)
        if t == "selector_expression":
            operand = node.child_by_field_name("operand")
            name = text(node.child_by_field_name("field"))
            if (
                operand.type == "identifier"
                and file.resolve_package(operand) is not None
            ):
                raise Unknown(f"type of {text(node)} is not known")
            base = self.type_of(operand, file)
            if base.kind == "pointer":
                base = self.deref(base)
            path = _field_path(base, name)
            if path is None:
                raise Unknown(f"no field {name} in {base.name}")
            return path[-1].layout
        if t == "index_expression":
            base = self.type_of(node.child_by_field_name("operand"), file)
            if base.kind == "pointer":
                base = self.deref(base)
            if base.kind == "array" and base.elem is not None:
                return base.elem
            if base.kind == "slice":
                return self.deref(base)
            if base.kind == "string":
                return self.predeclared("byte")
            raise Unknown(f"cannot index {base.name}")
        if t == "call_expression":
            fn = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            argv = args.named_children if args is not None else []
            if fn.type == "identifier" and text(fn) == "new" and len(argv) == 1:
                a = self.arch
                return Layout(
                    a.ptr,
                    a.ptr,
                    "pointer",
                    "*" + text(argv[0]),
                    ptrs=(0,),
                    target=Target(argv[0], file),
                )
            if len(argv) == 1:
                return self.of_type(fn, file)  # a conversion
            raise Unknown(f"type of {text(fn)}(...) is not known")
        if t in ("int_literal", "rune_literal"):
            return self.predeclared("int" if t == "int_literal" else "rune")
        if t == "float_literal":
            return self.predeclared("float64")
        if t in ("interpreted_string_literal", "raw_string_literal"):
            return self.predeclared("string")
        if t in ("true", "false"):
            return self.predeclared("bool")
        raise Unknown(f"type of {t} is not known")

    def _var_type(self, node: Node, file: GoFile) -> Layout:
        name = text(node)
        local = syntax.find_local_declaration(node)
        if local is not None:
            if local.type is not None:
                lay = self.of_type(local.type, file)
                if local.node.type == "variadic_parameter_declaration":
                    a = self.arch
                    return Layout(
                        3 * a.ptr,
                        a.ptr,
                        "slice",
                        "[]" + lay.name,
                        ptrs=(0,),
                        target=Target(local.type, file),
                    )
                return lay
            if local.value is not None:
                return self.type_of(local.value, file)
            raise Unknown(f"type of {name} is not known")
        decl = self._decls.lookup(name).var
        if decl is not None:
            spec, idx, f = decl
            tnode = spec.child_by_field_name("type")
            if tnode is not None:
                return self.of_type(tnode, f)
            values = spec.child_by_field_name("value")
            if values is not None and idx < values.named_child_count:
                return self.type_of(values.named_children[idx], f)
        if self._decls.lookup(name).const is not None:
            c = self._const_ident(node, file)
            return c.type or self.predeclared("int")
        raise Unknown(f"type of {name} is not known")


def _renamed(layout: Layout, name: str) -> Layout:
    return Layout(
        layout.size,
        layout.align,
        layout.kind,
        name,
        layout.fields,
        layout.elem,
        layout.length,
        layout.ptrs,
        layout.target,
    )


def _field_path(layout: Layout, name: str) -> list[Field] | None:
    """The fields leading to ``name``, through embedded structs, breadth first."""
    level: list[tuple[Layout, list[Field]]] = [(layout, [])]
    seen = 0
    while level and seen < 8:
        seen += 1
        found = [
            path + [f] for lay, path in level for f in lay.fields if f.name == name
        ]
        if len(found) == 1:
            return found[0]
        if found:
            return None  # ambiguous selector
        nxt = []
        for lay, path in level:
            for f in lay.fields:
                if f.embedded and f.layout.kind == "struct":
                    nxt.append((f.layout, path + [f]))
        level = nxt
    return None


def _round(n: int, align: int) -> int:
    return (n + align - 1) // align * align


def _op(node: Node) -> str:
    op = node.child_by_field_name("operator")
    return text(op) if op is not None else ""


def _short(s: str) -> str:
    s = " ".join(s.split())
    return s if len(s) <= 40 else s[:37] + "..."


def _field_decls(struct: Node) -> Iterator[Node]:
    for c in struct.named_children:
        if c.type == "field_declaration_list":
            for d in c.named_children:
                if d.type == "field_declaration":
                    yield d


def _embedded_name(node: Node) -> str:
    while node.type in ("pointer_type", "generic_type", "parenthesized_type"):
        node = (
            node.child_by_field_name("type")
            if node.type == "generic_type"
            else node.named_children[-1]
        )
    if node.type == "qualified_type":
        return text(node.child_by_field_name("name"))
    return text(node)


def _name_index(spec: Node, name: str) -> int:
    for i, n in enumerate(_names(spec)):
        if text(n) == name:
            return i
    return 0


def _names(spec: Node) -> list[Node]:
    """The declared names of a spec (the field also holds the commas)."""
    return [n for n in spec.children_by_field_name("name") if n.is_named]


def _const_specs(root: Node) -> Iterator[tuple[Node, int, str, int]]:
    """``(spec, iota, name, index)`` for every package-level constant."""
    for decl in root.named_children:
        if decl.type != "const_declaration":
            continue
        iota = 0
        for spec in decl.named_children:
            if spec.type != "const_spec":
                continue
            for i, n in enumerate(_names(spec)):
                yield spec, iota, text(n), i
            iota += 1


def _local_iota(spec: Node, name: str) -> tuple[int, int]:
    iota = 0
    sib = spec.prev_named_sibling
    while sib is not None:
        if sib.type == "const_spec":
            iota += 1
        sib = sib.prev_named_sibling
    return iota, _name_index(spec, name)


def _local_type(node: Node) -> Node | str | None:
    """A function-local type spec named like ``node``, ``"param"`` for a
    type parameter, or None."""
    decl = syntax.find_local_declaration(node)
    if decl is None:
        return None
    if decl.node.type == "type_spec" or decl.node.type == "type_alias":
        return decl.node
    if decl.node.type == "type_parameter_declaration":
        return "param"
    return None


def _local_value(node: Node) -> Node | None:
    decl = syntax.find_local_declaration(node)
    return decl.node if decl is not None else None


_INT_RE = re.compile(r"^0[0-7]+$")


def _parse_int(s: str) -> int:
    s = s.replace("_", "")
    if _INT_RE.match(s):
        return int(s, 8)
    return int(s, 0)


_ESCAPES = {
    "a": 7,
    "b": 8,
    "f": 12,
    "n": 10,
    "r": 13,
    "t": 9,
    "v": 11,
    "\\": 92,
    "'": 39,
    '"': 34,
}


def _parse_rune(s: str) -> int:
    body = s[1:-1]
    if not body.startswith("\\"):
        return ord(body)
    c = body[1:2]
    if c in _ESCAPES:
        return _ESCAPES[c]
    if c in ("x", "u", "U"):
        return int("0x" + body[2:], 0)
    if c.isdigit():
        return int(body[1:], 8)
    raise Unknown(f"rune literal {s}")
