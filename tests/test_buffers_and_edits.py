"""What the editor support rests on, without an editor.

- ``engine.analyse_buffers``: unsaved buffers replace their files, the rest
  of the package is read from disk;
- ``Finding.edits``: LNK001's fix, applied, gives a file the real compiler
  accepts;
- where the LSP's suppression quick fix writes its comment.
"""

from __future__ import annotations

import os
import subprocess

import pytest
from workspace import LINKNAME_WITHOUT_UNSAFE, write_tree

from goabilint import engine
from goabilint.config import ConfigResolver
from goabilint.gomod import find_go_mod
from goabilint.hookspecs import hookimpl
from goabilint.lsp import _ignore_edit
from goabilint.plugins import load_registry
from goabilint.rule import Finding, Rule, Severity
from goabilint.source import LineIndex
from goabilint.suppress import MetaRules

DOC = """
## What it does
Reports each file of a package with the first line of every file.
## Why is this bad?
It is not; it shows what the package-level hook saw.
## Example
None.
## Use instead
None.
## Known problems
None.
## References
None.
"""

SEEN = Rule(
    code="TST001",
    name="package-seen",
    title="what a package rule saw",
    severity=Severity.NOTE,
    since="0",
    doc=DOC,
)


@SEEN.on_package
def _seen(package, report):
    first_lines = sorted(
        f"{f.name}={f.data.splitlines()[0].decode()}" for f in package.go_files
    )
    for f in package.go_files:
        report.in_file(f).at_line(1, " ".join(first_lines))


class _Plugin:
    @hookimpl
    def goabilint_rules(self):
        return [SEEN]


def _registry():
    registry = load_registry(extra_plugins=[MetaRules(), _Plugin()])
    registry.manager.register(engine.Dispatcher(registry), name="goabilint.dispatch")
    return registry


def test_buffers_replace_their_files_and_the_rest_is_read(tmp_path):
    write_tree(
        tmp_path,
        {"go.mod": "module m\n\ngo 1.22\n", "p/a.go": "// a on disk\npackage p\n"},
    )
    write_tree(tmp_path, {"p/b.go": "// b on disk\npackage p\n"})
    registry = _registry()
    settings = ConfigResolver(
        registry.rules, {"select": ("TST001",)}, within=tmp_path
    ).for_directory(tmp_path / "p")
    a, b, new = (tmp_path / "p" / n for n in ("a.go", "b.go", "new.go"))
    buffers = {a: b"// a edited\npackage p\n", new: b"// new, never saved\npackage p\n"}
    job = engine.PackageJob(tmp_path / "p", (a, b, new), settings, tmp_path)

    result = engine.analyse_buffers(job, registry, buffers, find_go_mod)

    want = "a.go=// a edited b.go=// b on disk new.go=// new, never saved"
    assert sorted((f.location.path, f.message) for f in result.findings) == [
        ("p/a.go", want),
        ("p/b.go", want),
        ("p/new.go", want),
    ]
    assert not result.notifications


def _apply(data: bytes, finding: Finding) -> bytes:
    """``data`` with the finding's edits applied (byte columns)."""
    index = LineIndex(data)

    def offset(line: int, column: int) -> int:
        return index.starts[line - 1] + column - 1

    spans = sorted(
        (
            (offset(l.line, l.column), offset(l.end_line, l.end_column), t)
            for l, t in finding.edits
        ),
        reverse=True,
    )
    for start, end, text in spans:
        data = data[:start] + text.encode() + data[end:]
    return data


@pytest.mark.toolchain
def test_lnk001_edits_make_a_file_the_compiler_accepts(tmp_path, monkeypatch):
    source = (
        "package p\n\n// nanotime is the runtime's clock.\n"
        + LINKNAME_WITHOUT_UNSAFE.split("\n", 2)[2]
    )
    write_tree(
        tmp_path, {"go.mod": "module example.com/p\n\ngo 1.22\n", "p.go": source}
    )
    monkeypatch.chdir(tmp_path)
    env = dict(
        os.environ,
        GOTOOLCHAIN="local",
        CGO_ENABLED="0",
        GOWORK="off",
        GOFLAGS="-mod=mod",
    )

    def build() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["go", "build", "."],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,  # the test judges the exit status
        )

    before = build()
    assert before.returncode != 0
    assert 'only allowed in Go files that import "unsafe"' in before.stderr

    overrides = {"overrides": {"select": ("LNK001",)}}
    [finding] = engine.run(["p.go"], overrides).findings
    assert finding.code == "LNK001" and finding.edits
    (tmp_path / "p.go").write_bytes(_apply(source.encode(), finding))

    after = build()
    assert after.returncode == 0, after.stderr
    assert engine.run(["p.go"], overrides).findings == []


@pytest.mark.parametrize(
    ("text", "line", "want"),
    [
        # A new comment above the line, indented like it.
        (
            "func f() {\n\tx := 1\n}\n",
            2,
            "func f() {\n\t//goabilint:ignore X001\n\tx := 1\n}\n",
        ),
        # A suppression alone on the line above gets the code added.
        (
            "\t//goabilint:ignore A001 shared reason\n\tx := 1\n",
            2,
            "\t//goabilint:ignore A001,X001 shared reason\n\tx := 1\n",
        ),
        # One after code does not cover the next line: a new one goes in.
        (
            "y := 2 //goabilint:ignore A001 why\nx := 1\n",
            2,
            "y := 2 //goabilint:ignore A001 why\n//goabilint:ignore X001\nx := 1\n",
        ),
    ],
)
def test_suppression_edit(text, line, want):
    data = text.encode()
    (where, new) = _ignore_edit(LineIndex(data), line, "X001")
    at_line, start, end = where
    index = LineIndex(data)
    s = index.starts[at_line - 1] + start - 1
    e = index.starts[at_line - 1] + end - 1
    assert (data[:s] + new.encode() + data[e:]).decode() == want
