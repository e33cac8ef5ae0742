"""The README's first command: a regular (non-editable) install works.

Installs the project into a temporary directory, as `pip install .` would
lay it out, and runs the installed goabilint on the bundled example module.
``python -P`` keeps the working directory (the checkout) off sys.path.
This catches rule modules or packages missing from the distribution, which
an editable install hides.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("site")
    build = tmp_path_factory.mktemp("build")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(build),
            str(REPO),
        ],
        check=True,
        timeout=300,
        cwd=build,
    )
    wheel = next(build.glob("goabilint-*.whl"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    return target


def _run(target: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(target)}
    return subprocess.run(
        [sys.executable, "-P", "-m", "goabilint", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )


def test_installed_copy_is_the_one_running(installed):
    out = _run(installed, "rules", "--format", "json")
    assert out.returncode == 0, out.stderr
    code = "import goabilint_rules, goabilint; print(goabilint_rules.__file__, goabilint.__file__)"
    where = subprocess.run(
        [sys.executable, "-P", "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(installed)},
        timeout=60,
    ).stdout
    assert where.count(str(installed)) == 2, where


def test_installed_copy_checks_the_example(installed):
    out = _run(installed, "check", "examples")
    assert out.returncode == 1, out.stderr
    from goabilint.plugins import load_registry

    builtin = {r.code for r in load_registry().rules}
    fired = {
        line.split()[1]
        for line in out.stdout.splitlines()
        if line.startswith("examples/")
    }
    assert builtin <= fired, sorted(builtin - fired)
