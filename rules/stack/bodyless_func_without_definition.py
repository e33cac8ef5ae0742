"""STK003 bodyless-func-without-definition."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from goabilint_rules.stack._abi import (
    BODYLESS_LINES,
    PackageView,
    in_package,
    port_contexts,
)

from goabilint import tables
from goabilint.constraints import BuildContext
from goabilint.context import Reporter
from goabilint.rule import Rule, Severity
from goabilint.source import Package, spelling
from goabilint.syntax import Node, ancestors, text

# A package can only have a body-less function if one of its files has a
# line that declares one, or assembly to supply one.
RULE = Rule(
    code="STK003",
    name="bodyless-func-without-definition",
    title="function without a body has no assembly and no //go:linkname",
    severity=Severity.ERROR,
    since="0.1.0",
    tags=("assembly", "linkname", "build"),
    needs=(BODYLESS_LINES, b"TEXT"),
    doc="""
    ## What it does
    Reports a Go function declared without a body when, for some target
    GOOS/GOARCH that builds its file, nothing supplies the body: no `TEXT`
    symbol of that name in the package's assembly files built there, no
    `//go:linkname` for it in the package, no `//go:wasmimport`, and no
    standard-library package pushing a definition to it (the toolchain
    tables of the target Go release list those pushes, such as runtime's
    `sync.runtime_Semacquire`).

    The message says which failure to expect. With no assembly (or other
    non-Go) file in the build, the go command compiles the package with
    `-complete` and the compiler rejects the declaration: "missing
    function body". With assembly files but no matching `TEXT`, the
    package compiles and the link fails with "relocation target ... not
    defined" in any program that calls the function.

    ## Why is this bad?
    Body-less declarations are how Go code names functions written in
    assembly or pulled from another package. Per-architecture assembly is
    easy to leave incomplete: a new port (arm64, riscv64) gets the Go
    declaration through a shared file but no assembly, and the build for
    that port breaks, often only in a downstream user's CI.

    ## Example
    ```go
    // sum_decl.go (every architecture)
    func sum(p []uint64) uint64
    ```
    with only `sum_amd64.s` defining `TEXT ·sum(SB)`: a build for arm64
    compiles the package with `-complete` and fails.

    ## Use instead
    Constrain the declaration to the architectures that have assembly, and
    give the others a Go body:
    ```go
    //go:build amd64
    func sum(p []uint64) uint64
    ```
    ```go
    //go:build !amd64
    func sum(p []uint64) uint64 { ... }
    ```

    ## Known problems
    A definition pushed from another module's package with
    `//go:linkname` is not visible to a per-package analysis: a package
    that relies on one (and has an assembly file so that it compiles) is
    reported. Only the platforms in the configuration's targets are
    checked. Files of an external `_test` package are not checked.
    Compiler intrinsics of the standard library (`runtime.getcallerpc`,
    `internal/abi.FuncPCABI0`, ...) are recognised from a fixed list.
    Body-less declarations are found from the lines that start with `func`
    and open no body, so that other files are never parsed; a declaration
    written on one line whose parameters hold a non-empty struct or
    interface literal (`func f(x interface{ M() })`) is not seen.

    ## References
    - [A Quick Guide to Go's Assembler](https://go.dev/doc/asm)
    - [cmd/compile: //go:linkname](https://pkg.go.dev/cmd/compile#hdr-Compiler_Directives)
    """,
)

# Standard-library packages the go command never compiles with -complete
# (cmd/go/internal/work/gc.go): their body-less functions come from pushes.
INCOMPLETE_STD = frozenset(
    [
        "bytes",
        "internal/poll",
        "net",
        "os",
        "runtime/metrics",
        "runtime/pprof",
        "runtime/trace",
        "sync",
        "syscall",
        "time",
    ]
)

# Body-less standard-library declarations the compiler implements itself
# (cmd/compile/internal/ssagen/intrinsics.go), including the typed aliases
# of internal/runtime/atomic that some ports have no assembly for.
_ATOMIC_ALIASES = [
    "Anduintptr",
    "CasRel",
    "Casint32",
    "Casint64",
    "Casp1",
    "Casuintptr",
    "LoadAcq",
    "LoadAcq64",
    "LoadAcquintptr",
    "Loadint32",
    "Loadint64",
    "Loaduint",
    "Loaduintptr",
    "Oruintptr",
    "StoreRel",
    "StoreRel64",
    "StoreReluintptr",
    "Storeint32",
    "Storeint64",
    "Storeuintptr",
    "Xaddint32",
    "Xaddint64",
    "Xadduintptr",
    "Xchgint32",
    "Xchgint64",
    "Xchguintptr",
]
INTRINSICS = frozenset(
    {
        "runtime.getcallerpc",
        "runtime.getcallersp",
        "runtime.getclosureptr",
        "runtime.getg",
        "internal/abi.FuncPCABI0",
        "internal/abi.FuncPCABIInternal",
        "internal/runtime/sys.GetCallerPC",
        "internal/runtime/sys.GetCallerSP",
        "internal/runtime/sys.GetClosurePtr",
        *(f"internal/runtime/atomic.{n}" for n in _ATOMIC_ALIASES),
    }
)

# Non-Go files that make the go command drop -complete.
_EXTERNAL_SUFFIXES = (
    ".c",
    ".cc",
    ".cpp",
    ".cxx",
    ".m",
    ".f",
    ".F",
    ".for",
    ".f90",
    ".syso",
    ".swig",
    ".swigcxx",
)


@RULE.on_package
def check(package: Package, report: Reporter) -> None:
    problems: dict[int, tuple[Node, object, list[str], set[str]]] = {}
    for ctx in port_contexts(report.targets):
        view = PackageView.of(package, ctx)
        # Findings are at the declarations: of the files reported on only.
        bodyless = (
            view.bodyless
            if package.reported is None
            else view.bodyless_of(
                [
                    f
                    for f in package.go_files
                    if package.reports_on(f)
                    and not f.is_test
                    and f.built_for(ctx)
                    and in_package(f)
                ]
            )
        )
        if not bodyless or view.path in ("builtin", "unsafe"):
            continue  # nothing to define, or the compiler's own declarations
        # The tests that need no directive first: most body-less functions
        # have assembly, or are defined by std (the release's table is read
        # only when a name gets that far).
        undefined = {}
        for name, (node, file) in bodyless.items():
            if file.is_test:
                continue  # test-only declarations: checked by go vet
            full = f"{view.path}.{name}" if view.path else None
            if name in view.asm_texts or name == "_" or full in INTRINSICS:
                continue
            table = _table(str(ctx.go)) if full else None
            sym = table.symbol(full) if table is not None and full else None
            if sym is not None and sym.defined_for((ctx.goos, ctx.goarch)):
                continue  # std defines it, e.g. by a push from runtime
            undefined[name] = (node, file)
        if not undefined:
            continue
        # Directives are read only in files that spell one of the names
        # left, when they are few.
        linknamed = _linknamed(view, undefined if len(undefined) <= 32 else None)
        asm_built = any(af.built_for(ctx) for af in package.asm_files)
        complete = not (asm_built or _has_external_files(package, ctx, view))
        if view.path in INCOMPLETE_STD:
            complete = False
        for name, (node, file) in undefined.items():
            if name in linknamed:
                continue
            if _wasmimport(file, node):
                continue
            if not complete and not (name[:1].isupper() or _referenced(view, name)):
                continue  # never linked: nothing calls it in this build
            entry = problems.setdefault(node.start_byte, (node, file, [], set()))
            entry[2].append(f"{ctx.goos}/{ctx.goarch}")
            entry[3].add("compile" if complete else "link")

    for node, file, platforms, kinds in sorted(
        problems.values(), key=lambda p: p[0].start_byte
    ):
        name_node = node.child_by_field_name("name")
        where = ", ".join(platforms)
        if kinds == {"compile"}:
            msg = f"missing function body for {where}: no assembly, no //go:linkname"
        elif kinds == {"link"}:
            msg = f"no TEXT ·{text(name_node)} in the assembly built for {where}; calls fail to link"
        else:
            msg = f"no body, TEXT symbol or //go:linkname for {where}"
        report.in_file(file)(
            name_node,
            msg,
            fix="add the assembly for these platforms, or a Go body behind a build constraint",
        )


def _linknamed(view: PackageView, names: Iterable[str] | None) -> set[str]:
    """The local names of the package's //go:linkname directives: all, or
    at least those among ``names``."""
    # Files without a directive, or (given names) naming none of them, are
    # not parsed. The answer is shared by the build contexts that build the
    # same files and ask about the same names.
    files = [f for f in view.files if b"go:linkname" in f.data]
    asked = frozenset(names) if names is not None else None

    def find() -> set[str]:
        out = set()
        for f in files if asked is None else spelling(files, sorted(asked)):
            for d in f.directives:
                if d.name in ("linkname", "linknamestd") and d.args:
                    out.add(d.args[0])
        return out

    key = ("STK003-linknamed", asked, frozenset(map(id, files)))
    return view.package.shared(key, find)


def _referenced(view: PackageView, name: str) -> bool:
    """Whether a built file of the package uses ``name`` outside an ``if``
    that tests GOOS or GOARCH (the compiler drops such a branch when the
    constant is false, and with it the reference)."""
    for f in view.files:
        if name.encode() not in f.data:
            continue
        for ident in f.word_nodes(name):
            if ident.type != "identifier" or _declares(ident):
                continue
            if not any(_port_test(a) for a in ancestors(ident)):
                return True
    return False


def _declares(ident: Node) -> bool:
    parent = ident.parent
    return parent is not None and parent.type == "function_declaration"


_PORT_WORDS = ("GOARCH", "GOOS", "goarch.", "goos.")


def _port_test(node: Node) -> bool:
    if node.type != "if_statement":
        return False
    cond = text(node.child_by_field_name("condition"))
    return any(w in cond for w in _PORT_WORDS)


def _wasmimport(file, node: Node) -> bool:
    line = node.start_point[0] + 1
    return any(
        d.name in ("wasmimport", "wasmexport") and line - 3 <= d.line < line
        for d in file.directives
    )


def _has_external_files(package: Package, ctx: BuildContext, view: PackageView) -> bool:
    """Whether the build has cgo or other non-Go, non-assembly files."""
    if ctx.cgo and any(f.imports_path("C") for f in view.files):
        return True
    try:
        names = [p.name for p in package.directory.iterdir()]
    except OSError:
        return False
    from goabilint.constraints import file_name_matches

    return any(
        n.endswith(_EXTERNAL_SUFFIXES) and file_name_matches(n, ctx) for n in names
    )


@functools.cache
def _table(version: str) -> tables.ToolchainTable | None:
    try:
        return tables.load(version)
    except tables.TableNotFound:
        return None
