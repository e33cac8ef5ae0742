"""In-source suppressions, seen through the JSON output, and SUP001-SUP003.

The finding suppressed throughout is LNK001's: a ``//go:linkname`` in a file
that does not import unsafe. Text after a ``//go:`` directive becomes part
of the directive, so these suppressions stand on the line above it or
anywhere in the file, never on the directive's own line.
"""

from __future__ import annotations

import pytest
from workspace import run_main, write_tree

DIRECTIVE_LINE = 4


def linkname_file(above: str, *, imports_unsafe: bool = False) -> str:
    """A Go file whose line 4 is a //go:linkname, with ``above`` on line 3."""
    package = 'package p; import _ "unsafe"' if imports_unsafe else "package p"
    directive = "//go:linkname nanotime runtime.nanotime\nfunc nanotime() int64\n"
    return f"{package}\n\n{above}\n{directive}"


@pytest.fixture
def check(capsys, tmp_path, monkeypatch):
    """Write ``p/f.go`` and run goabilint on it; return the JSON document."""
    monkeypatch.chdir(tmp_path)

    def run(source: str, *args: str) -> dict:
        write_tree(tmp_path, {"p/f.go": source})
        result = run_main(
            capsys, "--select", "LNK001,SUP", *args, "--format", "json", "p"
        )
        doc = result.json()
        doc["exit"] = result.code
        return doc

    return run


def codes_at(findings: list[dict]) -> list[tuple[str, int]]:
    return [(f["code"], f["line"]) for f in findings]


def test_unsuppressed_finding(check):
    doc = check(linkname_file("// nanotime is the runtime's clock."))

    assert codes_at(doc["findings"]) == [("LNK001", DIRECTIVE_LINE)]
    assert doc["suppressed"] == []


@pytest.mark.parametrize(
    ("comment", "reason"),
    [
        ("//goabilint:ignore LNK001 pushed by the runtime", "pushed by the runtime"),
        ("//goabilint:ignore linkname-missing-unsafe-import by name", "by name"),
        ("//goabilint:ignore SUP002,LNK001 two codes", "two codes"),
        (
            "//nolint:goabilint // generated; fixed upstream",
            "generated; fixed upstream",
        ),
        ("//nolint:errcheck,goabilint // shared", "shared"),
    ],
)
def test_suppressed_on_the_line_above(check, comment, reason):
    doc = check(linkname_file(comment))

    assert doc["findings"] == []
    [suppressed] = doc["suppressed"]
    assert (suppressed["code"], suppressed["line"]) == ("LNK001", DIRECTIVE_LINE)
    assert suppressed["justification"] == reason
    assert doc["summary"]["suppressed"] == 1
    assert doc["exit"] == 0  # suppressed findings do not fail the run


def test_file_ignore_covers_the_whole_file(check):
    source = linkname_file("") + (
        "\n//go:linkname cputicks runtime.cputicks\nfunc cputicks() int64\n"
        "\n//goabilint:file-ignore LNK001 only the old toolchain builds this file\n"
    )

    doc = check(source)

    assert doc["findings"] == []
    assert codes_at(doc["suppressed"]) == [("LNK001", 4), ("LNK001", 7)]
    assert {s["justification"] for s in doc["suppressed"]} == {
        "only the old toolchain builds this file"
    }


def test_trailing_comment_covers_only_its_own_line(check):
    doc = check(
        linkname_file("var x = 1 //goabilint:ignore LNK001 meant for the next line")
    )

    assert codes_at(doc["findings"]) == [("SUP002", 3), ("LNK001", DIRECTIVE_LINE)]


def test_comment_two_lines_above_does_not_cover(check):
    source = linkname_file("//goabilint:ignore LNK001 too far away\n")

    doc = check(source)

    assert codes_at(doc["findings"]) == [("SUP002", 3), ("LNK001", DIRECTIVE_LINE + 1)]


def test_other_linters_nolint_is_not_ours(check):
    doc = check(linkname_file("//nolint:errcheck // not about goabilint"))

    assert codes_at(doc["findings"]) == [("LNK001", DIRECTIVE_LINE)]


# SUP001: no reason


@pytest.mark.parametrize(
    "comment",
    [
        "//goabilint:ignore LNK001",
        "//nolint:goabilint",
        "//goabilint:file-ignore LNK001",
    ],
)
def test_missing_reason(check, comment):
    doc = check(linkname_file(comment))

    assert codes_at(doc["findings"]) == [("SUP001", 3)]
    [suppressed] = doc["suppressed"]
    assert suppressed["justification"] == "(no reason given)"


def test_bare_nolint_is_not_asked_for_a_reason(check):
    doc = check(linkname_file("//nolint"))

    assert doc["findings"] == []
    assert codes_at(doc["suppressed"]) == [("LNK001", DIRECTIVE_LINE)]


# SUP002: suppresses nothing


@pytest.mark.parametrize(
    ("comment", "what"),
    [
        ("//goabilint:ignore LNK001 not needed", "LNK001"),
        ("//goabilint:ignore linkname-missing-unsafe-import not needed", "LNK001"),
        ("//nolint:goabilint // not needed", "any goabilint rule"),
    ],
)
def test_unused_suppression(check, comment, what):
    doc = check(linkname_file(comment, imports_unsafe=True))

    [finding] = doc["findings"]
    assert (finding["code"], finding["line"]) == ("SUP002", 3)
    assert finding["message"] == f"unused suppression: {what} reported nothing here"


@pytest.mark.parametrize(
    "args",
    [
        ["--ignore", "LNK001"],
        ["--per-file-ignores", "p/*.go:LNK001"],
    ],
)
def test_unused_suppression_is_not_judged_when_its_rule_did_not_run(check, args):
    doc = check(
        linkname_file("//goabilint:ignore LNK001 not needed", imports_unsafe=True),
        *args,
    )

    assert doc["findings"] == []


def test_unused_suppression_can_be_ignored(check):
    doc = check(
        linkname_file("//goabilint:ignore LNK001 not needed", imports_unsafe=True),
        "--ignore",
        "SUP002",
    )

    assert doc["findings"] == []


# SUP003: unknown rule


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        ("//goabilint:ignore LNK01 typo", "suppression names 'LNK01'"),
        ("//goabilint:ignore", "suppression names no rule code"),
        (
            "//goabilint:file-ignore linkname-missing-import typo",
            "'linkname-missing-import'",
        ),
    ],
)
def test_unknown_code_suppresses_nothing(check, comment, message):
    doc = check(linkname_file(comment))

    assert doc["suppressed"] == []
    assert ("LNK001", DIRECTIVE_LINE) in codes_at(doc["findings"])
    sup003 = [f for f in doc["findings"] if f["code"] == "SUP003"]
    assert [f["line"] for f in sup003] == [3]
    assert message in sup003[0]["message"]


def test_unknown_code_beside_a_known_one(check):
    doc = check(linkname_file("//goabilint:ignore LNK001,NOPE999 mixed"))

    assert codes_at(doc["findings"]) == [("SUP003", 3)]
    assert codes_at(doc["suppressed"]) == [("LNK001", DIRECTIVE_LINE)]


def test_suppressions_in_sarif(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_tree(
        tmp_path, {"p/f.go": linkname_file("//goabilint:ignore LNK001 checked by hand")}
    )

    run = run_main(
        capsys, "--select", "LNK001", "--format", "sarif", "--sarif-suppressions", "p"
    )

    [result] = run.json()["runs"][0]["results"]
    assert result["ruleId"] == "LNK001"
    assert result["suppressions"] == [
        {"kind": "inSource", "status": "accepted", "justification": "checked by hand"}
    ]
