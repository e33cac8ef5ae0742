"""MET002 metric-kind-unchecked."""

from __future__ import annotations

from goabilint_rules.linkname._linker import is_std_module

from goabilint.context import Reporter
from goabilint.rule import Rule, Severity
from goabilint.source import GoFile
from goabilint.syntax import Node, find_local_declaration, text

RULE = Rule(
    code="MET002",
    name="metric-kind-unchecked",
    title="runtime/metrics value read without checking its Kind",
    severity=Severity.WARNING,
    since="0.2.0",
    tags=("metrics", "panic"),
    needs=(b"runtime/metrics",),
    # Types come from the file alone, and a read of a name every target
    # defines with the right kind is reported too.
    precision="medium",
    doc="""
    ## What it does
    In files that import `runtime/metrics`, reports calls of `Uint64()`,
    `Float64()` or `Float64Histogram()` on a sample's `Value` (`s.Value`,
    `samples[i].Value`, or a variable holding one) in a function that
    never calls `Kind()` on a sample value.

    ## Why is this bad?
    Each accessor panics unless the value has exactly its kind. A name the
    running Go release does not define reads as `metrics.KindBad` (see
    MET001), so code that works on the release it was written for panics
    on an older one, or on a newer one that retired the metric.

    ## Example
    ```go
    func heapGoal() uint64 {
        s := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}}
        metrics.Read(s)
        return s[0].Value.Uint64()
    }
    ```

    ## Use instead
    ```go
    func heapGoal() (uint64, bool) {
        s := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}}
        metrics.Read(s)
        if s[0].Value.Kind() != metrics.KindUint64 {
            return 0, false
        }
        return s[0].Value.Uint64(), true
    }
    ```

    ## Known problems
    Types are read from the file alone: `x.Value` counts as a sample's
    value unless `x` is declared with another type in the function. Any
    `Kind()` call on a sample value in the same function counts as the
    check, whichever sample it tests; a check in a helper function does
    not count. Reads of names that every target release defines with the
    right kind are reported too: the check is cheap and keeps the code safe
    when the name list changes. The standard library (go.mod saying
    `module std`) is not checked: it always runs with its own release.

    ## References
    - [runtime/metrics: Value](https://pkg.go.dev/runtime/metrics#Value)
    """,
)

_ACCESSORS = frozenset({"Uint64", "Float64", "Float64Histogram"})
_CALLS = """
(call_expression
  function: (selector_expression
    operand: (_) @recv
    field: (field_identifier) @method)) @call
"""
_FUNCTIONS = ("function_declaration", "method_declaration")


@RULE.on_go_file
def check(file: GoFile, report: Reporter) -> None:
    if not file.imports_path("runtime/metrics"):
        return  # the bytes matched a comment or another path
    if not report.targets.is_built(file):
        return  # no target release builds the file
    if is_std_module(report.targets.module):
        return  # std reads its own release's metrics: the names cannot drift

    reads: list[tuple[Node, Node]] = []
    checked: set[int] = set()  # functions that call Kind() on a value
    for call in file.query(_CALLS, "call"):
        fn = call.child_by_field_name("function")
        recv = fn.child_by_field_name("operand")
        method = text(fn.child_by_field_name("field"))
        if method not in _ACCESSORS and method != "Kind":
            continue
        if not _is_value(file, recv):
            continue  # not a metrics.Value as far as the file shows
        outer = _outer_function(call)
        if outer is None:
            continue  # package-level initialiser: no function to check in
        if method == "Kind":
            checked.add(outer.id)
        else:
            reads.append((call, outer))

    for call, outer in reads:
        if outer.id in checked:
            continue
        recv = text(call.child_by_field_name("function").child_by_field_name("operand"))
        report(
            call,
            f"{text(call)} panics when the metric is missing (KindBad) "
            "or of another kind; nothing here checks Kind()",
            fix=f"test {recv}.Kind() first and handle metrics.KindBad",
        )


def _is_value(file: GoFile, recv: Node) -> bool:
    """Whether ``recv`` is a sample's Value: ``x.Value`` or a variable of one."""
    if recv.type == "selector_expression":
        if text(recv.child_by_field_name("field")) != "Value":
            return False
        return _may_be_sample(file, recv.child_by_field_name("operand"))
    if recv.type != "identifier":
        return False
    decl = find_local_declaration(recv)
    if decl is None:
        return False
    if decl.value is not None and decl.value.type == "selector_expression":
        return text(decl.value.child_by_field_name("field")) == "Value"
    if decl.type is not None:
        return decl.type.type == "qualified_type" and file.refers_to(
            decl.type, "runtime/metrics", "Value"
        )
    return False


def _may_be_sample(file: GoFile, operand: Node) -> bool:
    """False only when ``operand`` is declared with a type other than Sample."""
    if operand.type != "identifier":
        return True  # samples[i], f().x, ...: the file cannot tell
    decl = find_local_declaration(operand)
    if decl is None or decl.type is None:
        return True  # a range variable, a := ..., or package level
    typ = decl.type
    if typ.type == "pointer_type" and typ.named_children:
        typ = typ.named_children[0]
    return typ.type == "qualified_type" and file.refers_to(
        typ, "runtime/metrics", "Sample"
    )


def _outer_function(node: Node) -> Node | None:
    """The top-level function or method that contains ``node``."""
    found = None
    parent = node.parent
    while parent is not None:
        if parent.type in _FUNCTIONS:
            found = parent
        parent = parent.parent
    return found
