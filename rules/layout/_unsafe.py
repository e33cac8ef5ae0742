"""What the LAY rules share about ``unsafe`` expressions.

Recognising ``unsafe.X(...)`` calls and ``uintptr(...)`` conversions as the
compiler would (an aliased import counts, a shadowing local does not), and
telling an offset written as a bare number from one derived from
``unsafe.Offsetof``/``Sizeof``/``Alignof``.
"""

from __future__ import annotations

from dataclasses import dataclass

from goabilint import syntax
from goabilint.constraints import BuildContext
from goabilint.layout.calc import Calculator, Unknown, import_path
from goabilint.source import GoFile, Package
from goabilint.syntax import Node, captured, text

__all__ = [
    "HardCoded",
    "arguments",
    "calculator_for",
    "hard_coded",
    "strip",
    "uintptr_operand",
    "unsafe_call",
]

SIZE_FUNCS = ("Sizeof", "Offsetof", "Alignof")


def arguments(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    if args is None:
        return []
    return [a for a in args.named_children if a.type != "comment"]


def unsafe_call(file: GoFile, node: Node, *names: str) -> str | None:
    """The member name if ``node`` calls ``unsafe.<name>`` for one of ``names``."""
    if node.type != "call_expression":
        return None
    fn = node.child_by_field_name("function")
    if fn is None:
        return None
    for name in names:
        if file.refers_to(fn, "unsafe", name):
            return name
    return None


def uintptr_operand(node: Node) -> Node | None:
    """``X`` when ``node`` is the conversion ``uintptr(X)``."""
    while node.type == "parenthesized_expression" and node.named_child_count == 1:
        node = node.named_children[0]
    if node.type != "call_expression":
        return None
    fn = node.child_by_field_name("function")
    if fn is None or fn.type != "identifier" or text(fn) != "uintptr":
        return None
    if syntax.find_local_declaration(fn) is not None:
        return None  # a local named uintptr
    args = arguments(node)
    return args[0] if len(args) == 1 else None


strip = syntax.unparen  # the layout rules' name for it


@dataclass(frozen=True)
class HardCoded:
    """An offset written as a number: its value, and the constant that
    holds it when it is not a literal in place."""

    value: int
    constant: str | None
    node: Node


def hard_coded(
    calc: Calculator, node: Node, file: GoFile, depth: int = 0
) -> HardCoded | None:
    """The offset ``node`` if it is built from integer literals and
    constants that are themselves such literals; None if any part is
    derived from a size function, ``iota``, a variable or a call."""
    node = strip(node)
    if depth > 8:
        return None
    t = node.type
    if t == "int_literal":
        return _value(calc, node, file, None)
    if t == "unary_expression" and text(node.child_by_field_name("operator")) in (
        "-",
        "+",
    ):
        inner = hard_coded(calc, node.child_by_field_name("operand"), file, depth + 1)
        return _value(calc, node, file, inner.constant) if inner else None
    if t == "binary_expression":
        left = hard_coded(calc, node.child_by_field_name("left"), file, depth + 1)
        right = hard_coded(calc, node.child_by_field_name("right"), file, depth + 1)
        if left is None or right is None:
            return None
        return _value(calc, node, file, left.constant or right.constant)
    if t == "call_expression":
        inner = uintptr_operand(node) or _int_conversion(node)
        if inner is None:
            return None
        found = hard_coded(calc, inner, file, depth + 1)
        return _value(calc, node, file, found.constant) if found else None
    if t == "identifier":
        value = _constant_expression(calc, node, file)
        if value is None:
            return None
        expr, owner = value
        found = hard_coded(calc, expr, owner, depth + 1)
        return _value(calc, node, file, text(node)) if found else None
    return None


_INT_NAMES = frozenset(
    [
        "int",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "uintptr",
    ]
)


def _int_conversion(node: Node) -> Node | None:
    fn = node.child_by_field_name("function")
    args = arguments(node)
    if (
        fn is not None
        and fn.type == "identifier"
        and text(fn) in _INT_NAMES
        and len(args) == 1
    ):
        return args[0]
    return None


def _value(
    calc: Calculator, node: Node, file: GoFile, constant: str | None
) -> HardCoded | None:
    try:
        return HardCoded(calc.const_value(node, file).value, constant, node)
    except Unknown:
        return None


def _constant_expression(
    calc: Calculator, ident: Node, file: GoFile
) -> tuple[Node, GoFile] | None:
    """The expression a constant named by ``ident`` is declared with (only
    for a spec with its own value, not an implicit repetition)."""
    local = syntax.find_local_declaration(ident)
    if local is not None:
        if local.node.type == "const_spec" and local.value is not None:
            return local.value, file
        return None
    decl = calc.const_decl(text(ident))
    if decl is None:
        return None
    spec, f = decl
    values = spec.child_by_field_name("value")
    if values is None:
        return None  # repeats an earlier expression: an iota enumeration
    names = [n for n in spec.children_by_field_name("name") if n.is_named]
    exprs = [v for v in values.named_children if v.type != "comment"]
    for n, v in zip(names, exprs, strict=False):
        if text(n) == text(ident):
            if any(c.type == "iota" for c in captured("(iota) @i", v, "i")):
                return None
            return v, f
    return None


def calculator_for(
    package: Package, file: GoFile, contexts: list[BuildContext]
) -> Calculator | None:
    """A calculator for the first target context that builds ``file``."""
    for ctx in contexts:
        if file.built_for(ctx):
            try:
                return _cached_calculator(package, ctx)
            except Unknown:
                return None
    return None


def _cached_calculator(package: Package, ctx: BuildContext) -> Calculator:
    return Calculator.for_package(package, ctx, import_path(package))
