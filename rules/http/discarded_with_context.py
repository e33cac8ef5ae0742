"""HTTP005 discarded-with-context.

``(*http.Request).WithContext`` and ``Clone`` return a new request and leave
the receiver alone, so calling one for effect does nothing. The rule has no
type checker: it proves that a receiver is a request from what the file
itself writes down (declared types, known constructors, struct fields and
functions declared in the file) and stays silent whenever it cannot.
"""

from __future__ import annotations

from collections.abc import Iterator

from goabilint.context import Reporter
from goabilint.rule import Rule, Severity
from goabilint.source import GoFile
from goabilint.syntax import (
    Node,
    expression_items,
    find_local_declaration,
    strip_pointers,
    text,
    unparen,
)

RULE = Rule(
    code="HTTP005",
    name="discarded-with-context",
    title="result of (*http.Request).WithContext or Clone is discarded",
    severity=Severity.WARNING,
    since="0.1.0",
    tags=("http", "context"),
    needs=(b"WithContext", b"Clone"),
    doc="""
    ## What it does
    Reports calls of `(*http.Request).WithContext` and `(*http.Request).Clone`
    whose result is thrown away: the call is a statement of its own, the
    call of a `defer` or `go` statement, or is assigned to the blank
    identifier `_`.

    ## Why is this bad?
    Both methods return a *new* request carrying the new context; the
    receiver is not modified. Calling one for effect does nothing, so the
    cancellation, deadline or values the context was meant to carry never
    reach the code that uses the request: an outgoing request is not
    cancelled, a handler further down still sees the old context. The
    results of deferred calls and of `go` statements are always discarded,
    and `_ =` only makes the loss explicit; neither method has an effect
    worth keeping besides panicking on a nil context.

    ## Example
    ```go
    func withUser(next http.Handler) http.Handler {
        return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
            ctx := context.WithValue(r.Context(), userKey{}, lookup(r))
            r.WithContext(ctx)
            next.ServeHTTP(w, r)
        })
    }
    ```

    ## Use instead
    ```go
    func withUser(next http.Handler) http.Handler {
        return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
            ctx := context.WithValue(r.Context(), userKey{}, lookup(r))
            next.ServeHTTP(w, r.WithContext(ctx))
        })
    }
    ```

    ## Known problems
    There is no type checking. A receiver counts as a request only when the
    file shows it is one: a parameter, variable, struct field (of a struct
    declared in the file), slice or map element, range or type-switch
    variable written with type `*http.Request` or `http.Request` (also
    through a type alias declared in the file); or a value built by
    `http.NewRequest`, `http.NewRequestWithContext`, `http.ReadRequest`,
    `httptest.NewRequest`, `httptest.NewRequestWithContext`, `new`, `&`
    and a composite literal, a conversion or type assertion, `WithContext`
    or `Clone` on a request, or a function or method declared in the file
    that returns one. Anything else, such as a variable declared in another
    file of the package or a struct that embeds `*http.Request`, is not
    checked, so some discarded calls go unreported. Methods of the same
    names on other types (loggers, database handles, client libraries) are
    never reported.

    `_ = r.WithContext(ctx)` is reported too: if it is there on purpose, to
    panic early on a nil context, say so in a suppression comment.

    ## References
    - [net/http: Request.WithContext](https://pkg.go.dev/net/http#Request.WithContext)
    - [net/http: Request.Clone](https://pkg.go.dev/net/http#Request.Clone)
    - [The Go spec: Defer statements](https://go.dev/ref/spec#Defer_statements)
    """,
)

HTTP = "net/http"
HTTPTEST = "net/http/httptest"
METHODS = ("WithContext", "Clone")

# Known to be a *http.Request, for values whose type is not written as a node.
REQUEST = "*http.Request"

# Functions whose (first) result is a *http.Request: path -> name -> whether
# they return more than one value.
CONSTRUCTORS = {
    HTTP: {"NewRequest": True, "NewRequestWithContext": True, "ReadRequest": True},
    HTTPTEST: {"NewRequest": False, "NewRequestWithContext": False},
}

# Deep enough for real chains of variables and calls; it only guards against
# pathological input, since Go declarations cannot refer to themselves.
MAX_DEPTH = 24

Type = Node | str | None

HOW = {
    "expression_statement": "is discarded",
    "defer_statement": "is discarded by defer",
    "go_statement": "is discarded by the go statement",
    "assignment_statement": "is assigned to _",
    "var_spec": "is assigned to _",
}


@RULE.on_go_file
def check(file: GoFile, report: Reporter) -> None:
    if not (file.import_names(HTTP) or file.import_names(HTTPTEST)):
        return  # nothing in the file can be written as a request

    for stmt, call in discarded_calls(file):
        function = call.child_by_field_name("function")
        if function is None or function.type != "selector_expression":
            continue  # not a method call
        method = text(function.child_by_field_name("field"))
        receiver = function.child_by_field_name("operand")
        if method not in METHODS or receiver is None:
            continue
        if not is_request(file, type_of(file, receiver, 0), 0):
            continue  # some other type's method, or a type we cannot see

        report(
            call,
            f"result of (*http.Request).{method} {HOW[stmt.type]}; "
            "the request keeps its old context",
            fix=fix_hint(file, stmt, call, receiver, method),
        )


def discarded_calls(file: GoFile) -> Iterator[tuple[Node, Node]]:
    """``(statement, call)`` for each call of one of :data:`METHODS` whose
    value the statement drops; each call is reached from its name, and the
    statements that could drop it are the ones around it."""
    for call in file.calls_named(*METHODS):
        expr = call
        while (
            expr.parent is not None and expr.parent.type == "parenthesized_expression"
        ):
            expr = expr.parent
        around = [expr.parent]
        if expr.parent is not None and expr.parent.type == "expression_list":
            around.append(expr.parent.parent)
        for stmt in around:
            if stmt is not None and stmt.type in HOW:
                yield from ((s, c) for s, c in dropped(stmt) if c == call)


def dropped(stmt: Node) -> Iterator[tuple[Node, Node]]:
    """``(stmt, call)`` for each call whose value the statement drops."""
    if stmt.type in ("expression_statement", "defer_statement", "go_statement"):
        # The spec allows parentheses around an expression statement.
        expr = unparen(stmt.named_children[0]) if stmt.named_children else None
        if expr is not None and expr.type == "call_expression":
            yield stmt, expr
        return

    if stmt.type == "assignment_statement":
        if text(stmt.child_by_field_name("operator")) != "=":
            return  # x += ... cannot have _ on its left
        left = stmt.child_by_field_name("left")
        right = stmt.child_by_field_name("right")
    else:
        left, right = None, stmt.child_by_field_name("value")
    names = declared_names(stmt) if stmt.type == "var_spec" else expression_items(left)
    values = expression_items(right)
    if len(names) != len(values):
        return  # a, _ = f() assigns the results of one call
    for name, value in zip(names, values):
        value = unparen(value)
        if text(name) == "_" and value.type == "call_expression":
            yield stmt, value


def declared_names(spec: Node) -> list[Node]:
    return spec.children_by_field_name("name")


def fix_hint(file: GoFile, stmt: Node, call: Node, receiver: Node, method: str) -> str:
    """An instruction that uses the call as written, when it is short."""
    written = text(call)
    if len(written) > 60 or "\n" in written:
        written = f"{text(receiver)}.{method}(ctx)" if len(text(receiver)) < 30 else ""
    prefix = ""
    if stmt.type in ("defer_statement", "go_statement"):
        prefix = f"call it without {text(stmt.children[0])} and "

    if not written:
        return f"{prefix}assign the returned request to a variable and use that"
    if method == "Clone":
        return f"{prefix}use the copy: clone := {written}"
    if not holds_pointer(file, receiver):
        # r = r.WithContext(ctx) only type-checks where r is a *http.Request.
        return f"{prefix}use the returned request: r2 := {written}"
    return f"{prefix}assign it: {text(receiver)} = {written}"


def holds_pointer(file: GoFile, receiver: Node) -> bool:
    """Whether ``receiver`` is a variable or field that can hold a *http.Request."""
    if receiver.type not in ("identifier", "selector_expression", "index_expression"):
        return False  # a call, conversion or type assertion is not assignable
    t = type_of(file, receiver, 0)
    if isinstance(t, Node):
        while t.type == "parenthesized_type" and t.named_children:
            t = t.named_children[0]
        return t.type == "pointer_type"
    return t is REQUEST


def is_request(file: GoFile, t: Type, depth: int) -> bool:
    """Whether ``t`` is ``http.Request`` or a pointer to it.

    The pointer does not matter: a method of ``*http.Request`` can be called
    on an addressable ``http.Request`` as well.
    """
    if t is REQUEST:
        return True
    if not isinstance(t, Node) or depth > MAX_DEPTH:
        return False
    t = strip_pointers(t)[0]
    if t.type not in NAMES:
        return False
    if t.type in ("type_identifier", "identifier") and not file.refers_to(
        t, HTTP, "Request"
    ):
        # A defined type has none of Request's methods; an alias has them all.
        spec = named_type(file, t)
        alias = spec is not None and spec.type == "type_alias"
        return alias and is_request(file, spec.child_by_field_name("type"), depth + 1)
    return file.refers_to(t, HTTP, "Request")


# How a type name is written: in type position, or as an operand of new() or a
# conversion, where tree-sitter parses it as an expression.
NAMES = ("qualified_type", "type_identifier", "selector_expression", "identifier")


def named_type(file: GoFile, ident: Node) -> Node | None:
    """The ``type_spec`` or ``type_alias`` that declares the type ``ident`` names."""
    decl = find_local_declaration(ident)
    if decl is not None:
        if decl.node.type in ("type_spec", "type_alias"):
            return decl.node
        return None  # a type parameter or something that is not a type
    for d in file.decls:
        if d.kind == "type" and d.name == text(ident):
            return d.node
    return None


def underlying(file: GoFile, t: Type, depth: int) -> Node | None:
    """``t`` without pointers, aliases and defined names declared in the file."""
    while isinstance(t, Node) and depth <= MAX_DEPTH:
        t = strip_pointers(t)[0]
        if t.type != "type_identifier":
            return t
        spec = named_type(file, t)
        if spec is None:
            return None  # predeclared, or declared in another file
        t = spec.child_by_field_name("type")
        depth += 1
    return None


def type_of(file: GoFile, expr: Node, depth: int) -> Type:
    """The type of ``expr`` as a type node of the file, ``REQUEST``, or None."""
    if depth > MAX_DEPTH:
        return None
    depth += 1
    kind = expr.type

    if kind == "parenthesized_expression":
        return type_of(file, unparen(expr), depth)
    if kind == "identifier":
        return identifier_type(file, expr, depth)
    if kind == "unary_expression":
        operator = text(expr.child_by_field_name("operator"))
        inner = type_of(file, expr.child_by_field_name("operand"), depth)
        if operator == "&":
            return REQUEST if is_request(file, inner, depth) else inner
        if operator == "<-":
            return received_type(file, expr.child_by_field_name("operand"), depth)
        # *p is the value itself: whether that is a pointer only matters to
        # the fix hint, which has no better answer.
        return inner if operator == "*" else None
    if kind in ("composite_literal", "type_assertion_expression"):
        return expr.child_by_field_name("type")
    if kind == "call_expression":
        return call_type(file, expr, depth, first=False)
    if kind == "selector_expression":
        return field_type(file, expr, depth)
    if kind == "index_expression":
        return element_type(file, expr.child_by_field_name("operand"), depth, "value")
    return None


def identifier_type(file: GoFile, ident: Node, depth: int) -> Type:
    decl = find_local_declaration(ident)
    if decl is None:
        # A package-level variable of this file; other files are out of sight.
        for d in file.decls:
            if d.kind == "var" and d.name == text(ident):
                names = d.node.children_by_field_name("name")
                name = next(n for n in names if text(n) == d.name)
                return spec_type(file, d.node, name, depth)
        return None

    kind = decl.node.type
    if kind == "parameter_declaration":
        return decl.type
    if kind == "var_spec":
        return spec_type(file, decl.node, decl.name, depth)
    if kind == "short_var_declaration":
        if decl.value is not None:
            return type_of(file, decl.value, depth)
        return first_result(file, decl.node, "right", decl.name, depth)
    if kind == "range_clause":
        return range_type(file, decl.node, decl.name, depth)
    if kind == "type_switch_statement":
        return case_type(decl.node, ident)
    if kind == "receive_statement":
        names = expression_items(decl.node.child_by_field_name("left"))
        value = decl.node.child_by_field_name("right")
        if names and names[0] == decl.name and value is not None:
            return type_of(file, value, depth)  # case r := <-ch, or r, ok :=
    return None  # variadic parameters, constants, types


def spec_type(file: GoFile, spec: Node, name: Node, depth: int) -> Type:
    written = spec.child_by_field_name("type")
    if written is not None:
        return written
    values = expression_items(spec.child_by_field_name("value"))
    names = declared_names(spec)
    if len(values) == len(names):
        return type_of(file, values[names.index(name)], depth)
    return first_result(file, spec, "value", name, depth)


def first_result(file: GoFile, decl: Node, field: str, name: Node, depth: int) -> Type:
    """The type of ``name`` in ``name, err := f()`` or ``name, ok := x.(T)``."""
    if decl.type == "var_spec":
        names = declared_names(decl)
    else:
        names = expression_items(decl.child_by_field_name("left"))
    values = expression_items(decl.child_by_field_name(field))
    if len(values) != 1 or not names or names[0] != name:
        return None
    value = unparen(values[0])
    if value.type == "call_expression":
        return call_type(file, value, depth, first=True)
    if value.type in ("type_assertion_expression", "index_expression"):
        return type_of(file, value, depth)  # the comma-ok forms
    if value.type == "unary_expression":
        return type_of(file, value, depth)  # r, ok := <-ch
    return None


def call_type(file: GoFile, call: Node, depth: int, *, first: bool) -> Type:
    """The type of ``call``'s result, or of its first result when ``first``."""
    function = call.child_by_field_name("function")
    if function is None:
        return None
    if function.type == "parenthesized_expression":
        inner = unparen(function)
        operator = text(inner.child_by_field_name("operator"))
        if inner.type == "unary_expression" and operator == "*":
            inner = inner.child_by_field_name("operand")  # (*http.Request)(p)
            return REQUEST if is_request(file, inner, depth) else None
        if inner.type == "pointer_type":
            return inner
        function = inner

    # Constructors of net/http and net/http/httptest.
    for path, names in CONSTRUCTORS.items():
        for name, several in names.items():
            if (first or not several) and file.refers_to(function, path, name):
                return REQUEST

    if function.type == "selector_expression":
        method = text(function.child_by_field_name("field"))
        operand = function.child_by_field_name("operand")
        if method in METHODS and not first:
            if is_request(file, type_of(file, operand, depth), depth):
                return REQUEST
        return result_type(method_results(file, operand, method, depth), first)

    if function.type == "identifier":
        if text(function) == "new" and file.is_predeclared(function):
            args = call.child_by_field_name("arguments")
            if args is None or not args.named_children:
                return None
            arg = args.named_children[0]
            # new(T), or since Go 1.26 new(v) for a value v of type T.
            if is_request(file, arg, depth):
                return REQUEST
            if is_request(file, type_of(file, arg, depth), depth):
                return REQUEST
            return None
        return result_type(function_results(file, function, depth), first)
    return None


def function_results(file: GoFile, ident: Node, depth: int) -> Node | None:
    """The result of the function ``ident`` calls, if the file declares it."""
    decl = find_local_declaration(ident)
    if decl is not None:
        # A local func value: its literal, or a written func type.
        signature = decl.value if decl.value is not None else decl.type
        kinds = ("func_literal", "function_type")
        if signature is not None and signature.type in kinds:
            return signature.child_by_field_name("result")
        return None
    for d in file.decls:
        if d.kind == "func" and d.name == text(ident):
            return d.node.child_by_field_name("result")
    return None


def method_results(file: GoFile, operand: Node, method: str, depth: int) -> Node | None:
    """The result of ``operand.method()`` when the file declares that method."""
    base = type_of(file, operand, depth)
    if not isinstance(base, Node):
        return None
    base = strip_pointers(base)[0]
    if base.type != "type_identifier":
        return None
    for d in file.decls:
        if d.kind == "method" and d.name == method and d.receiver == text(base):
            return d.node.child_by_field_name("result")
    return None


def result_type(result: Node | None, first: bool) -> Type:
    """The one result type, or the first of several when ``first``."""
    if result is None:
        return None
    if result.type != "parameter_list":
        return result
    types: list[Node] = []
    for p in result.named_children:
        t = p.child_by_field_name("type")
        if t is not None:
            types.extend([t] * max(1, len(p.children_by_field_name("name"))))
    if len(types) == 1 or (first and types):
        return types[0]
    return None


def field_type(file: GoFile, selector: Node, depth: int) -> Type:
    """The type of ``x.f`` when x's type is a struct declared in the file."""
    operand = selector.child_by_field_name("operand")
    name = text(selector.child_by_field_name("field"))
    struct = underlying(file, type_of(file, operand, depth), depth)
    if struct is None or struct.type != "struct_type":
        return None
    for fields in struct.named_children:
        for f in fields.named_children:
            if f.type != "field_declaration":
                continue
            t = f.child_by_field_name("type")
            names = [text(n) for n in f.children_by_field_name("name")]
            if name in names:
                return t
            if not names and embedded_name(t) == name:
                # tree-sitter keeps the * of an embedded *T outside the type.
                pointer = any(c.type == "*" for c in f.children)
                return REQUEST if pointer and is_request(file, t, depth) else t
    return None


def embedded_name(t: Node | None) -> str | None:
    """The field name of an embedded field: ``Request`` for ``*http.Request``."""
    if t is None:
        return None
    t = strip_pointers(t)[0]
    if t.type == "qualified_type":
        return text(t.child_by_field_name("name"))
    if t.type == "generic_type":
        return text(t.child_by_field_name("type"))
    return text(t) if t.type == "type_identifier" else None


def element_type(file: GoFile, collection: Node | None, depth: int, part: str) -> Type:
    """The element (``part="value"``) or key type of a slice, array or map."""
    if collection is None:
        return None
    if collection.type == "identifier":
        decl = find_local_declaration(collection)
        if decl is not None and decl.node.type == "variadic_parameter_declaration":
            return decl.type if part == "value" else None  # xs ...T is a []T
    t = underlying(file, type_of(file, collection, depth), depth)
    if t is None:
        return None
    if t.type in ("slice_type", "array_type", "implicit_length_array_type"):
        return t.child_by_field_name("element") if part == "value" else None
    if t.type == "map_type":
        return t.child_by_field_name(part)
    return None


def received_type(file: GoFile, channel: Node | None, depth: int) -> Type:
    """The type of the values received from ``channel``."""
    if channel is None:
        return None
    t = underlying(file, type_of(file, channel, depth), depth)
    if t is None or t.type != "channel_type":
        return None
    return t.child_by_field_name("value")


def range_type(file: GoFile, clause: Node, name: Node, depth: int) -> Type:
    names = expression_items(clause.child_by_field_name("left"))
    position = names.index(name) if name in names else -1
    if position not in (0, 1):
        return None
    collection = clause.child_by_field_name("right")
    if position == 1:
        return element_type(file, collection, depth, "value")
    # The first variable is a map's key, or the value received from a channel.
    key = element_type(file, collection, depth, "key")
    return key if key is not None else received_type(file, collection, depth)


def case_type(switch: Node, ident: Node) -> Node | None:
    """In ``switch v := x.(type)``, v's type in a case that lists one type."""
    node = ident
    while node.parent is not None and node.parent != switch:
        node = node.parent
    if node.type != "type_case":
        return None  # default, or the switch header itself
    types = node.children_by_field_name("type")
    return types[0] if len(types) == 1 else None
