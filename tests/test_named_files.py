"""Files named one by one, as pre-commit names them: rules that look at the
whole package still see all of it, and findings are kept only for the files
named.

The package rule here, PKG901, reports a Go function declared without a
body when no assembly file of the package defines it: whether ``a.go`` is
right depends on ``add_amd64.s``, which pre-commit does not pass when only
``a.go`` changed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from workspace import write_tree

from goabilint import engine
from goabilint.cache import Cache
from goabilint.hookspecs import hookimpl
from goabilint.plugins import load_registry
from goabilint.rule import DOC_SECTIONS, Rule, Severity
from goabilint.suppress import MetaRules

RULE = Rule(
    code="PKG901",
    name="body-less-function-without-assembly",
    title="function without a body and without an assembly definition",
    severity=Severity.ERROR,
    since="0",
    doc="\n".join(
        f"## {section}\nA test rule that needs the whole package."
        for section in DOC_SECTIONS
    ),
)


@RULE.on_package
def _check(package, report):
    defined = set()
    for af in package.asm_files:
        defined |= {
            m.decode() for m in re.findall(rb"TEXT\s+\xc2\xb7(\w+)\(SB\)", af.data)
        }
    for gf in package.go_files:
        for m in re.finditer(rb"^func (\w+)\([^)]*\)[^{\n]*$", gf.data, re.MULTILINE):
            if m.group(1).decode() not in defined:
                line = gf.data.count(b"\n", 0, m.start()) + 1
                report.in_file(gf).at_line(line, f"{m.group(1).decode()} has no body")


class _Plugin:
    plugin_name = "test[pkg901]"

    @hookimpl
    def goabilint_rules(self):
        return [RULE]


TREE = {
    "pkg/a.go": "package pkg\n\nfunc add(a, b int) int\n",
    "pkg/add_amd64.s": '#include "textflag.h"\n\nTEXT \u00b7add(SB),NOSPLIT,$0-24\n\tRET\n',
    "pkg/b.go": "package pkg\n\nfunc sub(a, b int) int\n",
    "pkg/c.go": "//go:build linux &&\n\npackage pkg\n",  # a malformed constraint
}


@pytest.fixture
def tree(tmp_path, monkeypatch) -> Path:
    write_tree(tmp_path, TREE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(paths, cache=None):
    registry = load_registry(extra_plugins=[MetaRules(), _Plugin()])
    args = {"isolated": True, "overrides": {"select": ("PKG901",)}}
    return engine.run(paths, args, registry, cache=cache)


def _found(result) -> list[tuple[str, int]]:
    return [(f.location.path, f.location.line) for f in result.findings]


def test_whole_directory_reports_every_file(tree):
    result = _run(["pkg"])
    assert _found(result) == [("pkg/b.go", 3)]
    assert result.files == 4


def test_named_file_sees_the_assembly_of_its_package(tree):
    # Without the rest of the package, add would look undefined.
    result = _run(["pkg/a.go"])
    assert _found(result) == []
    assert result.files == 1


def test_findings_only_for_named_files(tree):
    assert _found(_run(["pkg/add_amd64.s"])) == []
    assert _found(_run(["pkg/b.go"])) == [("pkg/b.go", 3)]
    assert _found(_run(["pkg/a.go", "pkg/b.go"])) == [("pkg/b.go", 3)]


def test_context_files_raise_no_warnings(tree):
    named = _run(["pkg/a.go"])
    assert not [n for n in named.notifications if n.path == "pkg/c.go"]
    whole = _run(["pkg"])
    assert [n.path for n in whole.notifications] == ["pkg/c.go"]


def test_a_file_and_its_directory_named_together(tree):
    assert _found(_run(["pkg/a.go", "pkg"])) == [("pkg/b.go", 3)]


def test_cache_tells_named_runs_apart(tree, tmp_path):
    cache = Cache(tmp_path / "cache", "fp")
    assert _found(_run(["pkg/a.go"], cache)) == []
    assert _found(_run(["pkg/b.go"], cache)) == [("pkg/b.go", 3)]
    assert _found(_run(["pkg"], cache)) == [("pkg/b.go", 3)]
    assert _found(_run(["pkg/a.go"], cache)) == []
