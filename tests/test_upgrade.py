"""``goabilint upgrade``: findings sorted by what changes between two releases."""

from __future__ import annotations

import json

import pytest
from workspace import run_main, write_tree

from goabilint.constraints import GoVersion
from goabilint.rule import Finding, Location, Severity
from goabilint.upgrade import classify

MODULE = {
    "go.mod": "module example.com/up\n\ngo 1.21\n",
    "clock/clock.go": """package clock

import _ "unsafe"

//go:linkname gcount runtime.gcount
func gcount() int32

//go:linkname fastrand runtime.fastrand
func fastrand() uint32

//go:linkname ncpu runtime.ncpu
var ncpu int32

//go:linkname load runtime/internal/atomic.Load
func load(p *uint32) uint32

func Use() int32 { return gcount() + int32(fastrand()) + int32(load(nil)) }
""",
    "stats/stats.go": """package stats

import "runtime/metrics"

var samples = []metrics.Sample{
	{Name: "/sched/goroutines/running:goroutines"},
	{Name: "/godebug/non-default-behavior/tls10server:events"},
}
""",
}


@pytest.fixture
def module(tmp_path, monkeypatch):
    write_tree(tmp_path, MODULE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _changes(capsys, *args):
    run = run_main(capsys, "upgrade", "--isolated", "--format", "json", *args)
    doc = json.loads(run.out)
    return run.code, {
        (c["change"], c["rule"], c["package"], c["line"]) for c in doc["changes"]
    }


def test_upgrade_sorts_changes(capsys, module):
    code, changes = _changes(capsys, "--from", "1.22", "--to", "1.27", ".")
    assert code == 1  # something newly fails
    assert changes == {
        (
            "newly-fails",
            "LNK002",
            "example.com/up/clock",
            5,
        ),  # gcount, refused from 1.23
        (
            "newly-fails",
            "LNK003",
            "example.com/up/clock",
            11,
        ),  # ncpu reads zero from 1.25
        ("newly-fails", "LNK003", "example.com/up/clock", 14),  # package moved in 1.23
        ("internals", "LNK004", "example.com/up/clock", 8),  # fastrand, pushed
        ("metrics-new", "MET001", "example.com/up/stats", 6),  # added in 1.26
        ("metrics-gone", "MET001", "example.com/up/stats", 7),  # retired in 1.27
    }


def test_upgrade_within_unchecked_releases(capsys, module):
    # Between 1.21 and 1.22 no linker checks pulls and nothing moved.
    code, changes = _changes(capsys, "--from", "1.21", "--to", "1.22", ".")
    assert code == 0
    assert not any(c[0] == "newly-fails" for c in changes)


def test_upgrade_text_groups_by_section_rule_package(capsys, module):
    run = run_main(
        capsys, "upgrade", "--isolated", "--from", "1.22", "--to", "1.27", "."
    )
    out = run.out
    assert out.index("Newly fails (3)") < out.index("Metric names that disappear (1)")
    assert out.index("  LNK002 refused by the linker") < out.index(
        "  LNK003 target does not exist"
    )
    assert "    example.com/up/clock\n" in out
    assert (
        "clock/clock.go:5: link: example.com/up/clock: "
        "invalid reference to runtime.gcount" in out
    )
    assert out.rstrip().endswith("1 metric names gone, 1 metric names new.")


def test_upgrade_rejects_backwards_range(capsys, module):
    run = run_main(capsys, "upgrade", "--from", "1.27", "--to", "1.22", ".")
    assert run.code == 2 and "must be newer" in run.err


def _finding(code: str, versions: tuple[str, ...]) -> Finding:
    loc = Location("a/b.go", 1, 1, 1, 2)
    return Finding(code, Severity.ERROR, "m", loc, versions=versions)


@pytest.mark.parametrize(
    ("code", "versions", "section"),
    [
        ("LNK002", ("1.23", "1.24"), None),  # in between only
        ("LNK002", ("1.22", "1.23"), "fixed"),
        ("LNK002", ("1.22", "1.27"), "still-fails"),
        ("LNK002", (), "still-fails"),  # no versions: every target
        ("LNK005", ("1.27",), "newly-fails"),
        ("LNK004", ("1.23", "1.27"), "internals"),
        ("LNK004", ("1.22",), None),
        ("MET001", ("1.27",), "metrics-gone"),
        ("MET001", ("1.22",), "metrics-new"),
        ("MET001", (), None),  # unknown in every release: not a change
    ],
)
def test_classify(code, versions, section):
    changes = classify([_finding(code, versions)], GoVersion(1, 22), GoVersion(1, 27))
    assert [c.section for c in changes] == ([section] if section else [])
