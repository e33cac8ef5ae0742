"""The composite GitHub Action in action.yml: its structure, and its main
step run here with bash as the runner would run it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
STEPS = ACTION["runs"]["steps"]
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def _texts(step: dict) -> list[str]:
    """Every string of a step that the runner evaluates expressions in."""
    out = [
        str(step.get("if", "")),
        str(step.get("run", "")),
        str(step.get("working-directory", "")),
    ]
    for key in ("env", "with"):
        out += [str(v) for v in (step.get(key) or {}).values()]
    return out


def test_metadata_and_inputs():
    assert {"name", "description", "inputs", "outputs", "runs"} <= set(ACTION)
    assert ACTION["runs"]["using"] == "composite"
    expected = {
        "paths",
        "args",
        "go-version",
        "working-directory",
        "sarif-file",
        "fail-on",
        "upload",
        "category",
        "version",
    }
    assert set(ACTION["inputs"]) == expected
    for name, spec in ACTION["inputs"].items():
        assert spec.get("description"), name
        assert "default" in spec or spec.get("required"), name
    assert ACTION["inputs"]["sarif-file"]["default"] == "goabilint.sarif"
    assert ACTION["inputs"]["upload"]["default"] == "true"


def test_every_input_is_used():
    used = {
        m
        for step in STEPS
        for text in _texts(step)
        for m in re.findall(r"\binputs\.([\w-]+)", text)
    }
    assert used == set(ACTION["inputs"])


def test_steps_are_well_formed():
    ids = [s["id"] for s in STEPS if "id" in s]
    assert len(ids) == len(set(ids))
    seen: set[str] = set()
    for step in STEPS:
        assert ("run" in step) != ("uses" in step), step
        if "run" in step:
            assert step.get("shell") == "bash", step
            bash = subprocess.run(
                ["bash", "-n"],
                input=step["run"],
                text=True,
                capture_output=True,
                check=False,
            )
            assert bash.returncode == 0, bash.stderr
            # Inputs reach scripts through env, never spliced into the code.
            assert not EXPR.search(step["run"]), step["run"]
            for var in set(
                re.findall(
                    r"\$\{?(INPUT_\w+|GOABILINT_\w+|PYTHON|STATUS)\b", step["run"]
                )
            ):
                assert var in (step.get("env") or {}), (step.get("name"), var)
        else:
            assert re.search(r"@(v\d+|[0-9a-f]{40})$", step["uses"]), step["uses"]
        # A step may only read outputs of steps before it.
        for text in _texts(step):
            for ref in re.findall(r"\bsteps\.([\w-]+)\.outputs", text):
                assert ref in seen, (step.get("name"), ref)
        if "id" in step:
            seen.add(step["id"])


def test_outputs_come_from_the_run_step():
    run_step = next(s for s in STEPS if s.get("id") == "run")
    for name, spec in ACTION["outputs"].items():
        assert spec["description"]
        assert spec["value"] == f"${{{{ steps.run.outputs.{name} }}}}"
        assert f'echo "{name}=' in run_step["run"], name


def test_upload_uses_codeql_action_with_the_report():
    upload = next(s for s in STEPS if "upload-sarif" in s.get("uses", ""))
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["if"] == "inputs.upload == 'true'"
    assert upload["with"]["sarif_file"] == "${{ steps.run.outputs.sarif-file }}"
    assert upload["with"]["category"] == "${{ inputs.category }}"


# -- the main step, run locally ------------------------------------------


def _evaluate(text: str, inputs: dict[str, str], outputs: dict[str, str]) -> str:
    """The few expressions the steps use; anything else fails the test."""

    def value(m: re.Match[str]) -> str:
        expr = m.group(1)
        if expr.startswith("inputs."):
            name = expr.removeprefix("inputs.")
            return inputs.get(name, ACTION["inputs"][name].get("default", ""))
        if expr in outputs:
            return outputs[expr]
        raise AssertionError(f"the test cannot evaluate ${{{{ {expr} }}}}")

    return EXPR.sub(value, text)


@pytest.fixture(scope="module")
def tools(tmp_path_factory) -> Path:
    """What the install step leaves in its bin directory: goabilint and python."""
    goabilint = shutil.which("goabilint")
    if goabilint is None:
        pytest.skip("goabilint is not installed as a command")
    bin_dir = tmp_path_factory.mktemp("bin")
    (bin_dir / "goabilint").symlink_to(goabilint)
    (bin_dir / "python").symlink_to(sys.executable)
    return bin_dir


def run_step(
    step_id: str,
    workspace: Path,
    tools: Path,
    outputs: dict[str, str] | None = None,
    **inputs: str,
) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    step = next(s for s in STEPS if s.get("id") == step_id)
    known = {"steps.install.outputs.bin": str(tools), **(outputs or {})}
    env = {
        k: _evaluate(str(v), inputs, known) for k, v in (step.get("env") or {}).items()
    }
    github_output = workspace / ".github_output"
    github_output.write_text("")
    cwd = workspace / _evaluate(step.get("working-directory", "."), inputs, known)
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step["run"]],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={
            **os.environ,
            **env,
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_OUTPUT": str(github_output),
            "GOABILINT_CACHE_DIR": str(workspace / ".cache"),
        },
    )
    written = dict(
        line.split("=", 1) for line in github_output.read_text().splitlines() if line
    )
    return proc, written


@pytest.fixture
def workspace(tmp_path) -> Path:
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    return tmp_path


def test_main_step_annotates_and_writes_sarif(workspace, tools):
    proc, out = run_step(
        "run",
        workspace,
        tools,
        **{
            "working-directory": "examples",
            "go-version": "1.21..1.27",
            "category": "goabilint/examples",
        },
    )
    # Findings fail the last step, after the upload, not this one.
    assert proc.returncode == 0, proc.stderr

    sarif = Path(out["sarif-file"])
    assert sarif == workspace / "examples" / "goabilint.sarif"
    run = json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]
    assert int(out["findings"]) == len(run["results"]) > 0
    assert out["exit-code"] == "1"
    assert run["automationDetails"]["id"] == "goabilint/examples/"
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in run["results"]
    }
    assert all(u.startswith("examples/") and (workspace / u).is_file() for u in uris)

    annotations = [line for line in proc.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == len(run["results"])
    assert all(",title=" in a and "file=examples/" in a for a in annotations)

    fail = next(s for s in STEPS if s.get("name") == "Fail on findings")
    assert fail["if"] == "steps.run.outputs.exit-code != '0'"
    proc, _ = run_step_script(fail, {"STATUS": out["exit-code"]}, workspace)
    assert proc.returncode == 1


def test_main_step_respects_fail_on_and_args(workspace, tools):
    proc, out = run_step(
        "run",
        workspace,
        tools,
        **{
            "working-directory": "examples",
            "fail-on": "never",
            "args": "--select LNK001",
        },
    )
    assert proc.returncode == 0, proc.stderr
    assert out["exit-code"] == "0" and out["findings"] == "1"


def test_main_step_fails_without_a_report(workspace, tools):
    proc, out = run_step("run", workspace, tools, args="--select NOPE999")
    assert proc.returncode == 2
    assert "wrote no SARIF report" in proc.stdout
    assert out == {}


def run_step_script(step: dict, env: dict[str, str], cwd: Path):
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-c", step["run"]],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return proc, {}
