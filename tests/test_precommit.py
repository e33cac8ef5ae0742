"""The pre-commit hooks in .pre-commit-hooks.yaml, run by the real pre-commit.

pre-commit clones a hook repository at a commit, so the test first commits a
snapshot of this checkout (uncommitted changes included) to a scratch
repository, then points a Go project's .pre-commit-config.yaml at it.
Installing the hook builds goabilint in pre-commit's own virtualenv and
needs its dependencies from the package index; the environment is built
once for the module.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from workspace import LINKNAME_WITHOUT_UNSAFE, write_tree

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    shutil.which("pre-commit") is None or shutil.which("git") is None,
    reason="needs pre-commit and git (pip install -e '.[test]')",
)

GOOD = """\
package clock

import _ "unsafe"

//go:linkname nanotime runtime.nanotime
func nanotime() int64
"""
BAD = LINKNAME_WITHOUT_UNSAFE.replace("package p", "package clock")
SIBLING_WITH_PROBLEM = "package clock\n\n// go:nosplit\nfunc fast() {}\n"


def _git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=120,
    )
    return proc.stdout


def _quiet_git_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        HOME=str(home),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.com",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.com",
    )
    return env


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("home")
    e = _quiet_git_env(home)
    e["PRE_COMMIT_HOME"] = str(tmp_path_factory.mktemp("pre-commit-home"))
    e["GOABILINT_CACHE_DIR"] = str(tmp_path_factory.mktemp("goabilint-cache"))
    e.pop("PRE_COMMIT", None)
    return e


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory, env) -> tuple[Path, str]:
    """This checkout as pre-commit will see it once committed."""
    snapshot = tmp_path_factory.mktemp("hook-repo")
    listed = _git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for rel in filter(None, listed.split("\0")):
        src = REPO / rel
        if src.is_file():
            (snapshot / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, snapshot / rel)
    _git(snapshot, "init", "-q", env=env)
    _git(snapshot, "add", "-A", env=env)
    _git(snapshot, "commit", "-q", "-m", "snapshot", env=env)
    return snapshot, _git(snapshot, "rev-parse", "HEAD", env=env).strip()


def _project(
    root: Path, hook_repo: tuple[Path, str], hook_id: str, env: dict[str, str]
) -> Path:
    path, rev = hook_repo
    config = {"repos": [{"repo": str(path), "rev": rev, "hooks": [{"id": hook_id}]}]}
    write_tree(
        root,
        {
            "go.mod": "module example.com/clock\n\ngo 1.22\n",
            ".pre-commit-config.yaml": yaml.safe_dump(config),
        },
    )
    _git(root, "init", "-q", env=env)
    _git(root, "add", "-A", env=env)
    _git(root, "commit", "-q", "-m", "project", env=env)
    subprocess.run(
        ["pre-commit", "install"],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return root


def _commit(root: Path, env: dict[str, str], *files: str) -> tuple[int, str]:
    """Stage ``files`` and commit; the exit status and what the hooks said."""
    _git(root, "add", *files, env=env)
    proc = subprocess.run(
        ["git", "commit", "-m", "change"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=900,
        check=False,
    )
    return proc.returncode, proc.stdout


def _commits(root: Path, env: dict[str, str]) -> int:
    return int(_git(root, "rev-list", "--count", "HEAD", env=env))


def test_hook_definitions():
    hooks = {
        h["id"]: h
        for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    }
    assert set(hooks) == {"goabilint", "goabilint-all"}
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["require_serial"] is True
        assert hook["types_or"] == ["go", "asm"] and hook["entry"] == "goabilint check"
    assert hooks["goabilint-all"]["pass_filenames"] is False


def test_bad_file_fails_the_commit_and_fixed_one_passes(tmp_path, hook_repo, env):
    root = _project(tmp_path / "project", hook_repo, "goabilint", env)
    write_tree(root, {"clock/clock.go": BAD})

    status, said = _commit(root, env, "clock/clock.go")
    assert status != 0, said
    assert "clock/clock.go:3:1: LNK001" in said, said
    assert _commits(root, env) == 1

    write_tree(root, {"clock/clock.go": GOOD})
    status, said = _commit(root, env, "clock/clock.go")
    assert status == 0, said
    assert re.search(r"^goabilint\.+Passed$", said, re.MULTILINE), said
    assert _commits(root, env) == 2


def test_only_committed_files_are_reported(tmp_path, hook_repo, env):
    root = _project(tmp_path / "project", hook_repo, "goabilint", env)
    # An untracked file of the same package with a problem of its own: read
    # with the package, but not this commit's business.
    write_tree(root, {"clock/clock.go": GOOD, "clock/fast.go": SIBLING_WITH_PROBLEM})
    status, said = _commit(root, env, "clock/clock.go")
    assert status == 0, said
    assert _commits(root, env) == 2


def test_whole_repository_hook_reports_every_package(tmp_path, hook_repo, env):
    root = _project(tmp_path / "project", hook_repo, "goabilint-all", env)
    write_tree(root, {"clock/clock.go": GOOD, "clock/fast.go": SIBLING_WITH_PROBLEM})
    _git(root, "add", "clock/clock.go", env=env)
    run = subprocess.run(
        ["pre-commit", "run", "goabilint-all"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=900,
        check=False,
    )
    assert run.returncode != 0, run.stdout
    assert "clock/fast.go:3:1: LNK007" in run.stdout, run.stdout
