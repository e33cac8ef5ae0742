"""Generate a toolchain table from a Go source tree (``$GOROOT/src``).

:func:`build` reads one release's sources and returns the table as a
JSON-ready dict; :func:`write` stores it gzip-compressed and byte-for-byte
reproducible. Nothing here runs Go: the standard library is read with
tree-sitter, assembly with a line scanner, and the linker's and compiler's
own sources with small patterns that fail loudly (:class:`TableError`) when
a release changes a shape they rely on, so a new release is never read
wrong in silence.

What one table holds (the reader in ``goabilint.tables`` documents the
query side):

- the ports of the release (``cmd/dist/build.go``: ``cgoEnabled`` minus
  ``broken``), each built with cgo off and, where cgo is supported, on,
  with the release's default ``GOEXPERIMENT`` tags
  (``internal/buildcfg/exp.go``);
- every function, method, variable and assembly ``TEXT`` symbol of every
  standard-library package (not ``cmd/``, tests, ``testdata``), spelled as
  the linker spells it, with the ports it is defined for;
- the symbols pushed with ``//go:linkname`` / ``//go:linknamestd``, with
  the "hall of shame" modules named above them and their Go signatures;
- the linker's ``blockedLinknames`` and whether ``checkLinkname`` exists;
- the ``runtime/metrics`` names with kind, cumulativeness and description.

The file is gzip'd compact JSON: ``format`` (``FORMAT_VERSION``),
``generator`` (:func:`generator_digest`), ``go`` (``go1.27.3``), ``inputs``
(SHA-256 of every source file read), ``configs`` (``"linux/amd64"``,
``"linux/amd64+cgo"``, ...: bit *i* of a port set is ``configs[i]``),
``first_class``, ``sets`` (port sets as hex bitmasks, ``sets[0]`` = all),
``linker``, ``packages`` (``[path, set]``), ``symbols`` (one string, rows
sorted by name and joined by ``|``, each ``name package-index KS...`` with K
the kind's initial and S a set index), ``pushes`` and ``metrics``.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from goabilint import syntax
from goabilint.constraints import (
    BuildContext,
    ConstraintError,
    GoVersion,
    name_constraint,
    parse_expr,
    read_header,
)
from goabilint.source import GoFile
from goabilint.syntax import Node, text
from goabilint.tables import FORMAT_VERSION

__all__ = ["FORMAT_VERSION", "TableError", "build", "generator_digest", "write"]


# Directories under $GOROOT/src that hold no linkable std package.
_SKIP_TOP = frozenset({"cmd", "builtin"})

# The ``go:`` directives that push or pull a symbol.
_LINKNAME_DIRECTIVES = frozenset({"linkname", "linknamestd"})


# Macros the assembler defines from the build configuration; an
# #ifdef on any other macro (GOAMD64_v3, hasAVX2, ...) is taken both ways.
_PREDEFINED = re.compile(r"^(GOOS|GOARCH|GOEXPERIMENT)_(\w+)$")

# The #ifdef tests around an assembly line: (GOOS|GOARCH|GOEXPERIMENT, value,
# whether the macro must be defined).
AsmCondition = tuple[tuple[str, str, bool], ...]


class TableError(Exception):
    """The Go source tree does not have a shape the generator understands."""


def generator_digest() -> str:
    """SHA-256 of this module's source: tables record it to detect staleness.

    Line endings are normalised so that a Windows checkout agrees.
    """
    source = Path(__file__).read_bytes().replace(b"\r\n", b"\n")
    return hashlib.sha256(source).hexdigest()


# --- ports and build configurations -------------------------------------


@dataclass(frozen=True)
class PortInfo:
    goos: str
    goarch: str
    cgo: bool  # whether the port supports cgo at all
    first_class: bool


def _go_map_literal(src: str, var: str, where: str) -> str:
    """The text between the braces of ``var <var> = map[...]...{ ... }``."""
    m = re.search(
        rf"^var {var} = map\[[^\]]*\][^{{]*\{{\n(.*?)^\}}",
        src,
        re.MULTILINE | re.DOTALL,
    )
    if m is None:
        raise TableError(f"{where}: no `var {var} = map...` literal")
    return m.group(1)


def read_ports(src_dir: Path) -> list[PortInfo]:
    """The ports ``go tool dist list`` prints, from ``cmd/dist/build.go``."""
    path = src_dir / "cmd/dist/build.go"
    src = path.read_text()
    entry = re.compile(r'^\s*"([a-z0-9]+)/([a-z0-9]+)":\s*(true|false)', re.MULTILINE)
    cgo = {
        (m[1], m[2]): m[3] == "true"
        for m in entry.finditer(_go_map_literal(src, "cgoEnabled", str(path)))
    }
    broken = {
        (m[1], m[2])
        for m in entry.finditer(_go_map_literal(src, "broken", str(path)))
        if m[3] == "true"
    }
    first = {
        (m[1], m[2])
        for m in entry.finditer(_go_map_literal(src, "firstClass", str(path)))
        if m[3] == "true"
    }
    if not cgo:
        raise TableError(f"{path}: empty cgoEnabled map")
    return [
        PortInfo(goos, goarch, cgo[(goos, goarch)], (goos, goarch) in first)
        for goos, goarch in sorted(cgo)
        if (goos, goarch) not in broken
    ]


class _Comparisons:
    """Answers ``goos.X`` / ``goarch.X`` tags for one port, for :func:`parse_expr`."""

    def __init__(self, goos: str, goarch: str):
        self.tags = {f"goos.{goos}", f"goarch.{goarch}"}

    def has_tag(self, tag: str) -> bool:
        return tag in self.tags


def read_experiments(src_dir: Path) -> Callable[[str, str], frozenset[str]]:
    """The default ``goexperiment.*`` build tags per port.

    Reads the ``baseline := goexperiment.Flags{...}`` literal of
    ``internal/buildcfg/exp.go``. A field is ``true``, ``false``, or a
    variable that the same file sets either in a ``switch goarch`` (or
    ``goos``) case or with a ``goos``/``goarch`` comparison expression.
    """
    path = src_dir / "internal/buildcfg/exp.go"
    src = path.read_text()
    m = re.search(r"baseline := goexperiment\.Flags\{\n(.*?)\n\t\}", src, re.DOTALL)
    if m is None:
        raise TableError(f"{path}: no baseline goexperiment.Flags literal")
    rules: list[tuple[str, Callable[[str, str], bool]]] = []
    for fm in re.finditer(r"^\s*(\w+):\s*([^,\n]+),", m.group(1), re.MULTILINE):
        name, value = fm[1], fm[2].strip()
        tag = "goexperiment." + name.lower()
        if value in ("true", "false"):
            on = value == "true"
            rules.append((tag, lambda goos, goarch, on=on: on))
        elif re.fullmatch(r"\w+", value):
            rules.append((tag, _experiment_variable(src, value, path)))
        else:
            raise TableError(f"{path}: cannot evaluate baseline field {name}: {value}")

    def tags(goos: str, goarch: str) -> frozenset[str]:
        return frozenset(t for t, on in rules if on(goos, goarch))

    return tags


def _experiment_variable(src: str, var: str, path: Path) -> Callable[[str, str], bool]:
    # Form 1: `var := goos != "darwin" && ...`.
    m = re.search(rf"^\s*{var} := (.+)$", src, re.MULTILINE)
    if m is not None:
        expr = m.group(1).strip()
        expr = re.sub(r'\b(goos|goarch)\s*==\s*"(\w+)"', r"\1.\2", expr)
        expr = re.sub(r'\b(goos|goarch)\s*!=\s*"(\w+)"', r"!\1.\2", expr)
        try:
            constraint = parse_expr(expr)
        except ConstraintError as e:
            raise TableError(
                f"{path}: cannot evaluate {var} := {m.group(1)}: {e}"
            ) from None
        return lambda goos, goarch: constraint.eval(_Comparisons(goos, goarch))  # type: ignore[arg-type]

    # Form 2: `switch goarch { case "a", "b": ... var = true }`.
    values: dict[str, set[str]] = {"goos": set(), "goarch": set()}
    found = False
    for sw in re.finditer(r"switch (goos|goarch) \{\n(.*?)\n\t\}", src, re.DOTALL):
        case: list[str] = []
        for line in sw.group(2).splitlines():
            cm = re.match(r"\s*case (.*):\s*$", line)
            if cm:
                case = re.findall(r'"(\w+)"', cm.group(1))
            elif re.match(r"\s*default:", line):
                case = []
            elif re.fullmatch(rf"\s*{var} = true\s*", line):
                values[sw.group(1)].update(case)
                found = True
    if not found:
        raise TableError(f"{path}: cannot find how {var} is set")
    return lambda goos, goarch: goos in values["goos"] or goarch in values["goarch"]


def build_configs(
    src_dir: Path, version: GoVersion
) -> tuple[list[PortInfo], list[BuildContext]]:
    """Every (port, cgo) configuration, in a fixed order: the table's bit index."""
    ports = read_ports(src_dir)
    experiments = read_experiments(src_dir)
    configs = []
    for p in ports:
        for cgo in (False, True) if p.cgo else (False,):
            tags = experiments(p.goos, p.goarch)
            configs.append(BuildContext(p.goos, p.goarch, version, cgo, "gc", tags))
    return ports, configs


# --- walking the standard library ---------------------------------------


def path_to_prefix(path: str) -> str:
    """The linker's symbol prefix for an import path (objabi.PathToPrefix)."""
    slash = path.rfind("/")
    out = []
    for i, ch in enumerate(path):
        if ch <= " " or ch in '%"' or ch >= "\x7f" or (ch == "." and i > slash):
            out.extend(f"%{b:02x}" for b in ch.encode())
        else:
            out.append(ch)
    return "".join(out)


def std_packages(src_dir: Path) -> Iterator[tuple[str, Path]]:
    """``(import path, directory)`` of every std package directory, sorted."""
    for dirpath, dirnames, _ in os.walk(src_dir):
        rel = Path(dirpath).relative_to(src_dir).as_posix()
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d != "testdata"
            and not d.startswith((".", "_"))
            and not (rel == "." and d in _SKIP_TOP)
        )
        if rel != ".":
            yield rel, Path(dirpath)


def _source_files(directory: Path) -> Iterator[Path]:
    for p in sorted(directory.iterdir()):
        name = p.name
        if name.startswith((".", "_")) or not p.is_file():
            continue
        if name.endswith(".s") or (
            name.endswith(".go") and not name.endswith("_test.go")
        ):
            yield p


class Masks:
    """Computes and caches which configurations build a file."""

    def __init__(self, configs: list[BuildContext]):
        self.configs = configs
        self.all = (1 << len(configs)) - 1
        self.cgo = sum(1 << i for i, c in enumerate(configs) if c.cgo)
        self._cache: dict[tuple[Any, ...], int] = {}

    def asm_condition(self, condition: AsmCondition) -> int:
        """The configurations where an assembly #ifdef nesting holds."""
        mask = self.all
        for var, value, wanted in condition:
            for i, ctx in enumerate(self.configs):
                if var == "GOOS":
                    holds = ctx.goos == value
                elif var == "GOARCH":
                    holds = ctx.goarch == value
                else:
                    holds = f"goexperiment.{value.lower()}" in ctx.tags
                if holds != wanted:
                    mask &= ~(1 << i)
        return mask

    def of(self, name: str, data: bytes) -> int:
        nc = name_constraint(name)
        constraint, _, error = read_header(data)
        if error is not None:
            return 0  # the go command rejects the file; it is never built
        key = (nc, str(constraint) if constraint else None)
        mask = self._cache.get(key)
        if mask is None:
            mask = 0
            for i, ctx in enumerate(self.configs):
                if nc.matches(ctx) and (constraint is None or constraint.eval(ctx)):
                    mask |= 1 << i
            self._cache[key] = mask
        return mask


# --- Go declarations ----------------------------------------------------


@dataclass
class _Decl:
    kind: str  # func, method, var
    name: str  # the local name; for methods "(*T).m" or "T.m"
    defines: bool  # a function with a body or a variable (with initialiser: see init)
    has_init: bool
    mask: int
    file: str
    line: int
    signature: list[list[str]] | None = None  # [params, results] for functions
    var_type: str | None = None
    shame: list[str] = field(default_factory=list)  # hall of shame of its doc comment


@dataclass
class _LinkDirective:
    kind: str  # linkname, linknamestd
    local: str
    target: str | None  # None for the one-argument form
    mask: int
    file: str
    line: int
    shame: list[str]


def _norm_type(node: Node | None) -> str:
    return re.sub(r"\s+", " ", text(node)).strip()


def _param_types(plist: Node | None) -> list[str]:
    """Parameter types of a parameter_list, one per parameter (names dropped)."""
    out: list[str] = []
    if plist is None:
        return out
    for p in plist.named_children:
        if p.type == "parameter_declaration":
            t = _norm_type(p.child_by_field_name("type"))
            out.extend([t] * max(1, len(p.children_by_field_name("name"))))
        elif p.type == "variadic_parameter_declaration":
            out.append("..." + _norm_type(p.child_by_field_name("type")))
    return out


def _signature(fn: Node) -> list[list[str]]:
    params = _param_types(fn.child_by_field_name("parameters"))
    result = fn.child_by_field_name("result")
    if result is None:
        results: list[str] = []
    elif result.type == "parameter_list":
        results = _param_types(result)
    else:
        results = [_norm_type(result)]
    return [params, results]


def _method_name(fn: Node) -> str | None:
    """``(*T).m`` or ``T.m``; None for generic receivers (no plain symbol)."""
    recv = fn.child_by_field_name("receiver")
    if recv is None:
        return None
    for p in recv.named_children:
        t = p.child_by_field_name("type")
        pointer = False
        while t is not None and t.type in ("pointer_type", "parenthesized_type"):
            pointer = pointer or t.type == "pointer_type"
            t = t.named_children[0] if t.named_children else None
        if t is None or t.type != "type_identifier":
            return None  # generic_type receivers have only instantiated symbols
        base = text(t)
        name = text(fn.child_by_field_name("name"))
        return f"(*{base}).{name}" if pointer else f"{base}.{name}"
    return None


def _go_decls(f: GoFile, mask: int, rel: str) -> Iterator[_Decl]:
    for d in f.decls:
        node = d.node
        line = node.start_point[0] + 1
        if d.kind == "func":
            if d.name in ("_", "init") or node.child_by_field_name("type_parameters"):
                continue  # init is init.N, generic functions have no plain symbol
            has_body = node.child_by_field_name("body") is not None
            yield _Decl(
                "func", d.name, has_body, False, mask, rel, line, _signature(node)
            )
        elif d.kind == "method":
            name = _method_name(node)
            if name is None or node.child_by_field_name("body") is None:
                continue
            yield _Decl("method", name, True, False, mask, rel, line)
        elif d.kind == "var" and d.name != "_":
            has_init = node.child_by_field_name("value") is not None
            vtype = node.child_by_field_name("type")
            yield _Decl(
                "var",
                d.name,
                True,
                has_init,
                mask,
                rel,
                line,
                var_type=_norm_type(vtype) if vtype is not None else None,
            )


# --- hall of shame ------------------------------------------------------

_SHAME_START = re.compile(r"hall of shame include", re.IGNORECASE)
_SHAME_ITEM = re.compile(
    r"^//\s*-\s+([A-Za-z0-9][\w.-]*\.[A-Za-z]{2,}(?:/[\w.~-]+)*)\b"
)


def _comment_block_above(lines: list[str], index: int) -> list[str]:
    """The comment lines directly above 0-based line ``index``.

    Other ``//go:`` directives are stepped over until the first prose line,
    so a group of directives under one comment shares it, while the prose
    of an earlier directive does not leak into the next one.
    """
    out: list[str] = []
    seen_prose = False
    i = index - 1
    while i >= 0:
        s = lines[i].strip()
        if not s.startswith("//"):
            break
        if s.startswith("//go:"):
            if seen_prose:
                break
        else:
            seen_prose = True
        out.append(s)
        i -= 1
    out.reverse()
    return out


def hall_of_shame(block: Iterable[str]) -> list[str]:
    """The modules listed after "Notable members of the hall of shame include:"."""
    out: list[str] = []
    in_list = False
    for line in block:
        if _SHAME_START.search(line):
            in_list = True
            continue
        if not in_list:
            continue
        m = _SHAME_ITEM.match(line)
        if m:
            out.append(m.group(1))
        elif re.match(r"^//\s{4,}\S", line) and out:
            continue  # an item wrapped onto the next line
        else:
            in_list = False
    return out


# --- assembly -----------------------------------------------------------

_TEXT = re.compile(r"^\s*TEXT\s+([^\s,(]+)\(SB\)")
_DEFINE = re.compile(r"^#define\s+(\w+)\(([^)]*)\)")


def _asm_symbols(data: bytes, prefix: str) -> Iterator[tuple[str, int, AsmCondition]]:
    """``(linker name, line, condition)`` of every TEXT symbol.

    Macro-generated ones are included (``CALLFN(·call16, 16)``);
    ``condition`` holds the enclosing ``#ifdef``/``#ifndef`` tests on
    GOOS_x, GOARCH_x and GOEXPERIMENT_x.
    """
    lines = data.decode("utf-8", "replace").splitlines()
    # Join continued lines: macro bodies span several physical lines.
    logical: list[tuple[int, str]] = []
    buf, start = "", 0
    for i, raw in enumerate(lines, start=1):
        if not buf:
            start = i
        line = raw.split("//", 1)[0] if not raw.lstrip().startswith("#") else raw
        if line.rstrip().endswith("\\"):
            buf += line.rstrip()[:-1] + "\n"
            continue
        logical.append((start, buf + line))
        buf = ""
    macros: dict[str, int] = {}  # macro name -> index of the parameter that names TEXT
    stack: list[tuple[str, str, bool] | None] = []  # None: a test taken both ways
    for lineno, line in logical:
        directive = re.match(
            r"^\s*#\s*(ifdef|ifndef|if|else|elif|endif)\b\s*(\w*)", line
        )
        if directive:
            kind, macro = directive.groups()
            if kind in ("ifdef", "ifndef"):
                m = _PREDEFINED.match(macro)
                stack.append((m[1], m[2], kind == "ifdef") if m else None)
            elif kind == "if":
                stack.append(None)
            elif kind in ("else", "elif") and stack:
                top = stack[-1]
                stack[-1] = (
                    (top[0], top[1], not top[2]) if top and kind == "else" else None
                )
            elif kind == "endif" and stack:
                stack.pop()
            continue
        condition = tuple(c for c in stack if c is not None)
        m = _DEFINE.match(line.lstrip())
        if m:
            params = [p.strip() for p in m.group(2).split(",")]
            for body_line in line.splitlines()[1:] or [line[m.end() :]]:
                t = _TEXT.match(body_line.split(";")[0])
                if t and t.group(1) in params:
                    macros[m.group(1)] = params.index(t.group(1))
            continue
        t = _TEXT.match(line)
        if t:
            name = _asm_name(t.group(1), prefix)
            if name:
                yield name, lineno, condition
            continue
        call = re.match(r"^\s*(\w+)\(([^)]*)\)", line)
        if call and call.group(1) in macros:
            args = [a.strip() for a in call.group(2).split(",")]
            idx = macros[call.group(1)]
            if idx < len(args):
                name = _asm_name(args[idx], prefix)
                if name:
                    yield name, lineno, condition


def _asm_name(sym: str, prefix: str) -> str | None:
    """Linker spelling of an assembly symbol; None for file-local ``<>`` ones."""
    if sym.endswith("<>"):
        return None
    sym = re.sub(r"<[A-Za-z0-9]+>$", "", sym)  # ABI selector, e.g. <ABIInternal>
    sym = sym.replace("∕", "/")
    if "·" not in sym:
        return sym or None
    pkg, _, name = sym.partition("·")
    return f"{pkg or prefix}.{name}"


# --- per-package scan ---------------------------------------------------


@dataclass
class _Acc:
    """Accumulates one table while packages are scanned."""

    symbols: dict[tuple[str, str, str], int] = field(
        default_factory=dict
    )  # (name, kind, pkg)
    pushes: dict[str, dict[str, Any]] = field(default_factory=dict)
    packages: dict[str, int] = field(default_factory=dict)
    digest: Any = field(default_factory=hashlib.sha256)

    def define(self, name: str, kind: str, pkg: str, mask: int) -> None:
        if mask:
            key = (name, kind, pkg)
            self.symbols[key] = self.symbols.get(key, 0) | mask

    def push(
        self, target: str, d: _LinkDirective, pkg: str, mask: int, decls: list[_Decl]
    ) -> None:
        p = self.pushes.setdefault(
            target,
            {
                "kinds": {},
                "packages": [],
                "shame": [],
                "signatures": [],
                "decl": None,
                "var_types": [],
                "where": [],
            },
        )
        if pkg not in p["packages"]:
            p["packages"].append(pkg)
        p["kinds"][d.kind] = p["kinds"].get(d.kind, 0) | mask
        p["where"].append(f"{d.file}:{d.line}")
        shame = list(d.shame)
        for decl in decls:
            p["decl"] = p["decl"] or decl.kind
            shame.extend(decl.shame)
            if decl.signature is not None and decl.signature not in p["signatures"]:
                p["signatures"].append(decl.signature)
            if (
                decl.kind == "var"
                and decl.var_type
                and decl.var_type not in p["var_types"]
            ):
                p["var_types"].append(decl.var_type)
        for s in shame:
            if s not in p["shame"]:
                p["shame"].append(s)


@dataclass
class PackageFile:
    """A file of a std package and the configurations that build it."""

    rel: str  # path relative to $GOROOT/src
    data: bytes
    mask: int
    go: GoFile | None  # None for assembly


def package_files(
    pkg: str, directory: Path, src_dir: Path, masks: Masks, digest: Any = None
) -> list[PackageFile]:
    """The files of one package that some configuration builds.

    As the go command does, files importing "C" count only with cgo on,
    assembly only where the package has Go files, and runtime/cgo only with
    cgo on (no program without cgo links it).
    """
    out: list[PackageFile] = []
    go_mask = 0
    only = masks.cgo if pkg == "runtime/cgo" else masks.all
    for path in _source_files(directory):
        data = path.read_bytes()
        rel = path.relative_to(src_dir).as_posix()
        if digest is not None:
            digest.update(rel.encode() + b"\0" + data + b"\0")
        mask = masks.of(path.name, data) & only
        if not mask:
            continue  # built for no configuration
        if path.suffix == ".s":
            out.append(PackageFile(rel, data, mask, None))
            continue
        f = GoFile(path, rel, data)
        name = f.package_name
        if name is None or name in ("main", "documentation") or name.endswith("_test"):
            continue
        if f.imports_path("C"):
            mask &= masks.cgo
            if not mask:
                continue
        go_mask |= mask
        out.append(PackageFile(rel, data, mask, f))
    for pf in out:
        if pf.go is None:
            pf.mask &= go_mask
    return [pf for pf in out if pf.mask]


def _scan_package(
    pkg: str, directory: Path, src_dir: Path, masks: Masks, acc: _Acc
) -> None:
    prefix = path_to_prefix(pkg)
    decls: dict[str, list[_Decl]] = {}
    directives: list[_LinkDirective] = []
    asm_defs: dict[str, int] = {}  # TEXT symbols of this package
    pkg_mask = 0

    for pf in package_files(pkg, directory, src_dir, masks, acc.digest):
        mask, f = pf.mask, pf.go
        if f is None:
            for name, _line, condition in _asm_symbols(pf.data, prefix):
                defined = mask & masks.asm_condition(condition)
                acc.define(name, "asm", pkg, defined)
                asm_defs[name] = asm_defs.get(name, 0) | defined
            continue
        pkg_mask |= mask
        lines = pf.data.decode("utf-8", "replace").splitlines()
        for decl in _go_decls(f, mask, pf.rel):
            decl.shame = hall_of_shame(_comment_block_above(lines, decl.line - 1))
            decls.setdefault(decl.name, []).append(decl)
        for d in f.directives:
            kind = d.name
            if kind not in _LINKNAME_DIRECTIVES or len(d.args) not in (1, 2):
                continue
            shame = hall_of_shame(_comment_block_above(lines, d.line - 1))
            target = d.args[1] if len(d.args) == 2 else None
            directives.append(
                _LinkDirective(kind, d.args[0], target, mask, pf.rel, d.line, shame)
            )

    if pkg_mask:
        acc.packages[pkg] = acc.packages.get(pkg, 0) | pkg_mask

    # A directive marks the definitions of its local name for the linker,
    # which makes them pushes of its target: Go bodies, initialised
    # variables, variables under their own name, and the assembly behind a
    # body-less declaration (through its ABI wrapper). Otherwise it marks a
    # reference: a pull of a symbol defined elsewhere, usually by runtime.
    # A two-argument directive also renames the local definition.
    renamed: dict[str, list[_LinkDirective]] = {}
    for d in directives:
        own = f"{prefix}.{d.local}"
        target = d.target or own
        local_decls = [x for x in decls.get(d.local, ()) if x.kind != "method"]
        if not local_decls:
            continue  # refers to no declaration (the compiler rejects it where built)
        if target != own:
            renamed.setdefault(d.local, []).append(d)
        marked = [
            x
            for x in local_decls
            if (x.kind == "func" and x.defines)
            or (x.kind == "var" and (x.has_init or target == own))
        ]
        mask = d.mask & _or(x.mask for x in marked)
        bodyless = [x for x in local_decls if x.kind == "func" and not x.defines]
        asm_mask = d.mask & _or(x.mask for x in bodyless) & asm_defs.get(target, 0)
        if asm_mask:
            marked += [x for x in bodyless if x.mask & asm_mask]
            mask |= asm_mask
        # A body-less declaration naming a symbol of its own package (the
        # "badlinkname" trick: reflect's rtype_Align -> reflect.(*rtype).Align)
        # still flags that symbol, which this package defines: a push.
        if target != own and target.startswith(prefix + ".") and bodyless:
            own_mask = d.mask & _or(x.mask for x in bodyless) & ~mask
            if own_mask:
                marked += [x for x in bodyless if x.mask & own_mask]
                mask |= own_mask
        if mask:
            acc.push(target, d, pkg, mask, [x for x in marked if x.mask & mask])

    for name, group in decls.items():
        for decl in group:
            if decl.kind == "func" and not decl.defines:
                continue  # declared here, defined in assembly or pushed from elsewhere
            own_mask = decl.mask
            for d in renamed.get(name, ()):
                moved = decl.mask & d.mask
                if decl.kind == "func" or decl.has_init:
                    acc.define(d.target, decl.kind, pkg, moved)  # type: ignore[arg-type]
                own_mask &= ~moved
            acc.define(f"{prefix}.{name}", decl.kind, pkg, own_mask)


def _or(masks: Iterable[int]) -> int:
    out = 0
    for m in masks:
        out |= m
    return out


# --- linker and compiler facts ------------------------------------------


def read_linker(src_dir: Path) -> dict[str, Any]:
    """``blockedLinknames`` and which checks the release's linker makes."""
    path = src_dir / "cmd/link/internal/loader/loader.go"
    src = path.read_text()
    check = re.search(
        r"^func \(l \*Loader\) checkLinkname\(.*?^\}", src, re.MULTILINE | re.DOTALL
    )
    blocked: dict[str, list[str]] = {}
    if check is not None:
        body = _go_map_literal(src, "blockedLinknames", str(path))
        for m in re.finditer(r'^\s*"([^"]+)":\s*\{([^}]*)\}', body, re.MULTILINE):
            blocked[m.group(1)] = re.findall(r'"([^"]+)"', m.group(2))
        if not blocked:
            raise TableError(f"{path}: blockedLinknames has no entries")
    noder = (src_dir / "cmd/compile/internal/noder/noder.go").read_text()
    return {
        "enforces_linkname": check is not None,
        "linknamestd": '"go:linknamestd' in noder,
        "checks_assembly": check is not None and "FromAssembly()" in check.group(0),
        "blocked": dict(sorted(blocked.items())),
    }


# --- runtime/metrics ----------------------------------------------------

_KINDS = {
    "KindUint64": "uint64",
    "KindFloat64": "float64",
    "KindFloat64Histogram": "float64histogram",
}


def _string_expr(
    node: Node, fields: dict[str, Any] | None = None, where: str = ""
) -> str:
    """Evaluate a Go string expression of literals, ``+`` and ``info.F``."""
    t = node.type
    if t in ("interpreted_string_literal", "raw_string_literal"):
        value = syntax.string_value(node)
        if value is None:
            raise TableError(f"{where}: unreadable string {text(node)}")
        return value
    if t == "binary_expression" and text(node.child_by_field_name("operator")) == "+":
        left = _string_expr(node.child_by_field_name("left"), fields, where)
        return left + _string_expr(node.child_by_field_name("right"), fields, where)
    if t == "parenthesized_expression":
        return _string_expr(node.named_children[0], fields, where)
    if t == "selector_expression" and fields is not None:
        value = fields.get(text(node.child_by_field_name("field")))
        if isinstance(value, str):
            return value
    raise TableError(f"{where}: cannot evaluate {text(node)!r}")


def _keyed_fields(lit: Node) -> dict[str, Node]:
    """``Key: value`` elements of a composite literal's body."""
    out = {}
    body = lit.child_by_field_name("body") if lit.type == "composite_literal" else lit
    for el in body.named_children if body is not None else ():
        if el.type == "keyed_element" and len(el.named_children) == 2:
            k, v = el.named_children
            v = (
                v.named_children[0]
                if v.type == "literal_element" and v.named_children
                else v
            )
            k = (
                k.named_children[0]
                if k.type == "literal_element" and k.named_children
                else k
            )
            out[text(k)] = v
    return out


def _literal_value(node: Node, where: str) -> Any:
    if node.type in ("true", "false"):
        return node.type == "true"
    if node.type == "int_literal":
        return int(text(node), 0)
    if node.type == "identifier":
        return text(node)
    return _string_expr(node, None, where)


def _top_var_elements(f: GoFile, name: str) -> list[Node]:
    """Elements of ``var name = []T{...}``."""
    for d in f.decls:
        if d.kind == "var" and d.name == name:
            value = d.node.child_by_field_name("value")
            lit = (
                value.named_children[0]
                if value is not None and value.named_children
                else None
            )
            if lit is not None and lit.type == "composite_literal":
                body = lit.child_by_field_name("body")
                return [
                    c
                    for c in body.named_children
                    if c.type in ("literal_element", "literal_value")
                ]
    raise TableError(f"{f.display}: no `var {name} = []...{{...}}`")


def _element_fields(el: Node, where: str) -> dict[str, Any]:
    inner = el.named_children[0] if el.type == "literal_element" else el
    return {k: _literal_value(v, where) for k, v in _keyed_fields(inner).items()}


def read_metrics(src_dir: Path) -> dict[str, list[Any]]:
    """``{name: [kind, description, cumulative]}`` as ``metrics.All()`` returns them."""
    desc_path = src_dir / "runtime/metrics/description.go"
    f = GoFile(desc_path, "runtime/metrics/description.go", desc_path.read_bytes())
    where = f.display
    out: dict[str, list[Any]] = {}
    for el in _top_var_elements(f, "allDesc"):
        fields = _element_fields(el, where)
        out[fields["Name"]] = [
            _KINDS[fields["Kind"]],
            fields["Description"],
            bool(fields.get("Cumulative", False)),
        ]

    # The godebug metrics are appended by init() from internal/godebugs.All;
    # read init's loop to learn which entries count and how they are named.
    init = next(
        (d.node for d in f.decls if d.kind == "func" and d.name == "init"), None
    )
    loop = None
    if init is not None:
        for node in syntax.captured("(for_statement) @f", init, "f"):
            if "godebugs.All" in text(node):
                loop = node
    if loop is None:
        return dict(sorted(out.items()))
    rng = next(c for c in loop.named_children if c.type == "range_clause")
    var = text(rng.child_by_field_name("left").named_children[-1])
    ifs = syntax.captured("(if_statement) @i", loop, "i")
    cond = ifs[0].child_by_field_name("condition") if ifs else None
    m = re.fullmatch(rf"(!?){var}\.(\w+)", text(cond)) if cond is not None else None
    if ifs and m is None:
        raise TableError(f"{where}: cannot read godebug condition {text(cond)!r}")
    lits = [
        n
        for n in syntax.captured("(composite_literal) @c", loop, "c")
        if text(n.child_by_field_name("type")) == "Description"
    ]
    if len(lits) != 1:
        raise TableError(f"{where}: expected one Description literal in init's loop")
    template = _keyed_fields(lits[0])

    gd_path = src_dir / "internal/godebugs/table.go"
    gd = GoFile(gd_path, "internal/godebugs/table.go", gd_path.read_bytes())
    for el in _top_var_elements(gd, "All"):
        info = _element_fields(el, gd.display)
        if m is not None and bool(info.get(m.group(2), False)) == (m.group(1) == "!"):
            continue
        name = _string_expr(template["Name"], info, where)
        desc = _string_expr(template["Description"], info, where)
        cumulative = (
            text(template["Cumulative"]) == "true"
            if "Cumulative" in template
            else False
        )
        out[name] = [_KINDS[text(template["Kind"])], desc, cumulative]
    return dict(sorted(out.items()))


# --- the table ------------------------------------------------------------


def read_version(goroot: Path) -> str:
    """The release named in ``$GOROOT/VERSION``, e.g. ``go1.27.3``."""
    path = goroot / "VERSION"
    try:
        first = path.read_text().splitlines()[0].strip()
    except (OSError, IndexError):
        raise TableError(f"{path}: cannot read the Go version") from None
    if not re.fullmatch(r"go1\.\d+(\.\d+|rc\d+|beta\d+)?", first):
        raise TableError(f"{path}: unexpected version {first!r}")
    return first


def build(goroot: Path) -> dict[str, Any]:
    """Read ``goroot``'s sources and return the table as a JSON-ready dict."""
    goroot = Path(goroot)
    src_dir = goroot / "src"
    release = read_version(goroot)
    version = GoVersion.parse(release)
    ports, configs = build_configs(src_dir, version)
    masks = Masks(configs)
    acc = _Acc()
    for pkg, directory in std_packages(src_dir):
        _scan_package(pkg, directory, src_dir, masks, acc)

    # Port sets are stored once each and referred to by index; 0 is "all".
    sets: dict[int, int] = {masks.all: 0}

    def set_index(mask: int) -> int:
        return sets.setdefault(mask, len(sets))

    packages = {p: set_index(m) for p, m in sorted(acc.packages.items())}
    pkg_index = {p: i for i, p in enumerate(packages)}
    # Symbols are one string of rows sorted by name, "|" between rows and
    # "name package KS [KS...]" in each (K the kind's initial, S a set
    # index): JSON reads it without unescaping and the reader bisects it
    # lazily instead of building 25,000 objects on every start.
    rows: dict[str, tuple[int, list[str]]] = {}
    for (name, kind, pkg), mask in sorted(acc.symbols.items()):
        if not re.fullmatch(r"[^\s|\\\"]+", name):
            raise TableError(f"symbol name {name!r} cannot be stored")
        _, defs = rows.setdefault(name, (pkg_index[pkg], []))
        defs.append(f"{kind[0]}{set_index(mask)}")
    symbols = "|".join(
        f"{name} {pkg} " + " ".join(defs) for name, (pkg, defs) in sorted(rows.items())
    )
    pushes = {}
    for target, p in sorted(acc.pushes.items()):
        kinds = {k: set_index(m) for k, m in sorted(p["kinds"].items())}
        entry: dict[str, Any] = {
            "kinds": kinds,
            "packages": p["packages"],
            "decl": p["decl"],
        }
        for key in ("shame", "signatures", "var_types"):
            if p[key]:
                entry[key] = p[key]
        entry["where"] = sorted(set(p["where"]))
        pushes[target] = entry

    for extra in (
        "cmd/dist/build.go",
        "internal/buildcfg/exp.go",
        "cmd/link/internal/loader/loader.go",
        "cmd/compile/internal/noder/noder.go",
        "internal/godebugs/table.go",
    ):
        acc.digest.update(
            extra.encode() + b"\0" + (src_dir / extra).read_bytes() + b"\0"
        )
    linker = read_linker(src_dir)
    linker["regabi"] = sorted(
        {c.goarch for c in configs if "goexperiment.regabiwrappers" in c.tags}
    )
    return {
        "format": FORMAT_VERSION,
        "generator": generator_digest(),
        "go": release,
        "inputs": acc.digest.hexdigest(),
        "configs": [
            f"{c.goos}/{c.goarch}" + ("+cgo" if c.cgo else "") for c in configs
        ],
        "first_class": [f"{p.goos}/{p.goarch}" for p in ports if p.first_class],
        "sets": [format(m, "x") for m, _ in sorted(sets.items(), key=lambda kv: kv[1])],
        "linker": linker,
        "packages": list(packages.items()),
        "symbols": symbols,
        "pushes": pushes,
        "metrics": read_metrics(src_dir),
    }


def encode(table: dict[str, Any]) -> bytes:
    """The gzip'd JSON of ``table``, identical for identical tables."""
    raw = json.dumps(table, separators=(",", ":"), ensure_ascii=False).encode()
    buf = io.BytesIO()
    with gzip.GzipFile(
        fileobj=buf, mode="wb", compresslevel=9, mtime=0, filename=""
    ) as gz:
        gz.write(raw)
    return buf.getvalue()


def file_name(table: dict[str, Any]) -> str:
    """``go1.27.json.gz``: shipped tables are named by minor release."""
    return f"go{GoVersion.parse(table['go'])}.json.gz"


def write(table: dict[str, Any], path: Path) -> Path:
    """Store ``table`` at ``path`` (a directory gets :func:`file_name`) atomically."""
    path = Path(path)
    if path.is_dir():
        path = path / file_name(table)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(encode(table))
    os.replace(tmp, path)
    return path
