"""LAY005 one-sided-layout-guard."""

from __future__ import annotations

from goabilint_rules.layout._mirror import (
    Guard,
    find_guards,
    may_hold_difference_guard,
)

from goabilint.context import Reporter
from goabilint.rule import Rule, Severity
from goabilint.source import Package
from goabilint.syntax import text

RULE = Rule(
    code="LAY005",
    name="one-sided-layout-guard",
    title="layout assertion catches only growth or only shrinkage",
    severity=Severity.WARNING,
    since="0.1.0",
    tags=("layout", "unsafe"),
    needs=(b"unsafe",),
    doc="""
    ## What it does
    Reports a compile-time layout assertion of the form `A - N` that must
    not be negative, with `A` measured by `unsafe.Sizeof`, `Offsetof` or
    `Alignof`, when the package has no assertion of the reverse `N - A`
    (or an exact one such as `[1]struct{}{}[A-N]`) for the same `A` and
    `N`:

    - `var _ [N - unsafe.Sizeof(T{})]byte` fails when `T` grows past `N`,
      but not when it shrinks;
    - `var _ [unsafe.Sizeof(T{}) - N]byte` and
      `const _ = uint(unsafe.Sizeof(T{}) - N)` fail when `T` shrinks
      below `N`, but not when it grows.

    ## Why is this bad?
    A mirror of a runtime type is wrong whichever way the real type
    changes: a field removed shifts the following offsets as surely as a
    field added. A one-sided guard gives the confidence of an assertion
    while letting half of the changes through.

    ## Example
    ```go
    var _ [48 - unsafe.Sizeof(rtype{})]byte
    ```

    ## Use instead
    ```go
    var _ = [1]struct{}{}[unsafe.Sizeof(rtype{})-48]
    ```
    or keep the one-sided guard and add its reverse,
    `var _ [unsafe.Sizeof(rtype{}) - 48]byte`.

    ## Known problems
    The reverse is matched by the text of `A` and `N` with spaces
    removed: `unsafe.Sizeof(T{})` and `unsafe.Sizeof(*new(T))` count as
    different measurements. Assertions inside functions other than the
    `[1]T{}[...]` index form are not read.

    ## References
    - [unsafe.Sizeof](https://pkg.go.dev/unsafe#Sizeof)
    - [Go spec: constant expressions and overflow](https://go.dev/ref/spec#Constant_expressions)
    """,
)


@RULE.on_package
def check(package: Package, report: Reporter) -> None:
    files = [f for f in package.go_files if b"unsafe" in f.data]
    if not files:
        return
    # Findings are at guards A - N, and only an exact A - N pairs with
    # one: files that spell no size word and minus in one statement hold
    # neither, and are not parsed.
    built = [
        f
        for f in files
        if report.targets.is_built(f) and may_hold_difference_guard(f.data)
    ]
    reported = [f for f in built if package.reported is None or package.reports_on(f)]
    if not reported:
        return
    if package.reported is not None and not find_guards(reported):
        return  # nothing to pair with the rest of the package
    guards = find_guards(built)
    directions: dict[tuple[str, str], set[str]] = {}
    for g in guards:
        if g.key is not None:
            directions.setdefault(g.key, set()).add(g.direction)
    exact = {
        (m, b) for g in guards if g.direction == "both" for m, b in [_exact_key(g)] if m
    }
    for g in guards:
        if g.key is None or g.key in exact:
            continue
        if directions[g.key] >= {"grow", "shrink"}:
            continue
        if g.direction == "grow":
            what = f"catches {g.measured} growing past {g.bound} but not shrinking"
            reverse = f"[{g.measured} - {g.bound}]byte"
        else:
            what = f"catches {g.measured} shrinking below {g.bound} but not growing"
            reverse = f"[{g.bound} - {g.measured}]byte"
        report.in_file(g.file)(
            g.node,
            f"one-sided layout assertion: it {what}",
            fix=f"assert equality with [1]struct{{}}{{}}[{g.measured}-{g.bound}] or add {reverse}",
        )


def _exact_key(g: Guard) -> tuple[str, str]:
    """``(measured, bound)`` of an index guard ``[1]T{}[A-N]``, if simple."""
    index = g.node.child_by_field_name("index")
    if (
        index is None
        or index.type != "binary_expression"
        or text(index.child_by_field_name("operator")) != "-"
    ):
        return "", ""  # [A+N] is no assertion that A equals N
    left = "".join(text(index.child_by_field_name("left")).split())
    right = "".join(text(index.child_by_field_name("right")).split())
    if "unsafe." in left and "unsafe." not in right:
        return left, right
    if "unsafe." in right and "unsafe." not in left:
        return right, left
    return "", ""
