"""Go types reduced to what the calling convention sees: a kind and a size.

Two declarations of one linker symbol only have to agree on how arguments
travel: how many there are, and for each whether it is an integer, a
float, a pointer, a string, a slice or an interface, and how many bytes
it takes. ``int32`` and ``uint32`` travel alike; ``int32`` and ``int64``,
or ``*T`` and ``uintptr``, do not. A type whose shape cannot be known
from the text (a struct, an array, a named type of another package) has
no shape, and a comparison involving it says nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from goabilint.syntax import Node, text

__all__ = ["WORD", "Shape", "param_types", "result_types", "shape_of"]

# A size counted in machine words (int, pointers), as opposed to bytes.
WORD = "w"

_THIRTY_TWO_BIT = frozenset({"386", "arm", "mips", "mipsle", "wasm32"})


@dataclass(frozen=True)
class Shape:
    kind: str  # int, float, complex, ptr, string, slice, iface
    size: tuple[int, int]  # (bytes, words): the size is bytes + words * word size

    def bytes(self, goarch: str) -> int:
        word = 4 if goarch in _THIRTY_TWO_BIT else 8
        return self.size[0] + self.size[1] * word

    def describe(self, goarch: str) -> str:
        names = {
            "int": "an integer",
            "float": "a float",
            "complex": "a complex number",
            "ptr": "a pointer",
            "string": "a string",
            "slice": "a slice",
            "iface": "an interface",
        }
        n = self.bytes(goarch)
        return f"{names[self.kind]} of {n} byte" + ("" if n == 1 else "s")


def _s(kind: str, nbytes: int = 0, words: int = 0) -> Shape:
    return Shape(kind, (nbytes, words))


_BASIC = {
    "bool": _s("int", 1),
    "int8": _s("int", 1),
    "uint8": _s("int", 1),
    "byte": _s("int", 1),
    "int16": _s("int", 2),
    "uint16": _s("int", 2),
    "int32": _s("int", 4),
    "uint32": _s("int", 4),
    "rune": _s("int", 4),
    "int64": _s("int", 8),
    "uint64": _s("int", 8),
    "int": _s("int", 0, 1),
    "uint": _s("int", 0, 1),
    "uintptr": _s("int", 0, 1),
    "float32": _s("float", 4),
    "float64": _s("float", 8),
    "complex64": _s("complex", 8),
    "complex128": _s("complex", 16),
    "string": _s("string", 0, 2),
    "any": _s("iface", 0, 2),
    "error": _s("iface", 0, 2),
    "unsafe.Pointer": _s("ptr", 0, 1),
}
_PTR = _s("ptr", 0, 1)
_SLICE = _s("slice", 0, 3)
_IFACE = _s("iface", 0, 2)

_QUALIFIED = re.compile(r"^[A-Za-z_]\w*\.[A-Za-z_]\w*$")
_NAME = re.compile(r"^[A-Za-z_]\w*$")


def shape_of(
    written: str, resolve: Callable[[str], str | None] | None = None, depth: int = 0
) -> Shape | None:
    """The shape of a type as written, or None when it cannot be known.

    :param resolve: maps a bare type name of the declaring package to the
        text of its underlying type (``type Duration int64`` → ``int64``),
        or None; without it bare names other than predeclared ones have no
        shape.
    """
    t = " ".join(written.split())
    if t in _BASIC:
        return _BASIC[t]
    if t.startswith(("*", "map[", "chan ", "chan<-", "<-chan", "func(")):
        return _PTR
    if t.startswith(("[]", "...")):
        return _SLICE
    if t.startswith(("interface{", "interface {")):
        return _IFACE
    if resolve is not None and _NAME.match(t) and depth < 8:
        underlying = resolve(t)
        if underlying is not None:
            return shape_of(underlying, resolve, depth + 1)
    return None  # structs, arrays, named types of other packages


def param_types(params: Node | None) -> list[str]:
    """The parameter types of a ``parameter_list``, one per parameter.

    ``(a, b int)`` gives two ``int``. tree-sitter-go splits a long run of
    names (``(fn, a1, ..., a9 uintptr)``) into type-only declarations; in
    a list where some parameter is named every parameter is, so such a
    bare identifier is taken for a name sharing the next declared type.
    """
    if params is None:
        return []
    decls = [p for p in params.named_children if "parameter_declaration" in p.type]
    named = any(p.child_by_field_name("name") is not None for p in decls)
    out: list[str] = []
    pending = 0
    for p in decls:
        typ = p.child_by_field_name("type")
        written = text(typ)
        names = len(p.children_by_field_name("name"))
        if named and names == 0 and typ is not None and typ.type == "type_identifier":
            pending += 1  # a name whose type comes later
            continue
        if p.type == "variadic_parameter_declaration":
            written = "..." + written
        out.extend([written] * (max(1, names) + pending))
        pending = 0
    out.extend(["?"] * pending)
    return out


def result_types(fn: Node) -> list[str]:
    result = fn.child_by_field_name("result")
    if result is None:
        return []
    if result.type == "parameter_list":
        return param_types(result)
    return [text(result)]
