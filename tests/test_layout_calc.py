"""The layout calculator without a toolchain: constants, unknowns, tables.

Its agreement with the compiler is tests/test_layout_toolchain.py's job;
these tests pin down what it refuses to answer and the table lookups.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from goabilint.constraints import BuildContext, GoVersion
from goabilint.layout import runtime_types
from goabilint.layout.calc import Calculator, Unknown
from goabilint.source import GoFile


def _calc(src: str, goarch: str = "amd64", go: str = "1.27") -> Calculator:
    f = GoFile(Path("x.go"), "x.go", src.encode())
    return Calculator(
        [f], BuildContext(goarch=goarch, go=GoVersion.parse(go)), "example.com/x"
    )


HEADER = 'package x\n\nimport (\n\t"unsafe"\n\t"example.com/other"\n\t"time"\n)\n\n'


@pytest.mark.parametrize(
    "decl,reason",
    [
        ("type T struct{ o other.Thing }", "other.Thing is not known"),
        ("type T[E any] struct{ e E }", "generic"),
        ("type T struct{ next T }", "contains itself"),
        ("type T [n]byte", "no constant n"),
        ("type T [len(s)]byte\nvar s = []int{1}", "non-array"),
        ("type T struct{ g G[int] }\ntype G[E any] struct{ e E }", "generic"),
        ("type T [1.5]byte", "not an integer"),
        ("type T [f()]byte\nfunc f() int", "cannot evaluate"),
    ],
)
def test_unknowns_say_why(decl, reason):
    calc = _calc(HEADER + decl)
    with pytest.raises(Unknown, match=reason):
        calc.named("T")


def test_constants():
    calc = _calc(
        HEADER
        + "const (\n\ta = iota * 3\n\tb\n\tc, d = iota, -iota\n)\n"
        + "const e = ^uint8(1)\nconst f = -7 / 2\nconst g = -7 % 2\nconst h uint16 = 1 << 15\n"
        + "const i = unsafe.Sizeof(time.Time{})\nconst j = '\\n' + 'a'\n"
    )
    file = calc.files[0]
    values = {}
    for name in "abcdefghij":
        spec = next(d.node for d in file.decls if d.name == name)
        ident = next(
            n for n in spec.children_by_field_name("name") if n.text.decode() == name
        )
        values[name] = calc.const_value(ident, file).value
    assert values == {
        "a": 0,
        "b": 3,
        "c": 2,
        "d": -2,
        "e": 254,
        "f": -3,
        "g": -1,
        "h": 32768,
        "i": 24,
        "j": 107,
    }


def test_pointer_size_tricks_follow_the_arch():
    src = HEADER + "const p = 4 << (^uintptr(0) >> 63)\ntype T [p]byte\n"
    assert _calc(src, "amd64").named("T").size == 8
    assert _calc(src, "386").named("T").size == 4


def test_atomic_int64_is_8_aligned_on_386():
    calc = _calc(
        'package x\n\nimport "sync/atomic"\n\ntype T struct{ a byte; n atomic.Int64 }\n',
        "386",
    )
    lay = calc.named("T")
    assert (lay.size, lay.align, lay.field("n").offset) == (16, 8, 8)


def test_offsetof_promoted_field_and_pointer_base():
    calc = _calc(
        HEADER
        + "type In struct{ a byte; b int32 }\ntype T struct{ x int64; In }\n"
        + "var p *T\nconst o = unsafe.Offsetof(p.b)\ntype U [o]byte\n"
    )
    assert calc.named("U").size == 12


def test_runtime_tables_cover_every_release_and_arch():
    versions = runtime_types.available_versions()
    assert [str(v) for v in versions] == [f"1.{m}" for m in range(21, 28)]
    for v in versions:
        for arch in ("amd64", "arm64", "386", "arm"):
            entry = runtime_types.lookup(v, arch, "internal/abi.Type")
            assert entry is not None, (v, arch)
            assert entry.size == (48 if arch in ("amd64", "arm64") else 32)


def test_map_iterator_parameter_changes_with_swiss_maps():
    def it(v: str) -> str:
        params = runtime_types.params(
            GoVersion.parse(v), "amd64", "runtime.mapiterinit"
        )
        return params[2].type

    assert it("1.23") == "*runtime.hiter"
    assert it("1.24") == "*runtime.linknameIter"
    assert (
        runtime_types.lookup(GoVersion.parse("1.23"), "amd64", "runtime.hiter").size
        == 96
    )
    assert (
        runtime_types.lookup(
            GoVersion.parse("1.27"), "amd64", "runtime.linknameIter"
        ).size
        == 32
    )


def test_the_packages_that_define_the_runtime_types_hold_no_mirrors(tmp_path):
    # A struct named like a runtime type, with its fields, is a mirror in
    # any package but the ones whose structs the tables were made from.
    from goabilint import engine

    src = (
        'package {name}\n\nimport "unsafe"\n\n'
        "type emptyInterface struct {{\n\ttyp  unsafe.Pointer\n\tdata unsafe.Pointer\n}}\n"
    )
    (tmp_path / "go.mod").write_text("module std\n\ngo 1.23\n")  # as GOROOT/src
    for d in ("elsewhere", "runtime"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "e.go").write_text(src.format(name=d))
    result = engine.run(
        [str(tmp_path)], {"isolated": True, "overrides": {"select": ["LAY004"]}}
    )
    assert [f.location.path.split("/")[-2] for f in result.findings] == ["elsewhere"]
