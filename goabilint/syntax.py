"""tree-sitter plumbing shared by the engine and the rules.

One Go language object and one parser per process; queries are compiled once
and cached by their source text. The scope helpers answer the one question
rules ask most: does this identifier refer to an import, or to a local
declaration that shadows it?
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

import tree_sitter
import tree_sitter_go

Node = tree_sitter.Node

GO = tree_sitter.Language(tree_sitter_go.language())


@functools.cache
def parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(GO)


@functools.cache
def query(source: str) -> tree_sitter.Query:
    """Compile ``source`` once per process."""
    return tree_sitter.Query(GO, source)


def captures(source: str, node: Node) -> dict[str, list[Node]]:
    """Run a (cached) query over ``node`` and return its captures by name."""
    return tree_sitter.QueryCursor(query(source)).captures(node)


def captured(source: str, node: Node, name: str) -> list[Node]:
    """The nodes captured as ``name``, in source order."""
    return sorted(captures(source, node).get(name, []), key=_start)


def captured_by_name(source: str, node: Node) -> dict[str, list[Node]]:
    """Every capture of the query, by name, each in source order."""
    return {
        name: sorted(nodes, key=_start)
        for name, nodes in captures(source, node).items()
    }


def _start(node: Node) -> int:
    return node.start_byte


def text(node: Node | None) -> str:
    if node is None:
        return ""
    raw = node.text  # a copy of the bytes each time it is read
    return "" if raw is None else raw.decode("utf-8", "replace")


def string_value(node: Node) -> str | None:
    """The value of a Go string literal node, or None if it is not one.

    Interpreted strings with escapes other than the simple ones are returned
    as written between the quotes; rules compare them against plain names.
    """
    if node.type == "raw_string_literal":
        return text(node)[1:-1]
    if node.type == "interpreted_string_literal":
        return text(node)[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return None


def parse(data: bytes) -> tree_sitter.Tree:
    """Parse Go source; :func:`ancestors` looks in this tree first."""
    tree = parser().parse(data)
    _last_root[:] = [tree.root_node]
    return tree


# The root of the tree parsed or climbed last.
_last_root: list[Node] = []


def unparen(node: Node) -> Node:
    """``node`` without enclosing parentheses: ``((x))`` is ``x``."""
    while node.type == "parenthesized_expression" and node.named_children:
        node = node.named_children[0]
    return node


def expression_items(node: Node | None) -> list[Node]:
    """The expressions of an expression list, or the one expression."""
    if node is None:
        return []
    return node.named_children if node.type == "expression_list" else [node]


def strip_pointers(t: Node) -> tuple[Node, int]:
    """A type without pointers and parentheses, and how many pointers it had."""
    depth = 0
    while t.type in ("pointer_type", "parenthesized_type") and t.named_children:
        depth += t.type == "pointer_type"
        t = t.named_children[0]
    return t, depth


def ancestors(node: Node) -> Iterator[Node]:
    """The parents of ``node``, innermost first.

    tree-sitter finds a parent by walking down from the root, so climbing
    parent by parent costs O(depth²): minutes for code nested thousands
    deep. When ``node`` is in the tree seen last, one walk down from its
    root finds the whole path instead.
    """
    path = _path_between(_last_root[0], node) if _last_root else None
    if path is not None:
        yield from reversed(path)
        return
    parent = node.parent
    while parent is not None:
        yield parent
        top, parent = parent, parent.parent
        if parent is None:
            _last_root[:] = [top]


def _path_between(root: Node, node: Node) -> list[Node] | None:
    """The nodes from ``root`` down to ``node``'s parent; None if ``node``
    is not in ``root``'s tree."""
    path = []
    current: Node | None = root
    while current != node:
        if current is None:
            return None
        path.append(current)
        current = current.child_with_descendant(node)
    return path


def enclosing_function(node: Node) -> Node | None:
    """The innermost function declaration, method or function literal."""
    for a in ancestors(node):
        if a.type in FUNCTION_TYPES:
            return a
    return None


FUNCTION_TYPES = frozenset(
    {"function_declaration", "method_declaration", "func_literal"}
)


@dataclass(frozen=True)
class Declaration:
    """Where a local name is declared.

    ``node`` is the declaring construct (``parameter_declaration``,
    ``var_spec``, ``short_var_declaration``, ...), ``name`` the identifier
    node, ``type`` the written type if there is one, and ``value`` the
    initialising expression if it can be paired with the name.
    """

    node: Node
    name: Node
    type: Node | None
    value: Node | None


def find_local_declaration(ident: Node) -> Declaration | None:
    """The innermost declaration of ``ident``'s name visible at ``ident``.

    Only function-local scopes are searched (parameters, results, receivers,
    statements earlier in enclosing blocks, ``if``/``for``/``switch``
    initialisers, range and type-switch variables). Package-level names
    cannot shadow an import (the compiler rejects the clash), so a ``None``
    answer for an imported name means the identifier is the import.
    """
    name = text(ident)
    pos = ident.start_byte
    child = ident
    for scope in ancestors(ident):
        if scope.type == "source_file":
            return None
        for c in scope.children:
            if c.start_byte >= pos or c == child:
                # Declarations after the use, or the statement containing the
                # use (its own left side is not yet in scope on the right),
                # and every child after it.
                break
            if c.type in _DECLARING:
                found = _declared_in(c, name, scope)
                if found is not None:
                    return found
        child = scope
    return None


# The children of a scope that _declared_in can find a declaration in.
_DECLARING = frozenset(
    {
        "parameter_list",
        "type_parameter_list",
        "short_var_declaration",
        "var_declaration",
        "const_declaration",
        "type_declaration",
        "range_clause",
        "for_clause",
        "receive_statement",
        "expression_list",
    }
)


def _declared_in(c: Node, name: str, scope: Node) -> Declaration | None:
    t = c.type
    if t in ("parameter_list", "type_parameter_list"):
        for p in c.named_children:
            for n in p.children_by_field_name("name"):
                if text(n) == name:
                    return Declaration(p, n, p.child_by_field_name("type"), None)
    elif t == "short_var_declaration":
        return _paired(
            c, name, c.child_by_field_name("left"), c.child_by_field_name("right")
        )
    elif t in ("var_declaration", "const_declaration"):
        for spec in _specs(c):
            names = spec.children_by_field_name("name")
            values = spec.child_by_field_name("value")
            vals = values.named_children if values is not None else []
            for i, n in enumerate(names):
                if text(n) == name:
                    value = vals[i] if len(vals) == len(names) else None
                    return Declaration(spec, n, spec.child_by_field_name("type"), value)
    elif t == "type_declaration":
        for spec in c.named_children:
            n = spec.child_by_field_name("name")
            if n is not None and text(n) == name:
                return Declaration(spec, n, spec.child_by_field_name("type"), None)
    elif t == "range_clause":
        if b":=" in (c.text or b""):
            return _paired(c, name, c.child_by_field_name("left"), None)
    elif t in ("for_clause",):
        init = c.child_by_field_name("initializer")
        if init is not None:
            return _declared_in(init, name, scope)
    elif t == "receive_statement" and scope.type == "communication_case":
        if b":=" in (c.text or b""):
            return _paired(c, name, c.child_by_field_name("left"), None)
    elif t == "expression_list" and scope.type == "type_switch_statement":
        for n in c.named_children:
            if n.type == "identifier" and text(n) == name:
                return Declaration(scope, n, None, scope.child_by_field_name("value"))
    return None


def _specs(decl: Node) -> Iterator[Node]:
    for c in decl.named_children:
        if c.type in ("var_spec", "const_spec"):
            yield c
        elif c.type in ("var_spec_list", "const_spec_list"):
            yield from (s for s in c.named_children if s.type.endswith("_spec"))


def _paired(
    decl: Node, name: str, left: Node | None, right: Node | None
) -> Declaration | None:
    if left is None:
        return None
    names = (
        [n for n in left.named_children] if left.type == "expression_list" else [left]
    )
    values = []
    if right is not None:
        values = right.named_children if right.type == "expression_list" else [right]
    for i, n in enumerate(names):
        if n.type == "identifier" and text(n) == name:
            value = values[i] if len(values) == len(names) else None
            return Declaration(decl, n, None, value)
    return None
