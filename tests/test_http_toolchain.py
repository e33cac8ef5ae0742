"""Ask the real Go toolchain whether HTTP010's claims and HTTP001's edits hold.

``testdata/HTTP010/broken.go`` sits behind ``//go:build never`` because net/http
rejects every handler in it; built with that tag, the compiler must refuse
each one, on the line that passes it, and nothing else. The ``ServeHTTP``
methods HTTP010 reports in ``handlers.go`` compile, but must not make their
type a ``http.Handler``, while the correct one must. HTTP001's inserted
``return`` statements must leave code that go vet accepts (nothing made
unreachable) and end exactly the findings they were offered for.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from goabilint import engine
from goabilint.source import LineIndex
from harness import TESTDATA

pytestmark = pytest.mark.toolchain

TIMEOUT = 120
FIXTURE = TESTDATA / "HTTP010"
_ERROR = re.compile(r"^(?:\./)?(?P<file>[^\s:]+\.go):(?P<line>\d+):\d+: (?P<msg>.*)$")
_RECEIVER = re.compile(r"^func \((?:\w+ )?\*?(?P<type>\w+)\) ServeHTTP\(")


def _go(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, GOFLAGS="-mod=mod", GOTOOLCHAIN="local", GOWORK="off")
    return subprocess.run(
        ["go", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,  # the tests judge the exit status
    )


def _errors(proc: subprocess.CompletedProcess[str]) -> list[tuple[str, int, str]]:
    out = []
    for line in proc.stderr.splitlines():
        m = _ERROR.match(line.strip())
        if m:
            out.append((m["file"], int(m["line"]), m["msg"]))
    return out


def _findings(monkeypatch) -> list:
    monkeypatch.chdir(TESTDATA)
    result = engine.run(["HTTP010"], {"overrides": {"select": ("HTTP010",)}})
    return result.findings


def _copy(tmp_path: Path) -> Path:
    directory = tmp_path / "http010"
    shutil.copytree(FIXTURE, directory)
    return directory


def test_fixture_builds_without_the_broken_file(tmp_path):
    proc = _go(["build", "."], _copy(tmp_path))
    assert proc.returncode == 0, proc.stderr


def test_net_http_rejects_each_reported_handler(tmp_path, monkeypatch):
    directory = _copy(tmp_path)
    lines = (directory / "broken.go").read_text("utf-8").splitlines()
    reported = [
        f for f in _findings(monkeypatch) if f.location.path.endswith("broken.go")
    ]
    assert reported, "HTTP010 reports nothing in broken.go"

    # A literal is rejected where it is written; a named function where the
    # call passes it.
    expected = set()
    for f in reported:
        line = lines[f.location.line - 1]
        name = re.match(r"^func (\w+)\(", line)
        if name is None:
            expected.add(f.location.line)
            continue
        uses = [
            i for i, text in enumerate(lines, 1) if re.search(rf"\b{name[1]}\)", text)
        ]
        assert uses, f"{name[1]} is never passed to net/http"
        expected.update(uses)

    proc = _go(["build", "-tags", "never", "-gcflags=-e", "."], directory)
    assert proc.returncode != 0
    errors = {(line, msg) for file, line, msg in _errors(proc) if file == "broken.go"}
    assert {line for line, _ in errors} == expected, proc.stderr
    assert all(msg.startswith(("cannot use", "cannot convert")) for _, msg in errors)


def test_reported_servehttp_methods_make_no_handler(tmp_path, monkeypatch):
    directory = _copy(tmp_path)
    source = (directory / "handlers.go").read_text("utf-8").splitlines()
    reported = {
        _RECEIVER.match(source[f.location.line - 1])["type"]
        for f in _findings(monkeypatch)
        if f.location.path.endswith("handlers.go") and "ServeHTTP" in f.message
    }
    assert reported, "HTTP010 reports no ServeHTTP method in handlers.go"

    checks = sorted(reported | {"good"})
    assigns = "\n".join(f"var _ web.Handler = {t}{{}}" for t in checks)
    (directory / "assign.go").write_text(
        f'package http010\n\nimport web "net/http"\n\n{assigns}\n', "utf-8"
    )
    proc = _go(["build", "-gcflags=-e", "."], directory)
    failed = {
        re.search(r"value of (?:struct )?type (\w+)", msg)[1]
        for file, _, msg in _errors(proc)
        if file == "assign.go" and "does not implement" in msg
    }
    assert failed == reported, proc.stderr


def _apply(data: bytes, edits) -> bytes:
    index = LineIndex(data)
    spans = sorted(
        (
            index.starts[loc.line - 1] + loc.column - 1,
            index.starts[loc.end_line - 1] + loc.end_column - 1,
            new,
        )
        for loc, new in edits
    )
    for start, end, new in reversed(spans):
        data = data[:start] + new.encode() + data[end:]
    return data


def test_http001_edits_add_returns_that_end_the_handler(tmp_path, monkeypatch):
    directory = tmp_path / "http001"
    shutil.copytree(TESTDATA / "HTTP001", directory)
    monkeypatch.chdir(tmp_path)
    select = {"overrides": {"select": ("HTTP001",)}}
    before = engine.run(["http001"], select).findings
    fixed = [f for f in before if f.edits]
    assert fixed, "HTTP001 offers no edits on its fixture"

    by_file: dict[str, list] = {}
    for f in fixed:
        by_file.setdefault(f.location.path, []).extend(f.edits)
    for path, edits in by_file.items():
        target = tmp_path / path
        target.write_bytes(_apply(target.read_bytes(), edits))

    # The fixed module still compiles and vets (no unreachable code), and
    # the findings that had edits are gone; the others remain.
    proc = _go(["vet", "."], directory)
    assert proc.returncode == 0, proc.stderr
    after = engine.run(["http001"], select).findings
    assert len(after) == len(before) - len(fixed), [f.message for f in after]
