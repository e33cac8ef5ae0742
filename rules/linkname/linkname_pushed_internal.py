"""LNK004 linkname-pushed-internal."""

from __future__ import annotations

from goabilint_rules.linkname._linker import Outcome
from goabilint_rules.linkname._pulls import judged_references
from goabilint_rules.linkname._replacements import replacement

from goabilint.context import Reporter
from goabilint.rule import Rule, Severity
from goabilint.source import Package

RULE = Rule(
    code="LNK004",
    name="linkname-pushed-internal",
    title="//go:linkname pull that links only because std keeps the symbol linkable",
    severity=Severity.WARNING,
    since="0.2.0",
    tags=("linkname", "internal-api"),
    needs=(b"//go:linkname", "\u00b7".encode()),
    doc="""
    ## What it does
    Reports references to standard-library internals that link only
    because the standard library *pushes* them: marks them with its own
    `//go:linkname` so that the linker's check (Go 1.23 and later) lets
    outside code pull them. Most such pushes carry a "hall of shame"
    comment listing the widely used modules they are kept for; others
    exist for std's own packages. Where a public API does the same job
    (`runtime.nanotime`, `runtime.fastrand`, `runtime.memhash`, ...) the
    fix hint names it.

    ## Why is this bad?
    A push is a compatibility promise to the listed modules, not an API:
    the symbol can change its signature or behaviour, move into the
    linker's blocked list, or be dropped once its users have moved on
    (`runtime.fastrand` is kept with the note "It would be reasonable to
    remove these in Go 1.24"). Nothing checks that your declaration
    matches it (see LNK005).

    ## Example
    ```go
    import _ "unsafe"

    //go:linkname fastrand runtime.fastrand
    func fastrand() uint32
    ```

    ## Use instead
    ```go
    import "math/rand/v2"

    func fastrand() uint32 { return rand.Uint32() }
    ```

    ## Known problems
    Go 1.21 and 1.22 check no pulls, so nothing is reported for them.
    Whether a symbol is pushed comes from goabilint's toolchain tables; the
    replacements are reviewed data (`replacements.toml`) and cover the
    common cases only. Std itself is never reported.

    ## References
    - [go.dev/issue/67401: cmd/link: lock down future uses of linkname](https://go.dev/issue/67401)
    - [math/rand/v2](https://pkg.go.dev/math/rand/v2)
    - [hash/maphash](https://pkg.go.dev/hash/maphash)
    """,
)


@RULE.on_package
def check(package: Package, report: Reporter) -> None:
    for ref, j in judged_references(package, report.targets):
        pushed = j.verdicts(Outcome.PUSHED)
        if not pushed:
            continue  # never links by grace of a push
        versions = j.versions(Outcome.PUSHED)
        push = max(pushed, key=lambda r: r[0])[2].push
        assert push is not None

        if push.hall_of_shame:
            why = "kept linkable for compatibility (hall of shame)"
        else:
            why = f"linkable only because {push.package} pushes it"
        r = replacement(ref.name)
        if r is not None:
            fix = f"{r.use} (Go {r.since}+)"
        else:
            fix = f"replace {ref.name} with a public API; std may block or change it"
        ref.report(
            report,
            f"{ref.name} is an internal detail of std, {why}",
            fix=fix,
            versions=versions,
        )
