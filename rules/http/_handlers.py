"""What the HTTP rules share: net/http types, handlers and their parameters.

There is no type checker. A parameter is a ``http.ResponseWriter`` or a
``*http.Request`` when its declared type says so (under any import name of
net/http, or a dot import); a handler is a function, method or function
literal whose parameters have that shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from goabilint.source import GoFile
from goabilint.syntax import (
    Node,
    captured,
    enclosing_function,
    find_local_declaration,
    text,
    unparen,
)
from goabilint.syntax import expression_items as items
from goabilint.syntax import strip_pointers as strip_pointer

HTTP = "net/http"

FUNCTIONS = frozenset({"function_declaration", "method_declaration", "func_literal"})


@dataclass(frozen=True)
class Param:
    """One parameter: its declaration, its name (None if unnamed) and type."""

    decl: Node
    name: Node | None
    type: Node | None
    kind: str  # see param_kind()


@dataclass(frozen=True)
class Handler:
    """A function with a ``http.ResponseWriter`` parameter.

    ``request`` is set when the function also takes a ``*http.Request``,
    as every handler does.
    """

    node: Node
    writer: Param
    request: Param | None
    shape: tuple[str, ...]  # the kinds of all parameters, in order

    @property
    def body(self) -> Node | None:
        return self.node.child_by_field_name("body")

    @property
    def is_handler(self) -> bool:
        """Whether the shape is exactly ``(http.ResponseWriter, *http.Request)``."""
        return (
            self.request is not None
            and self.shape == ("writer", "request")
            and self.node.child_by_field_name("result") is None
        )


def param_kind(file: GoFile, t: Node | None) -> str:
    """``writer``, ``writer-pointer``, ``request``, ``request-value`` or ``other``."""
    if t is None:
        return "other"
    base, pointers = strip_pointer(t)
    if not (base.text or b"").endswith((b"ResponseWriter", b"Request")):
        return "other"  # names neither type, whatever the package
    if file.refers_to(base, HTTP, "ResponseWriter"):
        return "writer" if pointers == 0 else "writer-pointer"
    if file.refers_to(base, HTTP, "Request"):
        return {0: "request-value", 1: "request"}.get(pointers, "other")
    return "other"


def parameters(function: Node, file: GoFile | None = None) -> list[Param]:
    """The parameters, one per name (``a, b int`` gives two)."""
    params = function.child_by_field_name("parameters")
    if params is None:
        return []
    out = []
    for decl in params.named_children:
        if decl.type not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        t = decl.child_by_field_name("type")
        kind = "other"
        if file is not None and decl.type == "parameter_declaration":
            kind = param_kind(file, t)
        names = decl.children_by_field_name("name")
        for name in names or [None]:
            out.append(Param(decl, name, t, kind))
    return out


def writer_functions(file: GoFile) -> Iterator[Handler]:
    """Every function with a named ``http.ResponseWriter`` parameter."""
    if not file.import_names(HTTP):
        return  # no way to write the type
    for function in file.shared(writer_functions, lambda: _taking_writers(file)):
        params = parameters(function, file)
        writers = [p for p in params if p.kind == "writer" and usable(p)]
        if len(writers) != 1:
            continue  # none, or two writers we could confuse
        requests = [p for p in params if p.kind == "request" and usable(p)]
        request = requests[0] if len(requests) == 1 else None
        yield Handler(function, writers[0], request, tuple(p.kind for p in params))


def _taking_writers(file: GoFile) -> list[Node]:
    """The functions and literals that spell ResponseWriter among their
    parameters, in source order: reached from the word up, rather than by
    visiting every function of the file."""
    found: dict[tuple[int, int], Node] = {}
    for word in file.word_nodes("ResponseWriter"):
        node = word.parent
        while node is not None and node.type not in FUNCTIONS:
            node = node.parent
        params = node.child_by_field_name("parameters") if node is not None else None
        if (
            params is not None
            and params.start_byte <= word.start_byte < params.end_byte
        ):
            found[(node.start_byte, -node.end_byte)] = node
    return [found[k] for k in sorted(found)]


def handlers(file: GoFile) -> Iterator[Handler]:
    """Functions of the exact ``http.HandlerFunc`` shape, with named parameters."""
    for h in writer_functions(file):
        if h.is_handler:
            yield h


def usable(p: Param) -> bool:
    return p.name is not None and text(p.name) != "_"


def is_param(ident: Node | None, param: Param) -> bool:
    """Whether the identifier ``ident`` refers to ``param`` (not a shadow)."""
    if ident is None or ident.type != "identifier" or param.name is None:
        return False
    if text(ident) != text(param.name):
        return False
    decl = find_local_declaration(ident)
    return decl is not None and decl.name == param.name


def reassigned(function: Node, param: Param) -> bool:
    """Whether the body assigns to the parameter itself (``w = wrap(w)``)."""
    body = function.child_by_field_name("body")
    if body is None or param.name is None:
        return False
    name = text(param.name)
    query = "[(assignment_statement) (short_var_declaration)] @a"
    for a in captured(query, body, "a"):
        if a.type == "short_var_declaration":
            continue  # := declares a new variable, which shadows the parameter
        left = a.child_by_field_name("left")
        targets = left.named_children if left is not None else []
        for t in targets:
            if t.type == "identifier" and text(t) == name and is_param(t, param):
                return True
    return False


def call_parts(call: Node) -> tuple[Node | None, list[Node]]:
    """A call's function and its arguments."""
    args = call.child_by_field_name("arguments")
    values = [a for a in args.named_children if a.type != "comment"] if args else []
    return call.child_by_field_name("function"), values


def method_call(call: Node) -> tuple[Node | None, str]:
    """``(operand, method)`` of ``x.m(...)``; ``(None, "")`` otherwise."""
    function = call.child_by_field_name("function")
    if function is None or function.type != "selector_expression":
        return None, ""
    operand = function.child_by_field_name("operand")
    return (unparen(operand) if operand is not None else None), text(
        function.child_by_field_name("field")
    )


def http_alias(file: GoFile) -> str:
    """How this file writes the net/http package name in a type (``http.``)."""
    names = sorted(n for n in file.import_names(HTTP) if n != ".")
    if names:
        return names[0] + "."
    return "" if "." in file.import_names(HTTP) else "http."


def line_of(node: Node) -> int:
    return node.start_point[0] + 1


def server_literals(file: GoFile) -> Iterator[Node]:
    """Composite literals of ``http.Server``."""
    for word in file.word_nodes("Server"):
        t = (
            word.parent
            if word.parent and word.parent.type == "qualified_type"
            else word
        )
        lit = t.parent
        if (
            lit is not None
            and lit.type == "composite_literal"
            and lit.child_by_field_name("type") == t
            and file.refers_to(t, HTTP, "Server")
        ):
            yield lit


def keyed_fields(literal: Node) -> dict[str, Node]:
    """``{name: value}`` of a composite literal's keyed elements."""
    out = {}
    body = literal.child_by_field_name("body")
    for element in body.named_children if body is not None else []:
        if element.type != "keyed_element":
            continue
        key = element.child_by_field_name("key")
        value = element.child_by_field_name("value")
        if key is None or value is None:
            continue
        key_text = text(key).strip()
        inner = value.named_children[0] if value.type == "literal_element" else value
        out[key_text] = inner
    return out


def package_calls(file: GoFile, names: tuple[str, ...]) -> Iterator[tuple[Node, str]]:
    """Calls of net/http's functions ``names``: ``(call, name)``."""
    for call in file.calls_named(*names):
        function = call.child_by_field_name("function")
        if function is None:
            continue
        member = text(function).rsplit(".", 1)[-1]
        if member in names and file.refers_to(function, HTTP, member):
            yield call, member


def outermost(literal: Node) -> Node:
    """``&T{...}`` or ``(T{...})`` around a composite literal, if written."""
    expr = literal
    while expr.parent is not None and (
        expr.parent.type == "parenthesized_expression"
        or (
            expr.parent.type == "unary_expression"
            and text(expr.parent.child_by_field_name("operator")) == "&"
        )
    ):
        expr = expr.parent
    return expr


def assigned_variable(expr: Node) -> Node | None:
    """``srv`` in ``srv := expr``, ``srv = expr`` or ``var srv = expr``."""
    parent = expr.parent
    if parent is None or parent.type != "expression_list":
        return None
    holder = parent.parent
    if holder is None:
        return None
    if holder.type == "var_spec":
        names = holder.children_by_field_name("name")
    elif holder.type in ("short_var_declaration", "assignment_statement"):
        if parent != holder.child_by_field_name("right"):
            return None  # expr is itself on the left
        names = items(holder.child_by_field_name("left"))
    else:
        return None
    values = parent.named_children
    if len(names) != len(values):
        return None
    name = names[values.index(expr)]
    return name if name.type == "identifier" else None


def variable_uses(variable: Node) -> list[Node] | None:
    """The other uses of a local variable in its function; None for a
    package-level one, whose uses may be anywhere in the package."""
    declared = variable
    holder = variable.parent.parent if variable.parent is not None else None
    if holder is not None and holder.type == "assignment_statement":
        decl = find_local_declaration(variable)
        if decl is None:
            return None  # a package-level variable
        declared = decl.name
    scope = enclosing_function(variable)
    if scope is None:
        return None
    out = []
    for ident in captured("(identifier) @i", scope, "i"):
        if ident == declared or text(ident) != text(variable):
            continue
        decl = find_local_declaration(ident)
        if decl is not None and decl.name == declared:
            out.append(ident)
    return out
