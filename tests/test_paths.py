"""real_path answers as Path.resolve() does, with its answers kept per run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from goabilint.paths import real_path


@pytest.fixture(autouse=True)
def _fresh():
    real_path.cache_clear()
    yield
    real_path.cache_clear()


def test_same_as_resolve_through_links_dots_and_missing_paths(tmp_path):
    real = tmp_path / "real" / "pkg"
    real.mkdir(parents=True)
    (real / "a.go").write_text("package pkg\n")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    (real / "file_link.go").symlink_to(real / "a.go")
    cases = [
        real,
        real / "a.go",
        tmp_path / "link" / "pkg",
        tmp_path / "link" / "pkg" / "a.go",
        real / "file_link.go",
        real / ".." / "pkg",
        tmp_path / "link" / "missing" / "x.go",
        tmp_path / "nowhere" / "deeper",
    ]
    for p in cases:
        assert real_path(p) == p.resolve(), p


def test_a_link_changed_is_seen_after_the_cache_is_cleared(tmp_path):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "one")
    assert real_path(link / "x") == tmp_path.resolve() / "one" / "x"
    os.remove(link)
    link.symlink_to(tmp_path / "two")
    real_path.cache_clear()  # as each run does
    assert real_path(link / "x") == tmp_path.resolve() / "two" / "x"


def test_a_relative_path_is_resolved_from_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert real_path(Path("a") / "b") == (tmp_path / "a" / "b").resolve()
