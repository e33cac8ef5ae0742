"""Build constraints: expressions, header lines, file names, and the go command.

The last test writes a package of constrained files and asks ``go list``
which of them it builds for several platforms; goabilint must agree.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goabilint.constraints import (
    BuildContext,
    ConstraintError,
    GoVersion,
    name_constraint,
    parse_expr,
    parse_plus_build,
    read_header,
)
from goabilint.source import AsmFile, GoFile

LINUX = BuildContext(goos="linux", goarch="amd64", go=GoVersion(1, 24))
DARWIN_ARM = replace(LINUX, goos="darwin", goarch="arm64")
WINDOWS = replace(LINUX, goos="windows")
PLAN9 = replace(LINUX, goos="plan9")


# //go:build expressions


@pytest.mark.parametrize(
    ("expr", "ctx", "want"),
    [
        ("linux", LINUX, True),
        ("!linux", LINUX, False),
        ("linux && amd64", LINUX, True),
        ("linux && arm64", LINUX, False),
        ("darwin || windows", LINUX, False),
        ("darwin || windows", WINDOWS, True),
        ("linux && (amd64 || arm64)", DARWIN_ARM, False),
        ("(linux || darwin) && arm64", DARWIN_ARM, True),
        ("!(linux || darwin)", WINDOWS, True),
        ("!(!linux)", LINUX, True),
        (
            "a || b && c",
            replace(LINUX, tags=frozenset({"a"})),
            True,
        ),  # && binds tighter
        ("(a || b) && c", replace(LINUX, tags=frozenset({"a"})), False),
        ("unix", LINUX, True),
        ("unix", DARWIN_ARM, True),
        ("unix", WINDOWS, False),
        ("unix", PLAN9, False),  # plan9 is not unix to the go command
        ("linux", replace(LINUX, goos="android"), True),
        ("darwin", replace(DARWIN_ARM, goos="ios"), True),
        ("solaris", replace(LINUX, goos="illumos"), True),
        ("android", LINUX, False),
        ("cgo", LINUX, True),
        ("cgo", replace(LINUX, cgo=False), False),
        ("gc", LINUX, True),
        ("gccgo", LINUX, False),
        ("go1.1", LINUX, True),
        ("go1.24", LINUX, True),
        ("go1.25", LINUX, False),
        ("go1.21 && !go1.23", replace(LINUX, go=GoVersion(1, 22)), True),
        ("go1.21 && !go1.23", LINUX, False),
        ("integration", LINUX, False),
        ("integration", replace(LINUX, tags=frozenset({"integration"})), True),
        ("ignore", LINUX, False),
    ],
)
def test_expression(expr, ctx, want):
    assert parse_expr(expr).eval(ctx) is want


@pytest.mark.parametrize(
    "expr",
    [
        "",
        "linux &&",
        "&& linux",
        "(linux",
        "linux)",
        "linux amd64",
        "linux & amd64",
        "!",
        "!!linux",  # the go command refuses double negation
    ],
)
def test_malformed_expression(expr):
    with pytest.raises(ConstraintError):
        parse_expr(expr)


# Legacy // +build lines: spaces OR, commas AND, lines AND


@pytest.mark.parametrize(
    ("lines", "ctx", "want"),
    [
        (["linux darwin"], DARWIN_ARM, True),
        (["linux,arm64"], DARWIN_ARM, False),
        (["linux,amd64 darwin,arm64"], DARWIN_ARM, True),
        (["linux darwin", "amd64"], DARWIN_ARM, False),
        (["!windows"], LINUX, True),
        (["!windows,!plan9"], PLAN9, False),
    ],
)
def test_plus_build(lines, ctx, want):
    assert parse_plus_build(lines).eval(ctx) is want


# The file header


def header(src: str):
    return read_header(src.encode())


def test_go_build_line():
    constraint, line, error = header("// Copyright\n\n//go:build linux\n\npackage p\n")

    assert (str(constraint), line, error) == ("linux", 3, None)


def test_go_build_wins_over_plus_build():
    constraint, line, _ = header("//go:build windows\n// +build linux\n\npackage p\n")

    assert (str(constraint), line) == ("windows", 1)


def test_plus_build_lines_are_combined():
    constraint, line, _ = header(
        "// +build linux darwin\n// +build amd64\n\npackage p\n"
    )

    assert line == 1
    assert constraint.eval(LINUX)
    assert not constraint.eval(DARWIN_ARM)


def test_plus_build_needs_a_blank_line_before_the_package_clause():
    assert header("// +build ignore\npackage p\n") == (None, 0, None)


def test_plus_build_inside_a_doc_comment_does_not_count():
    src = "// Package p does things.\n// +build ignore\npackage p\n"

    assert header(src) == (None, 0, None)


def test_lines_after_the_package_clause_do_not_count():
    assert header("package p\n\n//go:build ignore\n") == (None, 0, None)


def test_lines_in_a_block_comment_do_not_count():
    src = "/*\n//go:build ignore\n*/\n\npackage p\n"

    assert header(src) == (None, 0, None)


def test_a_package_line_in_a_block_comment_does_not_end_the_header():
    # Headers without a constraint are told from their bytes up to the first
    # line starting with "package"; a block comment can hold such a line.
    src = "/*\npackage docs\n*/\n\n//go:build linux\n\npackage p\n"

    constraint, line, error = header(src)

    assert (str(constraint), line, error) == ("linux", 5, None)
    assert header("// the package p\npackage p\n") == (None, 0, None)


def test_go_build_must_be_followed_by_space_or_end():
    assert header("//go:buildignore\n\npackage p\n") == (None, 0, None)


@pytest.mark.parametrize(
    ("src", "line"),
    [
        ("//go:build linux &&\n\npackage p\n", 1),
        ("//go:build\n\npackage p\n", 1),
        ("// Copyright\n\n//go:build linux // only linux\n\npackage p\n", 3),
        ("//go:build linux\n//go:build darwin\n\npackage p\n", 2),
    ],
)
def test_malformed_line_reports_an_error_and_leaves_the_file_unconstrained(
    tmp_path, src, line
):
    path = tmp_path / "f.go"
    path.write_text(src)

    f = GoFile(path, "f.go", src.encode())

    assert f.constraint is None
    assert f.constraint_error is not None
    assert f.constraint_error[0] == line
    assert f.built_for(WINDOWS) and f.built_for(DARWIN_ARM)


@pytest.mark.parametrize(
    "line", ["// +build linux,", "// +build !!linux", "// +build !", "// +build a-b"]
)
def test_invalid_plus_build_terms_mean_ignore_as_in_go(tmp_path, line):
    # go/build/constraint turns an invalid term into the tag "ignore".
    src = f"{line}\n\npackage p\n"
    f = GoFile(tmp_path / "f.go", "f.go", src.encode())

    assert f.constraint_error is None
    assert not f.built_for(WINDOWS) and not f.built_for(DARWIN_ARM)


# File names


@pytest.mark.parametrize(
    ("name", "goos", "goarch", "test"),
    [
        ("a_linux.go", "linux", None, False),
        ("a_arm64.s", None, "arm64", False),
        ("a_linux_arm64.go", "linux", "arm64", False),
        ("a_linux_arm64_test.go", "linux", "arm64", True),
        ("a_test.go", None, None, True),
        ("a_linux_test.go", "linux", None, True),
        ("linux.go", None, None, False),
        ("linux_test.go", None, None, True),
        ("arm64.s", None, None, False),
        ("a_unix.go", None, None, False),  # unix is a tag, not a GOOS
        ("a_windows_x.go", None, None, False),  # only the last elements count
        ("a_amd64_linux.go", "linux", None, False),
        ("a.linux.go", None, None, False),
    ],
)
def test_file_name(name, goos, goarch, test):
    c = name_constraint(name)

    assert (c.goos, c.goarch, c.test) == (goos, goarch, test)


@pytest.mark.parametrize(
    ("name", "ctx", "want"),
    [
        ("a_linux.go", LINUX, True),
        ("a_linux.go", replace(LINUX, goos="android"), True),
        ("a_darwin_arm64.go", replace(DARWIN_ARM, goos="ios"), True),
        ("a_linux_arm64.go", LINUX, False),
        ("a_arm64.s", DARWIN_ARM, True),
    ],
)
def test_file_name_matches(tmp_path, name, ctx, want):
    path = tmp_path / name
    path.write_text("package p\n")

    assert GoFile(path, name, b"package p\n").built_for(ctx) is want


# The go command's answer


def go_text(header: str = "") -> str:
    return f"{header}package p\n"


def asm_text(header: str = "") -> str:
    return f"{header}// nothing to assemble\n"


def package_files(newest: GoVersion) -> dict[str, str]:
    """Files whose inclusion differs across platforms, versions and tags."""
    this, next_ = f"go1.{newest.minor}", f"go1.{newest.minor + 1}"
    return {
        "plain.go": go_text(),
        "linux.go": go_text(),
        "x_unix.go": go_text(),
        "a_linux.go": go_text(),
        "a_darwin.go": go_text(),
        "a_windows.go": go_text(),
        "a_solaris.go": go_text(),
        "b_arm64.go": go_text(),
        "b_386.go": go_text(),
        "c_linux_arm64.go": go_text(),
        "c_linux_arm64_test.go": go_text(),
        "d_test.go": go_text(),
        "e_arm64.s": asm_text(),
        "e_amd64.s": asm_text("//go:build !windows\n\n"),
        "f.go": go_text("//go:build linux && (amd64 || arm64)\n\n"),
        "g.go": go_text("//go:build !windows && !plan9\n\n"),
        "h.go": go_text("//go:build unix\n\n"),
        "i.go": go_text("//go:build cgo\n\n"),
        "j.go": go_text("//go:build !cgo\n\n"),
        "k.go": go_text(f"//go:build go1.21 && {this}\n\n"),
        "l.go": go_text(f"//go:build {next_}\n\n"),
        "m.go": go_text("//go:build integration\n\n"),
        "n.go": go_text("//go:build !integration && (darwin || solaris)\n\n"),
        "o.go": go_text("// +build linux darwin\n// +build amd64\n\n"),
        "p.go": go_text("// +build ignore\n"),  # no blank line: not a constraint
        "q.go": go_text("//go:build windows\n// +build linux\n\n"),
        "r.go": go_text("// Copyright notice.\n\n//go:build ignore\n\n// Package p.\n"),
        "s.go": go_text("//go:build android || ios\n\n"),
    }


def go_version() -> GoVersion:
    """The local toolchain's release, e.g. 1.27 for go1.27.3."""
    env = os.environ | {"GOTOOLCHAIN": "local"}
    out = subprocess.run(
        ["go", "env", "GOVERSION"], env=env, capture_output=True, text=True, check=True
    )
    return GoVersion.parse(out.stdout.strip())


def go_list(directory: Path, fields: str, **env: str) -> dict:
    """``go list -e -json=FIELDS .`` in ``directory``, offline and with ``env``."""
    env = os.environ | {"GOFLAGS": "", "GOTOOLCHAIN": "local", "GOWORK": "off"} | env
    proc = subprocess.run(
        ["go", "list", "-e", f"-json={fields}", "."],
        cwd=directory,
        env=env | {"GOPROXY": "off"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout)


def built_by_go(
    directory: Path, goos: str, goarch: str, cgo: bool, tags: str
) -> set[str]:
    fields = "GoFiles,CgoFiles,TestGoFiles,XTestGoFiles,SFiles"
    doc = go_list(
        directory,
        fields,
        GOOS=goos,
        GOARCH=goarch,
        CGO_ENABLED="1" if cgo else "0",
        GOFLAGS=f"-tags={tags}",
    )
    return {name for key in fields.split(",") for name in doc.get(key, [])}


PLATFORMS = [
    ("linux", "amd64", True, ""),
    ("linux", "arm64", False, ""),
    ("linux", "386", False, "integration"),
    ("darwin", "arm64", False, ""),
    ("windows", "amd64", False, ""),
    ("android", "arm64", False, ""),
    ("ios", "arm64", False, "integration"),
    ("illumos", "amd64", False, ""),
    ("plan9", "amd64", False, ""),
    ("js", "wasm", False, ""),
]


@pytest.mark.toolchain
@pytest.mark.parametrize(("goos", "goarch", "cgo", "tags"), PLATFORMS)
def test_built_for_agrees_with_go_list(tmp_path, goos, goarch, cgo, tags):
    newest = go_version()
    files = package_files(newest)
    files["go.mod"] = "module example.com/p\n\ngo 1.21\n"
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    ctx = BuildContext(
        goos=goos,
        goarch=goarch,
        go=newest,
        cgo=cgo,
        tags=frozenset(filter(None, [tags])),
    )

    ours = set()
    for name, text in files.items():
        kind = {".go": GoFile, ".s": AsmFile}.get(Path(name).suffix)
        if kind is not None and kind(tmp_path / name, name, text.encode()).built_for(
            ctx
        ):
            ours.add(name)

    assert ours == built_by_go(tmp_path, goos, goarch, cgo, tags)


@pytest.mark.toolchain
@pytest.mark.parametrize(
    "line",
    [
        "//go:build linux // only linux",
        "//go:build linux &&",
        "//go:build",
        "//go:build !!linux",
    ],
)
def test_go_rejects_the_lines_we_call_malformed(tmp_path, line):
    src = f"{line}\n\npackage p\n"
    (tmp_path / "go.mod").write_text("module example.com/p\n\ngo 1.21\n")
    (tmp_path / "f.go").write_text(src)

    doc = go_list(tmp_path, "InvalidGoFiles,Error")

    assert doc["InvalidGoFiles"] == ["f.go"]
    assert "parsing //go:build line" in doc["Error"]["Err"]
    assert GoFile(tmp_path / "f.go", "f.go", src.encode()).constraint_error is not None


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(
    st.binary(max_size=60).map(lambda b: bytes(b"ab\r\n /"[c % 6] for c in b)),
    st.integers(0, 20),
)
def test_header_lines_split_as_splitlines(data, limit):
    # read_header splits only the lines it reads, as splitlines would.
    from goabilint.constraints import _first_lines

    assert list(_first_lines(data, limit)) == data.splitlines()[:limit]
