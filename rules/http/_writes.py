"""Writes to a ``http.ResponseWriter`` along the paths of a function.

HTTP001, HTTP002 and HTTP003 ask the same question of different writes:
what may already have been sent when this call runs? :func:`analyse` walks
each function with a ``http.ResponseWriter`` parameter once per file with
the flow layer and records, for each write, the earlier writes that some
path brings to it. The rules then pick the pairs they are about.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from goabilint_rules.http import _flow
from goabilint_rules.http._handlers import (
    HTTP,
    Handler,
    call_parts,
    is_param,
    method_call,
    reassigned,
    unparen,
    writer_functions,
)

from goabilint.source import GoFile
from goabilint.syntax import Node, ancestors, find_local_declaration, string_value, text

# What an event does to the response. "body" writes bytes (and the status,
# implicitly 200, if none was sent); "status" sends the status and header;
# "info" is a 1xx informational status, which may repeat; "final" is a
# helper that writes a whole response (http.Error); "handoff" passes the
# writer to another handler; "header" changes the header map; "flush"
# sends the header.
BODY, STATUS, INFO, FINAL, HANDOFF, HEADER, FLUSH = (
    "body",
    "status",
    "info",
    "final",
    "handoff",
    "header",
    "flush",
)

# net/http helpers that write a whole response, and whether they set the
# status themselves (ServeContent and ServeFile may answer 304 or 206).
FINAL_HELPERS = {
    "Error": True,
    "Redirect": True,
    "NotFound": True,
    "ServeContent": False,
    "ServeFile": False,
    "ServeFileFS": False,
}
WRITING_FUNCS = {
    "fmt": ("Fprint", "Fprintf", "Fprintln"),
    "io": ("Copy", "CopyN", "CopyBuffer", "WriteString"),
}
TEMPLATE_METHODS = ("Execute", "ExecuteTemplate")
HEADER_METHODS = ("Set", "Add", "Del")

# The status codes of net/http's named constants that matter here: the
# informational ones, which do not end the header, and errors (>= 400).
STATUS_CODES = {
    "StatusContinue": 100, "StatusSwitchingProtocols": 101, "StatusProcessing": 102,
    "StatusEarlyHints": 103, "StatusOK": 200, "StatusCreated": 201,
    "StatusAccepted": 202, "StatusNoContent": 204, "StatusPartialContent": 206,
    "StatusMovedPermanently": 301, "StatusFound": 302, "StatusSeeOther": 303,
    "StatusNotModified": 304, "StatusTemporaryRedirect": 307,
    "StatusPermanentRedirect": 308, "StatusBadRequest": 400,
    "StatusUnauthorized": 401, "StatusPaymentRequired": 402, "StatusForbidden": 403,
    "StatusNotFound": 404, "StatusMethodNotAllowed": 405, "StatusNotAcceptable": 406,
    "StatusProxyAuthRequired": 407, "StatusRequestTimeout": 408, "StatusConflict": 409,
    "StatusGone": 410, "StatusLengthRequired": 411, "StatusPreconditionFailed": 412,
    "StatusRequestEntityTooLarge": 413, "StatusRequestURITooLong": 414,
    "StatusUnsupportedMediaType": 415, "StatusRequestedRangeNotSatisfiable": 416,
    "StatusExpectationFailed": 417, "StatusTeapot": 418,
    "StatusMisdirectedRequest": 421, "StatusUnprocessableEntity": 422,
    "StatusLocked": 423, "StatusFailedDependency": 424, "StatusTooEarly": 425,
    "StatusUpgradeRequired": 426, "StatusPreconditionRequired": 428,
    "StatusTooManyRequests": 429, "StatusRequestHeaderFieldsTooLarge": 431,
    "StatusUnavailableForLegalReasons": 451, "StatusInternalServerError": 500,
    "StatusNotImplemented": 501, "StatusBadGateway": 502,
    "StatusServiceUnavailable": 503, "StatusGatewayTimeout": 504,
    "StatusHTTPVersionNotSupported": 505, "StatusVariantAlsoNegotiates": 506,
    "StatusInsufficientStorage": 507, "StatusLoopDetected": 508,
    "StatusNotExtended": 510, "StatusNetworkAuthenticationRequired": 511,
}  # fmt: skip

TRAILER_PREFIX = "trailer:"

# Where an error status's response is written: the block or case clause.
SCOPES = ("block", "expression_case", "type_case", "communication_case", "default_case")


@dataclass(frozen=True)
class Event:
    """One call (or map store) that acts on the response."""

    kind: str
    node: Node
    name: str  # how messages name it: "http.Error", "w.WriteHeader"
    code: int | None = None  # WriteHeader's status, when written as a constant
    key: Node | None = None  # the header key a header change names


@dataclass
class Hit:
    """An event, and the facts that some path brings to it."""

    event: Event
    before: set[tuple] = field(default_factory=set)


@dataclass
class Function:
    handler: Handler
    hits: list[Hit]
    trailers: frozenset[str] | None  # declared trailer names; None: unknown


def analyse(file: GoFile) -> list[Function]:
    """Every function with a ``http.ResponseWriter`` parameter, walked once
    for the rules HTTP001–HTTP003, which all ask."""
    return file.shared(analyse, lambda: list(_analyse(file)))


def _analyse(file: GoFile) -> Iterator[Function]:
    for handler in writer_functions(file):
        if reassigned(handler.node, handler.writer):
            continue  # later writes may go to a wrapper, not to the parameter
        client = _Client(file, handler)
        try:
            _flow.walk(file, handler.node, client)
        except RecursionError:
            continue  # statements nested too deep to follow
        if client.hits:
            hits = sorted(client.hits.values(), key=lambda h: h.event.node.start_byte)
            yield Function(handler, hits, client.trailers())


def within(node: Node, scope: Node) -> bool:
    return scope.start_byte <= node.start_byte and node.end_byte <= scope.end_byte


def error_scope(node: Node) -> Node:
    """The block or case clause an error status is sent from."""
    for a in ancestors(node):
        if a.type in SCOPES:
            return a
    return node


class _Client:
    """The flow client: turns events into facts and records what precedes them.

    Facts are tuples: ``("sent", node)`` the header went out, ``("body", node)``
    a plain write, ``("final", node)`` a whole response from a helper,
    ``("error", node, scope)`` an error status sent in ``scope``, and
    ``("errbody", node, scope)`` a body written after it in the same scope.
    """

    def __init__(self, file: GoFile, handler: Handler):
        self.file = file
        self.handler = handler
        self.hits: dict[Node, Hit] = {}
        self.events: dict[Node, Event | None] = {}

    def step(
        self, node: Node, facts: frozenset, certain: bool, failing: bool
    ) -> frozenset:
        if node not in self.events:
            self.events[node] = self.classify(node)
        event = self.events[node]
        if event is None:
            return facts
        hit = self.hits.setdefault(node, Hit(event))
        hit.before |= facts
        if failing:
            return facts  # the write may not have happened on this path
        return facts | self.gen(event, facts)

    def leave(self, node: Node, facts: frozenset) -> None:
        pass

    def gen(self, event: Event, facts: frozenset) -> set[tuple]:
        node = event.node
        if event.kind == BODY:
            out: set[tuple] = {("body", node)}
            for f in facts:
                if f[0] == "error" and within(node, f[2]):
                    out.add(("errbody", f[1], f[2]))
            return out
        if event.kind == STATUS:
            if event.code is not None and event.code >= 400:
                return {("sent", node), ("error", node, error_scope(node))}
            return {("sent", node)}
        if event.kind == FLUSH:
            return {("sent", node)}
        if event.kind == FINAL:
            return {("final", node)}
        return set()

    # Recognising events.

    def is_writer(self, node: Node | None) -> bool:
        return node is not None and is_param(unparen(node), self.handler.writer)

    def classify(self, node: Node) -> Event | None:
        if node.type == "assignment_statement":
            return self.header_store(node)
        if node.type != "call_expression":
            return None
        function, args = call_parts(node)
        if function is None:
            return None
        first = args[0] if args else None
        operand, method = method_call(node)

        if operand is not None and self.is_writer(operand):
            name = f"{text(operand)}.{method}"
            if method in ("Write", "WriteString"):
                return Event(BODY, node, name)
            if method == "WriteHeader" and first is not None:
                code = status_code(self.file, first)
                kind = INFO if code is not None and 100 <= code < 200 else STATUS
                return Event(kind, node, name, code)
            return None
        if operand is not None and method in HEADER_METHODS and self.is_header(operand):
            return Event(HEADER, node, f"{text(operand)}.{method}", key=first)
        if operand is not None and method == "Flush" and self.is_flusher(operand):
            return Event(FLUSH, node, "Flush")
        if method == "ServeHTTP" and self.is_writer(first):
            return Event(HANDOFF, node, f"{text(operand)}.ServeHTTP")
        if method == "Encode" and operand is not None and self.is_encoder(operand):
            return Event(BODY, node, _name(function))
        if method in TEMPLATE_METHODS and self.is_writer(first):
            return Event(BODY, node, _name(function))

        if not self.is_writer(first) and not (
            function.type == "identifier" and text(function) == "delete"
        ):
            return None
        for name in FINAL_HELPERS:
            if self.file.refers_to(function, HTTP, name):
                return Event(FINAL, node, f"http.{name}")
        if self.file.refers_to(function, HTTP, "SetCookie"):
            return Event(HEADER, node, "http.SetCookie")
        for path, names in WRITING_FUNCS.items():
            for name in names:
                if self.file.refers_to(function, path, name):
                    return Event(BODY, node, f"{path}.{name}")
        if text(function) == "delete" and len(args) == 2 and self.is_header(args[0]):
            return Event(HEADER, node, "delete", key=args[1])
        return None

    def header_store(self, node: Node) -> Event | None:
        """``w.Header()[key] = v`` and stores through a variable holding it."""
        left = node.child_by_field_name("left")
        for target in left.named_children if left is not None else []:
            target = unparen(target)
            if target.type != "index_expression":
                continue
            operand = target.child_by_field_name("operand")
            if operand is not None and self.is_header(operand):
                key = target.child_by_field_name("index")
                return Event(HEADER, node, f"{text(operand)}[...] =", key=key)
        return None

    def is_header(self, node: Node) -> bool:
        """``w.Header()``, or a variable initialised with it."""
        return self.made(node, self.header_call)

    def is_flusher(self, node: Node) -> bool:
        """``w.(http.Flusher)``, ``http.NewResponseController(w)``, or a variable."""
        return self.made(node, self.flusher_value)

    def is_encoder(self, node: Node) -> bool:
        """``json.NewEncoder(w)`` (any package's), or a variable holding one."""
        return self.made(node, self.encoder_call)

    def made(self, node: Node, accepts: Callable[[Node], bool]) -> bool:
        """Whether ``node``, or the value a local variable was declared with
        (followed through further variables), is one ``accepts``."""
        node = unparen(node)
        if node.type == "identifier":
            value = _initial_value(node)
            return value is not None and self.made(value, accepts)
        return accepts(node)

    def header_call(self, node: Node) -> bool:
        if node.type != "call_expression":
            return False
        operand, method = method_call(node)
        return method == "Header" and self.is_writer(operand)

    def flusher_value(self, node: Node) -> bool:
        if node.type == "type_assertion_expression":
            return self.is_writer(node.child_by_field_name("operand"))
        return self.writer_given_to(node, HTTP, "NewResponseController")

    def encoder_call(self, node: Node) -> bool:
        # Any package's NewEncoder(w): encoding/json, encoding/xml, gob, ...
        if node.type != "call_expression":
            return False
        function = node.child_by_field_name("function")
        if function is None or function.type != "selector_expression":
            return False
        if text(function.child_by_field_name("field")) != "NewEncoder":
            return False
        args = call_parts(node)[1]
        return bool(args) and self.is_writer(args[0])

    def writer_given_to(self, node: Node, path: str, name: str) -> bool:
        """Whether ``node`` is ``path.name(w, ...)``."""
        if node.type != "call_expression":
            return False
        function, args = call_parts(node)
        return (
            function is not None
            and self.file.refers_to(function, path, name)
            and bool(args)
            and self.is_writer(args[0])
        )

    def trailers(self) -> frozenset[str] | None:
        """Header names the function declares as trailers; None if unknowable."""
        names: set[str] = set()
        for hit in self.hits.values():
            event = hit.event
            if event.kind != HEADER or event.key is None:
                continue
            if (string_value(unparen(event.key)) or "").lower() != "trailer":
                continue
            values = _declared_values(event)
            if values is None:
                return None  # computed names: any key may be one of them
            for value in values:
                names.update(n.strip().lower() for n in value.split(",") if n.strip())
        return frozenset(names)


def is_trailer(function: Function, event: Event) -> bool:
    """Whether a header change after the header was sent sets a trailer."""
    key = event.key
    if key is None:
        return False
    key = unparen(key)
    if key.type == "binary_expression":
        left = unparen(key.child_by_field_name("left"))
        value = string_value(left)
        if value is not None and value.lower().startswith(TRAILER_PREFIX):
            return True
        if left.type == "selector_expression" and text(left).endswith(".TrailerPrefix"):
            return True
        if left.type == "identifier" and text(left) == "TrailerPrefix":
            return True
    value = string_value(key)
    if value is None:
        # A computed key may name a declared trailer, or carry the prefix.
        body = function.handler.node.text or b""
        if b"TrailerPrefix" in body or b"Trailer:" in body:
            return True
        return function.trailers is None or bool(function.trailers)
    if value.lower().startswith(TRAILER_PREFIX):
        return True
    return function.trailers is None or value.lower() in function.trailers


def _declared_values(event: Event) -> list[str] | None:
    """The literal values a ``Trailer`` header is given; None if computed.

    ``Set("Trailer", "A, B")`` and ``h["Trailer"] = []string{"A", "B"}``.
    """
    node = event.node
    if node.type == "assignment_statement":
        values = node.child_by_field_name("right")
        exprs = values.named_children if values is not None else []
        if len(exprs) != 1 or exprs[0].type != "composite_literal":
            return None
        body = exprs[0].child_by_field_name("body")
        elements = body.named_children if body is not None else []
        exprs = [e.named_children[0] for e in elements if e.named_children]
    else:
        exprs = call_parts(node)[1][1:]
    out = []
    for e in exprs:
        value = string_value(unparen(e))
        if value is None:
            return None
        out.append(value)
    return out


def _initial_value(ident: Node) -> Node | None:
    """The value a local variable is declared with (``h := w.Header()``)."""
    decl = find_local_declaration(ident)
    if decl is None:
        return None
    if decl.value is not None:
        return decl.value
    # f, ok := w.(http.Flusher): the first name gets the asserted value.
    node = decl.node
    if node.type in ("short_var_declaration", "var_spec"):
        right = node.child_by_field_name(
            "right" if node.type != "var_spec" else "value"
        )
        values = (
            right.named_children
            if right is not None and right.type == "expression_list"
            else [right]
        )
        left = node.child_by_field_name("left")
        names = (
            left.named_children
            if left is not None
            else node.children_by_field_name("name")
        )
        if (
            len(values) == 1
            and values[0] is not None
            and names
            and names[0] == decl.name
        ):
            value = unparen(values[0])
            if value.type == "type_assertion_expression":
                return value
    return None


def _name(function: Node) -> str:
    """The called function as written, if that is short enough for a message."""
    written = " ".join(text(function).split())
    if len(written) <= 40:
        return written
    return text(function.child_by_field_name("field")) or "the call"


def status_code(file: GoFile, node: Node) -> int | None:
    """The value of a status written as an integer literal or http.StatusX."""
    node = unparen(node)
    if node.type == "int_literal":
        try:
            return int(text(node).replace("_", ""), 0)
        except ValueError:
            return None
    if node.type in ("selector_expression", "identifier"):
        name = (
            text(node.child_by_field_name("field"))
            if node.type != "identifier"
            else text(node)
        )
        if name in STATUS_CODES and file.refers_to(node, HTTP, name):
            return STATUS_CODES[name]
    return None


def sets_status(event: Event) -> bool:
    """Whether the event sends a status line (as WriteHeader does)."""
    if event.kind == STATUS:
        return True
    return event.kind == FINAL and FINAL_HELPERS[event.name.removeprefix("http.")]


def describe(event: Event) -> str:
    """How a message names an event: ``w.WriteHeader(404)``, ``http.Error``."""
    if event.kind in (STATUS, INFO):
        arg = call_parts(event.node)[1]
        return f"{event.name}({text(arg[0])})" if arg else event.name
    return event.name


def ended_by(hit: Hit) -> list[Node]:
    """The earlier complete responses that ``hit``'s write continues.

    A helper such as ``http.Error`` ends the response wherever the path
    goes next. An error status from ``WriteHeader`` ends it once the path
    leaves the block that sent it, and only if that block also wrote a
    body: a WriteHeader(404) that only chose the status may well be
    followed by the page meant for it, and a second status after it is
    HTTP002's (superfluous) rather than a missing return. Handing the
    request to the next handler after an error status is always one.
    """
    sink = hit.event
    # Which facts end a response for this kind of write; "final" ones end
    # it anywhere, the others once the path has left their block.
    scoped = {"errbody": (BODY, STATUS, FINAL, HANDOFF), "error": (HANDOFF,)}
    out = set()
    for fact in hit.before:
        outside = sink.kind in scoped.get(fact[0], ()) and not within(
            sink.node, fact[2]
        )
        if fact[0] == "final" or outside:
            out.add(fact[1])
    return sorted(out, key=lambda n: n.start_byte)


def sent_by(hit: Hit) -> list[Node]:
    """The earlier writes after which the header can no longer change."""
    nodes = {f[1] for f in hit.before if f[0] in ("sent", "body", "final")}
    return sorted(nodes, key=lambda n: n.start_byte)


def event_at(function: Function, node: Node) -> Event:
    for hit in function.hits:
        if hit.event.node == node:
            return hit.event
    raise KeyError(node)
