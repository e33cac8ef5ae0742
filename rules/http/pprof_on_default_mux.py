"""HTTP009 pprof-on-default-mux."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from goabilint_rules.http._handlers import (
    HTTP,
    assigned_variable,
    call_parts,
    keyed_fields,
    line_of,
    outermost,
    package_calls,
    server_literals,
    unparen,
    variable_uses,
)

from goabilint.context import Reporter
from goabilint.rule import Rule, Severity
from goabilint.source import GoFile, Package
from goabilint.syntax import Node, find_local_declaration, string_value, text

RULE = Rule(
    code="HTTP009",
    name="pprof-on-default-mux",
    title="net/http/pprof or expvar exposed on a public DefaultServeMux",
    severity=Severity.WARNING,
    since="0.1.0",
    tags=("http", "security"),
    needs=(b"net/http/pprof", b"expvar"),
    precision="high",
    security_severity=6.5,
    doc="""
    ## What it does
    Reports an import of `net/http/pprof` or `expvar` in a non-test file of
    a package that also serves `http.DefaultServeMux` on an address that
    is not loopback-only: `http.ListenAndServe(addr, nil)`,
    `http.ListenAndServeTLS(addr, cert, key, nil)`, `http.Serve(l, nil)`
    (with `l` from `net.Listen` in the package), the same with
    `http.DefaultServeMux` written out, or an `http.Server` literal with
    no `Handler` and an `Addr`, or no `Addr` and a `Serve(l)` or
    `ListenAndServe()` call on its variable in the same function.

    The address is worked out from string literals, constants and
    variables of the package, concatenation, `fmt.Sprintf`,
    `net.JoinHostPort` and `flag.String`/`flag.StringVar` defaults. An
    address with no host (`":8080"`), `0.0.0.0`, `::` or any host other
    than `localhost`, `127.x.x.x` and `::1` counts as public. Unix-socket
    listeners and addresses that cannot be worked out are not reported.

    ## Why is this bad?
    Both packages register handlers on `http.DefaultServeMux` when they are
    imported, even as `_`: `/debug/pprof/` serves goroutine stacks, heap
    contents, the command line and CPU profiles on demand, and
    `/debug/vars` serves the command line and memory statistics. Serving
    the default mux on a public address publishes them to anyone who can
    reach the port, and a CPU or trace profile is an easy way to load the
    server.

    ## Example
    ```go
    import _ "net/http/pprof"

    func main() {
        http.HandleFunc("/", index)
        log.Fatal(http.ListenAndServe(":8080", nil))
    }
    ```

    ## Use instead
    ```go
    import "net/http/pprof"

    func main() {
        mux := http.NewServeMux()
        mux.HandleFunc("/", index)
        go func() {
            debug := http.NewServeMux()
            debug.HandleFunc("/debug/pprof/", pprof.Index)
            log.Println(http.ListenAndServe("localhost:6060", debug))
        }()
        srv := &http.Server{Addr: ":8080", Handler: mux, ReadHeaderTimeout: 5 * time.Second}
        log.Fatal(srv.ListenAndServe())
    }
    ```

    ## Known problems
    Only the package that imports the debug package is searched for the
    server: a library that imports `net/http/pprof` and a `main` package
    elsewhere that serves the default mux are not connected. An address
    from configuration files, the environment or a flag parsed by
    another library cannot be worked out, and such servers are not
    reported; neither are servers whose listener was made by other code.
    A firewall may keep a public address private; suppress the finding
    there.

    ## References
    - [net/http/pprof](https://pkg.go.dev/net/http/pprof)
    - [expvar](https://pkg.go.dev/expvar)
    - [net/http: DefaultServeMux](https://pkg.go.dev/net/http#DefaultServeMux)
    """,
)

DEBUG_PACKAGES = {"net/http/pprof": "/debug/pprof/", "expvar": "/debug/vars"}

# Where each serving function takes its address (or listener) and handler.
SERVING = {
    "ListenAndServe": (0, 1),
    "ListenAndServeTLS": (0, 3),
    "Serve": (0, 1),
    "ServeTLS": (0, 1),
}
LISTENER_TAKERS = ("Serve", "ServeTLS")

UNKNOWN = "\x00"  # a part of an address that cannot be worked out
MAX_DEPTH = 12
LOCAL_NETWORKS = ("unix", "unixpacket", "unixgram")


@dataclass(frozen=True)
class Serving:
    file: GoFile
    node: Node
    address: str


@RULE.on_package
def check(package: Package, report: Reporter) -> None:
    files = [f for f in package.go_files if not f.is_test]
    imports = [
        (f, i)
        for f in files
        # Findings are at the imports: of the files reported on.
        if package.reports_on(f) and any(f.imports_path(p) for p in DEBUG_PACKAGES)
        for i in f.imports
        if i.path in DEBUG_PACKAGES
    ]
    if not imports:
        return  # nothing registers debug handlers on the default mux

    resolver = _Resolver(files)
    public = [s for s in _default_mux_servers(files, resolver) if _public(s.address)]
    if not public:
        return  # the default mux is not served, or only on loopback
    served = public[0]

    for file, imp in imports:
        where = f"line {line_of(served.node)}"
        if served.file is not file:
            where = f"{served.file.name}:{line_of(served.node)}"
        related = (
            [(served.node, "the default mux is served here")]
            if served.file is file
            else []
        )
        report.in_file(file)(
            file.import_node(imp),
            f"{imp.path} registers {DEBUG_PACKAGES[imp.path]} on http.DefaultServeMux, "
            f"which this package serves on {_show(served.address)} ({where})",
            fix="serve the debug handlers on their own mux, on a loopback address",
            related=related,
        )


def _default_mux_servers(files: list[GoFile], resolver: _Resolver) -> Iterator[Serving]:
    for file in files:
        for call, name in package_calls(file, tuple(SERVING)):
            at, handler_at = SERVING[name]
            args = call_parts(call)[1]
            if len(args) <= handler_at or not _default_mux(file, args[handler_at]):
                continue
            if name in LISTENER_TAKERS:
                address = resolver.listener(file, args[at])
            else:
                address = resolver.address(file, args[at])
            if address is not None:
                yield Serving(file, call, address)

        for literal in server_literals(file):
            fields = keyed_fields(literal)
            if "Handler" in fields and not _default_mux(file, fields["Handler"]):
                continue
            for address in _server_addresses(file, literal, fields, resolver):
                yield Serving(file, literal, address)


def _server_addresses(
    file: GoFile, literal: Node, fields: dict[str, Node], resolver: _Resolver
) -> Iterator[str]:
    """Where a ``http.Server`` literal listens: its ``Addr``, or the
    listeners its variable's ``Serve`` is given in the same function."""
    if "Addr" in fields:
        address = resolver.address(file, fields["Addr"])
        if address is not None:
            yield address
        return
    variable = assigned_variable(outermost(literal))
    uses = variable_uses(variable) if variable is not None else None
    for use in uses or []:
        selector = use.parent
        call = selector.parent if selector is not None else None
        if selector is None or selector.type != "selector_expression":
            continue
        if call is None or call.type != "call_expression":
            continue
        method = text(selector.child_by_field_name("field"))
        args = call_parts(call)[1]
        if method in ("ListenAndServe", "ListenAndServeTLS"):
            yield ":http"  # an empty Addr listens on every interface
        elif method in LISTENER_TAKERS and args:
            address = resolver.listener(file, args[0])
            if address is not None:
                yield address


def _default_mux(file: GoFile, handler: Node) -> bool:
    handler = unparen(handler)
    return handler.type == "nil" or file.refers_to(handler, HTTP, "DefaultServeMux")


def _show(address: str) -> str:
    return '"' + address.replace(UNKNOWN, "…") + '"'


def _public(address: str) -> bool:
    """Whether an address listens beyond the loopback interface."""
    if ":" not in address:
        return False  # not host:port; nothing we can judge
    host = address.rsplit(":", 1)[0]
    if UNKNOWN in host:
        return False
    host = host.strip("[]").lower()
    return not (host in ("localhost", "::1") or host.startswith("127."))


class _Resolver:
    """Works out string values from the package's source."""

    def __init__(self, files: list[GoFile]):
        self.files = files

    def address(self, file: GoFile, expr: Node) -> str | None:
        value = self.value(file, expr, 0)
        return None if value == UNKNOWN else value

    def listener(self, file: GoFile, expr: Node) -> str | None:
        """The address of ``l`` in ``l, err := net.Listen("tcp", addr)``."""
        expr = unparen(expr)
        if expr.type != "identifier":
            return None
        decl = find_local_declaration(expr)
        if decl is None or decl.node.type not in ("short_var_declaration", "var_spec"):
            return None
        right = decl.node.child_by_field_name(
            "right" if decl.node.type == "short_var_declaration" else "value"
        )
        calls = right.named_children if right is not None else []
        if len(calls) != 1 or unparen(calls[0]).type != "call_expression":
            return None
        function, args = call_parts(unparen(calls[0]))
        if (
            function is None
            or not file.refers_to(function, "net", "Listen")
            or len(args) != 2
        ):
            return None
        network = self.value(file, args[0], 0)
        if network in LOCAL_NETWORKS:
            return None  # a Unix socket is local to the machine
        return self.address(file, args[1])

    def value(self, file: GoFile, expr: Node, depth: int) -> str:
        """The string ``expr`` evaluates to, with UNKNOWN for unknown parts."""
        if depth > MAX_DEPTH:
            return UNKNOWN
        depth += 1
        expr = unparen(expr)
        literal = string_value(expr)
        if literal is not None:
            return literal
        kind = expr.type
        if kind == "identifier":
            found = self.definition(file, expr)
            return self.value(found[0], found[1], depth) if found else UNKNOWN
        if (
            kind == "unary_expression"
            and text(expr.child_by_field_name("operator")) == "*"
        ):
            return self.flag_default(file, expr.child_by_field_name("operand"), depth)
        if (
            kind == "binary_expression"
            and text(expr.child_by_field_name("operator")) == "+"
        ):
            left = self.value(file, expr.child_by_field_name("left"), depth)
            right = self.value(file, expr.child_by_field_name("right"), depth)
            return left + right
        if kind == "call_expression":
            return self.call_value(file, expr, depth)
        return UNKNOWN

    def call_value(self, file: GoFile, call: Node, depth: int) -> str:
        function, args = call_parts(call)
        if function is None:
            return UNKNOWN
        if file.refers_to(function, "net", "JoinHostPort") and len(args) == 2:
            host = self.value(file, args[0], depth)
            port = self.value(file, args[1], depth)
            return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        if file.refers_to(function, "fmt", "Sprintf") and args:
            template = self.value(file, args[0], depth)
            if UNKNOWN in template:
                return UNKNOWN
            values = iter(args[1:])

            def substitute(m: re.Match[str]) -> str:
                if m.group(0) == "%%":
                    return "%"
                arg = next(values, None)
                if arg is None:
                    return UNKNOWN
                value = self.value(file, arg, depth)
                # Only strings are followed; %d of a port is "some port".
                return value if m.group(0)[-1] in "sv" else UNKNOWN

            return re.sub(r"%%|%[-+# 0-9.]*[a-zA-Z]", substitute, template)
        return UNKNOWN

    def flag_default(self, file: GoFile, operand: Node | None, depth: int) -> str:
        """The default of ``addr`` in ``addr := flag.String("addr", ":8080", "")``."""
        if operand is None or unparen(operand).type != "identifier":
            return UNKNOWN
        found = self.definition(file, unparen(operand))
        if found is None:
            return UNKNOWN
        def_file, value = found
        value = unparen(value)
        if value.type != "call_expression":
            return UNKNOWN
        function, args = call_parts(value)
        if function is not None and def_file.refers_to(function, "flag", "String"):
            return self.value(def_file, args[1], depth) if len(args) == 3 else UNKNOWN
        return UNKNOWN

    def definition(self, file: GoFile, ident: Node) -> tuple[GoFile, Node] | None:
        """The value ``ident`` was declared with, in this function or the package.

        A variable that is assigned again, or set through flag.StringVar,
        is followed to its flag default or not at all.
        """
        name = text(ident)
        decl = find_local_declaration(ident)
        if decl is not None:
            if decl.value is None or self.reassigned(file, decl.name):
                return None
            return file, decl.value
        for f in self.files:
            for d in f.decls:
                if d.kind not in ("var", "const") or d.name != name:
                    continue
                names = d.node.children_by_field_name("name")
                values = d.node.child_by_field_name("value")
                exprs = values.named_children if values is not None else []
                if len(exprs) != len(names):
                    return self.string_var_flag(name)
                if self.reassigned(f, next(n for n in names if text(n) == name)):
                    return self.string_var_flag(name)
                return f, exprs[[text(n) for n in names].index(name)]
        return None

    def string_var_flag(self, name: str) -> tuple[GoFile, Node] | None:
        """The default of ``flag.StringVar(&name, "addr", default, usage)``."""
        for f in self.files:
            for call in f.calls_named("StringVar"):
                function, args = call_parts(call)
                if function is None or not f.refers_to(function, "flag", "StringVar"):
                    continue
                if len(args) == 4 and text(args[0]).replace(" ", "") == f"&{name}":
                    return f, args[2]
        return None

    def reassigned(self, file: GoFile, name: Node) -> bool:
        """Whether some assignment in the package may change the variable.

        Judged by text: any ``name =`` outside its own declaration counts,
        even one that assigns another variable of the same name.
        """
        word = re.compile(rb"(?<![\w.])" + re.escape(name.text or b"") + rb"\s*=[^=]")
        declaration = name.parent
        for f in self.files:
            for m in word.finditer(f.data):
                inside = (
                    f is file
                    and declaration is not None
                    and declaration.start_byte <= m.start() < declaration.end_byte
                )
                if not inside:
                    return True
        return False
