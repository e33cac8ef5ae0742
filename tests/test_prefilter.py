"""The one-pass prefilter (goabilint/prefilter.py) answers exactly as
Python's ``in`` does, on its Hyperscan path and on its plain path."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goabilint.plugins import load_registry
from goabilint.prefilter import Needles, _hyperscan

ROOT = Path(__file__).resolve().parent.parent
RULE_NEEDLES = sorted(
    {n for r in load_registry().rules for n in r.needs if isinstance(n, bytes)}
)
# Bytes a pattern language would read as syntax, NUL, and non-ASCII.
AWKWARD = [b"a.b", b"(x)", b"\\", b"\0", b"[", b"$^", b"\xc2\xb7", b"\xff", b"a\0b"]


def expected(needles, data: bytes) -> frozenset[bytes]:
    return frozenset(n for n in needles if n in data)


def corpus() -> list[bytes]:
    files = sorted(
        p for p in (ROOT / "testdata").rglob("*") if p.suffix in (".go", ".s")
    )
    files += sorted((ROOT / "examples").rglob("*.go"))
    return [p.read_bytes() for p in files]


ALL = tuple(sorted(set(AWKWARD + RULE_NEEDLES)))


@functools.cache
def awkward_scan():
    return _hyperscan(ALL)


hyperscan_only = pytest.mark.skipif(
    _hyperscan((b"x",)) is None, reason="no hyperscan wheel on this platform"
)


@hyperscan_only
def test_hyperscan_agrees_with_in_on_the_fixtures():
    fast = _hyperscan(tuple(RULE_NEEDLES))
    files = corpus()
    assert len(files) > 50
    for data in files:
        assert fast(data) == expected(RULE_NEEDLES, data)


@hyperscan_only
@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.binary(max_size=200), st.lists(st.sampled_from(AWKWARD + RULE_NEEDLES)))
def test_hyperscan_agrees_with_in_on_any_bytes(data, inserts):
    data = data + b"".join(inserts)
    assert awkward_scan()(data) == expected(ALL, data)


@hyperscan_only
def test_an_empty_needle_is_in_every_file():
    assert _hyperscan((b"", b"x"))(b"") == {b""}
    assert _hyperscan((b"", b"x"))(b"yx") == {b"", b"x"}


def test_switching_paths_mid_run_changes_no_answer():
    # A threshold of 100 bytes switches to Hyperscan (where it exists)
    # after the first few fixtures.
    switching = Needles(RULE_NEEDLES, fast_after=100)
    plain = Needles(RULE_NEEDLES, fast_after=1 << 62)
    for data in corpus():
        assert switching.present(data) == plain.present(data)
        assert plain.present(data) == expected(RULE_NEEDLES, data)
    assert plain._fast is None


def test_any_in_says_whether_present_finds_something():
    # source.spelling asks only whether a file holds one of many names.
    few = [b"go:linkname", b"Pointer", b"\xff"]
    for needles in (few, RULE_NEEDLES):
        switching = Needles(needles, fast_after=100)
        for data in corpus():
            assert switching.any_in(data) == bool(expected(needles, data))
    assert not Needles(()).any_in(b"anything")


def test_a_small_run_never_loads_hyperscan():
    needles = Needles(RULE_NEEDLES)
    for data in corpus()[:3]:
        needles.present(data)
    assert needles._fast is None
