"""The layout calculator against the real compiler.

For every type of ``testdata/layout/types.go`` goabilint computes
``unsafe.Sizeof``, ``Alignof`` and the ``Offsetof`` of each named field,
for amd64, arm64 and 386. On the host the fixture is run with ``go run``
and prints the compiler's answers; for the other architectures a generated
file asserts each answer as a constant (an array index that is out of range
unless the two agree) and ``go build -gcflags=-e`` must accept every line.
The runtime tables generated from DWARF are checked too: regenerating the
host toolchain's table for amd64 must give what ships.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from harness import TESTDATA

from goabilint.constraints import BuildContext, GoVersion
from goabilint.layout import runtime_types
from goabilint.layout.calc import Calculator, Unknown
from goabilint.source import GoFile

pytestmark = pytest.mark.toolchain

FIXTURE = TESTDATA / "layout"
TIMEOUT = 300


@dataclass(frozen=True)
class Fact:
    expr: str  # a Go constant expression, e.g. unsafe.Offsetof(new(T).f)
    value: int


def _go_env(goarch: str) -> dict[str, str]:
    return dict(
        os.environ,
        GOARCH=goarch,
        GOOS="linux",
        CGO_ENABLED="0",
        GOTOOLCHAIN="local",
        GOFLAGS="-mod=mod",
        GOWORK="off",
    )


def _host_version() -> GoVersion:
    out = subprocess.run(
        ["go", "env", "GOVERSION"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return GoVersion.parse(out.stdout.strip())


def _facts(goarch: str) -> tuple[list[Fact], list[str]]:
    """goabilint's answers for every fixture type; also what it could not answer."""
    path = FIXTURE / "types.go"
    file = GoFile(path, "types.go", path.read_bytes())
    ctx = BuildContext(goos="linux", goarch=goarch, go=_host_version())
    calc = Calculator([file], ctx, "example.com/layout")
    facts: list[Fact] = []
    unknown: list[str] = []
    for name in calc.type_names():
        try:
            lay = calc.named(name)
        except Unknown as e:
            unknown.append(f"{name}: {e}")
            continue
        value = f"*new({name})"
        facts.append(Fact(f"unsafe.Sizeof({value})", lay.size))
        facts.append(Fact(f"unsafe.Alignof({value})", lay.align))
        for f in lay.fields if lay.kind == "struct" else ():
            if f.name != "_":
                facts.append(Fact(f"unsafe.Offsetof(new({name}).{f.name})", f.offset))
    return facts, unknown


def _module(tmp_path: Path, name: str, extra: str) -> Path:
    directory = tmp_path / name
    directory.mkdir()
    shutil.copy(FIXTURE / "go.mod", directory / "go.mod")
    shutil.copy(FIXTURE / "types.go", directory / "types.go")
    (directory / "extra.go").write_text(extra)
    return directory


def test_every_fixture_type_is_known():
    for goarch in ("amd64", "arm64", "386"):
        facts, unknown = _facts(goarch)
        assert not unknown, unknown
        assert len(facts) > 240


def test_host_agrees(tmp_path):
    facts, _ = _facts("amd64")
    lines = "\n".join(f"\tfmt.Println({i}, {f.expr})" for i, f in enumerate(facts))
    program = f'package layout\n\nimport (\n\t"fmt"\n\t"unsafe"\n)\n\nfunc Print() {{\n{lines}\n}}\n'
    directory = _module(tmp_path, "host", program)
    main = directory / "cmd"
    main.mkdir()
    (main / "main.go").write_text(
        'package main\n\nimport "example.com/layout"\n\nfunc main() { layout.Print() }\n'
    )
    proc = subprocess.run(
        ["go", "run", "./cmd"],
        check=False,
        cwd=directory,
        env=_go_env("amd64"),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert proc.returncode == 0, proc.stderr
    real = {
        int(i): int(v) for i, v in (line.split() for line in proc.stdout.splitlines())
    }
    wrong = [
        f"{f.expr}: goabilint {f.value}, go {real[i]}"
        for i, f in enumerate(facts)
        if real[i] != f.value
    ]
    assert not wrong, "\n".join(wrong)
    assert len(real) == len(facts)


@pytest.mark.parametrize("goarch", ["arm64", "386"])
def test_cross_compiler_agrees(goarch, tmp_path):
    facts, _ = _facts(goarch)
    # [1]struct{}{}[a - b] compiles only when a == b: a larger a is out of
    # range, a smaller one overflows uintptr.
    lines = [f"var _ = [1]struct{{}}{{}}[{f.expr}-{f.value}]" for f in facts]
    header = 'package layout\n\nimport "unsafe"\n\n'
    directory = _module(tmp_path, goarch, header + "\n".join(lines) + "\n")
    proc = subprocess.run(
        ["go", "build", "-gcflags=-e", "."],
        check=False,
        cwd=directory,
        env=_go_env(goarch),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    offset = header.count("\n") + 1
    wrong = []
    for line in proc.stderr.splitlines():
        parts = line.split(":")
        if len(parts) > 2 and parts[0].endswith("extra.go"):
            wrong.append(f"{facts[int(parts[1]) - offset].expr}: {line}")
    assert not wrong, "\n".join(wrong)
    assert proc.returncode == 0, proc.stderr


def test_shipped_runtime_table_matches_host_dwarf(tmp_path):
    from goabilint.layout import generate

    version = _host_version()
    shipped = runtime_types.load(version)
    if shipped is None:
        pytest.skip(f"no shipped layout table for go{version}")
    release, table = generate.generate(None, ("amd64",))
    if release != shipped.release:
        pytest.skip(f"table made from {shipped.release}, toolchain is {release}")
    fresh = table["arches"]["amd64"]["types"]
    old = shipped.arches["amd64"].types
    assert set(fresh) == set(old)
    for name, entry in old.items():
        assert fresh[name]["size"] == entry.size, name
        got = [tuple(f[:3]) for f in fresh[name].get("fields") or ()]
        assert got == [(f.name, f.offset, f.size) for f in entry.fields], name
