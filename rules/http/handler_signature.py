"""HTTP010 handler-signature."""

from __future__ import annotations

from collections.abc import Iterator

from goabilint.context import Reporter
from goabilint.rule import Rule, Severity
from goabilint.source import GoFile
from goabilint.syntax import Node, find_local_declaration, text
from goabilint_rules.http._handlers import (
    HTTP,
    call_parts,
    http_alias,
    method_call,
    parameters,
    unparen,
)

RULE = Rule(
    code="HTTP010",
    name="handler-signature",
    title="handler with the wrong signature",
    severity=Severity.ERROR,
    since="0.1.0",
    tags=("http",),
    needs=(b"HandleFunc", b"HandlerFunc", b"ServeHTTP"),
    precision="very-high",
    doc="""
    ## What it does
    Reports a function meant as a handler whose signature is not
    `func(w http.ResponseWriter, r *http.Request)`: a pointer to
    `http.ResponseWriter`, a `http.Request` by value, the two parameters
    swapped, results, or (for net/http itself) any other parameter list.
    The message names the expected shape, written with the file's name
    for net/http.

    Checked are function literals, functions and methods declared in the
    file that are passed to `http.HandleFunc`, to a `HandleFunc` method
    (`http.ServeMux`, chi, gorilla/mux and other routers) or converted
    with `http.HandlerFunc(...)`, and every method named `ServeHTTP`. For
    a `HandleFunc` of a router that is not a `http.ServeMux`, and for
    `ServeHTTP` methods, only the pointer, by-value and swapped mistakes
    are reported: some frameworks define their own `ServeHTTP` or
    `HandleFunc` with extra parameters or an `error` result on purpose.

    ## Why is this bad?
    A handler with another signature does not satisfy `http.Handler` or
    `http.HandlerFunc`. Passed to net/http directly, the program does not
    compile, and the compiler's message about the mismatched function type
    does not say which part is wrong. A `ServeHTTP` method with such a
    signature compiles but makes the type silently not a handler: a type
    assertion to `http.Handler` fails, or the type falls back to another
    implementation through embedding. A `*http.ResponseWriter` is a
    pointer to an interface and is never needed; a `http.Request` by value
    copies the request and drops changes such as `WithContext`.

    ## Example
    ```go
    func index(w *http.ResponseWriter, r http.Request) {
        fmt.Fprintln(*w, "hello")
    }

    func main() {
        http.HandleFunc("/", index)
    }
    ```

    ## Use instead
    ```go
    func index(w http.ResponseWriter, r *http.Request) {
        fmt.Fprintln(w, "hello")
    }

    func main() {
        http.HandleFunc("/", index)
    }
    ```

    ## Known problems
    Functions are found only when passed as a function literal or by the
    name of a function or method declared in the same file; a handler
    declared in another file of the package, or passed through a variable,
    is not checked. Types are recognised as written: an alias of
    `http.ResponseWriter` is not.

    ## References
    - [net/http: HandlerFunc](https://pkg.go.dev/net/http#HandlerFunc)
    - [net/http: Handler](https://pkg.go.dev/net/http#Handler)
    """,
)

HTTP_KINDS = ("writer", "writer-pointer", "request", "request-value")


@RULE.on_go_file
def check(file: GoFile, report: Reporter) -> None:
    if not file.import_names(HTTP):
        return  # the shapes cannot be written without net/http
    expected = f"func(w {http_alias(file)}ResponseWriter, r *{http_alias(file)}Request)"
    # A function passed to net/http anywhere is held to net/http's shape.
    candidates: dict[Node, tuple[bool, str]] = {}
    for function, strict, where in _candidates(file):
        was_strict = candidates.get(function, (False, where))[0]
        candidates[function] = (strict or was_strict, where)

    for function, (strict, where) in candidates.items():
        problem = _problem(file, function, strict)
        if problem is None:
            continue
        report(
            _signature_node(function),
            f"{where} {problem}; expected {expected}",
            fix=f"declare it as {expected}",
        )


def _candidates(file: GoFile) -> Iterator[tuple[Node, bool, str]]:
    """Functions meant as handlers, whether net/http checks them, and a name."""
    for call in file.calls_named("HandlerFunc", "HandleFunc"):
        function, args = call_parts(call)
        if function is None:
            continue
        operand, method = method_call(call)
        if file.refers_to(function, HTTP, "HandlerFunc") and len(args) == 1:
            target, strict = args[0], True
        elif method == "HandleFunc" and len(args) == 2:
            strict = file.refers_to(function, HTTP, "HandleFunc") or _is_serve_mux(
                file, operand
            )
            target = args[1]
        else:
            continue
        found = _function(file, target)
        if found is not None:
            yield found, strict, "handler"

    for d in file.decls:
        if d.kind == "method" and d.name == "ServeHTTP":
            yield d.node, False, "ServeHTTP"


def _function(file: GoFile, target: Node) -> Node | None:
    """The literal, function or method a handler argument names."""
    target = unparen(target)
    if target.type == "func_literal":
        return target
    if target.type == "identifier":
        if find_local_declaration(target) is not None:
            return None  # a local variable: its value is not followed
        for d in file.decls:
            if d.kind == "func" and d.name == text(target):
                return d.node
        return None
    if target.type == "selector_expression":
        # s.index: the only method of that name in the file, if there is one.
        name = text(target.child_by_field_name("field"))
        methods = [d.node for d in file.decls if d.kind == "method" and d.name == name]
        return methods[0] if len(methods) == 1 else None
    return None


def _is_serve_mux(file: GoFile, operand: Node | None) -> bool:
    """``http.DefaultServeMux``, or a variable made by ``http.NewServeMux()``
    or declared as ``*http.ServeMux``."""
    if operand is None:
        return False
    operand = unparen(operand)
    if file.refers_to(operand, HTTP, "DefaultServeMux"):
        return True
    if operand.type != "identifier":
        return False
    decl = find_local_declaration(operand)
    if decl is None:
        return False
    if decl.type is not None:
        t = decl.type
        while t.type == "pointer_type" and t.named_children:
            t = t.named_children[0]
        return file.refers_to(t, HTTP, "ServeMux")
    value = unparen(decl.value) if decl.value is not None else None
    if value is not None and value.type == "call_expression":
        function = value.child_by_field_name("function")
        return function is not None and file.refers_to(function, HTTP, "NewServeMux")
    return False


def _problem(file: GoFile, function: Node, strict: bool) -> str | None:
    """What is wrong with the function's signature, or None."""
    kinds = tuple(p.kind for p in parameters(function, file))
    if not any(k in HTTP_KINDS for k in kinds):
        return None  # not written with net/http types: another framework's
    if "writer-pointer" in kinds:
        return "takes a pointer to http.ResponseWriter, an interface"
    if "request-value" in kinds:
        return "takes http.Request by value"
    if kinds == ("request", "writer"):
        return "takes its parameters in the wrong order"
    if not strict:
        return None
    if kinds != ("writer", "request"):
        return f"takes {len(kinds)} parameter{'s' if len(kinds) != 1 else ''} of other types"
    if function.child_by_field_name("result") is not None:
        return "returns a result, but handlers return nothing"
    return None


def _signature_node(function: Node) -> Node:
    """Where to report: the parameter list, or the whole function."""
    params = function.child_by_field_name("parameters")
    return params if params is not None else function
