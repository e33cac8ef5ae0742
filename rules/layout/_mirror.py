"""Runtime mirrors and layout assertions, shared by LAY003, LAY004, LAY005.

A *mirror* is a struct a package declares to read or exchange a runtime
object whose type it cannot import. Mirrors are found three ways:

- a ``//goabilint:mirror importpath.Type`` comment above the type;
- a pulled runtime function (``//go:linkname f runtime.mapiterinit``)
  whose declaration, or a call of it, passes a local struct where the
  real function takes a runtime type: the struct is *exchanged* with the
  runtime, which reads and writes every real field;
- a well-known name (``eface``, ``hiter``, ``rtype``, ...) whose fields
  are named like the real type's.

An *assertion* is a compile-time check on ``unsafe.Sizeof``/``Offsetof``:
``[1]struct{}{}[A - B]`` (fails unless A == B), ``[A - B]byte`` and
``uint(A - B)`` constants (fail only when A < B, one-sided).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from goabilint_rules.layout._unsafe import arguments, strip, unsafe_call

from goabilint import syntax
from goabilint.constraints import BuildContext, GoVersion
from goabilint.layout import runtime_types
from goabilint.layout.calc import Calculator, Layout
from goabilint.prefilter import Needles
from goabilint.source import (
    GOES_ON,
    GoFile,
    Package,
    directive_fields,
    remember,
    spelling,
    statement_end,
)
from goabilint.syntax import Node, captured, text

__all__ = [
    "Guard",
    "Mirror",
    "allocates",
    "compare",
    "defines_real_types",
    "find_guards",
    "find_mirrors",
    "full_line_comments",
    "known_anywhere",
    "may_hold_difference_guard",
    "module_files",
    "pointer_casts",
    "real_entry",
    "reported_types",
    "spelling_cast",
    "used_fields",
]

# Real types whose name changed between releases: the candidates, first
# existing one wins in a release's table.
REAL_CANDIDATES = {
    "runtime._type": ("internal/abi.Type",),
    "reflect.rtype": ("internal/abi.Type",),
    "runtime.itab": ("runtime.itab", "internal/abi.ITab"),
    "runtime.maptype": ("internal/abi.SwissMapType", "internal/abi.MapType"),
    "runtime.hmap": ("runtime.hmap", "internal/runtime/maps.Map"),
    "runtime.hiter": ("runtime.hiter", "runtime.linknameIter"),
    "reflect.hiter": ("reflect.hiter", "runtime.linknameIter"),
}

# Well-known mirror names (as the runtime and reflect spell them) and the
# real type each stands for.
WELL_KNOWN = {
    "eface": "runtime.eface",
    "emptyInterface": "runtime.eface",
    "iface": "runtime.iface",
    "nonEmptyInterface": "runtime.iface",
    "hmap": "runtime.hmap",
    "hiter": "runtime.hiter",
    "_type": "runtime._type",
    "rtype": "runtime._type",
    "slice": "runtime.slice",
    "stringStruct": "runtime.stringStruct",
    "itab": "runtime.itab",
    "maptype": "runtime.maptype",
    "funcval": "runtime.funcval",
}

# Field-name spellings that mean the same thing in mirrors.
_SYNONYMS = {
    "typ": "type",
    "rtype": "type",
    "t": "type",
    "word": "data",
    "ptr": "data",
    "array": "data",
    "value": "elem",
    "val": "elem",
    "itab": "tab",
    "fn": "fun",
    "hash0": "seed",
}

_DIRECTIVE = re.compile(r"^//goabilint:mirror\s+(\S+)")


@dataclass
class Mirror:
    """A local struct that stands for a runtime type."""

    name: str
    spec: Node
    file: GoFile
    real: str | None  # the real type's name, for directive and name mirrors
    how: str  # "directive", "linkname", "name" or "cast"
    exchanged: bool = False
    func: str | None = None  # the pulled function, for linkname mirrors
    param: int = 0

    def real_names(self, version: GoVersion, goarch: str) -> list[str]:
        """Candidate names of the real type in ``version``'s tables."""
        if self.func is not None:
            params = runtime_types.params(version, goarch, self.func)
            inputs = [p for p in params or () if not p.result]
            if self.param >= len(inputs):
                return []
            return [inputs[self.param].type.removeprefix("*")]
        assert self.real is not None
        return list(REAL_CANDIDATES.get(self.real, (self.real,)))


def real_entry(
    mirror: Mirror, version: GoVersion, goarch: str
) -> runtime_types.TypeEntry | None:
    for name in mirror.real_names(version, goarch):
        entry = runtime_types.lookup(version, goarch, name)
        if entry is not None:
            return entry
    return None


def is_the_real_type(path: str | None, name: str, real: str) -> bool:
    """Whether ``path.name`` is ``real`` (or one of its release names)."""
    if path is None:
        return False
    full = f"{path}.{name}"
    return full == real or full in REAL_CANDIDATES.get(real, ())


@functools.cache
def known_anywhere(name: str) -> bool:
    """Whether some release's table describes ``name`` (or a successor)."""
    names = REAL_CANDIDATES.get(name, (name,))
    for v in runtime_types.available_versions():
        table = runtime_types.load(v)
        for arch in table.arches.values():
            if any(n in arch.types for n in names):
                return True
    return False


# ---- discovery ----------------------------------------------------------


def defines_real_types(path: str | None) -> bool:
    """Whether package ``path`` defines the types the tables describe:
    its structs are the real layouts, not mirrors of them."""
    return path in ("runtime", "internal/abi") or (path or "").startswith(
        "internal/runtime/"
    )


def reported_types(package: Package, files: list[GoFile]) -> set[str] | None:
    """The types declared by the files findings are kept in, when only
    some files are (as pre-commit names them): mirrors are reported where
    they are declared, so the others need not be found. None: all files."""
    if package.reported is None:
        return None
    return {
        d.name
        for f in files
        if package.reports_on(f) and b"type" in f.data
        for d in f.decls
        if d.kind == "type"
    }


def find_mirrors(
    calc: Calculator,
    files: list[GoFile],
    others: list[GoFile] = (),  # type: ignore[assignment]
    only: set[str] | None = None,
) -> list[Mirror]:
    """Every mirror among the package types ``calc`` sees; ``others`` are
    the module's other files built in the same context. With ``only``,
    the mirrors of those names (found from the same evidence, but without
    looking for the others' names and views)."""
    if (only is not None and not only) or defines_real_types(calc.path):
        return []
    # A view cast to one of ``only``, (*T)(...), spells its name.
    cast_files = files if only is None else spelling_cast(files, only)
    found: dict[str, Mirror] = {}
    for m in _linkname_mirrors(calc, files):
        if m.name in found:
            continue
        # The runtime writes into a mirror only if the module allocates
        # one; a pointer cast from a runtime object is a view of it.
        if only is None or m.name in only:
            m.exchanged = allocates(files, m.name, others, calc.path)
        found[m.name] = m
    for m in _directive_mirrors(calc, files):
        found[m.name] = m  # an explicit statement wins
    # Only well-known names can be mirrors by name: look those up, rather
    # than every type of the package (which reads every file). One not in
    # ``only`` matters as what a view of ``only`` is cast from.
    for name in WELL_KNOWN:
        if name in found or (only is not None and name not in only and not cast_files):
            continue
        if not _struct_spelled(calc, files, name):
            continue
        m = _named_mirror(calc, name)
        if m is not None:
            found[name] = m
    for m in _cast_mirrors(calc, cast_files, found):
        found.setdefault(m.name, m)
    return [m for m in found.values() if only is None or m.name in only]


def spelling_cast(files: list[GoFile], names: set[str]) -> list[GoFile]:
    """The files that may convert a pointer to one of ``names``:
    ``(*T)(unsafe.Pointer(...))`` (or a dot import's ``Pointer``), with
    blanks or ``/* */`` comments between the tokens and parentheses around
    the argument."""
    gap = rb"(?:\s|/\*(?:[^*]|\*(?!/))*\*/)*"
    names_rx = b"|".join(re.escape(n.encode()) for n in sorted(names))
    pattern = re.compile(
        rb"\("
        + gap
        + rb"\*"
        + gap
        + rb"(?:"
        + names_rx
        + rb")"
        + gap
        + rb"\)(?:\s|\(|/\*(?:[^*]|\*(?!/))*\*/)*(?:[\w\x80-\xff]+"
        + gap
        + rb"\."
        + gap
        + rb")?Pointer\b"
    )
    return [f for f in files if pattern.search(f.data)]


def allocates(
    files: list[GoFile], name: str, others: list[GoFile] = (), path: str | None = None
) -> bool:  # type: ignore[assignment]
    """Whether the package, or another package of the module (``others``,
    for an exported type of package ``path``), makes values of type
    ``name``: a composite literal, ``new``, a variable, field or element."""
    for f in files:
        if name.encode() in f.data and _allocates_in(f, {name}):
            return True
    if not name[:1].isupper() or path is None:
        return False
    for f in others:
        owners = {f"{i}.{name}" for i in f.import_names(path)}
        if owners and name.encode() in f.data and _allocates_in(f, owners):
            return True
    return False


def _allocates_in(f: GoFile, owners: set[str]) -> bool:
    for node in f.query("[(type_identifier) (qualified_type)] @t", "t"):
        if "".join(text(node).split()) not in owners:
            continue
        parent = node.parent
        if parent is None:
            continue
        if parent.type == "composite_literal":
            return True
        if (
            parent.type in ("var_spec", "field_declaration")
            and parent.child_by_field_name("type") == node
        ):
            return True
        if parent.type == "array_type":
            return True
    for call in f.query("(call_expression function: (identifier) @fn) @c", "c"):
        if text(call.child_by_field_name("function")) == "new":
            args = arguments(call)
            if len(args) == 1 and "".join(text(args[0]).split()) in owners:
                return True
    return False


def pointer_casts(f: GoFile) -> Iterator[tuple[Node, Node]]:
    """``(call, T)`` for each conversion ``(*T)(x)`` in ``f``."""
    for call in f.query(
        "(call_expression function: (parenthesized_expression) @fn) @c", "c"
    ):
        fn = strip(call.child_by_field_name("function"))
        if (
            fn.type == "unary_expression"
            and text(fn.child_by_field_name("operator")) == "*"
        ):
            yield call, fn.child_by_field_name("operand")


def _cast_mirrors(
    calc: Calculator, files: list[GoFile], found: dict[str, Mirror]
) -> Iterator[Mirror]:
    """Structs that a mirror's pointer is converted to: ``(*V)(unsafe.Pointer(m))``
    with ``m`` a ``*M`` for a mirror ``M`` views the same runtime object."""
    if not found:
        return  # nothing to view
    for f in files:
        if b"unsafe" not in f.data:
            continue  # no unsafe.Pointer to convert through
        for call, pointee in pointer_casts(f):
            target = text(pointee)
            if target in found or _local_struct(calc, pointee) is None:
                continue
            args = arguments(call)
            if len(args) != 1 or not unsafe_call(f, strip(args[0]), "Pointer"):
                continue
            inner = arguments(strip(args[0]))
            if len(inner) != 1:
                continue
            source = _pointee_name(inner[0])
            if source not in found:
                # e.field, or a variable whose type comes from its value
                source = _operand_type(calc, inner[0])
            origin = found.get(source) if source is not None else None
            if origin is None:
                continue
            spec, owner = calc.type_decl(target)  # type: ignore[misc]
            if _extends(spec, source):
                # A larger kind-specific type (a map type starts with the
                # Type it embeds): compared with the kind its name says.
                kind = _kind_of(target) if _is_type_descriptor(calc, origin) else None
                if kind is not None:
                    yield Mirror(target, spec, owner, kind, "cast")
                continue
            yield Mirror(
                target,
                spec,
                owner,
                origin.real,
                "cast",
                False,
                origin.func,
                origin.param,
            )


# Kind-specific type descriptors, by a word in the mirror's name.
_KINDS = (
    ("map", "runtime.maptype"),
    ("ptr", "internal/abi.PtrType"),
    ("pointer", "internal/abi.PtrType"),
    ("struct", "internal/abi.StructType"),
    ("slice", "internal/abi.SliceType"),
    ("array", "internal/abi.ArrayType"),
    ("chan", "internal/abi.ChanType"),
    ("func", "internal/abi.FuncType"),
    ("interface", "internal/abi.InterfaceType"),
    ("iface", "internal/abi.InterfaceType"),
)


def _kind_of(name: str) -> str | None:
    """The kind-specific descriptor a type named ``name`` stands for
    (``GoMapType``, ``ptrType``), if its name says one."""
    low = name.lower()
    kinds = {real for word, real in _KINDS if word in low}
    return kinds.pop() if len(kinds) == 1 else None


def _is_type_descriptor(calc: Calculator, mirror: Mirror) -> bool:
    """Whether ``mirror`` stands for ``internal/abi.Type`` in this build."""
    entry = real_entry(mirror, calc.ctx.go, calc.ctx.goarch)
    return entry is not None and entry.name == "internal/abi.Type"


def _extends(spec: Node, source: str) -> bool:
    """Whether a struct starts by embedding ``source``: a view of a larger
    object whose first part is the mirror it was cast from."""
    tnode = spec.child_by_field_name("type")
    first = (
        next(iter(captured("(field_declaration) @f", tnode, "f")), None)
        if tnode
        else None
    )
    if first is None or [n for n in first.children_by_field_name("name") if n.is_named]:
        return False
    return _base_name(first.child_by_field_name("type")) == source


def _pointee_name(expr: Node) -> str | None:
    """``T`` when ``expr`` is a variable declared as ``*T``."""
    expr = strip(expr)
    if expr.type != "identifier":
        return None
    decl = syntax.find_local_declaration(expr)
    if decl is None or decl.type is None or decl.type.type != "pointer_type":
        return None
    return text(decl.type.named_children[-1])


def used_fields(
    calc: Calculator,
    files: list[GoFile],
    name: str,
    fields: set[str],
    others: list[GoFile] = (),  # type: ignore[assignment]
) -> set[str]:
    """The fields of mirror ``name`` the package reads or writes.

    A selector ``x.f`` counts when ``x`` is known to be of type ``name`` or
    ``*name`` (see :func:`_operand_type`); a keyed literal ``name{f: v}``
    counts too. Fields of other types with the same name do not. ``others``
    are files of other packages of the module, built in the same context:
    there exported fields count only when ``x`` is known to be of type
    ``pkg.name`` (with ``pkg`` an import of the mirror's package).
    """
    out: set[str] = set()
    live = _Liveness(calc, files, others)
    embedders = _embedders(calc, name)
    for f in files:
        out |= _uses_in(calc, f, {name}, fields - out, live, embedders)
    exported = {f for f in fields if f[:1].isupper()} if name[:1].isupper() else set()
    # Iterating ``others`` reads the module: only when a use there counts.
    for f in others if exported - out else ():
        if not exported - out:
            break
        names = (
            {f"{i}.{name}" for i in f.import_names(calc.path or "")}
            if calc.path
            else set()
        )
        if names:
            out |= _uses_in(None, f, names, exported - out, None)
    return out


class _Liveness:
    """Whether a function of the package can run in this build: something
    built refers to it. A read in a function that nothing calls (its
    callers are all behind build constraints) cannot misbehave."""

    def __init__(self, calc: Calculator, files: list[GoFile], others: list[GoFile]):
        self.files = files
        self.others = others
        path = calc.path or ""
        # Exported names of a non-internal package may be used by anyone.
        self.public = not (
            path.startswith("internal/")
            or "/internal/" in path
            or path.endswith("/internal")
        )
        self.cache: dict[int, bool] = {}

    def __call__(self, use: Node) -> bool:
        fn = next(
            (
                a
                for a in syntax.ancestors(use)
                if a.type in ("function_declaration", "method_declaration")
            ),
            None,
        )
        if fn is None:
            return True  # package level: runs at init
        key = fn.start_byte
        if key not in self.cache:
            self.cache[key] = self._referenced(fn)
        return self.cache[key]

    def _referenced(self, fn: Node) -> bool:
        name_node = fn.child_by_field_name("name")
        name = text(name_node)
        if name in ("init", "main") or (name[:1].isupper() and self.public):
            return True
        pool = [*self.files, *self.others] if name[:1].isupper() else self.files
        needle = name.encode()
        for f in pool:
            if needle not in f.data:
                continue
            for ident in f.query("[(identifier) (field_identifier)] @i", "i"):
                if text(ident) == name and ident != name_node:
                    return True
        return False


def _embedders(calc: Calculator, name: str) -> dict[str, set[str]]:
    """Package structs that embed ``name`` (or ``*name``), directly or
    through one another, and the field names each declares itself: a
    selector ``x.f`` on one of them reads the mirror's promoted field ``f``
    unless such a name shadows it."""
    out: dict[str, set[str]] = {}
    frontier = {name: set()}  # type -> names declared on the path to it
    for _ in range(4):
        found: dict[str, set[str]] = {}
        # A struct that embeds one of the frontier spells its name.
        declared = {
            d.name
            for f in spelling(calc.files, frontier)
            for d in f.decls
            if d.kind == "type"
        }
        for t in sorted(declared):
            if t == name or t in out:
                continue
            decl = calc.type_decl(t)
            tnode = decl[0].child_by_field_name("type") if decl is not None else None
            if tnode is None or tnode.type != "struct_type":
                continue
            own: set[str] = set()
            via = None
            for fd in _direct_fields(tnode):
                names = [
                    text(n) for n in fd.children_by_field_name("name") if n.is_named
                ]
                if names:
                    own |= set(names)
                    continue
                base = _base_name(fd.child_by_field_name("type"))
                if base is None:
                    continue
                own.add(base.rsplit(".", 1)[-1])
                if base in frontier:
                    via = base
            if via is not None:
                found[t] = (own - {via}) | frontier[via]
        if not found:
            break
        out.update(found)
        frontier = found
    return out


def _direct_fields(struct_type: Node) -> list[Node]:
    """The field declarations of a struct type, not those of nested ones."""
    for child in struct_type.named_children:
        if child.type == "field_declaration_list":
            return [c for c in child.named_children if c.type == "field_declaration"]
    return []


def _uses_in(
    calc: Calculator | None,
    f: GoFile,
    owners: set[str],
    fields: set[str],
    live: _Liveness | None,
    embedders: dict[str, set[str]] | None = None,
) -> set[str]:
    out: set[str] = set()
    if not fields or not any(fld.encode() in f.data for fld in fields):
        return out
    embedders = embedders or {}
    # Selectors x.f and literals T{...}, reached from the bytes of the
    # field and type names rather than by visiting every one of the file.
    for field_name in sorted(fields):
        for node in f.word_nodes(field_name):
            sel = node.parent
            if (
                field_name in out
                or node.type != "field_identifier"
                or sel is None
                or sel.type != "selector_expression"
                or sel.child_by_field_name("field") != node
            ):
                continue
            owner = _operand_type(calc, sel.child_by_field_name("operand"))
            promoted = owner in embedders and field_name not in embedders[owner]
            if (owner in owners or promoted) and (live is None or live(sel)):
                out.add(field_name)
    for lit in _literals_of(f, owners):
        for key in captured(
            "(keyed_element . (literal_element (identifier) @k))", lit, "k"
        ):
            if text(key) in fields:
                out.add(text(key))
    return out


def _literals_of(f: GoFile, owners: set[str]) -> list[Node]:
    """The composite literals of ``f`` whose type is written as one of
    ``owners`` (``T`` or ``pkg.T``), in source order."""
    found: dict[int, Node] = {}
    for word in {o.rpartition(".")[2] for o in owners}:
        for node in f.word_nodes(word):
            lit = node
            for _ in range(3):  # T, pkg.T, T[...] up to the literal
                lit = lit.parent
                if lit is None or lit.type == "composite_literal":
                    break
            if lit is None or lit.type != "composite_literal":
                continue
            tnode = lit.child_by_field_name("type")
            if tnode is not None and text(tnode) in owners:
                found.setdefault(lit.start_byte, lit)
    return [found[k] for k in sorted(found)]


class LazyFiles:
    """Files made by ``load`` the first time they are iterated: most
    packages never look at the rest of their module (no mirror, or none
    exported), and reading it costs a pass over every file."""

    def __init__(self, load: Callable[[], list[GoFile]]):
        self._load = load
        self._files: list[GoFile] | None = None

    def __iter__(self) -> Iterator[GoFile]:
        if self._files is None:
            self._files = self._load()
        return iter(self._files)


def module_files(
    package_dir: Path, module_root: Path, ctx: BuildContext
) -> list[GoFile]:
    """The non-test Go files of the module's other packages that ``ctx``
    builds (read once per process; vendor, testdata and hidden directories
    are left out)."""
    by_dir = _built_module_files(module_root, ctx)
    return [f for d, files in by_dir.items() if d != package_dir for f in files]


@functools.lru_cache(maxsize=64)
def _built_module_files(root: Path, ctx: BuildContext) -> dict[Path, list[GoFile]]:
    # Every package of the module asks, once per context: filter once.
    out: dict[Path, list[GoFile]] = {}
    for f in _module_files(root):
        if f.built_for(ctx):
            out.setdefault(f.path.parent, []).append(f)
    return out


@functools.lru_cache(maxsize=8)
def _module_files(root: Path) -> list[GoFile]:
    out = []
    for path in sorted(root.rglob("*.go")):
        rel = path.relative_to(root).parts
        if any(p in ("vendor", "testdata") or p[:1] in (".", "_") for p in rel[:-1]):
            continue
        if path.name.endswith("_test.go"):
            continue
        if any(
            (root / Path(*rel[:i]) / "go.mod").exists() for i in range(1, len(rel) - 1)
        ):
            continue  # a nested module
        try:
            data = path.read_bytes()
        except OSError:
            continue
        out.append(GoFile(path, str(path), data))
    return out


def _operand_type(
    calc: Calculator | None, expr: Node | None, depth: int = 0
) -> str | None:
    """The named type (pointer stripped) of an operand, when it can be read
    from declarations: a variable's written type or initial value, a
    conversion, a composite literal, a field of a package struct, or the
    result of a package function; None when not known."""
    if expr is None or depth > 6:
        return None
    expr = strip(expr)
    if expr.type == "identifier":
        decl = syntax.find_local_declaration(expr)
        if decl is not None:
            written = decl.type
        else:
            written = calc.var_type(text(expr)) if calc is not None else None
        if written is not None:
            return _base_name(written)
        if decl is not None and decl.value is not None:
            return _operand_type(calc, decl.value, depth + 1)
        return None
    if expr.type == "call_expression":
        fn = strip(expr.child_by_field_name("function"))
        if (
            fn.type == "unary_expression"
            and text(fn.child_by_field_name("operator")) == "*"
        ):
            return _base_name(fn.child_by_field_name("operand"))
        if fn.type == "identifier" and calc is not None:
            return _result_type(calc, text(fn))
        return None
    if expr.type == "unary_expression" and text(
        expr.child_by_field_name("operator")
    ) in ("&", "*"):
        return _operand_type(calc, expr.child_by_field_name("operand"), depth + 1)
    if expr.type == "composite_literal":
        return _base_name(expr.child_by_field_name("type"))
    if expr.type == "selector_expression" and calc is not None:
        owner = _operand_type(calc, expr.child_by_field_name("operand"), depth + 1)
        return _field_type(calc, owner, text(expr.child_by_field_name("field")))
    return None


def _result_type(calc: Calculator, func: str) -> str | None:
    for f in calc.files:
        for d in f.decls:
            if d.kind == "func" and d.name == func:
                result = d.node.child_by_field_name("result")
                if result is not None and result.type != "parameter_list":
                    return _base_name(result)
                return None
    return None


def _field_type(calc: Calculator, owner: str | None, name: str) -> str | None:
    """The type name of field ``name`` of package struct ``owner``."""
    ftype = _field_type_node(calc, owner, name)
    return _base_name(ftype) if ftype is not None else None


def _field_type_node(calc: Calculator, owner: str | None, name: str) -> Node | None:
    """The declared type of field ``name`` of package struct ``owner``."""
    if owner is None:
        return None
    decl = calc.type_decl(owner)
    if decl is None:
        return None
    tnode = decl[0].child_by_field_name("type")
    if tnode is None or tnode.type != "struct_type":
        return None
    for fd in captured("(field_declaration) @f", tnode, "f"):
        names = [text(n) for n in fd.children_by_field_name("name") if n.is_named]
        ftype = fd.child_by_field_name("type")
        if name in names or (not names and _base_name(ftype) == name):
            return ftype
    return None


def _base_name(tnode: Node | None) -> str | None:
    while tnode is not None and (
        tnode.type in ("pointer_type", "parenthesized_type", "parenthesized_expression")
        or (
            tnode.type == "unary_expression"
            and text(tnode.child_by_field_name("operator")) == "*"
        )
    ):
        tnode = tnode.named_children[-1]
    if tnode is None:
        return None
    if tnode.type in ("type_identifier", "identifier"):
        return text(tnode)
    if tnode.type in ("qualified_type", "selector_expression"):
        return "".join(text(tnode).split())  # pkg.T
    return "?" + text(tnode)  # some other type: not the mirror


def _directive_mirrors(calc: Calculator, files: list[GoFile]) -> Iterator[Mirror]:
    for f in files:
        if b"goabilint:mirror" not in f.data:
            continue
        comment_lines = full_line_comments(f)
        for c in f.comments:
            m = _DIRECTIVE.match(c.text)
            if not m:
                continue
            spec = _type_spec_after(f, c.line, comment_lines)
            if spec is not None:
                name = text(spec.child_by_field_name("name"))
                yield Mirror(name, spec, f, m.group(1), "directive")


def full_line_comments(f: GoFile) -> set[int]:
    """Lines holding nothing but a comment."""
    out = set()
    for c in f.comments:
        col = c.node.start_point[1]
        if not f.lines.line_bytes(c.line)[:col].strip():
            out.add(c.line)
    return out


def _type_spec_after(f: GoFile, line: int, comment_lines: set[int]) -> Node | None:
    """The type spec that the comment block holding ``line`` documents."""
    target = line + 1
    while target in comment_lines:
        target += 1
    for spec in f.query("(type_spec) @s", "s"):
        row = spec.start_point[0] + 1
        parent = spec.parent
        if row == target or (
            parent is not None
            and parent.type == "type_declaration"
            and parent.start_point[0] + 1 == target
        ):
            return spec
    return None


def _struct_spelled(calc: Calculator, files: list[GoFile], name: str) -> bool:
    """Whether some file's bytes may declare well-known ``name`` as a struct
    type: a cheap test before asking the calculator, which parses every
    file that mentions the name (``slice`` is in many). Answered once per
    set of files, for every build context that builds the same ones."""
    spelled = remember(
        calc.memo if calc.memo is not None else {},
        ("structs-spelled", tuple(id(f) for f in files)),
        lambda: frozenset().union(*map(_structs_spelled_in, files)),
    )
    return name in spelled


_WELL_KNOWN_NEEDLES = Needles(n.encode() for n in WELL_KNOWN)


def _structs_spelled_in(f: GoFile) -> frozenset[str]:
    """The well-known names the file's bytes spell followed by ``struct``."""
    return f.shared(
        "well-known-structs",
        lambda: frozenset(
            raw.decode()
            for raw in _WELL_KNOWN_NEEDLES.present(f.data)
            if _struct_decl(raw).search(f.data)
        ),
    )


@functools.cache
def _struct_decl(raw: bytes) -> re.Pattern[bytes]:
    return re.compile(re.escape(raw) + rb"[ \t]+struct\b")


def _named_mirror(calc: Calculator, name: str) -> Mirror | None:
    real = WELL_KNOWN.get(name)
    if real is None:
        return None
    if is_the_real_type(calc.path, name, real):
        return None  # the definition itself, not a mirror of it
    decl = calc.type_decl(name)
    if decl is None or decl[0].type != "type_spec":
        return None
    spec, f = decl
    tnode = spec.child_by_field_name("type")
    if tnode is None or tnode.type != "struct_type":
        return None
    names = [
        text(n)
        for n in captured("(field_declaration name: (field_identifier) @n)", tnode, "n")
    ]
    if not names or not _names_match(names, real):
        return None
    return Mirror(name, spec, f, real, "name")


def _norm(name: str) -> str:
    n = name.lower().lstrip("_")
    return _SYNONYMS.get(n, n)


def _names_match(names: list[str], real: str) -> bool:
    """At least half the fields, and two (or all, for fewer), are named like
    fields of the real type in some release."""
    real_names: set[str] = set()
    for v in runtime_types.available_versions():
        for arch in ("amd64",):
            for candidate in REAL_CANDIDATES.get(real, (real,)):
                entry = runtime_types.lookup(v, arch, candidate)
                if entry is not None:
                    real_names |= {_norm(f.name) for f in entry.fields}
    hits = sum(1 for n in names if _norm(n) in real_names)
    return hits * 2 >= len(names) and hits >= min(2, len(names))


def _linkname_mirrors(calc: Calculator, files: list[GoFile]) -> Iterator[Mirror]:
    pulls: dict[str, str] = {}
    for f in files:
        if b"go:linkname" not in f.data or not _may_pull_known(f.data):
            continue  # no directive to read: skip the parse
        for d in f.directives:
            if d.name == "linkname" and len(d.args) == 2 and _known_func(d.args[1]):
                pulls[d.args[0]] = d.args[1]
    if not pulls:
        return
    decls: dict[str, tuple[Node, GoFile]] = {}
    for f in spelling(files, pulls):
        for d in f.decls:
            if (
                d.kind == "func"
                and d.name in pulls
                and d.node.child_by_field_name("body") is None
            ):
                decls[d.name] = (d.node, f)
    for local, (decl, f) in decls.items():
        params = _flat_params(decl)
        for i, tnode in enumerate(params):
            name = _local_struct(calc, tnode)
            if name is not None:
                yield _exchanged(calc, name, pulls[local], i)
    # Mirrors handed over as unsafe.Pointer at call sites.
    for f in spelling(files, decls):
        for call in f.query("(call_expression function: (identifier) @fn) @c", "c"):
            fn = text(call.child_by_field_name("function"))
            if fn not in decls:
                continue
            params = _flat_params(decls[fn][0])
            for i, arg in enumerate(arguments(call)):
                if i < len(params) and f.refers_to(params[i], "unsafe", "Pointer"):
                    name = _struct_behind(calc, arg, f)
                    if name is not None:
                        yield _exchanged(calc, name, pulls[fn], i)


# Where a //go:linkname comment may start, to the end of its line.
_LINKNAME_COMMENT = re.compile(rb"//go:linkname[^\n]*")


def _may_pull_known(data: bytes) -> bool:
    """Whether the bytes hold a two-argument //go:linkname line pulling a
    function of the tables, read as :attr:`GoFile.directives` would read
    it; a match in a string or a block comment only costs a parse."""
    for m in _LINKNAME_COMMENT.finditer(data):
        _, args = directive_fields(m.group(0).decode("utf-8", "replace"))
        if len(args) == 2 and _known_func(args[1]):
            return True
    return False


def _exchanged(calc: Calculator, name: str, func: str, param: int) -> Mirror:
    spec, f = calc.type_decl(name)  # type: ignore[misc]
    return Mirror(name, spec, f, None, "linkname", True, func, param)


@functools.cache
def _known_func(name: str) -> bool:
    for v in runtime_types.available_versions():
        if runtime_types.params(v, "amd64", name) is not None:
            return True
    return False


def _flat_params(decl: Node) -> list[Node]:
    out: list[Node] = []
    params = decl.child_by_field_name("parameters")
    for p in params.named_children if params is not None else []:
        if p.type not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        names = [n for n in p.children_by_field_name("name") if n.is_named]
        out += [p.child_by_field_name("type")] * max(1, len(names))
    return out


def _local_struct(calc: Calculator, tnode: Node | None) -> str | None:
    """``T`` for a parameter type ``*T`` or ``T`` naming a package struct."""
    if tnode is None:
        return None
    if tnode.type == "pointer_type":
        tnode = tnode.named_children[-1]
    if tnode.type not in ("type_identifier", "identifier"):
        return None
    decl = calc.type_decl(text(tnode))
    if decl is None or decl[0].type != "type_spec":
        return None
    inner = decl[0].child_by_field_name("type")
    return text(tnode) if inner is not None and inner.type == "struct_type" else None


def _struct_behind(calc: Calculator, arg: Node, f: GoFile) -> str | None:
    """The package struct an ``unsafe.Pointer(&x)`` argument points at."""
    arg = strip(arg)
    if unsafe_call(f, arg, "Pointer"):
        inner = arguments(arg)
        if len(inner) != 1:
            return None
        arg = strip(inner[0])
    pointer = False
    if (
        arg.type == "unary_expression"
        and text(arg.child_by_field_name("operator")) == "&"
    ):
        arg = strip(arg.child_by_field_name("operand"))
        pointer = True
    if arg.type == "composite_literal" and pointer:
        return _local_struct(calc, arg.child_by_field_name("type"))
    if arg.type == "selector_expression" and pointer:
        # &w.it: a field of a package struct, declared of a package struct type
        owner = _operand_type(calc, arg.child_by_field_name("operand"))
        ftype = _field_type_node(calc, owner, text(arg.child_by_field_name("field")))
        if ftype is None or ftype.type == "pointer_type":
            return None
        return _local_struct(calc, ftype)
    if arg.type != "identifier":
        return None
    decl = syntax.find_local_declaration(arg)
    if decl is None or decl.type is None:
        return None
    tnode = decl.type
    if pointer and tnode.type == "pointer_type":
        return None  # &p of a pointer variable: a pointer to a pointer
    if not pointer and tnode.type != "pointer_type":
        return None
    return _local_struct(calc, tnode)


# ---- comparison ---------------------------------------------------------


@dataclass
class _Span:
    name: str
    offset: int
    size: int
    kind: str = ""
    typ: str = ""


def _spans(layout: Layout, base: int = 0, prefix: str = "") -> Iterator[_Span]:
    for f in layout.fields:
        yield _Span(
            prefix + f.name,
            base + f.offset,
            f.layout.size,
            f.layout.kind,
            f.layout.name,
        )
        if f.layout.kind == "struct" and f.layout.fields:
            yield from _spans(f.layout, base + f.offset, prefix + f.name + ".")


def compare(
    mirror: Layout,
    real: Layout,
    exchanged: bool,
    used: set[str] | None = None,
    little_endian: bool = True,
) -> str | None:
    """The first difference that matters, in words; None if compatible.

    A mirror that is exchanged with the runtime must have a field boundary
    at every real field's start and end, be at least as large, and hold
    pointers exactly where the real type does (over the real type's
    bytes). Any other mirror must be a layout prefix: each of its fields
    starts and ends on a real field boundary, within the real type.
    """
    real_top = [
        _Span(f.name, f.offset, f.layout.size, f.layout.kind, f.layout.name)
        for f in real.fields
    ]
    real_bounds = {0, real.size}
    for s in _spans(real):
        real_bounds |= {s.offset, s.offset + s.size}
    mirror_top = [
        _Span(f.name, f.offset, f.layout.size, f.layout.kind, f.layout.name)
        for f in mirror.fields
    ]

    if exchanged:
        for m in mirror_top:
            moved = _moved(m, real_top) if m.size else None
            if moved is not None:
                return moved
        mirror_bounds = {0, mirror.size}
        for s in _spans(mirror):
            mirror_bounds |= {s.offset, s.offset + s.size}
        for r in real_top:
            if r.size == 0:
                continue
            if r.offset >= mirror.size:
                return (
                    f"the mirror is {mirror.size} bytes but the runtime writes "
                    f"{r.name} at offset {r.offset} ({real.size} bytes in all)"
                )
            if r.offset not in mirror_bounds or r.offset + r.size not in mirror_bounds:
                m = _at(mirror_top, r.offset)
                if _within_blank(r, mirror_top):
                    continue  # room the code never reads; pointers are checked below
                return f"real field {r.name} (offset {r.offset}, {r.size} bytes) meets {_describe(m)}"
        mine = {p for p in mirror.ptrs if p < real.size}
        theirs = set(real.ptrs)
        if mine != theirs:
            o = min(mine ^ theirs)
            r, m = _at(real_top, o), _at(mirror_top, o)
            if o in theirs:
                return f"real field {_name(r)} at offset {o} holds a pointer, the mirror's {_name(m)} does not"
            return f"the mirror's {_name(m)} at offset {o} is a pointer, real field {_name(r)} is not"
        if used is None:
            return None
        # The runtime fills only its own fields: the others read stale bytes.

    for m in mirror_top:
        if m.size == 0 or (used is not None and m.name not in used):
            continue
        moved = _moved(m, real_top)
        if moved is not None:
            return moved
        if m.offset >= real.size:
            return f"field {m.name} at offset {m.offset} is past the end of the real {real.size} bytes"
        if m.offset not in real_bounds or m.offset + m.size not in real_bounds:
            r = _at(real_top, m.offset)
            if little_endian and _word_of_counter(m, r):
                continue  # a word-sized count of a 64-bit counter: same value
            return f"field {m.name} (offset {m.offset}, {m.size} bytes) meets {_describe(r, 'real field ')}"
    return None


_INTEGER = frozenset({"int", "uint"})
_WORDS = frozenset({"int", "uint", "uintptr"})


def _word_of_counter(m: _Span, r: _Span | None) -> bool:
    """An ``int``/``uint``/``uintptr`` mirror field over a 64-bit integer,
    on a 32-bit little-endian port: it reads the low half, which holds the
    whole value for anything that fits the address space (a count)."""
    return (
        r is not None
        and m.offset == r.offset
        and m.size < r.size == 8
        and m.typ in _WORDS
        and r.kind in _INTEGER
    )


def _moved(m: _Span, real_top: list[_Span]) -> str | None:
    """A mirror field named like a real field that sits elsewhere: the
    real type moved it, and the mirror now reads another field."""
    same = [r for r in real_top if _norm(r.name) == _norm(m.name)]
    if len(same) != 1 or same[0].offset == m.offset:
        return None
    there = _at(real_top, m.offset)
    what = f"real field {there.name}" if there is not None else "padding"
    return f"field {m.name} (offset {m.offset}) reads {what}; the real {same[0].name} is at offset {same[0].offset}"


def _within_blank(r: _Span, mirror_top: list[_Span]) -> bool:
    """Whether real field ``r`` lies wholly inside blank (``_``) mirror
    fields: padding the runtime may fill but no code can read."""
    end = r.offset + max(r.size, 1)
    pos = r.offset
    while pos < end:
        m = _at(mirror_top, pos)
        if m is None or m.name != "_" or m.size == 0:
            return False
        pos = m.offset + m.size
    return True


def _at(spans: list[_Span], offset: int) -> _Span | None:
    for s in spans:
        if s.offset <= offset < s.offset + max(s.size, 1):
            return s
    return None


def _name(s: _Span | None) -> str:
    return s.name if s is not None else "padding"


def _describe(s: _Span | None, what: str = "") -> str:
    if s is None:
        return "padding"
    return f"{what}{s.name} (offset {s.offset}, {s.size} bytes)"


# ---- assertions ---------------------------------------------------------


@dataclass
class Guard:
    """One compile-time layout assertion.

    ``direction`` is ``both`` for an index trick, ``grow`` when it fails
    only if the measured size or offset grows past the bound, ``shrink``
    when only if it falls below. ``types`` and ``constants`` are the
    package types and constants it mentions; ``key`` pairs it with its
    reverse (the measured expression and the bound, as written).
    """

    node: Node
    file: GoFile
    direction: str
    types: set[str] = field(default_factory=set)
    constants: set[str] = field(default_factory=set)
    key: tuple[str, str] | None = None
    measured: str = ""
    bound: str = ""


_SIZE_WORDS = (b"Sizeof", b"Offsetof", b"Alignof")


def find_guards(files: list[GoFile]) -> list[Guard]:
    out: list[Guard] = []
    for f in files:
        if b"unsafe" not in f.data or not any(map(f.data.__contains__, _SIZE_WORDS)):
            continue  # a guard calls unsafe.Sizeof, Offsetof or Alignof
        specs, stmts = _guard_places(f)
        for spec in specs:
            out += _spec_guards(f, spec)
        for stmt in stmts:
            right = stmt.child_by_field_name("right")
            for value in right.named_children if right is not None else []:
                g = _index_guard(f, value)
                if g is not None:
                    out.append(g)
    return out


def may_hold_difference_guard(data: bytes) -> bool:
    """Whether a Go file's bytes may hold a guard ``A - N`` or ``N - A``
    (``A`` measured by ``unsafe.Sizeof`` or its kin): some statement
    spells a size word and a minus. The statement is the word's line,
    with the lines before and after it while the expression goes on
    (a line ending in an operator, a comma or an open bracket, or
    brackets left open); when that runs long it is taken to hold one."""
    if b"unsafe" not in data:
        return False
    for word in _SIZE_WORDS:
        at = data.find(word)
        while at >= 0:
            if _minus_in_statement(data, at):
                return True
            at = data.find(word, at + len(word))
    return False


_STATEMENT_LINES = 16


def _minus_in_statement(data: bytes, at: int) -> bool:
    start = data.rfind(b"\n", 0, at) + 1
    for _ in range(_STATEMENT_LINES):  # back over the lines it continues
        if not start:
            break
        before = data.rfind(b"\n", 0, start - 1) + 1
        prev = data[before : start - 1].split(b"//", 1)[0].rstrip()
        if not prev or not prev.endswith(GOES_ON) or prev.endswith(b"{"):
            break  # a block's brace starts a new statement
        start = before
    else:
        return True
    end = statement_end(data, start, _STATEMENT_LINES, braces=False)
    return end is None or b"-" in data[start:end]


def _guard_places(f: GoFile) -> tuple[list[Node], list[Node]]:
    """Where a guard can be: the ``var``/``const`` specs and the assignments
    that hold a size word (a guard calls ``unsafe.Sizeof`` or its kin), each
    list in source order. They are found from the words' bytes up, not by
    visiting every declaration and assignment of the file."""
    return f.shared(_guard_places, lambda: _find_guard_places(f))


def _find_guard_places(f: GoFile) -> tuple[list[Node], list[Node]]:
    places: dict[tuple[int, int], Node] = {}
    root, data = f.root, f.data
    for word in _SIZE_WORDS:
        at = data.find(word)
        while at >= 0:
            node = root.descendant_for_byte_range(at, at + len(word))
            while node is not None:
                if node.type in _GUARD_PLACES:
                    places.setdefault((node.start_byte, -node.end_byte), node)
                node = node.parent
            at = data.find(word, at + len(word))
    ordered = [places[k] for k in sorted(places)]
    return (
        [n for n in ordered if n.type != "assignment_statement"],
        [n for n in ordered if n.type == "assignment_statement"],
    )


# A declaration's type or value, or an assignment.
_GUARD_PLACES = frozenset({"var_spec", "const_spec", "assignment_statement"})


def _spec_guards(f: GoFile, spec: Node) -> list[Guard]:
    out = []
    tnode = spec.child_by_field_name("type")
    if tnode is not None and tnode.type == "array_type":
        g = _difference_guard(f, spec, tnode.child_by_field_name("length"))
        if g is not None:
            out.append(g)
    values = spec.child_by_field_name("value")
    for value in values.named_children if values is not None else []:
        g = _index_guard(f, value)
        if g is None and spec.type == "const_spec":
            inner = _unsigned_conversion(value, tnode)
            if inner is not None:
                g = _difference_guard(f, spec, inner)
        if g is not None:
            out.append(g)
    return out


def _index_guard(f: GoFile, value: Node) -> Guard | None:
    """``[1]T{}[expr]``: compiles only when expr is 0."""
    value = strip(value)
    if value.type != "index_expression":
        return None
    operand = strip(value.child_by_field_name("operand"))
    if operand.type != "composite_literal":
        return None
    atype = operand.child_by_field_name("type")
    if (
        atype is None
        or atype.type != "array_type"
        or text(atype.child_by_field_name("length")) != "1"
    ):
        return None
    index = value.child_by_field_name("index")
    if index is None or not _mentions_size(f, index):
        return None
    return _guard(f, value, index, "both")


_UNSIGNED = frozenset({"uint", "uint8", "uint16", "uint32", "uint64", "uintptr"})


def _unsigned_conversion(value: Node, tnode: Node | None) -> Node | None:
    """``X`` of ``const _ = uint(X)``, or the value of ``const _ uint = X``."""
    value = strip(value)
    if tnode is not None and text(tnode) in _UNSIGNED:
        return value
    if value.type == "call_expression":
        fn = value.child_by_field_name("function")
        args = arguments(value)
        if fn is not None and text(fn) in _UNSIGNED and len(args) == 1:
            return args[0]
    return None


def _difference_guard(f: GoFile, spec: Node, expr: Node | None) -> Guard | None:
    """``A - B`` that must not be negative: a one-sided guard."""
    if expr is None or not _mentions_size(f, expr):
        return None
    expr = strip(expr)
    if expr.type == "call_expression" and _unsigned_conversion(expr, None) is not None:
        expr = strip(_unsigned_conversion(expr, None))
    if (
        expr.type != "binary_expression"
        or text(expr.child_by_field_name("operator")) != "-"
    ):
        return None
    left, right = expr.child_by_field_name("left"), expr.child_by_field_name("right")
    if _mentions_size(f, left) and not _mentions_size(f, right):
        direction, measured, bound = "shrink", left, right
    elif _mentions_size(f, right) and not _mentions_size(f, left):
        direction, measured, bound = "grow", right, left
    else:
        return None
    g = _guard(f, spec, expr, direction)
    g.measured, g.bound = _squash(text(measured)), _squash(text(bound))
    g.key = (g.measured, g.bound)
    return g


def _guard(f: GoFile, node: Node, expr: Node, direction: str) -> Guard:
    g = Guard(node, f, direction)
    for call in [expr, *captured("(call_expression) @c", expr, "c")]:
        which = unsafe_call(f, call, "Sizeof", "Offsetof", "Alignof")
        if which is None:
            continue
        for arg in arguments(call):
            name = _measured_type(arg)
            if name is not None:
                g.types.add(name)
    for ident in captured("(identifier) @i", expr, "i"):
        g.constants.add(text(ident))
    return g


def _measured_type(arg: Node) -> str | None:
    """``T`` of ``T{}``, ``*new(T)``, ``T{}.f``, ``(*T)(nil).f`` or a
    variable declared as ``T``."""
    arg = strip(arg)
    if arg.type == "selector_expression":
        arg = strip(arg.child_by_field_name("operand"))
    if arg.type == "unary_expression":
        arg = strip(arg.child_by_field_name("operand"))
    if arg.type == "composite_literal":
        t = arg.child_by_field_name("type")
        return text(t) if t is not None and t.type == "type_identifier" else None
    if arg.type == "call_expression":
        fn = arg.child_by_field_name("function")
        args = arguments(arg)
        if fn is not None and text(fn) == "new" and len(args) == 1:
            return text(args[0])
        if fn is not None and fn.type == "parenthesized_expression":
            inner = strip(fn)
            if inner.type == "unary_expression":
                return text(inner.child_by_field_name("operand"))
    if arg.type == "identifier":
        decl = syntax.find_local_declaration(arg)
        if decl is not None and decl.type is not None:
            t = decl.type
            if t.type == "pointer_type":
                t = t.named_children[-1]
            return text(t)
        return text(arg)  # a package variable: its name stands for it
    return None


def _mentions_size(f: GoFile, node: Node | None) -> bool:
    if node is None:
        return False
    return any(
        unsafe_call(f, c, "Sizeof", "Offsetof", "Alignof")
        for c in [node, *captured("(call_expression) @c", node, "c")]
    )


def _squash(s: str) -> str:
    return "".join(s.split())
