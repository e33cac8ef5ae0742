"""The real layouts of runtime and standard-library types, per release and arch.

The tables in ``data/go1.N.json.gz`` come from the DWARF debug information
of binaries built by each toolchain (see :mod:`goabilint.layout.generate`).
They describe the types code outside the standard library commonly mirrors
(``internal/abi.Type`` and its kinds, ``runtime.eface``/``iface``, map
headers and iterators of both map implementations, ``runtime.slice``,
``stringStruct``, ``funcval``, ``g``, ...), a few exported types (``time.Time``,
``sync.Mutex``, the ``sync/atomic`` types), the struct types those hold by
value, and the parameters of runtime functions that are pulled with
``//go:linkname`` (``runtime.mapiterinit(t, m, it)``) with their real types.

``lookup(version, goarch, "internal/abi.Type")`` gives a :class:`TypeEntry`
or None; ``params(version, goarch, "runtime.mapiterinit")`` the parameters.
"""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

from goabilint.constraints import GoVersion
from goabilint.layout.calc import Arch, Field, Layout

__all__ = [
    "Param",
    "TypeEntry",
    "available_versions",
    "load",
    "lookup",
    "params",
]

DATA = Path(__file__).with_name("data")


@dataclass(frozen=True)
class FieldEntry:
    name: str
    offset: int
    size: int
    align: int
    type: str  # as DWARF names it: "*internal/abi.Type", "uintptr"
    kind: str
    ptrs: tuple[int, ...]


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # "*runtime.hiter"
    result: bool


class TypeEntry:
    """One type's real layout."""

    def __init__(self, table: ArchTable, name: str, raw: dict[str, Any]):
        self.table = table
        self.name = name
        self.size: int = raw["size"]
        self.align: int = raw["align"]
        self.kind: str = raw["kind"]
        self.ptrs: tuple[int, ...] = tuple(raw.get("ptrs") or ())
        self.fields = tuple(
            FieldEntry(f[0], f[1], f[2], f[3], f[4], f[5], tuple(f[6] or ()))
            for f in raw.get("fields") or ()
        )

    def __repr__(self) -> str:
        return f"TypeEntry({self.name}, size={self.size})"

    def layout(self, arch: Arch) -> Layout:
        """As a calculator :class:`Layout`; nested table types are expanded."""
        return self._layout(arch, frozenset())

    def _layout(self, arch: Arch, seen: frozenset[str]) -> Layout:
        fields = []
        for f in self.fields:
            inner = self.table.types.get(f.type)
            if inner is not None and f.kind == "struct" and f.type not in seen:
                lay = inner._layout(arch, seen | {self.name})
            else:
                lay = Layout(f.size, f.align, f.kind, f.type, ptrs=f.ptrs)
            fields.append(Field(f.name, f.offset, lay, f.name == _last(f.type)))
        kind = self.kind if self.kind != "unknown" else "opaque"
        return Layout(
            self.size, self.align, kind, self.name, tuple(fields), ptrs=self.ptrs
        )


def _last(typename: str) -> str:
    return typename.rsplit(".", 1)[-1]


class ArchTable:
    def __init__(self, raw: dict[str, Any]):
        # Default goexperiment.* build tags of the release on this GOARCH.
        self.tags: frozenset[str] = frozenset(raw.get("tags") or ())
        self.types: Mapping[str, TypeEntry] = _Lazy(
            raw.get("types") or {}, lambda n, t: TypeEntry(self, n, t)
        )
        self.funcs: Mapping[str, tuple[Param, ...]] = _Lazy(
            raw.get("funcs") or {},
            lambda n, ps: tuple(Param(p[0], p[1], bool(p[2])) for p in ps),
        )


class _Lazy(Mapping[str, T]):
    """A table's entries, each made from its JSON when first asked for: a
    run looks up a handful of the hundreds of types of seven releases."""

    def __init__(self, raw: dict[str, Any], make: Callable[[str, Any], T]):
        self._raw = raw
        self._make = make
        self._made: dict[str, T] = {}

    def __getitem__(self, name: str) -> T:
        hit = self._made.get(name)
        if hit is None:
            hit = self._made[name] = self._make(name, self._raw[name])
        return hit

    def __contains__(self, name: object) -> bool:
        return name in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


class ReleaseTable:
    def __init__(self, raw: dict[str, Any]):
        self.release: str = raw["go"]
        self.arches = {a: ArchTable(t) for a, t in raw["arches"].items()}


def _path(version: GoVersion) -> Path:
    return DATA / f"go{version.major}.{version.minor}.json.gz"


def available_versions() -> list[GoVersion]:
    out = []
    for p in DATA.glob("go*.json.gz"):
        out.append(GoVersion.parse(p.name.removesuffix(".json.gz")))
    return sorted(out)


@functools.cache
def load(version: GoVersion) -> ReleaseTable | None:
    path = _path(version)
    try:
        with gzip.open(path, "rb") as f:
            return ReleaseTable(json.loads(f.read()))
    except FileNotFoundError:
        return None


def arch_table(version: GoVersion, goarch: str) -> ArchTable | None:
    table = load(version)
    if table is None:
        return None
    return table.arches.get(goarch)


def lookup(version: GoVersion, goarch: str, name: str) -> TypeEntry | None:
    """The real layout of type ``name`` (``"internal/abi.Type"``), if known."""
    table = arch_table(version, goarch)
    return table.types.get(name) if table is not None else None


def params(version: GoVersion, goarch: str, func: str) -> tuple[Param, ...] | None:
    """The parameters of runtime function ``func`` as its definition declares them."""
    table = arch_table(version, goarch)
    return table.funcs.get(func) if table is not None else None
