"""Fuzzing: mutated Go sources, random headers, go.mod and assembly, and the
whole Go standard library with its deliberately broken testdata.

The hypothesis tests are derandomised (a fixed seed derived from each test)
with a bounded number of examples, so CI runs the same inputs every time; a
failure prints the input that caused it. Each mutated file sits in a package
next to an intact file with a known finding, and a control package beside
it: neither finding may ever go missing.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from workspace import LINKNAME_LINE, LINKNAME_WITHOUT_UNSAFE

from goabilint import engine, syntax
from goabilint.constraints import read_header
from goabilint.gomod import parse_go_mod
from goabilint.outputs import render_json, render_sarif
from goabilint.plugins import Registry, load_registry
from goabilint.source import BOM, AsmFile, LineIndex
from goabilint.suppress import MetaRules

FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Seed programs: real Go that makes every built-in rule family look closely.

LINKNAME_SEED = """\
//go:build linux || darwin

// Package clock reads the runtime's clock.
package clock

import (
\t_ "unsafe" // for go:linkname
)

//go:linkname nanotime runtime.nanotime
func nanotime() int64

//go:linkname walltime runtime.walltime
func walltime() (sec int64, nsec int32)

// go:nosplit
func fast() int64 { return nanotime() }

//go:noinline
//go:nosplit
func slow() int64 {
\ts, n := walltime()
\treturn s*1e9 + int64(n) //goabilint:ignore LNK001 checked on every release
}

//go:linkname
//go:linkname a b c d
//go:nospilt
func misspelled() {}
"""

HTTP_SEED = """\
package server

import (
\t"context"
\t"fmt"
\t"net/http"
\t_ "net/http/pprof"
)

type key string

type handler struct{ next http.Handler }

func (h handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
\tctx := context.WithValue(r.Context(), "user", "gopher")
\tr.WithContext(ctx)
\tif r.URL.Path == "" {
\t\thttp.Error(w, "no path", http.StatusBadRequest)
\t}
\tfmt.Fprintln(w, "hello")
\tw.WriteHeader(http.StatusOK)
\tw.Header().Set("X-Late", "1")
\tgo func() { fmt.Fprintln(w, "later") }()
\th.ServeHTTP(w, r)
}

func wrong(w *http.ResponseWriter, r http.Request) {}

func Main() error {
\thttp.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
\t\tr2 := r.Clone(context.WithValue(r.Context(), key("k"), 1))
\t\t_ = r2
\t})
\tsrv := &http.Server{Addr: ":8080"}
\tgo srv.ListenAndServe()
\treturn http.ListenAndServe(":8081", handler{})
}
"""

CONTEXT_SEED = """\
package keys

import (
\t"context"
\tctxpkg "context"
)

const userKey = "user"

const (
\ttraceKey = iota
\tspanKey
)

type ctxKey struct{}

var sessionKey = "session"

func Store(ctx context.Context, v any) context.Context {
\tctx = context.WithValue(ctx, userKey, v)
\tctx = ctxpkg.WithValue(ctx, traceKey+1, v)
\tctx = context.WithValue(ctx, ctxKey{}, v)
\tctx = context.WithValue(ctx, sessionKey, v)
\tctx = context.WithValue(ctx, 1<<3+0.5, v)
\treturn context.WithValue(ctx, ("paren"), v)
}
"""

LAYOUT_SEED = """\
package bytesconv

import (
\t"reflect"
\t"unsafe"
)

type Buffer struct {
\thdr   reflect.SliceHeader
\tbytes []byte
}

// BytesToString overlays a string header on a fresh string.
func BytesToString(b []byte) string {
\tvar s string
\th := (*reflect.StringHeader)(unsafe.Pointer(&s))
\th.Data = uintptr(unsafe.Pointer(&b[0]))
\th.Len = len(b)
\treturn s
}

func Generic[T any](x T) reflect.SliceHeader {
\tm := map[reflect.SliceHeader]bool{}
\t_ = m
\treturn *(*reflect.SliceHeader)(unsafe.Pointer(&x))
}
"""

ASM_SEED = """\
#include "textflag.h"

// func add(a, b int64) int64
TEXT ·add(SB), NOSPLIT, $0-24
\tMOVQ a+0(FP), AX
\tADDQ b+8(FP), AX
\tMOVQ AX, ret+16(FP)
\tRET

TEXT runtime·osyield(SB),NOSPLIT|NOFRAME,$0
\tRET //goabilint:ignore LNK001 not a reason
"""

SEEDS = [
    ("clock.go", LINKNAME_SEED),
    ("server.go", HTTP_SEED),
    ("keys.go", CONTEXT_SEED),
    ("bytesconv.go", LAYOUT_SEED),
    ("add_amd64.s", ASM_SEED),
]

# Tokens of Go source, roughly: comments, string and rune literals, words,
# numbers, whitespace, and any other single byte. Joined, they give back the
# input exactly.
_TOKEN = re.compile(
    rb"//[^\n]*|/\*.*?\*/|\"(?:[^\"\\\n]|\\.)*\"|`[^`]*`|'(?:[^'\\\n]|\\.)*'"
    rb"|[A-Za-z_][A-Za-z0-9_]*|[0-9][0-9A-Za-z_.]*|\s+|.",
    re.S,
)

# What corruption inserts: Go punctuation that unbalances the tree, line
# endings, bytes that are not UTF-8, and the words rules look for.
JUNK = [
    *(t.encode() for t in "{ } ( ) [ ] \" ` ' /* */ // \\ ; := ... <-".split()),
    *(t.encode() for t in "func package import go defer go: //nolint".split()),
    *(b"\n", b"\r", b"\r\n", b"\t", b"\x00", b"\xff", b"\xc3", BOM, "😀".encode()),
    b"//go:linkname x runtime.x\n",
    b"//go:build ",
    b"// +build ",
    b"//goabilint:ignore ",
    b'"unsafe"',
    b"reflect.SliceHeader",
    b"context.WithValue(ctx, 1, 2)",
    b".WithContext(ctx)",
    b"http.Error(w, ",
    b"w.WriteHeader(500)",
    b"TEXT \xc2\xb7f(SB), $0-8\n",
]


MUTATIONS = ["delete", "duplicate", "swap", "replace", "insert", "byte"]


def tokenize(data: bytes) -> list[bytes]:
    return [m.group() for m in _TOKEN.finditer(data)]


@st.composite
def mutated_sources(draw) -> tuple[str, bytes]:
    """A seed program with between one and eight tokens or bytes mutated."""
    name, seed = draw(st.sampled_from(SEEDS))
    tokens = tokenize(seed.encode())
    for _ in range(draw(st.integers(1, 8))):
        if not tokens:
            tokens = [b""]
        i = draw(st.integers(0, len(tokens) - 1))
        op = draw(st.sampled_from(MUTATIONS))
        if op == "delete":
            del tokens[i]
        elif op == "duplicate":
            tokens.insert(i, tokens[i])
        elif op == "swap":
            j = draw(st.integers(0, len(tokens) - 1))
            tokens[i], tokens[j] = tokens[j], tokens[i]
        elif op == "replace":
            tokens[i] = draw(st.sampled_from(JUNK))
        elif op == "insert":
            tokens.insert(i, draw(st.sampled_from(JUNK)))
        else:  # corrupt one byte inside the token
            tok = bytearray(tokens[i] or b" ")
            tok[draw(st.integers(0, len(tok) - 1))] = draw(st.integers(0, 255))
            tokens[i] = bytes(tok)
    if draw(st.booleans()) and draw(st.integers(0, 9)) == 0:
        tokens = tokens[: draw(st.integers(0, len(tokens)))]  # cut short
    return name, b"".join(tokens)


def test_tokens_join_back_to_the_seed():
    for _, seed in SEEDS:
        assert b"".join(tokenize(seed.encode())) == seed.encode()


@functools.cache
def _registry() -> Registry:
    return load_registry(extra_plugins=[MetaRules()])


def _analyse(root: Path) -> engine.RunResult:
    cwd = os.getcwd()
    os.chdir(root)
    try:
        args = {"isolated": True, "overrides": {"select": ("ALL",)}}
        return engine.run(["."], args, _registry())
    finally:
        os.chdir(cwd)


def _broken(data: bytes) -> tuple[list[tuple[int, int]], list[int]]:
    """ERROR ranges and MISSING positions, from a parse of our own."""
    parse_data = b"   " + data[3:] if data.startswith(BOM) else data
    stack = [syntax.parser().parse(parse_data).root_node]
    errors, missing = [], []
    while stack:
        n = stack.pop()
        if n.type == "ERROR":
            errors.append((n.start_byte, n.end_byte))
        if n.is_missing:
            missing.append(n.start_byte)
        stack.extend(n.children)
    return errors, missing


def check_result(result: engine.RunResult, root: Path, name: str, data: bytes) -> None:
    """The invariants every run must keep, whatever the input."""
    faults = [
        f"{n.path}: {n.message}" for n in result.notifications if n.level == "error"
    ]
    assert not faults

    # No result lost: the intact neighbour and the control package.
    found = {(f.code, f.location.path, f.location.line) for f in result.findings}
    assert ("LNK001", "p/sibling.go", LINKNAME_LINE) in found
    assert ("LNK001", "control/ok.go", LINKNAME_LINE) in found

    # Partial analysis is reported at most once per file.
    partial = [
        n.path for n in result.notifications if n.message.startswith("syntax not")
    ]
    assert len(partial) == len(set(partial))

    lines = data.split(b"\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    errors, missing = _broken(data) if name.endswith(".go") else ([], [])
    for f in result.findings:
        if f.location.path != f"p/{name}":
            continue
        loc = f.location
        # Inside the file, on lines and columns that exist.
        assert 1 <= loc.line <= loc.end_line <= len(lines), f
        assert 1 <= loc.column <= len(lines[loc.line - 1]) + 1, f
        assert 1 <= loc.end_column <= len(lines[loc.end_line - 1]) + 1, f
        assert loc.line < loc.end_line or loc.column <= loc.end_column, f
        prefix = lines[loc.line - 1][: loc.column - 1]
        assert (
            loc.column_utf16
            == len(prefix.decode("utf-8", "replace").encode("utf-16-le")) // 2 + 1
        )
        # Never from a subtree tree-sitter could not parse.
        start = starts[loc.line - 1] + loc.column - 1
        end = starts[loc.end_line - 1] + loc.end_column - 1
        for es, ee in errors:
            assert not (start < ee and es < max(end, start + 1)), (f, (es, ee))
        for pos in missing:
            assert not (start < pos < end), (f, pos)


@FUZZ
@given(mutated_sources())
def test_mutated_sources(case):
    name, data = case
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        (root / "go.mod").write_text("module example.com/fuzz\n\ngo 1.22\n")
        for rel, content in (
            (f"p/{name}", data),
            ("p/sibling.go", LINKNAME_WITHOUT_UNSAFE.encode()),
            ("control/ok.go", LINKNAME_WITHOUT_UNSAFE.encode()),
        ):
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(content)

        first = _analyse(root)
        second = _analyse(root)

        check_result(first, root, name, data)
        # Deterministic: the same input gives the same output, byte for byte.
        assert render_json(first) == render_json(second)
        assert render_sarif(first, root=root) == render_sarif(second, root=root)


# Build constraint expressions from their own tokens, nested at random.
_BUILD_TOKENS = st.sampled_from(
    "linux amd64 go1.21 ! ( ) && || , // ignore café +build $ é".split()
    + [" ", "\t", "\x00", "\r"]
)


@FUZZ
@given(
    st.lists(_BUILD_TOKENS, max_size=60),
    st.sampled_from(["//go:build ", "// +build ", "//go:build", "\ufeff//go:build "]),
    st.integers(0, 2000),
)
def test_build_headers(tokens, prefix, depth):
    expr = "".join(tokens)
    if depth > 1500:
        expr = "(" * depth + expr + ")" * depth
    source = (prefix + expr + "\n\npackage p\n").encode("utf-8")

    constraint, line, error = read_header(source)

    assert line in (0, 1)
    assert constraint is None or error is None
    if constraint is not None:
        str(constraint)  # printable, and evaluable in any context
        constraint.tags()


@FUZZ
@given(st.binary(max_size=3000))
def test_header_of_any_bytes(data):
    constraint, line, error = read_header(data)
    assert line >= 0 and (error is None or constraint is None)


@FUZZ
@given(
    st.lists(
        st.one_of(
            st.binary(max_size=40),
            st.sampled_from(
                b'module |go |toolchain |1.22|go1.23.4|\n|\r\n|//|/*|"|`'
                b"|replace x => ../y|require (|)".split(b"|")
            ),
        ),
        max_size=40,
    )
)
def test_go_mod_of_any_bytes(parts):
    mod = parse_go_mod(Path("/nowhere/go.mod"), b"".join(parts))
    assert all(isinstance(e, str) for e in mod.errors)


@FUZZ
@given(st.binary(max_size=2000))
def test_assembly_lines_match_the_line_index(data):
    f = AsmFile(Path("x.s"), "x.s", data)
    count = len(f.lines.starts)
    assert len(f.text_lines) == count
    for t in f.texts:
        assert 1 <= t.line <= count
        assert b"TEXT" in f.lines.line_bytes(t.line)


@FUZZ
@given(st.text(max_size=300), st.data())
def test_line_index_columns(text, data):
    raw = text.encode("utf-8", "surrogatepass")
    idx = LineIndex(raw)
    offset = data.draw(st.integers(0, len(raw)))
    line, col = idx.position(offset)
    assert idx.starts[line - 1] + col - 1 == offset
    assert raw.count(b"\n", 0, offset) == line - 1
    assert 1 <= idx.utf16_column(line, col) <= col


# The Go standard library, including what discovery skips: testdata, and
# directories starting with "_" or "." (deliberately broken Go among them).


def _goroot_src() -> Path:
    go = shutil.which("go")
    assert go, "no go on PATH"
    out = subprocess.run(
        [go, "env", "GOROOT"], capture_output=True, text=True, check=True, timeout=60
    )
    return Path(out.stdout.strip()) / "src"


def _skipped_sources(src: Path) -> list[str]:
    """Every .go and .s file below ``src`` that a walk does not collect."""
    out = []
    for dirpath, _, filenames in os.walk(src):
        parts = Path(dirpath).relative_to(src).parts
        if not any(
            p in ("testdata", "vendor") or p.startswith((".", "_")) for p in parts
        ):
            continue
        for name in filenames:
            path = Path(dirpath, name)
            if name.endswith((".go", ".s")) and not path.is_symlink():
                out.append(str(path.relative_to(src)))
    return sorted(out)


@pytest.mark.toolchain
def test_standard_library_testdata(monkeypatch):
    # The rest of GOROOT/src is run by test_stdlib.py; together they cover it
    # all. Files are named one by one, as pre-commit would.
    src = _goroot_src()
    files = _skipped_sources(src)
    assert len(files) > 1000
    monkeypatch.chdir(src)
    started = time.monotonic()

    result = engine.run(files, {"isolated": True, "overrides": {"select": ("ALL",)}})

    elapsed = time.monotonic() - started
    faults = [
        f"{n.path}: {n.message}" for n in result.notifications if n.level == "error"
    ]
    assert not faults, "\n".join(faults[:20])
    assert result.files == len(files)
    partial = [
        n.path for n in result.notifications if n.message.startswith("syntax not")
    ]
    assert len(partial) == len(set(partial))
    print(
        f"\n{len(files)} files in {elapsed:.1f}s: {len(result.findings)} findings,"
        f" {len(partial)} partially analysed"
    )
