"""The linker model behind LNK002–LNK005, and the pieces around it.

These run without a toolchain, against the shipped tables; the verdicts
they pin were each checked with the real linkers (GO-FACTS §3 and
tests/test_toolchain_linkname.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from goabilint_rules.linkname import _linker
from goabilint_rules.linkname._linker import Outcome
from goabilint_rules.linkname._replacements import _all as all_replacements
from goabilint_rules.linkname._shapes import param_types, shape_of
from goabilint_rules.linkname.stale_version_gate import _satisfiable

from goabilint import tables
from goabilint.constraints import BuildContext, GoVersion, parse_expr
from goabilint.gomod import GoMod
from goabilint.syntax import parser


def _judge(version: str, name: str, goos="linux", goarch="amd64", **kw):
    t = tables.load(version)
    ctx = BuildContext(goos, goarch, t.version, cgo=False)
    return _linker.judge(t, name, ctx, **kw)


@pytest.mark.parametrize(
    ("version", "name", "kw", "outcome", "why"),
    [
        # Not pushed: links until 1.22, refused from 1.23.
        ("1.22", "runtime.gcount", {}, Outcome.LINKS, "unchecked"),
        ("1.23", "runtime.gcount", {}, Outcome.REFUSED, "not-pushed"),
        ("1.27", "runtime.gcount", {}, Outcome.REFUSED, "not-pushed"),
        # Pushed.
        ("1.27", "runtime.fastrand", {}, Outcome.PUSHED, "push"),
        ("1.27", "runtime.zeroVal", {"decl": "var"}, Outcome.PUSHED, "push"),
        # Blocked, although pushed; only after it exists.
        ("1.23", "runtime.getStaticuint64s", {}, Outcome.MISSING, "undefined"),
        ("1.27", "runtime.getStaticuint64s", {}, Outcome.REFUSED, "blocked"),
        ("1.23", "sync.runtime_SemacquireWaitGroup", {}, Outcome.MISSING, "undefined"),
        # Pushed for std only (//go:linknamestd, new in 1.27).
        ("1.27", "runtime.newcoro", {}, Outcome.REFUSED, "std-only"),
        # Assembly-only functions: checked from 1.27.
        ("1.26", "runtime.osyield", {}, Outcome.LINKS, "asm-def"),
        ("1.27", "runtime.osyield", {}, Outcome.REFUSED, "asm"),
        ("1.27", "runtime.osyield", {"from_asm": True}, Outcome.REFUSED, "asm"),
        ("1.26", "runtime.osyield", {"from_asm": True}, Outcome.UNSURE, "asm"),
        ("1.27", "runtime.nanotime", {"from_asm": True}, Outcome.PUSHED, "push"),
        ("1.27", "runtime.gcount", {"from_asm": True}, Outcome.REFUSED, "asm-go"),
        # Missing: a function fails, a variable reads zero.
        ("1.27", "runtime.doesNotExist", {}, Outcome.MISSING, "undefined"),
        ("1.27", "runtime.ncpu", {"decl": "var"}, Outcome.ZERO, "undefined"),
        ("1.24", "runtime.ncpu", {"decl": "var"}, Outcome.REFUSED, "not-pushed"),
        ("1.21", "runtime.ncpu", {"decl": "var"}, Outcome.LINKS, "unchecked"),
        ("1.27", "runtime.ncpu", {"from_asm": True}, Outcome.MISSING, "undefined"),
    ],
)
def test_verdicts(version, name, kw, outcome, why):
    v = _judge(version, name, **kw)
    assert (v.outcome, v.why) == (outcome, why)


def test_blocked_names_their_allowed_packages():
    v = _judge("1.27", "runtime.getStaticuint64s")
    assert v.allowed == ("reflect",)


def test_port_specific_definitions():
    # internal/cpu.sysctlEnabled exists for darwin/arm64 only.
    assert (
        _judge("1.27", "internal/cpu.sysctlEnabled", "darwin", "arm64").outcome
        is Outcome.PUSHED
    )
    v = _judge("1.27", "internal/cpu.sysctlEnabled", "linux", "arm64")
    assert (v.outcome, v.why) == (Outcome.MISSING, "port")


def test_unknown_port_is_unsure():
    assert _judge("1.27", "runtime.gcount", "plan10", "amd64").outcome is Outcome.UNSURE


@pytest.mark.parametrize(
    ("name", "package"),
    [
        ("runtime.gcount", "runtime"),
        ("sync.(*Mutex).Lock", "sync"),
        ("internal/runtime/atomic.Load", "internal/runtime/atomic"),
        ("github.com/x/y.z", "github.com/x/y"),
        ("crosscall2", ""),
    ],
)
def test_symbol_package(name, package):
    assert _linker.symbol_package(name) == package


def test_std_symbols():
    assert _linker.std_symbol("runtime.gcount")
    assert _linker.std_symbol("runtime/internal/atomic.Load")  # gone, but was std
    assert _linker.std_symbol("crosscall2")  # defined by runtime/cgo
    assert not _linker.std_symbol("github.com/x/y.z")
    assert not _linker.std_symbol("mypkg.helper")
    assert not _linker.std_symbol("libc_open")


def test_std_module():
    assert _linker.is_std_module(GoMod(Path("/go/src/go.mod"), "std", None, None))
    assert _linker.is_std_module(GoMod(Path("/go/src/cmd/go.mod"), "cmd", None, None))
    assert not _linker.is_std_module(
        GoMod(Path("/m/go.mod"), "example.com/std", None, None)
    )
    assert not _linker.is_std_module(None)


def test_linker_package(tmp_path):
    mod = GoMod(tmp_path / "go.mod", "example.com/m", None, None)
    assert _linker.linker_package(mod, tmp_path, "m") == "example.com/m"
    assert _linker.linker_package(mod, tmp_path / "a" / "b", "b") == "example.com/m/a/b"
    assert _linker.linker_package(mod, tmp_path / "cmd", "main") == "main"
    assert _linker.linker_package(None, tmp_path, "x") == "x"


def test_asm_references():
    lines = [
        "TEXT runtime·mine(SB), NOSPLIT, $0-0",
        "\tCALL runtime·osyield(SB) // CALL runtime·commented(SB)",
        "\tMOVQ $runtime·x+8(SB), AX",
        "\tCALL internal∕runtime∕atomic·Load(SB)",
        "\tCALL ·local(SB)",
        "\tMOVQ $table<>(SB), AX",
        "\tMOVQ runtime·static<>(SB), AX",
        "/* CALL runtime·inblock(SB)",
        "   CALL runtime·stillblock(SB) */ CALL runtime·after(SB)",
        "#define CALLIT CALL runtime·inmacro(SB)",
        "DATA runtime·d+0(SB)/8, $runtime·addr(SB)",
    ]
    refs = _linker.asm_references(lines)
    assert [(r.line, r.name, r.call) for r in refs] == [
        (2, "runtime.osyield", True),
        (3, "runtime.x", False),
        (4, "internal/runtime/atomic.Load", True),
        (9, "runtime.after", True),
        (11, "runtime.addr", False),
    ]
    # Byte columns: "\tCALL " is 6 bytes.
    assert (refs[0].column, refs[0].end_column) == (
        7,
        7 + len("runtime·osyield(SB)".encode()),
    )
    assert _linker.asm_definitions(lines) == {"runtime.mine", "runtime.d"}


def _params(src: str) -> list[str]:
    tree = parser().parse(f"package p\nfunc f({src})\n".encode())
    fn = tree.root_node.named_children[1]
    return param_types(fn.child_by_field_name("parameters"))


def test_param_types():
    assert _params("a, b int, c ...string") == ["int", "int", "...string"]
    assert _params("int, *byte") == ["int", "*byte"]
    # tree-sitter-go splits long runs of names; they still count once each.
    names = ", ".join(f"a{i}" for i in range(12))
    assert _params(f"{names} uintptr") == ["uintptr"] * 12


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("int32", "uint32", True),
        ("int32", "int64", False),
        ("*T", "unsafe.Pointer", True),
        ("*T", "uintptr", False),
        ("[]byte", "[]Word", True),
        ("error", "any", True),
        ("float64", "uint64", False),
    ],
)
def test_shapes(a, b, same):
    sa, sb = shape_of(a), shape_of(b)
    assert (sa.kind == sb.kind and sa.bytes("amd64") == sb.bytes("amd64")) is same


def test_shapes_unknown_and_resolved():
    assert shape_of("hmap") is None
    assert shape_of("struct{ a int }") is None
    assert shape_of("abi.Type") is None
    assert shape_of("ticks", {"ticks": "int32"}.get).bytes("amd64") == 4
    assert shape_of("int").bytes("386") == 4 and shape_of("int").bytes("arm64") == 8


def test_replacements_name_real_symbols():
    # Reviewed data: every key must be a symbol some release defines.
    known = [tables.load(v) for v in tables.available_versions()]
    for name, r in all_replacements().items():
        assert any(t.symbol(name) for t in known), name
        assert r.use and r.use[0].islower() and not r.use.endswith("."), name
        GoVersion.parse(r.since)


@pytest.mark.parametrize(
    ("expr", "minor", "built"),
    [
        ("!go1.21", 20, True),
        ("!go1.21", 21, False),
        ("!go1.21 || linux", 25, True),
        ("go1.21 && !go1.22 && (amd64 || arm64)", 21, True),
        ("go1.21 && !go1.22", 22, False),
    ],
)
def test_stale_gate_satisfiable(expr, minor, built):
    c = parse_expr(expr)
    free = sorted(t for t in c.tags() if not t.startswith("go1."))
    assert _satisfiable(c, GoVersion(1, minor), free) is built


def _fixture_versions(
    code: str, monkeypatch
) -> dict[tuple[str, int], list[tuple[str, ...]]]:
    from harness import TESTDATA

    from goabilint import engine

    monkeypatch.chdir(TESTDATA)
    result = engine.run([code], {"isolated": True, "overrides": {"select": (code,)}})
    out: dict[tuple[str, int], list[tuple[str, ...]]] = {}
    for f in result.findings:
        key = (Path(f.location.path).name, f.location.line)
        out.setdefault(key, []).append(f.versions)
    return out


def _span(first: int, last: int) -> tuple[str, ...]:
    return tuple(f"1.{m}" for m in range(first, last + 1))


def test_findings_carry_their_releases(monkeypatch):
    # The fixtures target go1.21 (go.mod) to go1.27.
    lnk002 = _fixture_versions("LNK002", monkeypatch)
    assert lnk002[("refused.go", 8)] == [_span(23, 27)]  # gcount
    assert lnk002[("refused.go", 14)] == [_span(24, 27)]  # blocked from 1.24
    assert sorted(lnk002[("refused.go", 21)]) == [_span(23, 26), ("1.27",)]  # newcoro
    assert lnk002[("refused.go", 34)] == [_span(25, 27)]  # numCPUStartup var
    assert lnk002[("calls_amd64.s", 5)] == [("1.27",)]  # assembly-only osyield

    lnk003 = _fixture_versions("LNK003", monkeypatch)
    assert lnk003[("missing.go", 8)] == [_span(21, 27)]  # gcWriteBarrier
    assert lnk003[("missing.go", 14)] == [_span(23, 27)]  # runtime/internal/atomic
    assert lnk003[("missing.go", 26)] == [_span(25, 27)]  # ncpu reads zero

    lnk004 = _fixture_versions("LNK004", monkeypatch)
    assert lnk004[("internals.go", 6)] == [_span(23, 27)]  # fastrand

    lnk005 = _fixture_versions("LNK005", monkeypatch)
    assert lnk005[("signatures.go", 6)] == [_span(23, 27)]  # nanotime, pushed from 1.23
