"""LNK005 linkname-signature-mismatch."""

from __future__ import annotations

from collections.abc import Callable

from goabilint_rules.linkname import _linker
from goabilint_rules.linkname._pulls import Pull, judged_references
from goabilint_rules.linkname._shapes import (
    Shape,
    param_types,
    result_types,
    shape_of,
)

from goabilint.constraints import GoVersion
from goabilint.context import Reporter
from goabilint.rule import Rule, Severity
from goabilint.source import Package
from goabilint.syntax import text
from goabilint.tables import Push

RULE = Rule(
    code="LNK005",
    name="linkname-signature-mismatch",
    title="//go:linkname pull declared with a different signature than its target",
    severity=Severity.ERROR,
    since="0.2.0",
    tags=("linkname", "memory-safety"),
    needs=(b"//go:linkname",),
    doc="""
    ## What it does
    Compares the declaration that pulls a standard-library symbol with the
    declaration std pushes, for each target release where the pull links:
    the number of parameters and results, and for each the kind of value
    (integer, float, pointer, string, slice, interface) and its size on
    the built platforms. `int32` against `int64`, or a pointer against
    `uintptr`, is a mismatch; `int32` against `uint32` is not. For a
    variable the declared types are compared the same way.

    ## Why is this bad?
    Neither the compiler nor the linker compares the two declarations. A
    wrong one builds and runs: the callee reads arguments from the wrong
    registers or stack slots, returns garbage, or corrupts memory, and
    the garbage collector may miss or misread pointers. A signature that
    was right can become wrong when std changes it (most pushes carry a
    "Do not remove or change the type signature" comment, but not all).

    ## Example
    ```go
    import _ "unsafe"

    //go:linkname nanotime runtime.nanotime
    func nanotime() int32
    ```

    ## Use instead
    ```go
    import _ "unsafe"

    //go:linkname nanotime runtime.nanotime
    func nanotime() int64
    ```

    ## Known problems
    Only pushed symbols have a recorded signature in goabilint's tables, so
    pulls of other symbols (refused anyway from Go 1.23, see LNK002) are
    not compared, nor are methods. A type's shape is known for predeclared
    types, pointers, slices, maps, channels, functions and interfaces, and
    for types declared in your package with one of those as underlying
    type; structs, arrays and named types of other packages (std's
    `slice`, `Errno`, `abi.Type`) are not compared. Std itself is never
    reported.

    ## References
    - [go.dev/issue/67401: cmd/link: lock down future uses of linkname](https://go.dev/issue/67401)
    - [Go internal ABI specification](https://go.dev/s/regabi)
    """,
)


@RULE.on_package
def check(package: Package, report: Reporter) -> None:
    resolve = _type_resolver(package)
    for ref, j in judged_references(package, report.targets):
        if ref.pull is None or "(" in ref.name:
            continue  # assembly has no signature; methods are not compared

        bad: list[GoVersion] = []
        detail = ""
        for v, pairs in j.by_version.items():
            if not any(verdict.outcome.links for _, verdict in pairs):
                continue  # LNK002/LNK003 say why it does not link
            t = _linker.table(v)
            push = t.pushed(ref.name) if t is not None else None
            if push is None:
                continue  # no recorded declaration to compare with
            goarchs = sorted({ctx.goarch for ctx, _ in pairs})
            found = _mismatch(ref.pull, push, goarchs, resolve)
            if found:
                bad.append(v)
                detail = found  # the newest release's words win
        if bad:
            ref.report(report, detail, fix=_fix(ref.pull), versions=bad)


def _fix(pull: Pull) -> str:
    return f"declare {pull.local} exactly as std declares {pull.target}"


def _mismatch(
    pull: Pull, push: Push, goarchs: list[str], resolve: Callable[[str], str | None]
) -> str | None:
    """Why the pull differs from every declaration of the push, or None."""
    if pull.kind == "var":
        if push.decl != "var" or not push.var_types:
            return None
        mine = text(pull.decl.node.child_by_field_name("type"))
        problems = [
            _compare(mine, theirs, goarchs, resolve) for theirs in push.var_types
        ]
        if all(problems):
            return (
                f"{pull.local} is declared {mine} but {pull.target} is "
                f"{push.var_types[0]}: {problems[0]}"
            )
        return None

    if push.decl != "func" or not push.signatures:
        return None
    node = pull.decl.node
    params = param_types(node.child_by_field_name("parameters"))
    results = result_types(node)
    reasons = []
    for sig in push.signatures:
        reason = _compare_lists(params, list(sig.params), "parameter", goarchs, resolve)
        if reason is None:
            reason = _compare_lists(
                results, list(sig.results), "result", goarchs, resolve
            )
        if reason is None:
            return None  # matches one of std's declarations
        reasons.append(reason)
    return (
        f"{pull.local} does not match {pull.target} {push.signatures[0]}: {reasons[0]}"
    )


def _compare_lists(
    mine: list[str],
    theirs: list[str],
    what: str,
    goarchs: list[str],
    resolve: Callable[[str], str | None],
) -> str | None:
    if len(mine) != len(theirs):
        return f"{_count(len(mine), what)} instead of {len(theirs)}"
    for i, (a, b) in enumerate(zip(mine, theirs, strict=True), start=1):
        problem = _compare(a, b, goarchs, resolve)
        if problem:
            return f"{what} {i}: {problem}"
    return None


def _compare(
    mine: str, theirs: str, goarchs: list[str], resolve: Callable[[str], str | None]
) -> str | None:
    """How two types differ in shape on some built GOARCH, or None."""
    a: Shape | None = shape_of(mine, resolve)
    b: Shape | None = shape_of(theirs)
    if a is None or b is None:
        return None  # a shape that cannot be known says nothing
    differing = [g for g in goarchs if a.kind != b.kind or a.bytes(g) != b.bytes(g)]
    if not differing:
        return None
    g = differing[0]
    where = f" on {', '.join(differing)}" if len(differing) < len(goarchs) else ""
    return f"{mine} is {a.describe(g)}, std's {theirs} is {b.describe(g)}{where}"


def _count(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")


def _type_resolver(package: Package) -> Callable[[str], str | None]:
    """Underlying type text of the package's own named types, by name.

    The files are parsed on the first question only: most packages with
    pulls never need a named type resolved.
    """
    types: dict[str, str] | None = None

    def resolve(name: str) -> str | None:
        nonlocal types
        if types is None:
            types = {}
            for f in package.go_files:
                for d in f.decls:
                    if d.kind != "type" or d.node.child_by_field_name(
                        "type_parameters"
                    ):
                        continue  # generic types have no single shape
                    typ = d.node.child_by_field_name("type")
                    if typ is not None:
                        types.setdefault(d.name, text(typ))
        return types.get(name)

    return resolve
