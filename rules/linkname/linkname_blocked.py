"""LNK002 linkname-blocked."""

from __future__ import annotations

from goabilint_rules.linkname._linker import Outcome, Verdict
from goabilint_rules.linkname._pulls import (
    judged_references,
    linker_package,
    only_on,
)
from goabilint_rules.linkname._replacements import replacement

from goabilint.context import Reporter
from goabilint.rule import Rule, Severity
from goabilint.source import Package

RULE = Rule(
    code="LNK002",
    name="linkname-blocked",
    title="//go:linkname pull of a standard-library symbol the linker refuses",
    severity=Severity.ERROR,
    since="0.2.0",
    tags=("linkname", "build-failure"),
    needs=(b"//go:linkname", "\u00b7".encode()),
    doc="""
    ## What it does
    Reports references from your code to standard-library symbols that
    the Go linker refuses for some target release, and names those
    releases:

    - a pull, `//go:linkname local importpath.name` on a body-less
      function or a variable without an initialiser, of a symbol that
      the standard library does not *push* (mark as linkable with its
      own `//go:linkname`), that it pushes for itself only
      (`//go:linknamestd`, Go 1.27), or that the linker's blocked list
      reserves for named std packages;
    - the same references written in assembly (`CALL runtime·gcount(SB)`,
      `MOVQ runtime·x(SB), AX`), which the linker checks the same way;
    - from Go 1.27, references to functions std defines only in assembly
      (`runtime.osyield` on linux), which older linkers took for pushed.

    The message is the linker's own error, with the package path the
    linker prints: `main` for a command, otherwise the import path made
    from go.mod's module path and the directory.

    ## Why is this bad?
    Since Go 1.23 the linker checks every pull (go.dev/issue/67401): the
    build stops with `link: example.com/m: invalid reference to
    runtime.gcount`. Go 1.21 and 1.22 let every pull through, so code
    that built for years breaks on the upgrade. The only switch is
    `-ldflags=-checklinkname=0`, which every user of your package would
    have to pass.

    ## Example
    ```go
    import _ "unsafe"

    //go:linkname gcount runtime.gcount
    func gcount() int32
    ```

    ## Use instead
    ```go
    import "runtime"

    func gcount() int32 { return int32(runtime.NumGoroutine()) }
    ```

    ## Known problems
    The verdict comes from goabilint's toolchain tables (one per release,
    1.21–1.27) and a model of the linker's check; releases without a
    table are not judged. A function pull that nothing in the package
    calls never reaches the linker and is not reported (an exported one
    counts as called). Nor does a call on a port whose
    `runtime.GOOS`/`runtime.GOARCH` comparisons rule its branch out;
    that port is not reported. A name no release of std defines, in a package
    that blank-imports a package of its own module, is taken for that
    package's own push into std's namespace and left alone. Only the target platforms (default linux,
    darwin and windows on amd64 and arm64) and build constraints are
    considered; `#ifdef` in assembly is not evaluated, and `#define`
    bodies are not read. A variable pull of an existing variable links
    after all when the local variable is larger than std's
    zero-initialised one (the linker keeps the larger); that case is
    reported as refused. In Go 1.23 a pull of a compiler built-in
    (`runtime.panicwrap`) is not checked; it is reported as refused.
    Assembly that calls a Go function of std which is not pushed fails
    on every release (refused, or "not defined for ABI0" when std has no
    assembly entry for it); only Go 1.27's failure is reported. The
    standard library itself (a go.mod saying `module std` or `module
    cmd`, as in `$GOROOT/src`) is never reported: it may pull what user
    code may not.

    ## References
    - [go.dev/issue/67401: cmd/link: lock down future uses of linkname](https://go.dev/issue/67401)
    - [cmd/link: -checklinkname](https://pkg.go.dev/cmd/link)
    - [cmd/compile: compiler directives](https://pkg.go.dev/cmd/compile#hdr-Compiler_Directives)
    """,
)

_WHY = {
    "not-pushed": "std does not push it",
    "std-only": "std pushes it for std only",
    "asm": "an assembly function std does not push",
    "asm-go": "assembly may not call a Go function std does not push",
}


# When ports of one release refuse for different reasons, the message names
# one of these if any port has it, else the first port's reason.
_PRIORITY = ("blocked", "std-only")


@RULE.on_package
def check(package: Package, report: Reporter) -> None:
    for ref, j in judged_references(package, report.targets):
        if not j.verdicts(Outcome.REFUSED):
            continue  # links (or fails for another reason) everywhere

        # One finding per distinct (reason, ports), with its releases.
        groups: dict[tuple[str, str, tuple[str, ...]], list] = {}
        for v in j.versions(Outcome.REFUSED):
            verdicts = [
                vd for _, vd in j.by_version[v] if vd.outcome is Outcome.REFUSED
            ]
            first = next((vd for vd in verdicts if vd.why in _PRIORITY), verdicts[0])
            ports = only_on(j, [v], Outcome.REFUSED)
            groups.setdefault((first.why, ports, first.allowed), []).append((v, first))

        pkg = linker_package(package, ref.file)
        for (_, ports, _), found in groups.items():
            verdict = found[-1][1]
            message = (
                f"link: {pkg}: invalid reference to {ref.name}; "
                f"{_reason(verdict)}{ports}"
            )
            versions = [v for v, _ in found]
            ref.report(report, message, fix=_fix(ref.name, verdict), versions=versions)


def _reason(v: Verdict) -> str:
    if v.why == "blocked":
        if not v.allowed:
            return "blocked for every package"
        return "blocked outside " + ", ".join(v.allowed)
    return _WHY.get(v.why, "std does not push it")


def _fix(name: str, v: Verdict) -> str:
    r = replacement(name)
    if r is not None:
        return f"{r.use} (Go {r.since}+)"
    if v.why == "blocked":
        return f"stop referring to {name}: the linker reserves it for std"
    return (
        f"stop referring to {name} and use a public API; building with "
        "-ldflags=-checklinkname=0 only hides the check"
    )
