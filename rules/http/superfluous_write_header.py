"""HTTP002 superfluous-write-header."""

from __future__ import annotations

from goabilint.context import Reporter
from goabilint.rule import Rule, Severity
from goabilint.source import GoFile
from goabilint_rules.http import _writes
from goabilint_rules.http._handlers import line_of

RULE = Rule(
    code="HTTP002",
    name="superfluous-write-header",
    title="WriteHeader after the status was already sent",
    severity=Severity.WARNING,
    since="0.1.0",
    tags=("http", "control-flow"),
    needs=(b"WriteHeader", b"Error(", b"Redirect(", b"NotFound("),
    precision="high",
    doc="""
    ## What it does
    Reports `w.WriteHeader(code)`, and the helpers that call it
    (`http.Error`, `http.Redirect`, `http.NotFound`), when some path
    reaches the call after the status was already sent on the same writer:
    by a body write (`w.Write`, `fmt.Fprint*`, `io.Copy`, an encoder or a
    template writing to `w`), an earlier `WriteHeader`, or a `Flush`.

    A write whose error is checked does not count on the path where it
    failed, so `if err := enc.Encode(v); err != nil { http.Error(...) }`
    is not reported: an encoder that fails to marshal writes nothing.
    Informational statuses (1xx) may be sent more than once and are not
    reported. A second status after `http.Error` or an error
    `WriteHeader` in a branch without `return` is HTTP001's finding.

    ## Why is this bad?
    The status line goes out with the first write, with 200 if nothing was
    chosen. A later `WriteHeader` cannot change it: net/http ignores the
    call and logs "http: superfluous response.WriteHeader call". The client
    sees a success status with whatever the handler meant as an error.

    ## Example
    ```go
    func report(w http.ResponseWriter, r *http.Request) {
        fmt.Fprintln(w, "results:")
        if err := render(w); err != nil {
            w.WriteHeader(http.StatusInternalServerError)
        }
    }
    ```

    ## Use instead
    ```go
    func report(w http.ResponseWriter, r *http.Request) {
        var buf bytes.Buffer
        buf.WriteString("results:\\n")
        if err := render(&buf); err != nil {
            http.Error(w, "could not render", http.StatusInternalServerError)
            return
        }
        w.Write(buf.Bytes())
    }
    ```

    ## Known problems
    The analysis stays inside one function and has no type checker: writes
    made by helpers of your own, through a wrapper of `w`, or in deferred
    calls are not seen, and a function that assigns to its
    `http.ResponseWriter` parameter is skipped. `io.Copy` from an empty
    reader writes nothing, but counts as a write.

    ## References
    - [net/http: ResponseWriter.WriteHeader](https://pkg.go.dev/net/http#ResponseWriter)
    """,
)


@RULE.on_go_file
def check(file: GoFile, report: Reporter) -> None:
    for function in _writes.analyse(file):
        for hit in function.hits:
            if not _writes.sets_status(hit.event):
                continue  # only status lines can be superfluous
            if _writes.ended_by(hit):
                continue  # a missing return after a complete response: HTTP001
            earlier = _writes.sent_by(hit)
            if not earlier:
                continue

            first = _writes.event_at(function, earlier[0])
            call = _writes.describe(hit.event)
            report(
                hit.event.node,
                f"superfluous {call}: the status was already sent by "
                f"{_writes.describe(first)} (line {line_of(first.node)})",
                fix="choose the status before the first write to the body",
                related=[(first.node, "the status is sent here")],
            )
