"""The rule pages in docs/rules are generated from the rule metadata, and
the committed ones must be what the generator writes now."""

from __future__ import annotations

from pathlib import Path

import pytest

from goabilint import docs
from goabilint.cli import main
from goabilint.plugins import load_registry
from goabilint.suppress import MetaRules

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs" / "rules"
REGENERATE = (
    "GOABILINT_DISABLE_PLUGIN_AUTOLOAD=1 goabilint rules --format markdown "
    "--output-dir docs/rules"
)


@pytest.fixture
def builtin_rules(monkeypatch):
    monkeypatch.setenv("GOABILINT_DISABLE_PLUGIN_AUTOLOAD", "1")
    return load_registry(extra_plugins=[MetaRules()]).rules


def test_committed_docs_are_generated(builtin_rules, tmp_path, monkeypatch):
    code = main(["rules", "--format", "markdown", "--output-dir", str(tmp_path)])
    assert code == 0
    fresh = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.glob("*.md")}
    committed = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")}
    assert len(fresh) == len(builtin_rules) + 1
    stale = sorted(
        n for n in fresh.keys() | committed.keys() if fresh.get(n) != committed.get(n)
    )
    assert not stale, f"docs/rules is out of date for {stale}; run: {REGENERATE}"


def test_page_is_built_from_the_metadata(builtin_rules):
    rule = next(r for r in builtin_rules if r.security_severity is not None)
    page = docs.rule_page(rule)
    assert page.startswith("<!-- Generated")
    assert f"# {rule.code}: {rule.title}\n" in page
    assert f"| Name | `{rule.name}` |" in page
    assert f"| Severity | {rule.severity} |" in page
    assert f"| Security severity | {rule.security_severity:.1f} |" in page
    for section in rule.doc_sections():
        assert f"\n## {section}\n" in page

    index = docs.rules_index(builtin_rules)
    assert all(f"[{r.code}]({r.code}.md)" in index for r in builtin_rules)


def test_output_dir_replaces_stale_pages_only(builtin_rules, tmp_path):
    (tmp_path / "ZZZ999.md").write_text("a rule that is gone")
    (tmp_path / "notes.md").write_text("not a rule page")
    assert main(["rules", "--format", "markdown", "--output-dir", str(tmp_path)]) == 0
    names = {p.name for p in tmp_path.iterdir()}
    assert "ZZZ999.md" not in names and "notes.md" in names
    assert names >= {f"{r.code}.md" for r in builtin_rules} | {"README.md"}


def test_output_dir_needs_markdown(tmp_path, capsys):
    assert main(["rules", "--format", "json", "--output-dir", str(tmp_path)]) == 2
    assert "--output-dir needs --format markdown" in capsys.readouterr().err


def test_readme_links_the_rule_docs():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "docs/rules/README.md" in readme
    assert REGENERATE in readme
