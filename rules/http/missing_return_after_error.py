"""HTTP001 missing-return-after-error."""

from __future__ import annotations

from goabilint.context import Reporter
from goabilint.rule import Rule, Severity
from goabilint.source import GoFile
from goabilint.syntax import Node
from goabilint_rules.http import _writes
from goabilint_rules.http._handlers import line_of

RULE = Rule(
    code="HTTP001",
    name="missing-return-after-error",
    title="a handler goes on writing after http.Error or an error status",
    severity=Severity.WARNING,
    since="0.1.0",
    tags=("http", "control-flow"),
    needs=(b"net/http",),
    precision="high",
    doc="""
    ## What it does
    Follows every path through a function that takes a `http.ResponseWriter`
    and reports a call that completes the response — `http.Error`,
    `http.Redirect`, `http.NotFound`, `http.ServeContent`, `http.ServeFile`,
    `http.ServeFileFS`, or `w.WriteHeader` with an error status (400 or
    more, as a literal or a `http.Status` constant) followed by a body in
    the same block — when some path continues from it to another write to
    the same writer: `Write`, `WriteHeader`, `fmt.Fprint*`, `io.Copy`,
    `io.WriteString`, `json.NewEncoder(w).Encode`, a template's
    `Execute(w, ...)`, another `http.Error`, or `next.ServeHTTP(w, r)`.
    An error status alone, without a body, counts only before
    `next.ServeHTTP(w, r)`: a page written after the branches that chose
    the status is the body meant for it, and a second status after it is
    HTTP002's finding.

    A call that is the last thing on every path is not reported, and
    neither is one followed only by logging, metrics or cleanup. Paths are
    followed through `if`/`else`, `switch`, `select`, loops with `break`
    and `continue`, and end at `return`, `panic`, `os.Exit`, `log.Fatal`
    and `t.Fatal`; conditions tested twice (`if err != nil` after an
    `if err != nil` that wrote the error) are not taken both ways, and a
    `switch` on a value enters only the cases, or the `default`, that
    the conditions known about the value allow.

    ## Why is this bad?
    `http.Error` and its relatives write a response but do not stop the
    handler; their documentation asks the caller to make sure nothing else
    is written. Without a `return`, the handler goes on: the success body
    is appended to the error message, a second status is dropped with
    "superfluous response.WriteHeader call" in the server log, or a
    middleware calls the next handler for a request it meant to refuse.

    ## Example
    ```go
    func user(w http.ResponseWriter, r *http.Request) {
        u, err := lookup(r.PathValue("id"))
        if err != nil {
            http.Error(w, "no such user", http.StatusNotFound)
        }
        json.NewEncoder(w).Encode(u)
    }
    ```

    ## Use instead
    ```go
    func user(w http.ResponseWriter, r *http.Request) {
        u, err := lookup(r.PathValue("id"))
        if err != nil {
            http.Error(w, "no such user", http.StatusNotFound)
            return
        }
        json.NewEncoder(w).Encode(u)
    }
    ```

    ## Known problems
    The analysis stays inside one function and has no type checker. A
    writer passed to a helper of your own (`renderError(w, err)`) is not
    followed, so a missing `return` after such a helper is not found, and
    writes made through a wrapper of `w` or inside a function literal are
    not seen. A function that assigns to its `http.ResponseWriter`
    parameter is skipped. Deferred calls are not followed. A `WriteHeader`
    with an error status counts only when the code is a literal or a
    `http.Status` constant. Conditions are tracked only as written (`err
    != nil`, a boolean flag, a comparison with a literal): two conditions
    that exclude each other through a call or arithmetic are not known to,
    and such a pair can be reported. `goto` ends a path.

    ## References
    - [net/http: Error](https://pkg.go.dev/net/http#Error)
    - [net/http: ResponseWriter](https://pkg.go.dev/net/http#ResponseWriter)
    """,
)


@RULE.on_go_file
def check(file: GoFile, report: Reporter) -> None:
    for function in _writes.analyse(file):
        # The first write each complete response runs into; in a loop, a
        # later write reads better than the call meeting itself again.
        continued: dict[Node, list[Node]] = {}
        for hit in function.hits:
            if hit.event.kind in (_writes.HEADER, _writes.FLUSH):
                continue  # HTTP003 reports header changes
            for ender in _writes.ended_by(hit):
                continued.setdefault(ender, []).append(hit.event.node)

        for ender, writes in sorted(continued.items(), key=lambda p: p[0].start_byte):
            write = min(writes, key=lambda n: (n == ender, n.start_byte))
            first = _writes.describe(_writes.event_at(function, ender))
            then = _writes.describe(_writes.event_at(function, write))
            report(
                ender,
                f"{first} does not end the handler; a path goes on to {then} "
                f"(line {line_of(write)})",
                fix=f"return after {first}",
                related=[(write, "the response is written again here")],
                edits=_add_return(file, function.handler.node, ender, write),
            )


JUMPS = (
    "return_statement",
    "break_statement",
    "continue_statement",
    "goto_statement",
    "fallthrough_statement",
)


def _add_return(
    file: GoFile, function: Node, ender: Node, write: Node
) -> list[tuple[tuple[int, int], str]]:
    """Insert ``return`` at the end of the block that completes the response.

    Only where that is the whole fix: the function returns nothing, the
    next write lies outside the block, and the block does not already end
    in a jump (a ``continue`` that goes on to the write is deliberate).
    """
    if function.child_by_field_name("result") is not None:
        return []  # a return needs values we cannot choose
    statement = ender
    while statement.parent is not None and statement.parent.type != "statement_list":
        statement = statement.parent
    block = statement.parent
    if block is None or (block.start_byte <= write.start_byte < block.end_byte):
        return []  # the next write is in the same block: a return would skip it
    last = [c for c in block.named_children if c.type != "comment"][-1]
    if last.type in JUMPS:
        return []
    data = file.data
    line_start = data.rfind(b"\n", 0, last.start_byte) + 1
    indent = data[line_start : last.start_byte].decode("utf-8", "replace")
    if indent.strip():
        return []  # the statement shares its line with others
    # After the line's end, so that a trailing comment stays where it is.
    line_end = data.find(b"\n", last.end_byte)
    if line_end < 0:
        return []
    if data[line_end - 1 : line_end] == b"\r":
        line_end -= 1
    newline = "\r\n" if data[line_end : line_end + 1] == b"\r" else "\n"
    return [((line_end, line_end), f"{newline}{indent}return")]
