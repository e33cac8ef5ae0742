"""SARIF that GitHub code scanning accepts.

The line fingerprint is checked against github/codeql-action's own test
vectors and against its definition; the document's content against what
GitHub reads; and the whole document against Microsoft's SARIF Multitool
(``Sarif`` and ``Ghas`` rule kinds, every level), installed by ``.ci/run``.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from workspace import LINKNAME_WITHOUT_UNSAFE, write_tree

from goabilint import __version__, engine
from goabilint.cli import main
from goabilint.engine import Notification, RunResult
from goabilint.outputs import sarif as sarif_module
from goabilint.outputs.fingerprint import line_hashes
from goabilint.outputs.sarif import render_sarif
from goabilint.rule import Finding, Location, Severity

REPO = Path(__file__).resolve().parent.parent
MULTITOOL = Path(
    os.environ.get("SARIF_MULTITOOL")
    or REPO / ".ci/npm/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
)

# -- the line fingerprint -------------------------------------------------

# From github/codeql-action, src/fingerprints.test.ts ("hash" test).
UPSTREAM_VECTORS = [
    ("", ["c129715d7a2bc9a3:1"]),
    (
        " a\nb\n  \t\tc\n d",
        [
            "271789c17abda88f:1",
            "54703d4cd895b18:1",
            "180aee12dab6264:1",
            "a23a3dc5e078b07b:1",
        ],
    ),
    (
        " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
        [
            "8b7cf3e952e7aeb2:1",
            "b1ae1287ec4718d9:1",
            "bff680108adb0fcc:1",
            "c6805c5e1288b612:1",
            "b86d3392aea1be30:1",
            "e6ceba753e1a442:1",
        ],
    ),
    *(
        (
            text,
            [
                "e9496ae3ebfced30:1",
                "fb7c023a8b9ccb3f:1",
                "ce8ba1a563dcdaca:1",
                "e20e36e16fcb0cc8:1",
                "b3edc88f2938467e:1",
                "c8e28b0b4002a3a0:1",
                "c129715d7a2bc9a3:1",
            ],
        )
        for text in (
            " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
            " hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
            " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
            " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
        )
    ),
    (
        "Lorem ipsum dolor sit amet.\n" * 10,
        [*(f"a7f2ff13bc495cf2:{i}" for i in range(1, 7))]
        + [
            "a7f2ff1481e87703:1",
            "a9cf91f7bbf1862b:1",
            "55ec222b86bcae53:1",
            "cc97dc7b1d7d8f7b:1",
            "c129715d7a2bc9a3:1",
        ],
    ),
    (
        "x = 2\nx = 1\nprint(x)\nx = 3\nprint(x)\nx = 4\nprint(x)\n",
        [
            "e54938cc54b302f1:1",
            "bb609acbe9138d60:1",
            "1131fd5871777f34:1",
            "5c482a0f8b35ea28:1",
            "54517377da7028d2:1",
            "2c644846cb18d53e:1",
            "f1b89f20de0d133:1",
            "c129715d7a2bc9a3:1",
        ],
    ),
]

# Derived by running the hash() function of codeql-action's
# lib/fingerprints.js under Node.js 20 on these bytes: a CR whose LF comes
# after a blank (two line breaks), a byte order mark, characters outside
# the BMP (two UTF-16 code units each), and bytes that are not UTF-8 (one
# U+FFFD each, as Node decodes them).
DERIVED_VECTORS = [
    (
        b"a\r \nb\r\t\r\nc",
        [
            "c52f781a43dbc195:1",
            "73409ca04f7d2c2e:1",
            "b0367d257df6d03c:1",
            "1c206f60a702cfe8:1",
            "188ff2f224477a1e:1",
        ],
    ),
    (b"\xef\xbb\xbfpackage p\n", ["d73ea118ba33dd80:1", "c129715d7a2bc9a3:1"]),
    (
        'package p\n// héllo wörld ✓ 𝄞 emoji 😀\nvar s = "日本語"\n'.encode(),
        [
            "3e56e9357b03a354:1",
            "925f8c3ca13d0a12:1",
            "9896c70209c5428d:1",
            "c129715d7a2bc9a3:1",
        ],
    ),
    (
        b"package p\n\xff\xfe bad \xc3( \xe2\x82 x \xf0\x9f\x98\nend\n",
        [
            "9bc538d26b8701e8:1",
            "cf409aa46b58b4f6:1",
            "fe2be582c6296f40:1",
            "c129715d7a2bc9a3:1",
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), UPSTREAM_VECTORS)
def test_line_hashes_match_codeql_action_vectors(text, expected):
    assert line_hashes(text.encode()) == expected


@pytest.mark.parametrize(("data", "expected"), DERIVED_VECTORS)
def test_line_hashes_match_codeql_action_on_unusual_bytes(data, expected):
    assert line_hashes(data) == expected


def _hashes_by_definition(data: bytes) -> list[str]:
    """The fingerprint as the module docstring defines it, window by window,
    without a rolling hash."""
    lines = re.split(r"\r\n|\r|\n", data.decode("utf-8", "replace"))
    stream: list[int] = []
    starts = []
    for i, line in enumerate(lines):
        starts.append(len(stream))
        raw = line.replace(" ", "").replace("\t", "").encode("utf-16-le")
        stream += [
            int.from_bytes(raw[k : k + 2], "little") for k in range(0, len(raw), 2)
        ]
        if i < len(lines) - 1:
            stream.append(ord("\n"))
    stream += [0xFFFF] + [0] * 100
    seen: Counter[str] = Counter()
    out = []
    for s in starts:
        window = stream[s : s + 100]
        value = sum(c * pow(37, 99 - k, 1 << 64) for k, c in enumerate(window)) % (
            1 << 64
        )
        seen[f"{value:x}"] += 1
        out.append(f"{value:x}:{seen[f'{value:x}']}")
    return out


_PIECES = [
    b"a",
    b"}",
    b" ",
    b"\t",
    b"\n",
    b"\r",
    b"\r\n",
    "é".encode(),
    "😀".encode(),
    b"\xff",
    b"\xe2\x82",
    b"x" * 70,
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=60).map(b"".join))
def test_line_hashes_follow_their_definition(data):
    assert line_hashes(data) == _hashes_by_definition(data)


# -- the document ---------------------------------------------------------


@pytest.fixture(scope="module")
def example_result() -> RunResult:
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        return engine.run(["examples"], {"isolated": True})
    finally:
        os.chdir(cwd)


@pytest.fixture(scope="module")
def fixtures_result() -> RunResult:
    """Every rule's fixtures: related locations, Go versions, suppressions;
    plus a crashed rule and a path-less warning among the notifications."""
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        dirs = sorted(
            p.relative_to(REPO).as_posix() for p in (REPO / "testdata").iterdir()
        )
        result = engine.run(dirs, {"isolated": True, "overrides": {"select": ("ALL",)}})
    finally:
        os.chdir(cwd)
    extra = [
        Notification(
            "error", "rule LNK001 crashed: ValueError: boom", dirs[0], "rule LNK001"
        ),
        Notification("warning", "a path-less warning"),
    ]
    return dataclasses.replace(result, notifications=[*result.notifications, *extra])


def _sarif(result: RunResult, monkeypatch, **options) -> dict:
    monkeypatch.chdir(REPO)  # the runs' paths are relative to it
    return json.loads(render_sarif(result, root=REPO, **options))


def test_driver_and_rule_metadata(example_result, monkeypatch):
    driver = _sarif(example_result, monkeypatch)["runs"][0]["tool"]["driver"]
    assert driver["name"] == "goabilint"
    assert driver["version"] == driver["semanticVersion"] == __version__
    assert driver["informationUri"].startswith("https://")

    rules = {r.code: r for r in example_result.rules}
    assert [d["id"] for d in driver["rules"]] == sorted(rules)
    for d in driver["rules"]:
        rule = rules[d["id"]]
        assert d["name"] == rule.name
        assert d["shortDescription"]["text"] == rule.title
        assert d["fullDescription"]["text"]
        assert d["help"]["text"] == d["help"]["markdown"] == rule.doc
        assert d["helpUri"].endswith(f"/docs/rules/{rule.code}.md")
        assert d["defaultConfiguration"]["level"] == str(rule.severity)
        props = d["properties"]
        assert props["tags"][0] == rule.family and set(rule.tags) <= set(props["tags"])
        assert props["precision"] == rule.precision
        assert props["problem.severity"] in ("error", "warning", "recommendation")
        if rule.security_severity is None:
            assert "security-severity" not in props
        else:
            assert "security" in props["tags"]
            assert float(props["security-severity"]) == rule.security_severity
    assert any("security-severity" in d["properties"] for d in driver["rules"])


def test_results_carry_what_github_reads(example_result, monkeypatch):
    run = _sarif(example_result, monkeypatch, category="goabilint/examples")["runs"][0]
    assert run["columnKind"] == "utf16CodeUnits"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == REPO.as_uri() + "/"
    assert run["automationDetails"]["id"] == "goabilint/examples/"
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]

    assert len(run["results"]) == len(example_result.findings) > 0
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert (
            result["level"] in ("error", "warning", "note")
            and result["message"]["text"]
        )
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        artifact = physical["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%" and artifact["uri"].startswith(
            "examples/"
        )
        region = physical["region"]
        assert {"startLine", "startColumn", "endLine", "endColumn"} <= set(region)

        data = (REPO / artifact["uri"]).read_bytes()
        expected = line_hashes(data)[region["startLine"] - 1]
        assert result["partialFingerprints"] == {"primaryLocationLineHash": expected}
        lines = data.decode().split("\n")
        line = lines[region["startLine"] - 1]
        snippet = region["snippet"]["text"].split("\n")
        if len(snippet) == 1:
            assert snippet[0] in line
        else:  # a region over several lines: first and last line, in part
            assert line.endswith(snippet[0])
            assert lines[region["endLine"] - 1].startswith(snippet[-1])
        context = physical["contextRegion"]
        assert (
            context["startLine"]
            <= region["startLine"]
            <= region["endLine"]
            <= context["endLine"]
        )
        assert line in context["snippet"]["text"]


def test_related_locations_versions_and_notifications(fixtures_result, monkeypatch):
    run = _sarif(fixtures_result, monkeypatch)["runs"][0]
    related = [r for r in run["results"] if "relatedLocations" in r]
    assert related, "no fixture has related locations any more"
    for r in related:
        for i, loc in enumerate(r["relatedLocations"], 1):
            assert loc["id"] == i and loc["message"]["text"]
            assert (
                loc["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
            )
    versioned = [r for r in run["results"] if "goVersions" in r.get("properties", {})]
    assert versioned and all(
        r["properties"]["goVersionsText"].startswith("go") for r in versioned
    )

    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    crash = next(
        n for n in invocation["toolExecutionNotifications"] if n["level"] == "error"
    )
    index = crash["associatedRule"]["index"]
    assert (
        run["tool"]["driver"]["rules"][index]["id"]
        == crash["associatedRule"]["id"]
        == "LNK001"
    )


def test_suppressed_findings_only_on_request(fixtures_result, monkeypatch):
    assert fixtures_result.suppressed, "the fixtures suppress nothing any more"
    plain = _sarif(fixtures_result, monkeypatch)["runs"][0]["results"]
    assert not any("suppressions" in r for r in plain)

    run = _sarif(fixtures_result, monkeypatch, include_suppressed=True)["runs"][0]
    marked = [r for r in run["results"] if "suppressions" in r]
    assert len(marked) == len(fixtures_result.suppressed)
    assert len(run["results"]) == len(plain) + len(marked)
    for r in marked:
        (s,) = r["suppressions"]
        assert (
            s["kind"] == "inSource" and s["status"] == "accepted" and "state" not in s
        )
    reasons = {s.suppressed for s in fixtures_result.suppressed}
    assert {r["suppressions"][0].get("justification") for r in marked} <= reasons


def test_fingerprint_keeps_identity_when_lines_move(tmp_path, monkeypatch):
    write_tree(tmp_path, {"p/a.go": LINKNAME_WITHOUT_UNSAFE})
    monkeypatch.chdir(tmp_path)

    def only_result() -> dict:
        result = engine.run(["p"], {"isolated": True})
        (r,) = json.loads(render_sarif(result))["runs"][0]["results"]
        return r

    before = only_result()
    (tmp_path / "p/a.go").write_text("// a comment\n\n" + LINKNAME_WITHOUT_UNSAFE)
    after = only_result()

    def line(r: dict) -> int:
        return r["locations"][0]["physicalLocation"]["region"]["startLine"]

    assert line(after) == line(before) + 2
    assert after["partialFingerprints"] == before["partialFingerprints"]


def _finding(path: str, line: int, severity: Severity) -> Finding:
    return Finding(
        "LNK001", severity, f"problem {line}", Location(path, line, 1, line, 2)
    )


def test_results_over_githubs_limit_are_cut_least_severe_first(
    example_result, monkeypatch, caplog
):
    monkeypatch.setattr(sarif_module, "MAX_RESULTS", 3)
    findings = [
        _finding("gone.go", 1, Severity.NOTE),
        _finding("gone.go", 2, Severity.ERROR),
        _finding("gone.go", 3, Severity.WARNING),
        _finding("gone.go", 4, Severity.NOTE),
        _finding("gone.go", 5, Severity.ERROR),
    ]
    result = RunResult(findings, [], [], example_result.rules)
    # An earlier cli.main() may have pointed goabilint's logger elsewhere.
    logger = logging.getLogger("goabilint")
    monkeypatch.setattr(logger, "handlers", [])
    monkeypatch.setattr(logger, "propagate", True)
    with caplog.at_level(logging.WARNING, logger="goabilint"):
        run = json.loads(render_sarif(result))["runs"][0]
    assert [r["message"]["text"] for r in run["results"]] == [
        "problem 2",
        "problem 3",
        "problem 5",
    ]
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert (
        note["level"] == "warning"
        and "2 of 5 results were left out" in note["message"]["text"]
    )
    assert "left out 2 results" in caplog.text
    # A file that cannot be read leaves the result without fingerprint or snippet.
    assert "partialFingerprints" not in run["results"][0]


def test_repo_root_for_sarif_and_annotations(tmp_path, monkeypatch, capsys):
    write_tree(tmp_path, {"mod/p/a.go": LINKNAME_WITHOUT_UNSAFE})
    monkeypatch.chdir(tmp_path / "mod")
    code = main(
        [
            "check",
            "--isolated",
            "--no-cache",
            "--format",
            "github",
            "--sarif-output",
            "out.sarif",
            "--repo-root",
            str(tmp_path),
            "p",
        ]
    )
    assert code == 1
    assert "file=mod/p/a.go," in capsys.readouterr().out
    run = json.loads((tmp_path / "mod/out.sarif").read_text())["runs"][0]
    artifact = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "mod/p/a.go", "uriBaseId": "%SRCROOT%"}
    assert (
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        == tmp_path.resolve().as_uri() + "/"
    )


# -- the SARIF Multitool --------------------------------------------------

# Notes the Multitool still makes, and why each is right for goabilint.
ACCEPTED_NOTES = {
    # GitHub shows message.text; message ids with arguments buy nothing there.
    "SARIF2002",
    # The upload action sends the commit and ref itself.
    "SARIF2003",
    # helpUri and $schema are fetched over the network, which tests lack.
    "SARIF2006",
    # Rule names are kebab-case: the same names --select and suppressions use.
    "SARIF2012",
}


def _multitool(sarif_path: Path, rule_kind: str) -> list[dict]:
    """Validate with every level and result kind reported; the Multitool's
    results. (Its exit status is 0 whatever it finds.)"""
    if not MULTITOOL.is_file():
        if os.environ.get("CI"):
            pytest.fail(
                f"SARIF Multitool not installed at {MULTITOOL}; .ci/run installs it"
            )
        pytest.skip("SARIF Multitool not installed (npm install --prefix .ci/npm ...)")
    out = sarif_path.with_name(sarif_path.stem + ".validation.sarif")
    proc = subprocess.run(
        [
            str(MULTITOOL),
            "validate",
            "--rule-kind",
            rule_kind,
            "--level",
            "Error;Warning;Note",
            "--kind",
            "Fail;Pass;Review;Open;NotApplicable;Informational",
            "--log",
            "ForceOverwrite",
            "--output",
            str(out),
            str(sarif_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0 and out.is_file(), proc.stdout + proc.stderr
    return json.loads(out.read_text(encoding="utf-8"))["runs"][0]["results"]


def _levels(results: list[dict]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for r in results:
        found.setdefault(r.get("level", "warning"), set()).add(r["ruleId"])
    return found


SCENARIOS = {
    "example": lambda ex, fx: (ex, {}),
    "fixtures-suppressed-categorised": lambda ex, fx: (
        fx,
        {"include_suppressed": True, "category": "goabilint/fixtures"},
    ),
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_multitool_accepts_the_sarif(
    scenario, example_result, fixtures_result, tmp_path, monkeypatch
):
    result, options = SCENARIOS[scenario](example_result, fixtures_result)
    path = tmp_path / "goabilint.sarif"
    path.write_text(
        json.dumps(_sarif(result, monkeypatch, **options)), encoding="utf-8"
    )

    results = _multitool(path, "Sarif;Ghas")
    levels = _levels(results)
    assert not levels.get("error"), results
    assert not levels.get("warning"), results
    assert set(levels) <= {"note"}, levels
    assert levels.get("note", set()) <= ACCEPTED_NOTES, levels


def test_multitool_check_sees_errors_warnings_and_notes(
    example_result, tmp_path, monkeypatch
):
    # A control: the same validation must complain about a spoiled document,
    # with the rules of both kinds.
    doc = _sarif(example_result, monkeypatch)
    run = doc["runs"][0]
    run["tool"]["driver"]["version"] = "VERSION"  # not numeric: a warning
    del run["results"][0]["locations"]  # GitHub needs a location: an error
    path = tmp_path / "spoiled.sarif"
    path.write_text(json.dumps(doc), encoding="utf-8")

    levels = _levels(_multitool(path, "Sarif;Ghas"))
    assert any(rule.startswith("GH") for rule in levels.get("error", ()))  # Ghas
    assert "SARIF2005" in levels.get("warning", set())  # Sarif
    assert levels.get("note")
