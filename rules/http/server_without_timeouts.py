"""HTTP008 server-without-timeouts."""

from __future__ import annotations

import re

from goabilint.context import Reporter
from goabilint.rule import Rule, Severity
from goabilint.source import GoFile, Package
from goabilint.syntax import Node, text
from goabilint_rules.http._handlers import (
    assigned_variable,
    keyed_fields,
    outermost,
    package_calls,
    server_literals,
    unparen,
    variable_uses,
)

RULE = Rule(
    code="HTTP008",
    name="server-without-timeouts",
    title="HTTP server without a read timeout",
    severity=Severity.WARNING,
    since="0.1.0",
    tags=("http", "security"),
    needs=(b"Serve",),  # also in ListenAndServe and Server
    precision="high",
    security_severity=5.3,
    doc="""
    ## What it does
    Reports, in non-test files, calls of `http.ListenAndServe`,
    `http.ListenAndServeTLS`, `http.Serve` and `http.ServeTLS`, which
    offer no way to set a timeout, and `http.Server` literals that set
    neither `ReadHeaderTimeout` nor `ReadTimeout` (a zero value counts as
    not set) and are not given one later: a local server variable is
    checked for `srv.ReadHeaderTimeout = ...` or `srv.ReadTimeout = ...`
    in the same function; a server that is returned, stored in a field or
    passed to a function is reported only if no file of the package
    assigns either field.

    A server with only `ReadTimeout` is not reported: the read timeout
    covers the header as well, because `ReadHeaderTimeout` falls back to
    it when unset.

    ## Why is this bad?
    Without a read timeout, a client can open connections and send the
    request header one byte at a time (Slowloris): each connection holds a
    goroutine and a file descriptor forever, and a handful of clients can
    exhaust the server. `ReadHeaderTimeout` bounds the header; the other
    timeouts (`ReadTimeout`, `WriteTimeout`, `IdleTimeout`) bound bodies,
    slow readers of the response, and idle keep-alive connections.

    ## Example
    ```go
    func main() {
        http.HandleFunc("/", index)
        log.Fatal(http.ListenAndServe(":8080", nil))
    }
    ```

    ## Use instead
    ```go
    func main() {
        http.HandleFunc("/", index)
        srv := &http.Server{
            Addr:              ":8080",
            ReadHeaderTimeout: 5 * time.Second,
        }
        log.Fatal(srv.ListenAndServe())
    }
    ```

    ## Known problems
    There is no type checker: a server configured through a helper in
    another package (`applyTimeouts(srv)`) is not reported, and neither is
    one passed to any function; one that is returned is reported when the
    package never sets the fields, even if a caller elsewhere does. A
    server behind a reverse proxy that enforces its own timeouts is still
    reported; suppress the finding there. Test files are not checked.

    ## References
    - [net/http: Server](https://pkg.go.dev/net/http#Server)
    - [Slowloris (Wikipedia)](https://en.wikipedia.org/wiki/Slowloris_(computer_security))
    """,
)

NO_TIMEOUTS = ("ListenAndServe", "ListenAndServeTLS", "Serve", "ServeTLS")
TIMEOUT_FIELDS = ("ReadHeaderTimeout", "ReadTimeout")
ASSIGNS_TIMEOUT = re.compile(rb"\.(?:ReadHeaderTimeout|ReadTimeout)\s*=[^=]")


@RULE.on_package
def check(package: Package, report: Reporter) -> None:
    files = [
        f for f in package.go_files if not f.is_test and f.import_names("net/http")
    ]
    if not files:
        return  # nothing can name net/http
    set_somewhere = any(ASSIGNS_TIMEOUT.search(f.data) for f in files)

    for file in files:
        in_file = report.in_file(file)
        for call, name in package_calls(file, NO_TIMEOUTS):
            in_file(
                call,
                f"http.{name} serves without timeouts; slow clients can hold "
                "connections open forever",
                fix="use an http.Server with ReadHeaderTimeout set and call its "
                f"{name} method",
            )

        for literal in server_literals(file):
            fields = keyed_fields(literal)
            if any(_set(fields.get(f)) for f in TIMEOUT_FIELDS):
                continue
            if not _never_configured(file, literal, set_somewhere):
                continue  # timeouts set later, or by code we cannot see
            in_file(
                literal,
                "http.Server without ReadHeaderTimeout or ReadTimeout; slow "
                "clients can hold connections open forever",
                fix="set ReadHeaderTimeout (for example 5 * time.Second)",
            )


def _set(value: Node | None) -> bool:
    if value is None:
        return False
    value = unparen(value)
    return not (value.type == "int_literal" and text(value).strip("0_") == "")


def _never_configured(file: GoFile, literal: Node, set_somewhere: bool) -> bool:
    """Whether no code can set a timeout on the server ``literal`` builds."""
    expr = outermost(literal)
    parent = expr.parent
    if parent is None:
        return not set_somewhere
    if parent.type == "selector_expression":
        return True  # (&http.Server{...}).ListenAndServe()

    variable = assigned_variable(expr)
    if variable is None:
        # Returned, stored in a field, passed on: configured elsewhere, if
        # anywhere in the package.
        return not set_somewhere
    uses = variable_uses(variable)
    if uses is None:
        return not set_somewhere  # a package-level server, seen from anywhere
    for ident in uses:
        parent = ident.parent
        if parent is not None and parent.type == "selector_expression":
            if text(parent.child_by_field_name("field")) in TIMEOUT_FIELDS:
                return False  # srv.ReadHeaderTimeout = ...
            continue  # a method call or a field read
        if assigned_variable(ident) is None and _is_target(ident):
            continue  # srv = &http.Server{...} again
        return not set_somewhere  # passed, returned or stored: it escapes
    return True


def _is_target(ident: Node) -> bool:
    """Whether ``ident`` is on the left of an assignment."""
    parent = ident.parent
    holder = parent.parent if parent is not None else None
    return (
        parent is not None
        and parent.type == "expression_list"
        and holder is not None
        and holder.type == "assignment_statement"
        and parent == holder.child_by_field_name("left")
    )
