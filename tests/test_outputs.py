"""Renderings of the example module: snapshots, and SARIF against its schema.

Snapshots live in ``tests/snapshots/``; after an intended change, refresh
them with ``GOABILINT_UPDATE_SNAPSHOTS=1 pytest tests/test_outputs.py`` and
review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from goabilint import __version__, engine
from goabilint.outputs import render_github, render_json, render_sarif, render_text

REPO = Path(__file__).resolve().parent.parent
SNAPSHOTS = Path(__file__).parent / "snapshots"
SCHEMA_CANDIDATES = [
    os.environ.get("SARIF_SCHEMA", ""),
    str(
        REPO / ".ci/npm/node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json"
    ),
]


@pytest.fixture(scope="module")
def example_result():
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        yield engine.run(["examples"], {"isolated": True})
    finally:
        os.chdir(cwd)


def _stable(text: str) -> str:
    """Take out what changes from machine to machine or release to release."""
    return text.replace(REPO.as_uri(), "file:///REPO").replace(__version__, "VERSION")


def assert_snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    text = _stable(text)
    if os.environ.get("GOABILINT_UPDATE_SNAPSHOTS"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no snapshot {path}; run with GOABILINT_UPDATE_SNAPSHOTS=1"
    assert text == path.read_text(encoding="utf-8")


def test_example_fires_every_builtin_rule(example_result):
    fired = {f.code for f in example_result.findings}
    builtin = {r.code for r in example_result.rules if not r.code.startswith("SUP")}
    assert builtin <= fired, f"rules silent on examples/: {sorted(builtin - fired)}"


def test_text_snapshot(example_result):
    assert_snapshot("examples.txt", render_text(example_result))


def test_github_snapshot(example_result):
    assert_snapshot("examples.github.txt", render_github(example_result))


def test_json_snapshot(example_result):
    assert_snapshot("examples.json", render_json(example_result))


def test_sarif_snapshot(example_result, monkeypatch):
    monkeypatch.chdir(REPO)  # where the run was: its paths are relative to it
    sarif = render_sarif(example_result, root=REPO, category="goabilint/examples")
    assert_snapshot("examples.sarif", sarif)


def test_sarif_validates_against_schema(example_result, monkeypatch):
    monkeypatch.chdir(REPO)
    jsonschema = pytest.importorskip("jsonschema")
    schema_path = next(
        (Path(p) for p in SCHEMA_CANDIDATES if p and Path(p).is_file()), None
    )
    if schema_path is None:
        if os.environ.get("CI"):
            pytest.fail("SARIF schema not installed; .ci/run installs it with npm")
        pytest.skip("SARIF 2.1.0 schema not found (npm install --prefix .ci/npm ...)")
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    doc = json.loads(render_sarif(example_result, root=REPO, include_suppressed=True))
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:20])

    # The schema must be able to say no, or this test proves nothing.
    broken = json.loads(json.dumps(doc))
    broken["runs"][0]["results"][0]["level"] = "fatal"
    assert any(True for _ in validator.iter_errors(broken))
    run = doc["runs"][0]
    assert run["columnKind"] == "utf16CodeUnits"
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        loc = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert loc["uriBaseId"] == "%SRCROOT%" and not loc["uri"].startswith("/")
