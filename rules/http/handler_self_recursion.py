"""HTTP007 handler-self-recursion."""

from __future__ import annotations

from collections.abc import Iterator

from goabilint.context import Reporter
from goabilint.rule import Rule, Severity
from goabilint.source import GoFile
from goabilint.syntax import Node, captured, find_local_declaration, text
from goabilint_rules.http._flow import nonreturning
from goabilint_rules.http._handlers import (
    HTTP,
    call_parts,
    method_call,
    strip_pointer,
    unparen,
)

RULE = Rule(
    code="HTTP007",
    name="handler-self-recursion",
    title="ServeHTTP calls or wraps itself",
    severity=Severity.ERROR,
    since="0.1.0",
    tags=("http", "control-flow"),
    needs=(b"ServeHTTP",),
    precision="very-high",
    doc="""
    ## What it does
    Reports a `ServeHTTP` method that serves the request with itself again:
    it calls `ServeHTTP` on its own receiver (`l.ServeHTTP(w, r)` where
    `l.Handler.ServeHTTP(w, r)` was meant), or wraps the receiver and
    serves the wrapper (`http.HandlerFunc(h.ServeHTTP).ServeHTTP(w, r)`,
    `http.TimeoutHandler(h, d, msg).ServeHTTP(w, r)`, a middleware given
    `h` as its next handler), directly or through a local variable.

    Only calls that every execution reaching them makes are reported: the
    call is not inside an `if`, `switch`, `select`, loop, function literal,
    `go` or `defer`, and either nothing before it can return, or nothing
    before it changes the receiver, the request or package state. A call
    made under a condition, or after state that the next call will see
    changed, may end (a handler that serves itself once more after
    rewriting the path), and is not reported.

    ## Why is this bad?
    The method calls itself with the same receiver and request, which
    calls itself again: the goroutine's stack grows until the program dies
    with "goroutine stack exceeds 1000000000-byte limit", a crash that
    takes down the whole server, not just the request. It usually comes
    from a wrapper type that embeds `http.Handler` and forgets the field
    name.

    ## Example
    ```go
    type logged struct{ http.Handler }

    func (l logged) ServeHTTP(w http.ResponseWriter, r *http.Request) {
        log.Println(r.Method, r.URL)
        l.ServeHTTP(w, r)
    }
    ```

    ## Use instead
    ```go
    type logged struct{ http.Handler }

    func (l logged) ServeHTTP(w http.ResponseWriter, r *http.Request) {
        log.Println(r.Method, r.URL)
        l.Handler.ServeHTTP(w, r)
    }
    ```

    ## Known problems
    Recursion under a condition is not reported, even when the condition
    cannot change between the calls. `http.StripPrefix` wrapping the
    receiver is not reported, since each round strips the prefix and the
    recursion ends. Recursion through another method or function
    (`h.serve` calling `h.ServeHTTP`) is not followed.

    ## References
    - [net/http: Handler](https://pkg.go.dev/net/http#Handler)
    - [The Go spec: Struct types (embedded fields)](https://go.dev/ref/spec#Struct_types)
    """,
)

# Statements a straight-line call may sit in; anything else is a branch, a
# loop, or code that runs elsewhere (go, defer, function literals).
STRAIGHT = frozenset(
    {
        "block",
        "statement_list",
        "expression_statement",
        "return_statement",
        "labeled_statement",
        "expression_list",
        "call_expression",
        "argument_list",
        "selector_expression",
        "parenthesized_expression",
    }
)

# Wrappers that change the request so that the recursion ends.
ENDING_WRAPPERS = ("StripPrefix",)


@RULE.on_go_file
def check(file: GoFile, report: Reporter) -> None:
    for d in file.decls:
        if d.kind != "method" or d.name != "ServeHTTP":
            continue
        method = d.node
        receiver = _receiver(method)
        body = method.child_by_field_name("body")
        if receiver is None or body is None:
            continue  # an unnamed receiver cannot be called

        for call, how in _self_calls(file, body, receiver):
            if not _straight_line(call, body):
                continue  # under a condition, the recursion may end
            if not _always_recurses(file, call, body, receiver, method):
                continue  # a return before it, and state the next call sees
            name = text(receiver.child_by_field_name("name"))
            report(
                call,
                f"ServeHTTP {how}: every request that gets here recurses "
                "until the stack overflows",
                fix=_fix(file, receiver, name),
            )


def _receiver(method: Node) -> Node | None:
    params = method.child_by_field_name("receiver")
    for p in params.named_children if params is not None else []:
        name = p.child_by_field_name("name")
        if p.type == "parameter_declaration" and name is not None and text(name) != "_":
            return p
    return None


def _is_receiver(node: Node | None, receiver: Node) -> bool:
    if node is None:
        return False
    node = unparen(node)
    if node.type == "unary_expression" and text(
        node.child_by_field_name("operator")
    ) in (
        "&",
        "*",
    ):
        node = unparen(node.child_by_field_name("operand"))
    if node.type != "identifier":
        return False
    decl = find_local_declaration(node)
    if decl is None:
        return False
    if decl.node == receiver:
        return True
    # self := h, and then self.ServeHTTP(w, r).
    value = decl.value
    return (
        value is not None
        and decl.node.type == "short_var_declaration"
        and (_is_receiver(value, receiver))
    )


def _self_calls(file: GoFile, body: Node, receiver: Node) -> Iterator[tuple[Node, str]]:
    """Calls that serve the request with the receiver again, and how."""
    for call in captured("(call_expression) @c", body, "c"):
        operand, method = method_call(call)
        function = call.child_by_field_name("function")
        name = text(receiver.child_by_field_name("name"))
        if method == "ServeHTTP" and _is_receiver(operand, receiver):
            yield call, f"calls itself on {name}"
            continue
        if method == "ServeHTTP" and operand is not None:
            wrapper = _wrapper(file, operand, receiver)
            if wrapper is not None:
                yield call, f"serves itself through {wrapper}"
            continue
        if function is not None and unparen(function).type == "call_expression":
            # http.HandlerFunc(h.ServeHTTP)(w, r)
            wrapper = _wrapper(file, unparen(function), receiver)
            if wrapper is not None:
                yield call, f"serves itself through {wrapper}"


def _wrapper(file: GoFile, node: Node, receiver: Node) -> str | None:
    """How ``node`` wraps the receiver (``http.HandlerFunc(h.ServeHTTP)``)."""
    node = unparen(node)
    if node.type == "identifier":
        decl = find_local_declaration(node)
        if (
            decl is None
            or decl.value is None
            or decl.node.type != "short_var_declaration"
        ):
            return None
        return _wrapper(file, decl.value, receiver)
    if node.type != "call_expression":
        return None
    function, args = call_parts(node)
    if function is None:
        return None
    if any(file.refers_to(function, HTTP, name) for name in ENDING_WRAPPERS):
        return None  # each round strips the prefix
    for a in args:
        a = unparen(a)
        operand, member = (
            (a.child_by_field_name("operand"), text(a.child_by_field_name("field")))
            if a.type == "selector_expression"
            else (None, "")
        )
        if _is_receiver(a, receiver) or (
            member == "ServeHTTP" and _is_receiver(operand, receiver)
        ):
            written = " ".join(text(node).split())
            return written if len(written) <= 50 else f"{text(function)}(...)"
    return None


def _straight_line(call: Node, body: Node) -> bool:
    node = call.parent
    while node is not None and node != body:
        if node.type not in STRAIGHT:
            return False
        node = node.parent
    return node == body


def _statements_before(call: Node, body: Node) -> list[Node]:
    """The statements that run before ``call`` on a straight line from ``body``."""
    out = []
    node = call
    while node is not None and node != body:
        if node.parent is not None and node.parent.type == "statement_list":
            sibling = node.prev_named_sibling
            while sibling is not None:
                out.append(sibling)
                sibling = sibling.prev_named_sibling
        node = node.parent
    return out


def _always_recurses(
    file: GoFile, call: Node, body: Node, receiver: Node, method: Node
) -> bool:
    """Whether the call's inputs cannot differ from the outer call's.

    Either no path before the call leaves the method, or nothing before it
    changes what the next call would see.
    """
    before = _statements_before(call, body)
    if not any(_can_leave(file, s) for s in before):
        return True
    return not any(_changes_state(s, receiver, method) for s in before)


def _can_leave(file: GoFile, stmt: Node) -> bool:
    """Whether some path through ``stmt`` leaves the method (return, panic)."""
    query = "[(return_statement) (goto_statement) (call_expression)] @x"
    for n in captured(query, stmt, "x"):
        if _in_literal(n, stmt):
            continue  # a function literal's return leaves the literal
        if n.type == "call_expression" and not nonreturning(file, n):
            continue
        return True
    return False


def _changes_state(stmt: Node, receiver: Node, method: Node) -> bool:
    """Assignments to anything but fresh locals, or calls given the receiver."""
    query = """
    [(assignment_statement) (inc_statement) (dec_statement) (call_expression)] @x
    """
    for n in captured(query, stmt, "x"):
        if n.type == "call_expression":
            operand, _ = method_call(n)
            _, args = call_parts(n)
            if _is_receiver(operand, receiver) or any(
                _is_receiver(a, receiver) for a in args
            ):
                return True
            continue
        left = n.child_by_field_name("left") or (n.named_children or [None])[0]
        targets = (
            left.named_children
            if left is not None and left.type == "expression_list"
            else [left]
        )
        for t in targets:
            if t is None:
                continue
            root = unparen(t)
            while root.type in (
                "selector_expression",
                "index_expression",
                "unary_expression",
            ):
                inner = root.child_by_field_name("operand")
                if inner is None:
                    break
                root = unparen(inner)
            if root.type != "identifier":
                return True
            decl = find_local_declaration(root)
            if decl is None or decl.node.type == "parameter_declaration":
                return True  # package state, the receiver or the request
            if t.type != "identifier":
                return True  # a field of a local that may point elsewhere
    return False


def _in_literal(node: Node, top: Node) -> bool:
    n = node.parent
    while n is not None and n != top:
        if n.type == "func_literal":
            return True
        n = n.parent
    return False


def _fix(file: GoFile, receiver: Node, name: str) -> str:
    declared = _receiver_type(file, receiver)
    if declared is not None and declared.type == "function_type":
        return f"call the function itself: {name}(w, r)"
    field = _handler_field(file, declared)
    if field is not None:
        return f"call the wrapped handler: {name}.{field}.ServeHTTP(w, r)"
    return "call the next handler, not the receiver"


def _receiver_type(file: GoFile, receiver: Node) -> Node | None:
    """The type the receiver's named type is declared with, if in this file."""
    t = receiver.child_by_field_name("type")
    if t is None:
        return None
    base, _ = strip_pointer(t)
    for d in file.decls:
        if d.kind == "type" and d.name == text(base):
            return d.node.child_by_field_name("type")
    return None


def _handler_field(file: GoFile, struct: Node | None) -> str | None:
    """A field of the receiver's struct that holds a handler, if there is one."""
    if struct is None or struct.type != "struct_type":
        return None
    for f in captured("(field_declaration) @f", struct, "f"):
        ft = f.child_by_field_name("type")
        if ft is None:
            continue
        inner, _ = strip_pointer(ft)
        if not (
            file.refers_to(inner, HTTP, "Handler")
            or file.refers_to(inner, HTTP, "HandlerFunc")
        ):
            continue
        names = f.children_by_field_name("name")
        if names:
            return text(names[0])
        return text(inner.child_by_field_name("name")) or "Handler"
    return None
