"""Reading go.mod: the module, go and toolchain lines, and finding the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from goabilint.constraints import GoVersion
from goabilint.gomod import find_go_mod, parse_go_mod

GO_MOD = Path("/src/m/go.mod")


def parse(text: str):
    return parse_go_mod(GO_MOD, text.encode())


def test_module_go_and_toolchain():
    mod = parse(
        """\
// The example module.
module example.com/m // the module path

go 1.22.3

toolchain go1.23.1

require (
	golang.org/x/sys v0.20.0 // indirect
	github.com/x/gopher v1.0.0
)
"""
    )

    assert (mod.module, mod.go, mod.toolchain) == (
        "example.com/m",
        GoVersion(1, 22),
        "go1.23.1",
    )
    assert mod.errors == ()
    assert mod.root == Path("/src/m")


def test_quoted_module_path():
    assert parse('module "example.com/quoted"\n').module == "example.com/quoted"


def test_missing_lines_are_none():
    mod = parse("module example.com/m\n")

    assert (mod.go, mod.toolchain) == (None, None)


def test_commented_out_lines_do_not_count():
    mod = parse("module example.com/m\n// go 1.21\n//toolchain go1.22.0\n")

    assert (mod.go, mod.toolchain) == (None, None)


@pytest.mark.parametrize(
    ("text", "version"), [("1.21", (1, 21)), ("1.21rc1", (1, 21)), ("1.23.0", (1, 23))]
)
def test_go_versions(text, version):
    assert parse(f"go {text}\n").go == GoVersion(*version)


@pytest.mark.parametrize("text", ["1.x", "one", "1"])
def test_malformed_go_version(text):
    mod = parse(f"module example.com/m\n\ngo {text}\n")

    assert mod.go is None
    assert mod.errors == (f"/src/m/go.mod:3: invalid go version '{text}'",)


def test_find_go_mod_searches_upwards(tmp_path):
    (tmp_path / "go.mod").write_text("module example.com/top\n\ngo 1.21\n")
    (tmp_path / "a/b").mkdir(parents=True)
    (tmp_path / "a/inner").mkdir()
    (tmp_path / "a/inner/go.mod").write_text("module example.com/inner\n")

    assert find_go_mod(tmp_path / "a/b").module == "example.com/top"
    assert find_go_mod(tmp_path / "a/inner").module == "example.com/inner"
