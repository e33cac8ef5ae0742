"""LNK003 linkname-missing-target."""

from __future__ import annotations

from goabilint_rules.linkname import _linker
from goabilint_rules.linkname._linker import Outcome
from goabilint_rules.linkname._pulls import judged_references, only_on
from goabilint_rules.linkname._replacements import replacement

from goabilint import tables
from goabilint.constraints import GoVersion
from goabilint.context import Reporter, format_versions
from goabilint.rule import Rule, Severity
from goabilint.source import Package

RULE = Rule(
    code="LNK003",
    name="linkname-missing-target",
    title="//go:linkname pull of a standard-library symbol that does not exist",
    severity=Severity.ERROR,
    since="0.2.0",
    tags=("linkname", "build-failure", "silent-breakage"),
    needs=(b"//go:linkname", "\u00b7".encode()),
    doc="""
    ## What it does
    Reports references to standard-library symbols that a target release
    does not define on a built platform: renamed or removed internals
    such as `runtime.gcWriteBarrier` (gone in Go 1.21) or `runtime.ncpu`
    (gone in Go 1.25), and symbols of packages that moved
    (`runtime/internal/atomic` became `internal/runtime/atomic`). It
    covers `//go:linkname` pulls and, in assembly files, operands such as
    `CALL runtime·gcWriteBarrier(SB)`.

    ## Why is this bad?
    A function pulled from a release that lacks it stops the build with
    `relocation target runtime.gcWriteBarrier not defined`.

    A *variable* is worse. A body-less `var` with `//go:linkname` is a
    definition of size zero, and when std no longer defines the name the
    linker keeps yours: the build succeeds and the variable reads zero
    forever (Go 1.25 and later for `runtime.ncpu`). This is reported as
    an error too.

    ## Example
    ```go
    import _ "unsafe"

    //go:linkname ncpu runtime.ncpu
    var ncpu int32
    ```

    ## Use instead
    ```go
    import "runtime"

    var ncpu = int32(runtime.NumCPU())
    ```

    ## Known problems
    Existence comes from goabilint's toolchain tables, one per release
    (1.21–1.27), evaluated for every port of the release; releases without
    a table are not judged. A symbol whose package the program does not
    link in at all also fails to link, and is not reported. A function
    pull that nothing calls is not reported: the linker never sees it.
    Nor are calls the compiler drops on a port: in an `if` or `switch`
    branch that `runtime.GOOS`/`runtime.GOARCH` comparisons rule out
    there (bytedance/gopkg's lscq calls `sysctlEnabled` under `case
    "darwin"`); conditions held in variables or helper functions are not
    followed, and such calls count everywhere. A name no
    release defines, in a package that blank-imports a package of its own
    module, is taken for that package's own push and left alone; a typo
    there goes unreported. For compiler
    built-ins the linker's words differ (`reference to undefined builtin`).
    `#ifdef` in assembly is not evaluated. Std itself is never reported.

    ## References
    - [cmd/compile: compiler directives](https://pkg.go.dev/cmd/compile#hdr-Compiler_Directives)
    - [go.dev/issue/67401: cmd/link: lock down future uses of linkname](https://go.dev/issue/67401)
    """,
)


@RULE.on_package
def check(package: Package, report: Reporter) -> None:
    for ref, j in judged_references(package, report.targets):
        zero = j.versions(Outcome.ZERO)
        missing = j.versions(Outcome.MISSING)
        if not zero and not missing:
            continue  # defined wherever the file is built
        where = _defined_in(ref.name)

        # A var pull links and reads zero: worse than a build failure.
        if zero:
            ports = only_on(j, zero, Outcome.ZERO)
            ref.report(
                report,
                f"{ref.name} is not defined in std{ports}, so this var "
                "defines it and always reads zero",
                fix=_fix(ref.name, where, bool(ports)),
                versions=zero,
            )
        if missing:
            ports = only_on(j, missing, Outcome.MISSING)
            known = (
                f"; it exists in {format_versions(where)}"
                if where and not ports
                else ""
            )
            ref.report(
                report,
                f"relocation target {ref.name} not defined{ports}{known}",
                fix=_fix(ref.name, where, bool(ports)),
                versions=missing,
            )


def _defined_in(name: str) -> list[str]:
    """The releases with a table whose std defines ``name`` somewhere."""
    out = []
    for v in tables.available_versions():
        t = _linker.table(v)
        if t is not None and t.symbol(name) is not None:
            out.append(str(v))
    return out


def _fix(name: str, where: list[str], port_only: bool) -> str:
    r = replacement(name)
    if r is not None:
        return f"{r.use} (Go {r.since}+)"
    if port_only:
        return f"build this file only for the platforms whose std defines {name}"
    gate = _gate(where)
    if gate:
        return (
            f"stop pulling {name}, or build this file only where it exists: "
            f"//go:build {gate}"
        )
    return f"check the spelling of {name}; no known release defines it"


def _gate(where: list[str]) -> str | None:
    """A ``//go:build`` expression for one run of releases, if ``where`` is one."""
    known = [str(v) for v in tables.available_versions()]
    if (
        not where
        or known[known.index(where[0]) : known.index(where[0]) + len(where)] != where
    ):
        return None  # no release, or several runs
    terms = []
    first, last = GoVersion.parse(where[0]), GoVersion.parse(where[-1])
    if where[0] != known[0]:
        terms.append(f"go{first}")
    if where[-1] != known[-1]:
        terms.append(f"!go{last.major}.{last.minor + 1}")
    return " && ".join(terms) or None
