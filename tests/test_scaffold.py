"""``goabilint new-rule``: the rule it writes loads and passes its fixture test.

The command runs in a copy of the source tree (``rules/``, ``testdata/``,
the fixture tests), never in the real one. The copy's rules are imported
in place of the installed ones by putting a ``goabilint_rules`` link to
them first on ``PYTHONPATH``.
"""

from __future__ import annotations

import difflib
import importlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from workspace import run_main, run_process

from goabilint.rule import CODE_RE, Severity
from goabilint.scaffold import ScaffoldError, families, new_rule, register

REPO = Path(__file__).resolve().parent.parent
TESTS = ("harness.py", "conftest.py", "test_fixtures.py")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the parts of the source tree that the command touches."""
    root = tmp_path / "src"
    shutil.copytree(
        REPO / "rules", root / "rules", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(REPO / "testdata", root / "testdata")
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    (root / "tests").mkdir()
    for name in TESTS:
        shutil.copy(REPO / "tests" / name, root / "tests" / name)
    return root


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _with_copy_rules(root: Path) -> dict[str, str]:
    """An environment in which ``goabilint_rules`` is the copy's ``rules/``."""
    site = root.parent / "site"
    site.mkdir(exist_ok=True)
    (site / "goabilint_rules").symlink_to(root / "rules")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOABILINT_")}
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(site), env.get("PYTHONPATH")])
    )
    return env


def test_new_rule_loads_and_its_fixture_test_passes(tree):
    before = _snapshot(tree)
    registry = tree / "rules" / "linkname" / "__init__.py"
    old_registry = registry.read_text("utf-8")

    run = run_process(
        "new-rule", "--family", "LNK", "--name", "some-rule", cwd=tree / "testdata"
    )
    assert run.code == 0, run.err
    module, fixture, edited = run.out.splitlines()
    code = Path(fixture).name
    assert (module, edited) == (
        "rules/linkname/some_rule.py",
        "rules/linkname/__init__.py",
    )
    assert CODE_RE.match(code) and code.startswith("LNK")

    # The next free number: one past every LNK code in rules and fixtures.
    numbers = [int(c[3:]) for c in _codes(before) if c.startswith("LNK")]
    assert int(code[3:]) == max(numbers) + 1

    # The registry gained two lines and lost none.
    diff = list(
        difflib.ndiff(
            old_registry.splitlines(), registry.read_text("utf-8").splitlines()
        )
    )
    assert [d for d in diff if d.startswith("- ")] == []
    assert sorted(d[2:].strip() for d in diff if d.startswith("+ ")) == [
        "from goabilint_rules.linkname import some_rule",
        "some_rule.RULE,",
    ]
    # Only the new files and the registry changed.
    after = _snapshot(tree)
    changed = {k for k in after if before.get(k) != after[k]}
    assert changed == {
        "rules/linkname/__init__.py",
        "rules/linkname/some_rule.py",
        f"testdata/{code}/go.mod",
        f"testdata/{code}/bad.go",
        f"testdata/{code}/good.go",
    }

    # The copy's rules load, the new one with every doc section, and its
    # fixture test passes; the pytest run is the copy's own fixture suite.
    env = _with_copy_rules(tree)
    probe = (
        "from goabilint.plugins import load_registry\n"
        "from goabilint.rule import DOC_SECTIONS\n"
        f"r = load_registry().find({code!r})\n"
        "assert r is not None and r.name == 'some-rule' and not r.default_enabled\n"
        "assert list(r.doc_sections()) == list(DOC_SECTIONS), r.doc_sections()\n"
        "print(r.origin)\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "goabilint[linkname]"
    tests = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_fixtures.py",
            "-k",
            code,
        ],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    # Its fixture run, the check that it has one, and its files named alone.
    assert "3 passed" in tests.stdout

    # A second run is refused and changes nothing.
    again = run_process("new-rule", "--family", "LNK", "--name", "some-rule", cwd=tree)
    assert again.code == 2
    assert (
        f"rule some-rule already exists as {code} in rules/linkname/some_rule.py"
        in again.err
    )
    assert _snapshot(tree) == after


def _codes(files: dict[str, bytes]) -> set[str]:
    out = set()
    for name, data in files.items():
        if name.startswith("testdata/"):
            out.add(name.split("/")[1].split("_")[0])
        elif name.endswith(".py"):
            out.update(m.decode() for m in re.findall(rb'code="([A-Z]+\d{3})"', data))
    return {c for c in out if CODE_RE.match(c)}


def test_unknown_family_and_bad_names_are_refused(tree, capsys, monkeypatch):
    monkeypatch.chdir(tree.parent)
    before = _snapshot(tree)
    for args, message in [
        (
            ("--family", "XYZ", "--name", "x"),
            "unknown family 'XYZ' (families here: HTTP, LAY, LNK",
        ),
        (("--family", "LNK", "--name", "Not_Kebab"), "is not kebab-case"),
        (("--family", "LNK", "--name", "import"), "cannot be a Python module name"),
        (
            ("--family", "LNK", "--name", "linkname-missing-unsafe-import"),
            "already exists as LNK001",
        ),
    ]:
        run = run_main(capsys, "new-rule", *args, "--root", str(tree))
        assert run.code == 2, (args, run.err)
        assert message in run.err, (args, run.err)
    assert _snapshot(tree) == before

    outside = run_main(capsys, "new-rule", "--family", "LNK", "--name", "x")
    assert outside.code == 2 and "not inside a goabilint source tree" in outside.err


def test_code_numbers_count_fixtures_and_docs(tmp_path):
    # A minimal tree: one family with no rules, a fixture and a doc page
    # already holding numbers the new rule must not take.
    (tmp_path / "rules" / "abc").mkdir(parents=True)
    (tmp_path / "rules" / "__init__.py").write_text("")
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "rules" / "abc" / "__init__.py").write_text(
        '"""ABC."""\n\nFAMILY = "ABC"\n\n# No rules yet.\nRULES = ()  # filled by new-rule\n'
    )
    (tmp_path / "testdata" / "ABC004_variant").mkdir(parents=True)
    (tmp_path / "docs" / "rules").mkdir(parents=True)
    (tmp_path / "docs" / "rules" / "ABC002.md").write_text("")

    made = new_rule(
        tmp_path, "abc", "first-rule", title="the first rule", severity=Severity.ERROR
    )

    assert made.code == "ABC005"
    assert (tmp_path / "rules" / "abc" / "__init__.py").read_text() == (
        '"""ABC."""\n\nFAMILY = "ABC"\nfrom goabilint_rules.abc import first_rule\n'
        "\n# No rules yet.\nRULES = (first_rule.RULE,)  # filled by new-rule\n"
    )
    text = made.module.read_text()
    assert 'title="the first rule"' in text and "severity=Severity.ERROR" in text
    assert families(tmp_path / "rules")["ABC"].package == "goabilint_rules.abc"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # Comments inside a tuple laid out one element a line stay put.
        (
            (
                "from goabilint_rules.f import a, b\n\nRULES = (\n    a.RULE,  # first\n"
                "    b.RULE,  # last\n    # more to come\n)\n"
            ),
            (
                "from goabilint_rules.f import a, b\nfrom goabilint_rules.f import new\n\nRULES = (\n"
                "    a.RULE,  # first\n    b.RULE,  # last\n    # more to come\n    new.RULE,\n)\n"
            ),
        ),
        # Without a magic trailing comma none is added.
        (
            "from goabilint_rules.f import a, b\nRULES = (\n    a.RULE,\n    b.RULE\n)\n",
            (
                "from goabilint_rules.f import a, b\nfrom goabilint_rules.f import new\n"
                "RULES = (\n    a.RULE,\n    b.RULE,\n    new.RULE\n)\n"
            ),
        ),
        # A line that would grow past 88 columns is split one element a line.
        (
            f"from goabilint_rules.f import {'a' * 60}\nRULES = ({'a' * 60}.RULE,)  # note\n",
            (
                f"from goabilint_rules.f import {'a' * 60}\nfrom goabilint_rules.f import new\n"
                f"RULES = (\n    {'a' * 60}.RULE,\n    new.RULE,\n)  # note\n"
            ),
        ),
    ],
)
def test_register_keeps_the_registry_as_written(before, after):
    assert register(before, "goabilint_rules.f", "new") == after


def test_register_refuses_what_it_cannot_do():
    with pytest.raises(ScaffoldError, match="already imports new"):
        register(
            "from goabilint_rules.f import new\nRULES = (new.RULE,)\n",
            "goabilint_rules.f",
            "new",
        )
    with pytest.raises(ScaffoldError, match="no RULES"):
        register("RULES = [1]\n", "goabilint_rules.f", "new")


@pytest.mark.parametrize(
    "registry",
    sorted((REPO / "rules").glob("*/__init__.py")),
    ids=lambda p: p.parent.name,
)
def test_every_family_declares_its_prefix(registry):
    # new-rule finds families by FAMILY; every rule of the family must match it.
    module = importlib.import_module(f"goabilint_rules.{registry.parent.name}")
    assert isinstance(getattr(module, "FAMILY", None), str), (
        f'{registry} lacks FAMILY = "..."'
    )
    assert all(r.code.rstrip("0123456789") == module.FAMILY for r in module.RULES)
