"""Ask the real Go toolchain whether LNK001's and LNK007's claims hold.

Each fixture file makes one kind of claim, so each is built on its own, in
a scratch module with the fixture's go.mod. A finding whose message says the
compiler rejects the file must meet exactly that compiler error on its line;
a finding that says the toolchain ignores a directive must meet no error on
its line, and when the next line declares a body-less function the
compiler must say "missing function body" there: a //go:linkname it had
acted on would have let the function through. No other error is allowed.
Where the fix hint is mechanical, applying it must change what the
toolchain says, so a hint that fixes nothing fails too.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from goabilint import engine
from goabilint.rule import Finding
from goabilint_rules.linkname.malformed_directive import COUNTED
from harness import TESTDATA, check_fixture

pytestmark = pytest.mark.toolchain

TIMEOUT = 120  # seconds; a warm build takes well under one

_ERROR = re.compile(r"^(?:\./)?(?P<file>[^\s:]+\.go):(?P<line>\d+):\d+: (?P<msg>.*)$")
_DIRECTIVE = re.compile(r"//go:(\S*)")
_BODYLESS = re.compile(r"^func [^{]*$")
_UNSAFE = '//go:linkname only allowed in Go files that import "unsafe"'


@dataclass(frozen=True)
class GoError:
    line: int
    message: str


def _go(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # The default build cache keeps this fast; the module needs no network.
    env = dict(
        os.environ,
        GOFLAGS="-mod=mod",
        GOTOOLCHAIN="local",
        CGO_ENABLED="0",
        GOWORK="off",
    )
    return subprocess.run(
        ["go", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def _scratch(tmp_path: Path, code: str, name: str, text: str | None = None) -> Path:
    """A module holding the fixture's go.mod and the one file ``name``."""
    directory = tmp_path / f"{code}-{name.removesuffix('.go')}"
    directory.mkdir()
    shutil.copy(TESTDATA / code / "go.mod", directory / "go.mod")
    source = (TESTDATA / code / name).read_text("utf-8")
    (directory / name).write_text(source if text is None else text, "utf-8")
    return directory


def _build(directory: Path, name: str) -> tuple[int, list[GoError]]:
    proc = _go(["build", "."], directory)
    errors = []
    for line in proc.stderr.splitlines():
        m = _ERROR.match(line)
        if m and m["file"] == name:
            errors.append(GoError(int(m["line"]), m["msg"]))
    if proc.returncode != 0:
        assert errors, f"go build failed without a position:\n{proc.stderr}"
    return proc.returncode, errors


@functools.cache
def _findings(code: str) -> dict[str, list[Finding]]:
    """Run the rule over its fixture: ``{file name: findings}``."""
    with pytest.MonkeyPatch.context() as mp:
        problems = check_fixture(TESTDATA / code, code, mp)
        assert not problems, "\n".join(problems)
        mp.chdir(TESTDATA)
        result = engine.run([code], {"overrides": {"select": (code,)}})
    out: dict[str, list[Finding]] = {}
    for f in result.findings:
        out.setdefault(Path(f.location.path).name, []).append(f)
    return out


def _fixture_files(code: str) -> list[str]:
    return sorted(p.name for p in (TESTDATA / code).glob("*.go"))


def _expected_error(finding: Finding, source_line: str) -> str | None:
    """The compiler error ``finding`` predicts on its own line, if any."""
    if finding.code == "LNK001":
        return _UNSAFE
    if "reject" in finding.message:
        # The rule keeps the compiler's usage lines as data; check them too.
        name = _DIRECTIVE.search(source_line).group(1)
        return f"usage: {COUNTED[name].usage}"
    return None  # a claim that the toolchain ignores the line


def _check_claims(code: str, name: str, tmp_path: Path) -> None:
    findings = _findings(code).get(name, [])
    lines = (TESTDATA / code / name).read_text("utf-8").splitlines()
    rc, errors = _build(_scratch(tmp_path, code, name), name)

    if not findings:
        assert rc == 0, f"{name} has no findings but does not build: {errors}"
        return

    # Each finding's own line: the predicted error, or none at all.
    by_line: dict[int, list[str]] = {}
    for e in errors:
        by_line.setdefault(e.line, []).append(e.message)
    allowed: set[GoError] = set()
    for f in findings:
        line = f.location.line
        want = _expected_error(f, lines[line - 1])
        got = by_line.get(line, [])
        if want is None:
            assert not got, f"{name}:{line}: said ignored, but go says {got}"
            if line < len(lines) and _BODYLESS.match(lines[line]):
                # Proof: a directive the compiler acted on would let the
                # body-less function through.
                proof = by_line.get(line + 1, [])
                assert "missing function body" in proof, f"{name}:{line}: {proof}"
        else:
            assert want in got, f"{name}:{line}: want {want!r}, go says {got}"
            allowed.add(GoError(line, want))
        allowed.add(GoError(line + 1, "missing function body"))

    # Nothing else may fail, or the file no longer isolates its claims.
    stray = [e for e in errors if e not in allowed]
    assert not stray, f"{name}: errors no finding explains: {stray}"


@pytest.mark.parametrize("name", _fixture_files("LNK001"))
def test_lnk001_claims(name, tmp_path):
    _check_claims("LNK001", name, tmp_path)


def test_lnk001_bad_file_is_rejected(tmp_path):
    rc, errors = _build(_scratch(tmp_path, "LNK001", "bad.go"), "bad.go")
    assert rc != 0 and any(e.message == _UNSAFE for e in errors)


@pytest.mark.parametrize("name", _fixture_files("LNK007"))
def test_lnk007_claims(name, tmp_path):
    _check_claims("LNK007", name, tmp_path)


def test_lnk007_covers_both_verdicts():
    # Guard against a fixture that no longer exercises one side.
    findings = [f for fs in _findings("LNK007").values() for f in fs]
    assert sum("reject" in f.message for f in findings) >= 4
    assert sum("ignores it" in f.message for f in findings) >= 8

    # The fixture targets go1.22 and later; directives newer than that are
    # rejected only by the releases that know them.
    versions = {f.message.split(" ")[0]: f.versions for f in findings}
    assert versions["//go:linknamestd"] == ("1.27",)
    assert versions["//go:wasmexport"] == ("1.24", "1.25", "1.26", "1.27")
    assert versions["//go:wasmimport"] == ()


def _apply_fix(line: str, fix: str) -> str | None:
    """``line`` with ``fix`` applied, or None when the hint is not mechanical."""
    indent = line[: len(line) - len(line.lstrip())]
    if fix.startswith("remove the space: "):
        return indent + fix.removeprefix("remove the space: ")
    m = re.fullmatch(r"spell it (//go:\S+)", fix)
    if m:
        return _DIRECTIVE.sub(lambda _: m[1], line, count=1)
    m = re.fullmatch(r"separate (//go:\S+) from its arguments with one space", fix)
    if m:
        return re.sub(re.escape(m[1]) + r"\s+", m[1] + " ", line, count=1)
    return None


def test_lnk007_fixes_take_effect(tmp_path):
    # ignored.go holds the cases whose effect the compiler can show: a
    # body-less function behind a working //go:linkname builds, and a
    # working //go:noescape on a function with a body is an error.
    name = "ignored.go"
    source = (TESTDATA / "LNK007" / name).read_text("utf-8")
    lines = source.splitlines()
    _, before = _build(_scratch(tmp_path, "LNK007", name), name)

    applied = 0
    for i, f in enumerate(_findings("LNK007")[name]):
        line = f.location.line
        fixed = _apply_fix(lines[line - 1], f.fix or "")
        if fixed is None:
            continue  # e.g. a bare //go:linkname: the hint needs a name
        applied += 1
        text = "\n".join([*lines[: line - 1], fixed, *lines[line:]]) + "\n"
        work = tmp_path / str(i)
        work.mkdir()
        _, after = _build(_scratch(work, "LNK007", name, text), name)
        near = {line, line + 1}
        old = sorted((e.line, e.message) for e in before if e.line in near)
        new = sorted((e.line, e.message) for e in after if e.line in near)
        assert old != new, f"{name}:{line}: {fixed!r} changes nothing ({old})"
    assert applied >= 5


def _listed(directory: Path) -> tuple[list[str], list[str]]:
    fmt = '{{join .GoFiles " "}}|{{join .IgnoredGoFiles " "}}'
    proc = _go(["list", "-e", "-f", fmt], directory)
    assert proc.returncode == 0, proc.stderr
    built, ignored = proc.stdout.strip().split("|")
    return built.split(), ignored.split()


def test_lnk007_spaced_build_line_is_ignored(tmp_path):
    name = "header.go"
    (finding,) = _findings("LNK007")[name]
    assert "built for every platform" in finding.message
    built, _ = _listed(_scratch(tmp_path, "LNK007", name))
    assert name in built  # despite "// go:build ignore"

    # Without the space the same line excludes the file.
    lines = (TESTDATA / "LNK007" / name).read_text("utf-8").splitlines()
    line = finding.location.line
    fixed = _apply_fix(lines[line - 1], finding.fix or "")
    assert fixed is not None
    text = "\n".join([*lines[: line - 1], fixed, *lines[line:]]) + "\n"
    (tmp_path / "fixed").mkdir()
    _, ignored = _listed(_scratch(tmp_path / "fixed", "LNK007", name, text))
    assert name in ignored
