"""HTTP004 response-writer-escapes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from goabilint.context import Reporter
from goabilint.rule import Rule, Severity
from goabilint.source import IDENT, GoFile, statement_end
from goabilint.syntax import Node, captured, find_local_declaration, text
from goabilint_rules.http import _flow
from goabilint_rules.http._handlers import (
    Handler,
    Param,
    call_parts,
    handlers,
    is_param,
    items,
    line_of,
    method_call,
    unparen,
)

RULE = Rule(
    code="HTTP004",
    name="response-writer-escapes",
    title="the ResponseWriter or request body is used after the handler returns",
    severity=Severity.WARNING,
    since="0.1.0",
    tags=("http", "concurrency", "control-flow"),
    needs=(b"net/http",),
    precision="medium",
    doc="""
    ## What it does
    Reports a handler that hands its `http.ResponseWriter`, or its request
    body, to code that may still run after the handler returns:

    - a goroutine (`go func() { ... w ... }()`, `go stream(w)`, or
      `g.Go(func() error { ... })` of an errgroup or `sync.WaitGroup`)
      that uses `w`, a value made from it (`bufio.NewWriter(w)`,
      `w.(http.Flusher)`), `r.Body`, or a method that reads the body
      (`FormValue`, `ParseForm`, `FormFile`, `MultipartReader`, ...);
    - a send of `w` or `r.Body` on a channel;
    - a store of `w` or `r.Body` into a struct field, map or package
      variable that outlives the call;

    when some path from there reaches a `return` (or the end of the
    handler) without waiting. Waiting is a `wg.Wait()` on a WaitGroup the
    goroutine calls `Done` on, a receive from a channel the goroutine sends
    on or closes (also by ranging over it, or `<-ctx.Done()` for the
    context whose `cancel` it calls), `g.Wait()` after `g.Go`, and the same
    in a `defer`. For a goroutine running a function declared elsewhere,
    and for sends and stores, any later receive or `Wait()` counts. A
    store is also fine when a `defer` undoes it: names the place
    (`defer delete(clients, id)`) or calls a removing method on its holder
    (`defer h.unregister(id)`).

    A goroutine that only reads `r.Context()`, headers, the URL or values
    computed before it started is not reported: the request itself stays
    valid, and a context derived from `r.Context()` is meant to be
    cancelled when the handler returns.

    ## Why is this bad?
    The server finishes the response as soon as the handler returns: it
    flushes and recycles the writer's buffers and closes the request body.
    net/http documents that a `ResponseWriter` "may not be used after the
    Handler.ServeHTTP method has returned" and that the body may not be
    read "after or concurrently with the completion of the ServeHTTP call".
    A late write is lost, races with the server, or panics; a late body
    read fails.

    ## Example
    ```go
    func export(w http.ResponseWriter, r *http.Request) {
        go func() {
            writeCSV(w, loadRows())
        }()
    }
    ```

    ## Use instead
    ```go
    func export(w http.ResponseWriter, r *http.Request) {
        done := make(chan struct{})
        go func() {
            defer close(done)
            writeCSV(w, loadRows())
        }()
        <-done
    }
    ```

    ## Known problems
    There is no type checker and no look into called functions: a helper
    that starts a goroutine with `w` is not followed. Values made from `w`
    are followed only through local variables holding `w` itself, a type
    assertion on it, or a standard-library writer wrapped around it
    (`bufio.NewWriter`, `gzip.NewWriter`, `json.NewEncoder`,
    `http.NewResponseController`, ...); a wrapper of your own, such as a
    recorder whose buffer the goroutine reads, is not, and neither is a
    reader wrapped around `r.Body`. A channel or WaitGroup is matched by
    how it is written (`s.wg`), so a wait on an alias is not recognised as
    a join, and cancelling a context counts as the goroutine's signal for
    `<-ctx.Done()`.
    Any receive after a channel send or a store counts as the handoff's
    answer. A goroutine that passes the request as a whole to another
    function (`go audit(r)`) is not reported, although that function may
    read the body. `time.AfterFunc` callbacks are not checked.

    ## References
    - [net/http: Handler](https://pkg.go.dev/net/http#Handler)
    - [net/http: ResponseWriter](https://pkg.go.dev/net/http#ResponseWriter)
    """,
)

# Request members that read or depend on the body, which the server
# closes (and whose multipart files it removes) when the handler returns.
BODY_MEMBERS = frozenset(
    {
        "Body",
        "GetBody",
        "FormFile",
        "FormValue",
        "MultipartForm",
        "MultipartReader",
        "ParseForm",
        "ParseMultipartForm",
        "PostFormValue",
    }
)

ANY = "*"  # any later receive answers a send or a store

# Methods whose call in a defer undoes a registration.
REMOVING = re.compile(
    r"(?i)remove|delete|unregister|unsubscribe|deregister|detach|drop|release|clear"
)

# Standard-library functions whose result writes to the writer they are
# given, so that any use of the result is a use of the writer. Wrappers of
# your own are not followed: a recorder built from w may be used only for
# its buffer once the handler is done.
WRAPPERS = {
    "bufio": ("NewWriter", "NewWriterSize", "NewReadWriter"),
    "compress/flate": ("NewWriter", "NewWriterDict"),
    "compress/gzip": ("NewWriter", "NewWriterLevel"),
    "compress/lzw": ("NewWriter",),
    "compress/zlib": ("NewWriter", "NewWriterLevel", "NewWriterLevelDict"),
    "encoding/base32": ("NewEncoder",),
    "encoding/base64": ("NewEncoder",),
    "encoding/csv": ("NewWriter",),
    "encoding/gob": ("NewEncoder",),
    "encoding/hex": ("NewEncoder", "Dumper"),
    "encoding/json": ("NewEncoder",),
    "encoding/xml": ("NewEncoder",),
    "io": ("MultiWriter",),
    "mime/multipart": ("NewWriter",),
    "net/http": ("NewResponseController", "MaxBytesReader"),
    "text/tabwriter": ("NewWriter",),
}


@dataclass(frozen=True)
class Escape:
    """A handoff of the writer or the body, and what waiting for it looks like."""

    node: Node  # the go statement, g.Go call, send or store
    use: Node  # where w or the body is used
    signals: frozenset[str]  # what a join waits on: "wg", "done", ANY
    container: str | None = None  # for a store: the place, "h.clients"


@RULE.on_go_file
def check(file: GoFile, report: Reporter) -> None:
    for handler in handlers(file):
        body = handler.body
        writer = handler.writer.name
        if body is None or not may_escape(
            body.text or b"", text(writer).encode() if writer is not None else None
        ):
            continue  # nothing in it can carry the writer out: no walk
        client = _Client(file, handler)
        try:
            _flow.walk(file, handler.node, client)
        except RecursionError:
            continue  # statements nested too deep to follow
        for escape, exit_node in client.unjoined.items():
            report(
                escape.node,
                f"{_message(escape)} (line {line_of(exit_node)})",
                fix=_fix(escape),
                related=[(exit_node, "the handler returns here without waiting")],
            )


# What can make an escape, spelled in a handler's bytes: a go statement,
# a .Go( call, a send or receive (<-); and the = of an assignment or a
# declaration (not ==, !=, <=, >=), := the latter's.
_STARTS_ESCAPE = re.compile(rb"(?<![\w\x80-\xff.])go[\s(]|\.\s*Go\s*\(|<-")
_EQUALS = re.compile(rb"(:?)(?<![=!<>])=(?!=)")
_WORD = re.compile(IDENT)


def may_escape(body: bytes, writer: bytes | None) -> bool:
    """Whether a handler body's bytes may hold something the rule reports
    from; the flow is walked only through those that do.

    A go statement, a .Go( call or a send may; an assignment may only when
    its value spells the writer, a name declared from a value that spells
    it (followed through declarations), or Body (of the request).
    """
    if _STARTS_ESCAPE.search(body):
        return True
    statements = []  # (declares, words on the left, words of the value)
    for m in _EQUALS.finditer(body):
        start = body.rfind(b"\n", 0, m.start()) + 1
        end = statement_end(body, m.end())
        if end is None:
            return True  # a value too long to read: walk it
        left = set(_WORD.findall(body, start, m.start()))
        declares = bool(m.group(1)) or b"var" in left
        statements.append((declares, left, set(_WORD.findall(body, m.end(), end))))
    holders = {writer, b"Body"} - {None}
    grown = True
    while grown:  # what holds the writer: bw := bufio.NewWriter(w), ...
        grown = False
        for declares, left, value in statements:
            if declares and not value.isdisjoint(holders) and not left <= holders:
                holders |= left
                grown = True
    return any(
        not declares and not value.isdisjoint(holders)
        for declares, left, value in statements
    )


def _message(escape: Escape) -> str:
    what = " ".join(text(escape.use).split())
    kind = escape.node.type
    if kind == "go_statement":
        return f"goroutine uses {what}, but the handler can return before it ends"
    if kind == "call_expression":
        started = text(escape.node.child_by_field_name("function"))
        return f"{started} runs code using {what}, but the handler can return first"
    if kind == "send_statement":
        return f"{what} is sent on a channel, but the handler can return first"
    return f"{what} is stored in {escape.container}, which outlives the handler"


def _fix(escape: Escape) -> str:
    if escape.node.type in ("go_statement", "call_expression"):
        return "wait for the goroutine (WaitGroup.Wait or a channel) before returning"
    if escape.node.type == "send_statement":
        return "wait for the receiver to finish with it before returning"
    return "remove it before returning (defer the cleanup) or keep it local"


class _Client:
    def __init__(self, file: GoFile, handler: Handler):
        self.file = file
        self.handler = handler
        self.tainted = _tainted(file, handler)
        self.escapes: dict[Node, Escape | None] = {}
        self.unjoined: dict[Escape, Node] = {}

    # What escapes.

    def uses(self, node: Node) -> Node | None:
        """The first use of the writer or the body anywhere under ``node``."""
        for ident in captured("(identifier) @i", node, "i"):
            if _declares(ident):
                continue  # a parameter or variable of the same name, not a use
            if _refers(ident, self.handler.writer, self.tainted):
                return ident
            # r.Body, r.FormValue(...): the body, which the server closes.
            parent = ident.parent
            if parent is None or parent.type != "selector_expression":
                continue
            request = self.handler.request
            member = text(parent.child_by_field_name("field"))
            if (
                request is not None
                and member in BODY_MEMBERS
                and is_param(ident, request)
            ):
                return parent
        return None

    def escape(self, node: Node) -> Escape | None:
        if node not in self.escapes:
            self.escapes[node] = self._escape(node)
        return self.escapes[node]

    def _escape(self, node: Node) -> Escape | None:
        if node.type == "go_statement":
            call = node.named_children[0] if node.named_children else None
            use = self.uses(call) if call is not None else None
            if use is None:
                return None
            return Escape(node, use, _signals(self.file, call))

        if node.type == "call_expression":
            # g.Go(func() error { ... }) of errgroup, or sync.WaitGroup.Go.
            operand, method = method_call(node)
            args = call_parts(node)[1]
            if method != "Go" or operand is None or len(args) != 1:
                return None
            if unparen(args[0]).type != "func_literal":
                return None
            use = self.uses(args[0])
            if use is None:
                return None
            return Escape(node, use, frozenset({text(operand)}))

        if node.type == "send_statement":
            value = node.child_by_field_name("value")
            if value is None:
                return None
            use = _holds(self.file, value, self.handler, self.tainted, stored=True)
            return Escape(node, use, frozenset({ANY})) if use is not None else None

        if node.type == "assignment_statement":
            return self.store(node)
        return None

    def store(self, node: Node) -> Escape | None:
        """``s.w = w``, ``clients[id] = w``, ``current = w`` outside the handler."""
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None:
            return None
        targets, values = items(left), items(right)
        if len(values) == 1 and len(targets) > 1:
            targets = targets[:1]  # enc, err = f(w): the first result, if any
        for target, value in zip(targets, values):
            if text(target) == "_":
                continue
            use = _holds(self.file, value, self.handler, self.tainted, stored=True)
            container = _container(target) if use is not None else None
            if container is not None and not self._local(container):
                place = " ".join(text(container).split())
                return Escape(node, use, frozenset({ANY}), place)
        return None

    def _local(self, container: Node) -> bool:
        """Whether a store's target belongs to this call of the handler."""
        root = container
        while root.type in ("selector_expression", "index_expression"):
            root = unparen(root.child_by_field_name("operand"))
        if root.type != "identifier":
            return True  # a call's result or a literal: not a named place
        request = self.handler.request
        if is_param(root, self.handler.writer) or (request and is_param(root, request)):
            return True  # r.Body = http.MaxBytesReader(w, r.Body, n) lives with r
        decl = find_local_declaration(root)
        if decl is None:
            return False  # a package-level variable
        if decl.node.type == "parameter_declaration":
            return False  # the receiver, or an argument that outlives the call
        return _inside(decl.node, self.handler.body)

    # The flow client.

    def step(
        self, node: Node, facts: frozenset, certain: bool, failing: bool
    ) -> frozenset:
        escape = self.escape(node)
        if escape is not None:
            return facts | {("escape", escape)}
        if node.type == "defer_statement":
            waits, names = _deferred(node)
            return facts | {("wait", w) for w in waits} | {("names", n) for n in names}
        if not certain:
            return facts  # a wait that may be skipped does not join
        joined = _joins(node, self.file)
        if not joined:
            return facts
        return frozenset(
            f for f in facts if not (f[0] == "escape" and _answers(f[1], joined))
        )

    def leave(self, node: Node, facts: frozenset) -> None:
        # Deferred waits and cleanups run after the return.
        waits = {f[1] for f in facts if f[0] == "wait"}
        names = {f[1] for f in facts if f[0] == "names"}
        for f in facts:
            if f[0] != "escape":
                continue
            escape = f[1]
            if _answers(escape, waits):
                continue
            if escape.container is not None and any(
                _cleans(place, escape.container) for place in names
            ):
                continue  # the handler removes what it stored
            self.unjoined.setdefault(escape, node)


def _answers(escape: Escape, joined: set[str]) -> bool:
    """Whether waiting on ``joined`` finishes ``escape``."""
    if ANY in joined and ANY in escape.signals:
        return True
    return any(
        _same_place(s, j)
        for s in escape.signals
        if s != ANY
        for j in joined
        if j != ANY
    )


def _cleans(place: str, container: str) -> bool:
    """Whether deferred code naming ``place`` undoes a store into ``container``."""
    if place.endswith("."):
        return container.startswith(place)  # h.unregister(id) for h.clients
    return place == container or place.startswith((container + ".", container + "["))


def _same_place(a: str, b: str) -> bool:
    """``s.wg`` and ``s.wg``; ``s`` (a receiver handed over) and ``s.wg``."""
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def _joins(node: Node, file: GoFile | None = None) -> set[str]:
    """What a step waits for: ``wg`` for ``wg.Wait()``, ``done`` for ``<-done``."""
    if node.type == "call_expression":
        operand, method = method_call(node)
        if method == "Wait" and operand is not None and not call_parts(node)[1]:
            return {" ".join(text(operand).split()), ANY}
        return set()
    if node.type == "unary_expression":
        operand = node.child_by_field_name("operand")
        if operand is not None and text(node.child_by_field_name("operator")) == "<-":
            return {" ".join(text(unparen(operand)).split()), ANY}
        return set()
    if node.type == "range_clause":
        right = node.child_by_field_name("right")
        if right is not None:
            # Ranging over a channel waits for its sender to close it.
            joined = {" ".join(text(unparen(right)).split())}
            return (
                joined | {ANY}
                if file is not None and _is_channel(file, right)
                else joined
            )
    return set()


def _is_channel(file: GoFile, expr: Node) -> bool:
    """Whether ``expr`` is written as a channel: ``ch := make(chan T)``, a
    ``chan`` parameter, or a field some struct of the file declares as one."""
    expr = unparen(expr)
    if expr.type == "identifier":
        decl = find_local_declaration(expr)
        if decl is None:
            return False
        if decl.type is not None:
            return decl.type.type == "channel_type"
        value = unparen(decl.value) if decl.value is not None else None
        if value is None or value.type != "call_expression":
            return False
        function, args = call_parts(value)
        return (
            text(function) == "make" and bool(args) and args[0].type == "channel_type"
        )
    if expr.type == "selector_expression":
        name = text(expr.child_by_field_name("field"))
        for f in file.query("(field_declaration) @f", "f"):
            t = f.child_by_field_name("type")
            names = [text(n) for n in f.children_by_field_name("name")]
            if t is not None and t.type == "channel_type" and name in names:
                return True
    return False


def _deferred(node: Node) -> tuple[set[str], set[str]]:
    """What a ``defer`` waits for, and the places it cleans up.

    A store is undone when the deferred code names the place it wrote to
    (``delete(clients, id)``, ``h.current = nil``), or calls a removing
    method on the object that holds it (``h.unregister(id)``); a place is
    written ``clients`` or ``h.current``, and a holder ``h.`` with a dot.
    """
    call = node.named_children[0] if node.named_children else None
    if call is None:
        return set(), set()
    waits: set[str] = set()
    for inner in captured("[(call_expression) (unary_expression)] @c", call, "c"):
        waits |= _joins(inner)
    places = {
        " ".join(text(n).split())
        for n in captured("[(identifier) (selector_expression)] @n", call, "n")
    }
    for inner in captured("(call_expression) @c", call, "c"):
        operand, method = method_call(inner)
        if operand is not None and REMOVING.search(method):
            places.add(" ".join(text(operand).split()) + ".")
    return waits, places


def _signals(file: GoFile, call: Node) -> frozenset[str]:
    """How the goroutine started by ``call`` can tell that it finished."""
    function, args = call_parts(call)
    literal = _literal(function)
    if literal is not None:
        body = literal.child_by_field_name("body")
        out: set[str] = set()
        for n in (
            captured("[(call_expression) (send_statement)] @n", body, "n")
            if body
            else []
        ):
            if n.type == "send_statement":
                channel = n.child_by_field_name("channel")
                if channel is not None:
                    out.add(" ".join(text(unparen(channel)).split()))
                continue
            operand, method = method_call(n)
            if method == "Done" and operand is not None:
                out.add(" ".join(text(operand).split()))
            f, a = call_parts(n)
            if f is not None and text(f) == "close" and len(a) == 1:
                out.add(" ".join(text(unparen(a[0])).split()))
            context = _cancelled_context(file, f)
            if context is not None:
                out.add(context)  # cancel() ends ctx: <-ctx.Done() waits for it
        # Channels and WaitGroups handed to the literal as arguments.
        out.update(_argument_names(args))
        return frozenset(out)
    # A function declared elsewhere may signal on anything: a channel of its
    # package or of its receiver. Any later receive counts as the join.
    out = set(_argument_names(args)) | {ANY}
    if function is not None and function.type == "selector_expression":
        operand = function.child_by_field_name("operand")
        if operand is not None:
            out.add(" ".join(text(unparen(operand)).split()))
    return frozenset(out)


CANCELLERS = ("WithCancel", "WithCancelCause", "WithDeadline", "WithTimeout")


def _cancelled_context(file: GoFile, function: Node | None) -> str | None:
    """``ctx`` when ``function`` is the cancel of ``ctx, cancel := context.WithCancel(...)``."""
    if function is None or function.type != "identifier":
        return None
    decl = find_local_declaration(function)
    if decl is None or decl.node.type != "short_var_declaration":
        return None
    left = items(decl.node.child_by_field_name("left"))
    right = items(decl.node.child_by_field_name("right"))
    if len(left) != 2 or left[1] != decl.name or len(right) != 1:
        return None
    call = unparen(right[0])
    made_by = (
        call.child_by_field_name("function") if call.type == "call_expression" else None
    )
    if made_by is None or not any(
        file.refers_to(made_by, "context", n) for n in CANCELLERS
    ):
        return None
    return text(left[0])


def _literal(function: Node | None) -> Node | None:
    """The function literal a call runs: written in place, or in a local variable."""
    if function is None:
        return None
    function = unparen(function)
    if function.type == "func_literal":
        return function
    if function.type == "identifier":
        decl = find_local_declaration(function)
        if decl is not None and decl.value is not None:
            value = unparen(decl.value)
            return value if value.type == "func_literal" else None
    return None


def _argument_names(args: list[Node]) -> set[str]:
    out = set()
    for a in args:
        a = unparen(a)
        if (
            a.type == "unary_expression"
            and text(a.child_by_field_name("operator")) == "&"
        ):
            a = unparen(a.child_by_field_name("operand"))
        if a.type in ("identifier", "selector_expression"):
            out.add(" ".join(text(a).split()))
    return out


def _container(target: Node) -> Node | None:
    """The place a store writes to: ``clients`` for ``clients[id]``."""
    target = unparen(target)
    if target.type == "index_expression":
        return unparen(target.child_by_field_name("operand"))
    if target.type in ("selector_expression", "identifier"):
        return target
    return None


def _inside(node: Node, scope: Node | None) -> bool:
    return scope is not None and scope.start_byte <= node.start_byte < scope.end_byte


def _tainted(file: GoFile, handler: Handler) -> dict[str, set[Node]]:
    """Local variables that hold the writer or the body: ``bw := bufio.NewWriter(w)``.

    Maps a name to the identifier nodes that declare it, so that a later
    variable of the same name in another scope is told apart.
    """
    body = handler.body
    out: dict[str, set[Node]] = {}
    if body is None:
        return out
    query = "[(short_var_declaration) (var_spec)] @d"
    decls = captured(query, body, "d")
    changed = True
    while changed:
        changed = False
        for d in decls:
            if d.type == "var_spec":
                names, value = (
                    d.children_by_field_name("name"),
                    d.child_by_field_name("value"),
                )
            else:
                left = d.child_by_field_name("left")
                names = left.named_children if left is not None else []
                value = d.child_by_field_name("right")
            if value is None or len(items(value)) != 1:
                continue
            only = unparen(items(value)[0])
            if len(names) != 1 and only.type != "type_assertion_expression":
                continue  # n, err := io.Copy(w, src): neither result is w
            if _holds(file, only, handler, out, stored=False) is None:
                continue
            for n in names[:1]:  # x, ok := w.(http.Flusher): only x holds it
                if n.type == "identifier" and n not in out.get(text(n), set()):
                    out.setdefault(text(n), set()).add(n)
                    changed = True
    return out


def _holds(
    file: GoFile,
    value: Node,
    handler: Handler,
    tainted: dict[str, set[Node]],
    stored: bool,
) -> Node | None:
    """Where ``value`` is, wraps or converts the writer, or is ``r.Body``.

    ``w``, ``w.(http.Flusher)``, ``&w``, ``bufio.NewWriter(w)`` hold the
    writer; ``io.ReadAll(r.Body)`` and ``w.Header()`` do not. When the
    value is ``stored`` (sent or assigned), a composite literal or an
    ``append`` that contains the writer holds it too.
    """
    v = unparen(value)
    kind = v.type
    if kind == "identifier":
        return v if _refers(v, handler.writer, tainted) else None
    if kind == "selector_expression":
        operand = v.child_by_field_name("operand")
        request = handler.request
        member = text(v.child_by_field_name("field"))
        if request is not None and is_param(operand, request) and member == "Body":
            return v
        return None
    if kind in ("type_assertion_expression", "unary_expression"):
        if (
            kind == "unary_expression"
            and text(v.child_by_field_name("operator")) != "&"
        ):
            return None
        operand = v.child_by_field_name("operand")
        return _holds(file, operand, handler, tainted, stored) if operand else None
    if kind == "call_expression":
        function, args = call_parts(v)
        if function is None:
            return None
        wraps = any(
            file.refers_to(function, path, name)
            for path, names in WRAPPERS.items()
            for name in names
        )
        appends = stored and text(function) == "append"
        if not (wraps or appends):
            return None  # an error, a count, or a wrapper we cannot see into
        for a in args:
            found = _holds(file, a, handler, tainted, stored)
            if found is not None:
                return found
        return None
    if kind == "composite_literal" and stored:
        body = v.child_by_field_name("body")
        for element in captured("(literal_element) @e", body, "e") if body else []:
            inner = element.named_children[0] if element.named_children else None
            found = _holds(file, inner, handler, tainted, stored) if inner else None
            if found is not None:
                return found
    return None


def _declares(ident: Node) -> bool:
    """Whether ``ident`` is the name a parameter or a := declares."""
    parent = ident.parent
    if parent is None:
        return False
    if parent.type in ("parameter_declaration", "variadic_parameter_declaration"):
        return True
    if parent.type == "var_spec":
        return ident in parent.children_by_field_name("name")
    if parent.type == "expression_list" and parent.parent is not None:
        holder = parent.parent
        if holder.type in (
            "short_var_declaration",
            "range_clause",
            "receive_statement",
        ):
            return parent == holder.child_by_field_name("left") and b":=" in (
                holder.text or b""
            )
    return False


def _refers(ident: Node, writer: Param, tainted: dict[str, set[Node]]) -> bool:
    if is_param(ident, writer):
        return True
    if text(ident) not in tainted:
        return False
    decl = find_local_declaration(ident)
    return decl is not None and decl.name in tainted[text(ident)]
