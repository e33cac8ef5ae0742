"""LAY003 runtime-mirror-drift."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from goabilint_rules.layout._mirror import (
    LazyFiles,
    Mirror,
    compare,
    defines_real_types,
    find_mirrors,
    known_anywhere,
    module_files,
    real_entry,
    reported_types,
    used_fields,
)

from goabilint.constraints import BuildContext, GoVersion
from goabilint.context import Reporter, format_versions
from goabilint.layout import runtime_types
from goabilint.layout.calc import ARCHES, Calculator, Unknown, import_path
from goabilint.rule import Rule, Severity
from goabilint.source import GoFile, Package
from goabilint.syntax import Node

RULE = Rule(
    code="LAY003",
    name="runtime-mirror-drift",
    title="struct mirroring a runtime type differs from the real layout",
    severity=Severity.ERROR,
    since="0.1.0",
    tags=("layout", "unsafe", "runtime", "linkname"),
    # A drifted mirror reads or writes the wrong bytes of runtime memory.
    security_severity=7.0,
    needs=(b"unsafe",),
    doc="""
    ## What it does
    Compares each struct that mirrors a runtime or standard-library type
    with the real type's layout in every target Go release and GOARCH,
    and reports the first difference that matters, naming the real type,
    the releases, the architectures and the field. Real layouts come from
    tables generated from the DWARF debug information of each toolchain
    (Go 1.21 to 1.27; amd64, arm64, 386, arm); each release's default
    GOEXPERIMENT build tags choose the files (swiss maps in 1.24 and 1.25).

    Mirrors are found four ways:

    - a `//goabilint:mirror importpath.Type` comment above the type
      (`//goabilint:mirror runtime.hmap`);
    - a runtime function pulled with `//go:linkname` whose declaration
      takes `*T` (or `T`) where the real function takes a runtime type,
      or a call that passes `unsafe.Pointer(&t)` or `unsafe.Pointer(&x.f)`
      there (`mapiterinit(t, m, unsafe.Pointer(&it))`);
    - a well-known name (`eface`, `iface`, `hmap`, `hiter`, `_type`,
      `rtype`, `slice`, `stringStruct`, `itab`, `maptype`, `funcval`,
      `emptyInterface`, `nonEmptyInterface`) whose fields are mostly
      named like the real type's (the runtime's own definitions are not
      mirrors);
    - a struct a mirror's pointer is converted to,
      `(*V)(unsafe.Pointer(m))` (`m` a variable, or a field such as
      `e.typ`): another view of the same object. When `V` starts by
      embedding a mirror of the type descriptor, it is a larger
      kind-specific descriptor and is compared with the kind its name
      says (`mapType`, `GoPtrType`: `internal/abi.MapType`, `PtrType`,
      `StructType`, `SliceType`, `ArrayType`, `ChanType`, `FuncType`,
      `InterfaceType`); with no kind, or two, in its name it is not
      compared.

    What must match depends on who makes the object:

    - A mirror the module allocates (a literal, `new`, a variable or a
      field of the type) and hands to a pulled function is filled by the
      runtime. It is compared with the type that function's definition
      takes in that release: the runtime may keep a compatibility layout
      for linkname users (Go 1.24's swiss maps pass `mapiterinit` a small
      `linknameIter` whose leading fields match the old `hiter`). It is
      compatible when each real field starts and ends on a mirror field
      boundary, the mirror is at least as large, and the pointer words
      agree; a larger old-style iterator still works. Blank (`_`) fields
      are room no code reads: real fields may fall anywhere inside them,
      as long as the pointer words agree.
    - A mirror that only views a runtime object (a type descriptor, a
      map header) must be a layout prefix of the real type, but only in
      the fields the code reads: a selector `x.f` where `x` is known to be
      of the mirror type, or of a package struct that embeds it (`f`
      promoted, not shadowed), in a function something in the build
      refers to (exported fields of an exported mirror count in the whole
      module).
      The same goes for the fields of an allocated mirror beyond what the
      runtime fills.
    - A field named like a real field that moved is reported even when the
      boundaries happen to line up: it now reads another field.

    The packages that define these types (`runtime`, `internal/abi`,
    `internal/runtime/...`) are not checked: their structs are the real
    layouts of their release, not mirrors of them.

    ## Why is this bad?
    Runtime types change without notice: Go 1.24 replaced the map
    implementation, so `hmap`, `bmap` and the map type descriptor no
    longer have the fields a mirror of Go 1.23 reads, and Go 1.27 added
    four fields before `Flags` in `internal/abi.MapType`. A mirror that no
    longer matches reads garbage, and one the runtime writes into is
    corrupted memory. Nothing fails to compile.

    ## Example
    ```go
    // Mirrors the pre-1.24 map type descriptor.
    type mapType struct {
        typ        rtype
        key, elem  *rtype
        bucket     *rtype
        hasher     func(unsafe.Pointer, uintptr) uintptr
        keysize    uint8
        elemsize   uint8
        bucketsize uint16
        flags      uint32
    }

    func keySize(t *mapType) uint8 { return t.keysize }
    ```
    From Go 1.24 on `keysize` reads the low byte of `GroupSize`: 136, not
    8, for a `map[int64]int64`.

    ## Use instead
    Use the supported API (`reflect`, the `maps` package), or keep one
    mirror per release behind `//go:build go1.N` constraints and assert
    each with `unsafe.Sizeof` (see LAY004).

    ## Known problems
    Only types in the generated tables are known; other mirrors are not
    checked, and a mirror's own layout must be computable (no types from
    other modules). Field reads are found by the declared type of the
    operand (a variable, parameter, conversion, literal, struct field or
    package function result); a read through an expression whose type is
    not written anywhere is missed. A function counts as reachable when
    any built file names it, so a caller that is itself dead keeps it
    alive; exported functions of a non-internal package always count. An
    `int` mirror of a 64-bit runtime counter is accepted on 32-bit
    little-endian ports, where it reads the low half.

    Only layouts are compared, not what the bits mean: Go 1.26 moved the
    direct-interface flag from `Kind_` to `TFlag` of `internal/abi.Type`
    without moving a field, so a mirror that tests `kind&(1<<5)` reads
    the wrong answer there and is not reported. The tables hold each
    release's default build: a build with another `GOEXPERIMENT`
    (`noswissmap` in 1.24 and 1.25) is not checked. A mirror declared as
    an anonymous struct (a field `it struct{ key, elem unsafe.Pointer; ... }`
    handed to `mapiterinit`) has no name to report and is not checked; nor
    is a view cast from another cast view, or a field read through the
    result of a function of another package (`rt.MapType(t).Flags`).

    ## References
    - [go.dev/issue/67401: linknamed runtime internals](https://go.dev/issue/67401)
    - [runtime/linkname_shim.go: the iterator kept for linkname users](https://cs.opensource.google/go/go/+/master:src/runtime/linkname_shim.go)
    - [Swiss-table maps in Go 1.24](https://go.dev/blog/swisstable)
    """,
)


@dataclass
class _Drift:
    mirror: Mirror
    real: str
    details: dict[str, str] = field(default_factory=dict)  # by GOARCH
    versions: list[str] = field(default_factory=list)


def contexts(report: Reporter) -> list[BuildContext]:
    """One context per target release and GOARCH with tables."""
    out = []
    goos_of: dict[str, str] = {}
    for goos, goarch in report.targets.platforms:
        goos_of.setdefault(goarch, goos)
    for v in report.targets.go:
        for goarch, goos in goos_of.items():
            table = runtime_types.arch_table(v, goarch)
            if goarch in ARCHES and table is not None:
                # The release's default GOEXPERIMENT tags pick the files
                # (goexperiment.swissmap in 1.24 and 1.25).
                tags = report.targets.tags | table.tags
                out.append(BuildContext(goos=goos, goarch=goarch, go=v, tags=tags))
    return out


_ARCH_ORDER = ("amd64", "arm64", "386", "arm")


@RULE.on_package
def check(package: Package, report: Reporter) -> None:
    path = import_path(package)
    if defines_real_types(path):
        return  # the tables describe these packages' own structs
    if not any(
        f.imports_path("unsafe") for f in package.go_files if b"unsafe" in f.data
    ):
        return  # a mirror is of no use without unsafe
    drifts: dict[tuple[str, int, str], _Drift] = {}
    module = package.module if path is not None else None

    def others(ctx: BuildContext) -> list[GoFile]:
        if module is None:
            return []
        package.used_module = True  # the result now depends on those files
        return module_files(package.directory, module.root, ctx)

    for ctx in contexts(report):
        calc = Calculator.for_package(package, ctx, path)
        built_others = LazyFiles(functools.partial(others, ctx))
        only = reported_types(package, calc.files)
        for mirror in find_mirrors(calc, calc.files, built_others, only):
            found = _check(calc, mirror, ctx.go, ctx.goarch, built_others)
            if found is None:
                continue
            real, detail = found
            key = (mirror.file.display, mirror.spec.start_byte, real)
            d = drifts.setdefault(key, _Drift(mirror, real))
            if str(ctx.go) not in d.versions:
                d.versions.append(str(ctx.go))
            d.details.setdefault(ctx.goarch, detail)

    for d in sorted(
        drifts.values(), key=lambda d: (d.mirror.file.display, d.mirror.spec.start_byte)
    ):
        node: Node = d.mirror.spec.child_by_field_name("name")
        arches = sorted(d.details, key=lambda a: (_ARCH_ORDER + (a,)).index(a))
        detail = d.details[arches[0]]
        if len(set(d.details.values())) > 1:
            detail = f"on {arches[0]}, {detail}"
        report.in_file(d.mirror.file)(
            node,
            f"{d.mirror.name} {_how(d.mirror)} {d.real}, which differs in "
            f"{format_versions(d.versions)} on {', '.join(arches)}: {detail}",
            versions=d.versions,
            fix="match the real layout, or keep one mirror per release behind //go:build go1.N",
        )


def _how(m: Mirror) -> str:
    if m.how == "linkname" and m.exchanged:
        return f"is passed to {m.func} as"
    if m.func is not None:
        return f"views the {m.func} argument"
    return "mirrors"


def _check(
    calc: Calculator, mirror: Mirror, version: GoVersion, goarch: str, others: list
) -> tuple[str, str] | None:
    try:
        local = calc.named(mirror.name)
    except Unknown:
        return None  # the mirror's own layout is not known
    entry = real_entry(mirror, version, goarch)
    if entry is None:
        if mirror.real is not None and known_anywhere(mirror.real):
            return mirror.real, "the type does not exist there"
        return None  # not in the tables: nothing to compare with
    real = entry.layout(calc.arch)
    names = {f.name for f in local.fields}
    used = used_fields(calc, calc.files, mirror.name, names, others)
    # An embedded field is read through its promoted fields.
    used |= {f.name for f in local.fields if f.embedded}
    detail = compare(local, real, mirror.exchanged, used, not calc.arch.big_endian)
    return (entry.name, detail) if detail is not None else None
