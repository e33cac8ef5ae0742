"""Every rule against its ``testdata/<CODE>/`` fixtures."""

from __future__ import annotations

import pytest
from harness import TESTDATA, check_fixture

from goabilint import engine
from goabilint.plugins import load_registry
from goabilint.suppress import MetaRules

RULES = load_registry(extra_plugins=[MetaRules()]).rules
FIXTURES = sorted(p for p in TESTDATA.iterdir() if p.is_dir() and p.name[:1].isupper())


@pytest.mark.parametrize("directory", FIXTURES, ids=[p.name for p in FIXTURES])
def test_fixture(directory, monkeypatch):
    code = directory.name.split("_")[0]
    assert any(r.code == code for r in RULES), f"no rule {code} for {directory}"
    problems = check_fixture(directory, code, monkeypatch)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_every_rule_has_fixtures(rule):
    assert (TESTDATA / rule.code).is_dir(), f"testdata/{rule.code}/ is missing"


def _findings(paths, overrides):
    result = engine.run(paths, {"overrides": overrides})
    return sorted(
        (f.code, f.location.path, f.location.line, f.location.column, f.message)
        for f in result.findings
    )


@pytest.mark.parametrize("directory", FIXTURES, ids=[p.name for p in FIXTURES])
def test_each_file_named_alone_finds_what_the_directory_run_finds_there(
    directory, monkeypatch
):
    # Pre-commit names changed files one by one; package rules that skip
    # work for files not named must not lose or add a finding in the named.
    code = directory.name.split("_")[0]
    monkeypatch.chdir(directory.parent)
    overrides = {}
    if not (directory / ".goabilint.toml").exists():
        overrides["select"] = (code,)
    whole = _findings([directory.name], overrides)
    files = sorted(
        p for p in directory.rglob("*") if p.suffix in (".go", ".s") and p.is_file()
    )
    named = []
    for p in files:
        named += _findings([str(p.relative_to(directory.parent))], overrides)
    assert sorted(named) == whole
