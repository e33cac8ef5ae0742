"""Third-party plugins, installed as their own distributions.

``tests/plugin_example`` is built and installed with pip into a directory of
its own, once for this module; goabilint then runs in a subprocess that finds
it through ``PYTHONPATH``, exactly as it would find a plugin installed next
to it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from workspace import run_process, write_tree

EXAMPLE = Path(__file__).parent / "plugin_example"

TODO_PANIC = """\
package p

func Delete() error {
	panic("TODO")
}

func Fail() {
	panic("cannot happen")
}
"""


def _pythonpath(*dirs: Path) -> dict[str, str]:
    paths = [str(d) for d in dirs]
    if os.environ.get("PYTHONPATH"):
        paths.append(os.environ["PYTHONPATH"])
    return {"PYTHONPATH": os.pathsep.join(paths)}


@pytest.fixture(scope="module")
def example_site(tmp_path_factory):
    """A directory holding the installed goabilint-plugin-example."""
    # Build from a copy, so that setuptools' build/ and egg-info stay out of tests/.
    src = tmp_path_factory.mktemp("src") / "plugin_example"
    shutil.copytree(EXAMPLE, src, ignore=shutil.ignore_patterns("__pycache__"))
    site = tmp_path_factory.mktemp("site")
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps"]
    offline = ["--no-build-isolation", "--no-index"]
    proc = subprocess.run(
        [*pip, *offline, "--target", str(site), str(src)],
        capture_output=True,
        text=True,
        check=False,  # show pip's own message below
    )
    assert proc.returncode == 0, proc.stderr
    return site


@pytest.fixture
def broken_site(tmp_path):
    """A directory holding a plugin distribution whose module raises on import.

    Written by hand: a dist-info directory is all that entry points need.
    """
    dist_info = "goabilint_plugin_broken-0.1.0.dist-info"
    metadata = "Metadata-Version: 2.1\nName: goabilint-plugin-broken\nVersion: 0.1.0\n"
    entry_points = "[goabilint]\nbroken = goabilint_plugin_broken\n"
    return write_tree(
        tmp_path / "site",
        {
            "goabilint_plugin_broken.py": 'raise RuntimeError("broken on purpose")\n',
            f"{dist_info}/METADATA": metadata,
            f"{dist_info}/entry_points.txt": entry_points,
        },
    )


@pytest.fixture
def go_dir(tmp_path):
    write_tree(tmp_path, {"go/p/todo.go": TODO_PANIC})
    return tmp_path / "go"


def test_plugin_rule_is_listed(example_site, tmp_path):
    run = run_process("rules", cwd=tmp_path, env=_pythonpath(example_site))

    assert run.code == 0
    [row] = [r for r in run.out.splitlines() if r.startswith("EXA001 ")]
    assert row.split()[1:4] == ["todo-panic", "warning", "on"]
    assert "LNK001" in run.out


def test_plugin_is_named_by_distribution_and_entry(example_site, tmp_path):
    run = run_process(
        "rules", "--format", "json", cwd=tmp_path, env=_pythonpath(example_site)
    )

    origins = {r["code"]: r["plugin"] for r in run.json()}
    assert origins["EXA001"] == "goabilint-plugin-example[todo]"
    assert origins["LNK001"] == "goabilint[linkname]"


def test_plugin_rule_is_explained(example_site, tmp_path):
    run = run_process(
        "explain", "todo-panic", cwd=tmp_path, env=_pythonpath(example_site)
    )

    assert run.code == 0
    assert run.out.startswith("# EXA001 todo-panic\n")
    assert "## Known problems" in run.out
    assert run.err == ""  # every doc section is present, so no warning


def test_plugin_rule_fires(example_site, go_dir):
    run = run_process(
        "check", "--select", "EXA", "p", cwd=go_dir, env=_pythonpath(example_site)
    )

    assert run.code == 1
    assert run.out.splitlines() == [
        'p/todo.go:4:2: EXA001 panic("TODO") placeholder',
        "  help: implement it or return an error",
        "Found 1 problem (1 warning) in 1 file.",
    ]


def test_autoload_disabled(example_site, go_dir):
    env = _pythonpath(example_site) | {"GOABILINT_DISABLE_PLUGIN_AUTOLOAD": "1"}

    rules = run_process("rules", cwd=go_dir, env=env)
    check = run_process("check", "--format", "json", "p", cwd=go_dir, env=env)
    selected = run_process("check", "--select", "EXA001", "p", cwd=go_dir, env=env)

    assert "EXA001" not in rules.out
    assert "LNK001" in rules.out
    assert "EXA001" not in {f["code"] for f in check.json()["findings"]}
    assert selected.code == 2
    assert selected.err.splitlines() == [
        "error: --select: unknown rule code or name 'EXA001'"
    ]


@pytest.mark.parametrize("command", [["rules"], ["check", "p"]])
def test_broken_plugin_is_named_in_one_line(broken_site, go_dir, command):
    run = run_process(*command, cwd=go_dir, env=_pythonpath(broken_site))

    assert (run.code, run.out) == (2, "")
    assert run.err.splitlines() == [
        (
            "error: plugin goabilint-plugin-broken[broken] failed to load: "
            "RuntimeError: broken on purpose"
        )
    ]


def test_broken_plugin_is_not_loaded_when_autoload_is_disabled(broken_site, go_dir):
    env = _pythonpath(broken_site) | {"GOABILINT_DISABLE_PLUGIN_AUTOLOAD": "1"}

    run = run_process("rules", cwd=go_dir, env=env)

    assert (run.code, run.err) == (0, "")
    assert "LNK001" in run.out
