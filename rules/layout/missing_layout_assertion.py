"""LAY004 missing-layout-assertion."""

from __future__ import annotations

import functools
import re

from goabilint_rules.layout._mirror import (
    Guard,
    find_guards,
    find_mirrors,
    reported_types,
)
from goabilint_rules.layout._unsafe import hard_coded
from goabilint_rules.layout.hard_coded_offset import pointer_arithmetic
from goabilint_rules.layout.runtime_mirror_drift import contexts

from goabilint.context import Reporter
from goabilint.layout.calc import Calculator, Unknown, import_path
from goabilint.rule import Rule, Severity
from goabilint.source import GoFile, Package, spelling
from goabilint.syntax import Node, text

RULE = Rule(
    code="LAY004",
    name="missing-layout-assertion",
    title="runtime mirror or literal offset without a compile-time layout assertion",
    severity=Severity.WARNING,
    since="0.1.0",
    tags=("layout", "unsafe", "runtime"),
    needs=(b"unsafe",),
    doc="""
    ## What it does
    Reports a struct that mirrors a runtime type (found as LAY003 finds
    mirrors: a `//goabilint:mirror` comment, a pulled runtime function it
    is passed to, a well-known name with matching fields, or a view a
    mirror's pointer is converted to), and a
    package constant declared as a bare number that is used as the offset
    of pointer arithmetic (`unsafe.Add(p, dataOff)`), when no
    compile-time assertion in the package mentions it.

    These idioms count as assertions (`A` measured with
    `unsafe.Sizeof`/`Offsetof`/`Alignof`, `N` the expected value):

    - `var _ = [1]struct{}{}[A-N]`, also as a statement `_ = ...`;
    - `var _ [A - N]byte` and `var _ [N - A]byte`;
    - `const _ = uint(A - N)` (or any unsigned conversion, or a constant
      of unsigned type).

    ## Why is this bad?
    A mirror, or an offset written as a number, repeats a fact about a
    layout the code does not control. An assertion turns a later change
    of that fact into a compile error on the release where it happens,
    instead of silent memory corruption. It costs nothing at run time.

    ## Example
    ```go
    type eface struct {
        typ  unsafe.Pointer
        data unsafe.Pointer
    }
    ```

    ## Use instead
    ```go
    type eface struct {
        typ  unsafe.Pointer
        data unsafe.Pointer
    }

    // eface must stay the size of an interface value.
    var _ = [1]struct{}{}[unsafe.Sizeof(eface{})-unsafe.Sizeof(any(nil))]
    ```

    ## Known problems
    Any assertion that mentions the type or constant counts, whatever it
    checks; LAY005 reports assertions that check only one direction. An
    assertion in another package (a shared test) is not seen. Structs of
    the packages that define the runtime's types (`runtime`,
    `internal/abi`, `internal/runtime/...`) are not mirrors; their offset
    constants are still checked.

    ## References
    - [unsafe.Sizeof](https://pkg.go.dev/unsafe#Sizeof)
    - [Compile-time assertions in Go](https://go.dev/ref/spec#Constant_expressions)
    """,
)


@RULE.on_package
def check(package: Package, report: Reporter) -> None:
    targets = contexts(report) or report.targets.contexts()
    if not targets:
        return
    ctx = targets[-1]
    try:
        calc = Calculator.for_package(package, ctx, import_path(package))
    except Unknown:
        return
    files = calc.files
    if not any(b"unsafe" in f.data for f in files):
        return
    # The package's assertions, read only once something needs one (most
    # packages have neither a mirror nor an offset constant).
    guards = functools.cache(lambda: find_guards(files))
    guarded_consts = functools.cache(
        lambda: set().union(*(g.constants for g in guards())) if guards() else set()
    )

    for mirror in find_mirrors(calc, files, only=reported_types(package, files)):
        if _guarded(calc, files, mirror.name):
            continue
        real = mirror.real or mirror.func or "a runtime type"
        if mirror.func is not None:
            real = f"the runtime's argument of {mirror.func}"
        report.in_file(mirror.file)(
            mirror.spec.child_by_field_name("name"),
            f"{mirror.name} mirrors {real} but no assertion checks its size or offsets",
            fix=f"add var _ = [1]struct{{}}{{}}[unsafe.Sizeof({mirror.name}{{}})-N] "
            "with the real size N",
        )

    reported: set[str] = set()
    # An offset constant is reported where it is declared: when only some
    # files are reported on, only uses of the constants they declare count.
    wanted = None
    if package.reported is not None:
        wanted = tuple(
            d.name.encode()
            for f in files
            if package.reports_on(f) and b"const" in f.data
            for d in f.decls
            if d.kind == "const" and d.name != "_"  # "_" cannot be used
        )
    for file in files:
        if wanted is not None and (
            not any(w in file.data for w in wanted)  # a quick no for most files
            or not _offset_operand(wanted).search(file.data)
        ):
            continue
        if not file.imports_path("unsafe"):
            continue
        for _, _, offset in pointer_arithmetic(file):
            found = hard_coded(calc, offset, file)
            name = found.constant if found is not None else None
            if (
                name is None
                or text(offset) != name
                or name in reported
                or name in guarded_consts()
            ):
                continue
            decl = calc.const_decl(name)
            if decl is None:
                continue  # a local constant: LAY001 is enough
            reported.add(name)
            spec, owner = decl
            ident = _name_node(spec, name)
            report.in_file(owner)(
                ident,
                f"offset constant {name} = {found.value} is used in pointer arithmetic "
                "but no assertion ties it to a layout",
                fix=f"add var _ = [1]struct{{}}{{}}[{name}-unsafe.Offsetof(T{{}}.field)]",
            )


_GAP = rb"(?:\s|/\*(?:[^*]|\*(?!/))*\*/)*"


@functools.lru_cache(maxsize=64)
def _offset_operand(names: tuple[bytes, ...]) -> re.Pattern[bytes]:
    """One of ``names`` standing alone as an operand of pointer arithmetic:
    after ``,`` (unsafe.Add's second argument), ``+``, ``-`` or ``(``, and
    before ``)``, ``,``, ``+`` or ``-``, blanks and comments aside."""
    alternatives = b"|".join(re.escape(n) for n in sorted(set(names)))
    return re.compile(
        rb"[,+\-(]" + _GAP + rb"(?:" + alternatives + rb")" + _GAP + rb"[),+\-]"
    )


def _guarded(calc: Calculator, files: list[GoFile], name: str) -> bool:
    """Whether an assertion mentions type ``name``, or a package variable
    of that type. Only files that spell the name, or such a variable, can
    hold one: the others are not searched."""
    names = [name]
    for f in spelling(files, [name]):
        for d in f.decls:
            if d.kind == "var" and d.name not in names:
                written = calc.var_type(d.name)
                if written is not None and text(written).lstrip("*") == name:
                    names.append(d.name)
    return name in _guarded_types(calc, find_guards(spelling(files, names)))


def _guarded_types(calc: Calculator, guards: list[Guard]) -> set[str]:
    out: set[str] = set()
    for g in guards:
        for name in g.types:
            out.add(name)
            written = calc.var_type(name)  # a package variable of the type
            if written is not None:
                out.add(text(written).lstrip("*"))
    return out


def _name_node(spec: Node, name: str) -> Node:
    for n in spec.children_by_field_name("name"):
        if n.is_named and text(n) == name:
            return n
    return spec
