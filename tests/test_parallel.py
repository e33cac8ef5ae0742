"""Same findings however the work is split: one process or a pool, cache
cold or warm, whole or sharded and merged; and a dying worker loses nothing
but its own package."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from goabilint import engine, scheduler
from goabilint.cache import Cache
from goabilint.hookspecs import hookimpl
from goabilint.merge import merge_documents
from goabilint.outputs import render_json, render_sarif
from goabilint.plugins import load_registry
from goabilint.rule import Rule, Severity
from goabilint.suppress import MetaRules

REPO = Path(__file__).resolve().parent.parent
ALL = {"isolated": True, "overrides": {"select": ("ALL",)}}


@pytest.fixture(scope="module")
def big_tree(tmp_path_factory) -> Path:
    """Every fixture package copied enough times to exceed the pool threshold."""
    root = tmp_path_factory.mktemp("tree")
    fixtures = [p for p in (REPO / "testdata").iterdir() if p.is_dir()]
    copies = 0
    while sum(1 for _ in root.rglob("*.go")) < scheduler.PARALLEL_MIN_FILES * 2:
        for fx in fixtures:
            shutil.copytree(fx, root / f"c{copies}" / fx.name)
        copies += 1
    return root


def _run(tree: Path, monkeypatch, **kwargs) -> engine.RunResult:
    monkeypatch.chdir(tree)
    return engine.run(["."], ALL, **kwargs)


def _keys(result: engine.RunResult) -> list[tuple]:
    return [(f.location, f.code, f.message, f.severity) for f in result.findings]


def test_pool_matches_single_process(big_tree, monkeypatch):
    one = _run(big_tree, monkeypatch, jobs=1)
    two = _run(big_tree, monkeypatch, jobs=2)
    assert one.findings and _keys(one) == _keys(two)
    assert one.files == two.files


def test_cache_cold_and_warm_match_uncached(big_tree, tmp_path, monkeypatch):
    plain = _run(big_tree, monkeypatch, jobs=1)
    cache = Cache(tmp_path / "cache", "fp")
    cold = _run(big_tree, monkeypatch, jobs=2, cache=cache)
    warm = _run(big_tree, monkeypatch, jobs=1, cache=cache)
    assert _keys(plain) == _keys(cold) == _keys(warm)
    assert [f.suppressed for f in plain.suppressed] == [
        f.suppressed for f in warm.suppressed
    ]


def test_touching_a_file_reanalyses_only_its_package(tmp_path, monkeypatch):
    tree = tmp_path / "tree"
    for name in ("LNK001", "SUP001", "SUP002"):
        shutil.copytree(REPO / "testdata" / name, tree / name)
    cache = Cache(tmp_path / "cache", "fp")
    _run(tree, monkeypatch, cache=cache)

    checked: list[str] = []
    real = engine.check_package

    def spy(pkg, *args):
        checked.append(pkg.display)
        return real(pkg, *args)

    monkeypatch.setattr(engine, "check_package", spy)
    warm = _run(tree, monkeypatch, cache=cache)
    assert checked == []

    bad = tree / "LNK001" / "bad.go"
    bad.write_text(bad.read_text() + "\n// touched\n")
    touched = _run(tree, monkeypatch, cache=cache)
    assert checked == ["LNK001"]
    assert _keys(touched) == _keys(warm)


def test_cache_misses_when_settings_change(tmp_path, monkeypatch):
    tree = tmp_path / "tree"
    shutil.copytree(REPO / "testdata" / "LNK001", tree / "LNK001")
    cache = Cache(tmp_path / "cache", "fp")
    monkeypatch.chdir(tree)
    with_rule = engine.run(["."], ALL, cache=cache)
    without = engine.run(
        ["."], {"isolated": True, "overrides": {"ignore": ("LNK001",)}}, cache=cache
    )
    assert any(f.code == "LNK001" for f in with_rule.findings)
    assert not any(f.code == "LNK001" for f in without.findings)


def test_corrupt_cache_entry_is_a_miss(tmp_path, monkeypatch):
    tree = tmp_path / "tree"
    shutil.copytree(REPO / "testdata" / "LNK001", tree / "LNK001")
    cache = Cache(tmp_path / "cache", "fp")
    first = _run(tree, monkeypatch, cache=cache)
    for entry in (tmp_path / "cache").rglob("*"):
        if entry.is_file() and entry.name != ".gitignore":
            entry.write_bytes(b"not a pickle")
    again = _run(tree, monkeypatch, cache=cache)
    assert _keys(first) == _keys(again)


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_sharded_then_merged_equals_whole(big_tree, monkeypatch, fmt):
    render = render_json if fmt == "json" else render_sarif
    whole = json.loads(render(_run(big_tree, monkeypatch, jobs=1)))
    shards = [
        render(_run(big_tree, monkeypatch, jobs=1, shard=(i, 3))) for i in (1, 2, 3)
    ]
    merged = json.loads(merge_documents(shards, ["1", "2", "3"]))
    if fmt == "json":
        assert merged["findings"] == whole["findings"]
        assert merged["summary"] == whole["summary"]
    else:
        assert merged["runs"][0]["results"] == whole["runs"][0]["results"]
    # Each package lands in exactly one shard, and no shard is empty here.
    if fmt == "json":
        counts = [len(json.loads(s)["findings"]) for s in shards]
        assert sum(counts) == len(whole["findings"]) and all(counts)


class _Killer:
    """A plugin that kills its worker process on one package."""

    plugin_name = "test[killer]"
    RULE = Rule(
        code="KIL001",
        name="kill-worker",
        title="dies",
        severity=Severity.NOTE,
        since="0",
        doc="## What it does\nx",
    )

    def __init__(self, victim: str):
        self.victim = victim

    @hookimpl
    def goabilint_rules(self):
        return [self.RULE]

    @hookimpl
    def goabilint_check_package(self, package, enabled, targets):
        if package.display.endswith(self.victim) and os.getpid() != self.parent:
            os._exit(3)  # as a segfault or the OOM killer would
        return []


def test_dead_worker_loses_only_its_package(big_tree, monkeypatch):
    victim = "c0/LNK001"
    killer = _Killer(victim)
    killer.parent = os.getpid()
    registry = load_registry(extra_plugins=[MetaRules(), killer])
    baseline = _run(big_tree, monkeypatch, jobs=1)
    result = _run(big_tree, monkeypatch, jobs=2, registry=registry)

    lost = [n for n in result.notifications if n.level == "error"]
    assert [n.path for n in lost] == [victim]
    assert result.internal_error
    expected = [k for k in _keys(baseline) if not k[0].path.startswith(victim + "/")]
    assert _keys(result) == expected


def test_cache_entries_are_json_not_pickle(tmp_path, monkeypatch):
    # The cache usually sits inside the analysed tree; loading it must never
    # be able to execute anything, so entries are plain JSON.
    tree = tmp_path / "tree"
    shutil.copytree(REPO / "testdata" / "SUP002", tree / "SUP002")
    cache = Cache(tmp_path / "cache", "fp")
    first = _run(tree, monkeypatch, cache=cache)
    entries = [
        p
        for p in (tmp_path / "cache").rglob("*")
        if p.is_file() and p.name != ".gitignore"
    ]
    assert entries
    for entry in entries:
        json.loads(entry.read_text(encoding="utf-8"))
    warm = _run(tree, monkeypatch, cache=cache)
    assert _keys(first) == _keys(warm)
    assert [f.suppressed for f in first.suppressed] == [
        f.suppressed for f in warm.suppressed
    ]


def test_cache_tracks_other_packages_for_module_reading_rules(tmp_path, monkeypatch):
    # LAY003 reads how other packages of the module use an exported
    # mirror's exported fields, so a change there must miss the cache of a
    # package with such a mirror that did not change. A package with an
    # unexported mirror (no other package can name its fields) or with
    # unsafe but no mirror reads nothing else and stays cached.
    tree = tmp_path / "mod"
    for d in ("a", "b", "c", "d"):
        (tree / d).mkdir(parents=True)
    (tree / "go.mod").write_text("module example.com/mod\n\ngo 1.22\n")
    (tree / "a" / "a.go").write_text(
        'package a\n\nimport "unsafe"\n\n'
        "//goabilint:mirror runtime.eface\n"
        "type Eface struct {\n\tTyp  unsafe.Pointer\n\tData unsafe.Pointer\n}\n\n"
        "func Data(x any) unsafe.Pointer { return (*Eface)(unsafe.Pointer(&x)).Data }\n"
    )
    (tree / "d" / "d.go").write_text(
        'package d\n\nimport "unsafe"\n\n'
        "type eface struct {\n\ttyp  unsafe.Pointer\n\tdata unsafe.Pointer\n}\n\n"
        "func Data(x any) unsafe.Pointer { return (*eface)(unsafe.Pointer(&x)).data }\n"
    )
    (tree / "b" / "b.go").write_text("package b\n\nvar X = 1\n")
    (tree / "c" / "c.go").write_text(
        'package c\n\nimport "unsafe"\n\nvar P unsafe.Pointer\n'
    )
    cache = Cache(tmp_path / "cache", "fp")
    monkeypatch.chdir(tree)
    select = {"isolated": True, "overrides": {"select": ("LAY003",)}}
    engine.run(["."], select, cache=cache)

    checked: list[str] = []
    real = engine.check_package

    def spy(pkg, *args, **kwargs):
        checked.append(pkg.display)
        return real(pkg, *args, **kwargs)

    monkeypatch.setattr(engine, "check_package", spy)
    engine.run(["."], select, cache=cache)
    assert checked == []
    (tree / "b" / "b.go").write_text("package b\n\nvar X = 2\n")
    os.utime(tree / "b" / "b.go", ns=(1, 1))
    engine.run(["."], select, cache=cache)
    assert sorted(checked) == ["a", "b"]
    checked.clear()
    engine.run(["."], select, cache=cache)
    assert checked == []  # the new state of the module is cached too
