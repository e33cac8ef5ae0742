"""HTTP003 header-after-write."""

from __future__ import annotations

from goabilint.context import Reporter
from goabilint.rule import Rule, Severity
from goabilint.source import GoFile
from goabilint_rules.http import _writes
from goabilint_rules.http._handlers import line_of

RULE = Rule(
    code="HTTP003",
    name="header-after-write",
    title="response header changed after it was sent",
    severity=Severity.WARNING,
    since="0.1.0",
    tags=("http", "control-flow"),
    needs=(b"Header()", b"SetCookie"),
    precision="high",
    doc="""
    ## What it does
    Reports changes to the response header — `w.Header().Set`, `Add`,
    `Del`, `w.Header()[key] = v`, `delete(w.Header(), key)`, the same
    through a variable holding `w.Header()`, and `http.SetCookie(w, c)` —
    that some path reaches after the header was sent: after `WriteHeader`
    with a final status, a body write, `http.Error` and its relatives, or
    a `Flush`.

    Trailers are exempt: keys starting with `Trailer:` (`http.TrailerPrefix`)
    and names the function announced in the `Trailer` header before the
    body.

    ## Why is this bad?
    The header is written to the connection together with the status line.
    Changes made afterwards are silently ignored: the cookie is never set,
    the `Content-Type` is whatever was sniffed from the body, the cache
    header never reaches the client.

    ## Example
    ```go
    func download(w http.ResponseWriter, r *http.Request) {
        w.Write(data)
        w.Header().Set("Content-Type", "text/csv")
    }
    ```

    ## Use instead
    ```go
    func download(w http.ResponseWriter, r *http.Request) {
        w.Header().Set("Content-Type", "text/csv")
        w.Write(data)
    }
    ```

    ## Known problems
    The analysis stays inside one function and has no type checker:
    writes and header changes made by helpers, through wrappers of `w` or
    in deferred calls are not seen, and a function that assigns to its
    `http.ResponseWriter` parameter is skipped. A header key computed at
    run time is taken for a trailer when the function declares any
    trailer. Calling a middleware's `next.ServeHTTP(w, r)` is not counted
    as a write, although the next handler usually sends the header, so
    headers set after it are not reported. A `TrailerPrefix` key is taken
    for a trailer even when the body is small enough to be sent with a
    `Content-Length` and no trailers at all (flush first to force a
    chunked body).

    ## References
    - [net/http: ResponseWriter.Header](https://pkg.go.dev/net/http#ResponseWriter)
    - [net/http: TrailerPrefix](https://pkg.go.dev/net/http#TrailerPrefix)
    """,
)


@RULE.on_go_file
def check(file: GoFile, report: Reporter) -> None:
    for function in _writes.analyse(file):
        for hit in function.hits:
            if hit.event.kind != _writes.HEADER:
                continue
            earlier = _writes.sent_by(hit)
            if not earlier:
                continue  # the header is still open on every path
            if _writes.is_trailer(function, hit.event):
                continue  # trailers are meant to be set after the body

            first = _writes.event_at(function, earlier[0])
            report(
                hit.event.node,
                f"{hit.event.name} after the header was sent by "
                f"{_writes.describe(first)} (line {line_of(first.node)}) has no effect",
                fix="change the header before the first Write or WriteHeader",
                related=[(first.node, "the header is sent here")],
            )
