"""An example goabilint plugin with one rule, EXA001 todo-panic.

The module is the plugin: the ``goabilint`` entry point names it, and its
``goabilint_rules`` hook returns the rule records.
"""

from __future__ import annotations

from goabilint.context import Reporter
from goabilint.hookspecs import hookimpl
from goabilint.rule import Rule, Severity
from goabilint.source import GoFile
from goabilint.syntax import captured, string_value, text

RULE = Rule(
    code="EXA001",
    name="todo-panic",
    title='panic("TODO") left as a placeholder',
    severity=Severity.WARNING,
    since="0.1.0",
    tags=("example",),
    needs=(b"TODO",),
    doc="""
    ## What it does
    Reports calls of the builtin `panic` whose only argument is the string
    literal `"TODO"`.

    ## Why is this bad?
    A placeholder panic compiles and passes every test that does not reach
    it, then crashes the program the first time a user does.

    ## Example
    ```go
    func (s *Store) Delete(key string) error {
        panic("TODO")
    }
    ```

    ## Use instead
    ```go
    func (s *Store) Delete(key string) error {
        return errors.ErrUnsupported
    }
    ```

    ## Known problems
    A local function or variable named `panic` shadowing the builtin is not
    recognised, and other placeholder texts (`"unimplemented"`) are not
    reported.

    ## References
    - [The Go spec: handling panics](https://go.dev/ref/spec#Handling_panics)
    """,
)


@RULE.on_go_file
def check(file: GoFile, report: Reporter) -> None:
    for call in captured("(call_expression) @call", file.root, "call"):
        fn = call.child_by_field_name("function")
        if fn is None or fn.type != "identifier" or text(fn) != "panic":
            continue  # not the builtin panic
        args = call.child_by_field_name("arguments")
        values = args.named_children if args is not None else []
        if len(values) != 1 or string_value(values[0]) != "TODO":
            continue  # a real panic message
        report(call, 'panic("TODO") placeholder', fix="implement it or return an error")


@hookimpl
def goabilint_rules() -> list[Rule]:
    return [RULE]
