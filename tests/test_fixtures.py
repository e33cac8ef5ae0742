"""Every rule against its ``testdata/<CODE>/`` fixtures."""

from __future__ import annotations

import pytest

from goabilint.plugins import load_registry
from goabilint.suppress import MetaRules
from harness import TESTDATA, check_fixture

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
