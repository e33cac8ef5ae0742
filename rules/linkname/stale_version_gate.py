"""LNK006 linkname-stale-version-gate."""

from __future__ import annotations

import itertools
import re

from goabilint_rules.linkname._linker import is_std_module

from goabilint.config import NEWEST_GO
from goabilint.constraints import Constraint, GoVersion
from goabilint.context import Reporter
from goabilint.rule import Rule, Severity
from goabilint.source import SourceFile

RULE = Rule(
    code="LNK006",
    name="linkname-stale-version-gate",
    title="file whose build constraint excludes every Go version the module supports",
    severity=Severity.NOTE,
    since="0.2.0",
    tags=("linkname", "dead-code"),
    needs=(b"go1.",),
    doc="""
    ## What it does
    Reports Go and assembly files whose `//go:build` (or `// +build`)
    constraint is false for every Go release from the module's minimum,
    the `go` line of go.mod, onwards, while some older release would
    build them: `//go:build !go1.21` in a module that says `go 1.22`.
    Tags other than `go1.N` (GOOS, GOARCH, cgo, custom tags) may take any
    value; the file is reported only when no choice of them builds it.

    ## Why is this bad?
    Version gates are how code that reaches into runtime internals keeps
    one implementation per Go release (`hmap` layouts, renamed runtime
    functions). Once go.mod's minimum passes the gate, the go command
    refuses to build the module with the older releases, so the file can
    never be compiled again: it is dead code that still has to be read,
    and its `//go:linkname` pulls look like live ones.

    ## Example
    ```go
    //go:build !go1.21

    package fastmap // go.mod says: go 1.22
    ```

    ## Use instead
    Delete the file, and drop the now always-true gate (`//go:build
    go1.21`) from its counterpart.

    ## Known problems
    A file without a go.mod above it, or whose go.mod has no `go` line, is
    not checked. Constraints with more than ten distinct non-version tags
    are not checked. The Go tree itself (go.mod saying `module std` or
    `module cmd`) is not checked: older bootstrap toolchains build parts
    of it, such as `cmd/dist/notgo124.go`, whatever its go line says.

    ## References
    - [go/build: build constraints](https://pkg.go.dev/go/build#hdr-Build_Constraints)
    - [go.mod reference: the go directive](https://go.dev/ref/mod#go-mod-file-go)
    """,
)

_VERSION_TAG = re.compile(r"^go1\.(\d+)$")
_MAX_FREE_TAGS = 10
_HEADER_LINE = re.compile(rb"^\s*//(?:go:build\s|\s*\+build\s)")


@RULE.on_go_file
def check_go(file: SourceFile, report: Reporter) -> None:
    _check(file, report)


@RULE.on_asm_file
def check_asm(file: SourceFile, report: Reporter) -> None:
    _check(file, report)


def _check(file: SourceFile, report: Reporter) -> None:
    c = file.constraint
    module = report.targets.module
    if c is None or module is None or module.go is None:
        return  # no gate, or no minimum to compare it with
    if is_std_module(module):
        return  # bootstrap toolchains build parts of the Go tree, go line or not
    minimum = module.go
    tags = c.tags()
    gates = sorted(int(m.group(1)) for t in tags if (m := _VERSION_TAG.match(t)))
    if not gates:
        return  # not a version gate
    free = sorted(t for t in tags if not _VERSION_TAG.match(t))
    if len(free) > _MAX_FREE_TAGS:
        return  # too many combinations to try

    # Releases past every gate behave alike, so one past the highest
    # covers the future too.
    last = max(gates[-1] + 1, NEWEST_GO.minor)
    supported = range(minimum.minor, last + 1)
    older = range(minimum.minor)
    if any(_satisfiable(c, GoVersion(1, m), free) for m in supported):
        return  # some supported release builds it
    if not any(_satisfiable(c, GoVersion(1, m), free) for m in older):
        return  # no release builds it at all: not a version question

    line = _header_line(file)
    report.at_line(
        line,
        f"no Go release from go{minimum} (go.mod) on builds this file; it is dead code",
        fix=f"delete the file: go.mod's go {minimum} rules out every release "
        "that builds it",
    )


def _satisfiable(c: Constraint, version: GoVersion, free: list[str]) -> bool:
    for values in itertools.product((False, True), repeat=len(free)):
        if _eval(c, version, dict(zip(free, values, strict=True))):
            return True
    return False


def _eval(c: Constraint, version: GoVersion, values: dict[str, bool]) -> bool:
    if c.op == "tag":
        tag = str(c.args[0])
        m = _VERSION_TAG.match(tag)
        if m:
            return int(m.group(1)) <= version.minor
        return values[tag]
    if c.op == "not":
        return not _eval(c.args[0], version, values)  # type: ignore[arg-type]
    results = (_eval(a, version, values) for a in c.args)  # type: ignore[arg-type]
    return all(results) if c.op == "and" else any(results)


def _header_line(file: SourceFile) -> int:
    """The line of the ``//go:build`` (or first ``// +build``) comment."""
    plus = 0
    for lineno, raw in enumerate(file.data.splitlines()[:400], start=1):
        if raw.startswith(b"//go:build"):
            return lineno
        if not plus and _HEADER_LINE.match(raw):
            plus = lineno
    return plus or 1
