"""Ask the real Go toolchain whether the STK rules' claims hold.

- STK001 against ``go vet -asmdecl`` on ``testdata/STK001`` for amd64,
  arm64 and 386: for the problems both look for (argument sizes, FP
  offsets, unknown names, operand widths) the findings are the same, line
  for line and word for word.
- STK002: every TEXT vet calls "wrong argument size 0" is found, and the
  rest of STK002's findings are the NOSPLIT functions that call Go code,
  which vet lets through.
- STK003: the compiler says "missing function body" and the linker
  "relocation target ... not defined" exactly where the findings say so.
- STK004: linking ``testdata/STK004`` for each target fails with "nosplit
  stack over N byte limit" for exactly the functions reported there, and
  near-limit functions link.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from harness import TESTDATA

from goabilint import engine

pytestmark = pytest.mark.toolchain

TIMEOUT = 300
_VET = re.compile(r"^(?:\./)?(?P<file>[^\s:]+):(?P<line>\d+):\d+: (?P<msg>.*)$")
_COVERED = re.compile(
    r"wrong argument size|invalid offset|unknown variable|invalid [A-Z]+ of"
)


def _go(args: list[str], cwd: Path, goos: str = "linux", goarch: str = "amd64"):
    env = dict(
        os.environ,
        GOOS=goos,
        GOARCH=goarch,
        CGO_ENABLED="0",
        GOTOOLCHAIN="local",
        GOFLAGS="-mod=mod",
        GOWORK="off",
    )
    return subprocess.run(
        ["go", *args],
        check=False,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def _copy(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(TESTDATA / name, target)
    return target


def _findings(name: str, code: str) -> list[tuple[str, int, str]]:
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(TESTDATA)
        result = engine.run([name])
    return [
        (Path(f.location.path).name, f.location.line, f.message)
        for f in result.findings
        if f.code == code
    ]


def _vet(directory: Path, goarch: str) -> list[tuple[str, int, str]]:
    proc = _go(["vet", "-asmdecl", "."], directory, goarch=goarch)
    out = []
    for line in proc.stderr.splitlines():
        m = _VET.match(line)
        if m:
            out.append((Path(m["file"]).name, int(m["line"]), m["msg"]))
    return out


@pytest.mark.parametrize("goarch", ["amd64", "arm64", "386"])
def test_stk001_agrees_with_vet_asmdecl(goarch, tmp_path):
    directory = _copy("STK001", tmp_path)
    vet = {v for v in _vet(directory, goarch) if _COVERED.search(v[2])}
    ours = {f for f in _findings("STK001", "STK001") if f[2].startswith(f"[{goarch}]")}
    assert vet, "vet found nothing: the fixture lost its problems"
    assert ours == vet


def test_stk002_covers_vet_and_the_nosplit_callers_it_misses(tmp_path):
    directory = _copy("STK002", tmp_path)
    ours = {(f[0], f[1]): f[2] for f in _findings("STK002", "STK002")}
    vet_lines = set()
    for goarch in ("amd64", "arm64"):
        for file, line, msg in _vet(directory, goarch):
            if "wrong argument size 0;" in msg:
                vet_lines.add((file, line))
    assert vet_lines
    assert vet_lines <= set(ours)
    for where, message in ours.items():
        if where not in vet_lines:
            assert "calls Go code" in message, where


def test_stk003_missing_body_is_a_compile_error(tmp_path):
    directory = _copy("STK003", tmp_path)
    findings = _findings("STK003", "STK003")
    for goarch in ("amd64", "arm64"):
        proc = _go(["build", "."], directory, goarch=goarch)
        errors = {
            (Path(m["file"]).name, int(m["line"]))
            for m in map(_VET.match, proc.stderr.splitlines())
            if m and m["msg"] == "missing function body"
        }
        expected = {(f[0], f[1]) for f in findings if f"linux/{goarch}" in f[2]}
        assert errors == expected, proc.stderr


def test_stk003_missing_text_is_a_link_error(tmp_path):
    package = _copy("STK003_link", tmp_path / "ops")
    (tmp_path / "go.mod").write_text(
        "module m\n\ngo 1.23\n\nrequire example.com/stk003link v0.0.0\n\n"
        f"replace example.com/stk003link => {package}\n"
    )
    (tmp_path / "main.go").write_text(
        'package main\n\nimport "example.com/stk003link"\n\n'
        "func main() { println(ops.Calc(1, 2), ops.Neg(3)) }\n"
    )
    findings = _findings("STK003_link", "STK003")
    for goarch in ("amd64", "arm64"):
        proc = _go(["build", "-o", os.devnull, "."], tmp_path, goarch=goarch)
        undefined = set(
            re.findall(
                r"relocation target example\.com/stk003link\.(\w+) not defined",
                proc.stderr,
            )
        )
        expected = {
            re.search(r"TEXT ·(\w+)", f[2]).group(1)
            for f in findings
            if f"linux/{goarch}" in f[2]
        }
        assert undefined == expected, proc.stderr
        assert (proc.returncode == 0) == (not expected)


PLATFORMS = [(o, a) for o in ("linux", "openbsd") for a in ("amd64", "arm64", "386")]


@pytest.mark.parametrize(
    "goos,goarch", PLATFORMS, ids=[f"{o}-{a}" for o, a in PLATFORMS]
)
def test_stk004_matches_the_linker(goos, goarch, tmp_path):
    directory = _copy("STK004", tmp_path)
    proc = _go(["build", "-o", os.devnull, "."], directory, goos=goos, goarch=goarch)
    failing = set(
        re.findall(r"main\.(\w+): nosplit stack over (\d+) byte limit", proc.stderr)
    )
    expected = set()
    for _, _, message in _findings("STK004", "STK004"):
        m = re.search(
            rf"(?:nosplit|NOSPLIT) (\w+) grows .*?\d+ bytes on {goarch} \(limit (\d+)\)",
            message,
        )
        if m and goos == "linux":  # the fixture's limits double on openbsd
            expected.add((m.group(1), m.group(2)))
    assert failing == expected, proc.stderr
    assert (proc.returncode == 0) == (not expected), proc.stderr


@pytest.mark.parametrize("goarch", ["amd64", "386"])
def test_stk001_reads_frames_vet_does_not(goarch, tmp_path):
    # vet's pattern needs "$0-8"; the assembler also takes "$0 - 8". What the
    # assembler records (-asmflags=-S) must be what STK001 compared.
    directory = _copy("STK001_spaces", tmp_path)
    assert not _vet(directory, goarch)
    proc = _go(["build", "-asmflags=-S", "."], directory, goarch=goarch)
    assert proc.returncode == 0, proc.stderr
    recorded = int(
        re.search(
            r"moreStack STEXT .*args=(0x[0-9a-f]+)", proc.stdout + proc.stderr
        ).group(1),
        16,
    )
    ours = [
        f
        for f in _findings("STK001_spaces", "STK001")
        if f[2].startswith(f"[{goarch}]")
    ]
    expected = 4 if goarch == "386" else 8
    assert recorded == 8
    assert bool(ours) == (recorded != expected)
