"""The command line: commands, exit status, output streams, rule selection."""

from __future__ import annotations

import functools
import json
import subprocess
import sys

import pytest
from workspace import (
    CLEAN,
    LINKNAME_LINE,
    LINKNAME_WITHOUT_UNSAFE,
    run_main,
    run_process,
    write_tree,
)

from goabilint import __version__


@pytest.fixture
def cli(capsys, tmp_path, monkeypatch):
    """Run ``goabilint ARGS`` in-process from an empty working directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return functools.partial(run_main, capsys)


@pytest.fixture
def bad(tmp_path):
    """A package with one LNK001 finding, as ``pkg/bad.go``."""
    write_tree(tmp_path, {"pkg/bad.go": LINKNAME_WITHOUT_UNSAFE})
    return "pkg"


@pytest.fixture
def clean(tmp_path):
    write_tree(tmp_path, {"ok/ok.go": CLEAN})
    return "ok"


# Commands


def test_check_is_the_default_command(cli, bad):
    implicit = cli("--select", "LNK001", bad)
    explicit = cli("check", "--select", "LNK001", bad)

    assert implicit == explicit
    assert implicit.code == 1
    assert f"pkg/bad.go:{LINKNAME_LINE}:1: LNK001 " in implicit.out


def test_check_without_paths_analyses_the_working_directory(cli, bad):
    run = cli("--select", "LNK001", "--format", "json")

    assert run.paths() == ["pkg/bad.go"]


def test_version(tmp_path):
    run = run_process("--version", cwd=tmp_path)

    assert (run.code, run.out, run.err) == (0, f"goabilint {__version__}\n", "")


def test_the_command_leaves_at_once_with_its_output_whole(tmp_path):
    # entry() ends the process with os._exit once main() returns: what it
    # wrote, to a pipe or to a file, must be complete, and the status kept.
    write_tree(tmp_path, {f"p{i}/bad.go": LINKNAME_WITHOUT_UNSAFE for i in range(40)})
    out = tmp_path / "out.json"

    piped = run_process("check", "--no-cache", "--format", "json", ".", cwd=tmp_path)
    written = run_process(
        "check",
        "--no-cache",
        "--format",
        "sarif",
        "--output",
        str(out),
        ".",
        cwd=tmp_path,
    )

    assert piped.code == 1 and len(piped.json()["findings"]) == 40
    assert (
        written.code == 1
        and len(json.loads(out.read_text())["runs"][0]["results"]) == 40
    )


def test_a_profiler_still_gets_to_write_its_figures(tmp_path):
    # python -m cProfile -o F -m goabilint writes F when the program ends;
    # a profiled run must leave the normal way.
    write_tree(tmp_path, {"p/bad.go": LINKNAME_WITHOUT_UNSAFE})
    stats = tmp_path / "run.prof"
    proc = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(stats), "-m", "goabilint"]
        + ["check", "--no-cache", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # (cProfile swallows the exit status itself.)
    assert "LNK001" in proc.stdout, proc.stderr
    assert stats.stat().st_size > 0


def test_rules_text_lists_each_rule_once(cli):
    run = cli("rules")

    assert run.code == 0
    header, *rows = run.out.splitlines()
    assert header.split() == ["CODE", "NAME", "SEVERITY", "DEFAULT", "TITLE"]
    lnk001 = [r for r in rows if r.startswith("LNK001 ")]
    assert len(lnk001) == 1
    assert lnk001[0].split()[1:4] == ["linkname-missing-unsafe-import", "error", "on"]


def test_rules_json(cli):
    run = cli("rules", "--format", "json")

    rules = {r["code"]: r for r in json.loads(run.out)}
    assert rules["LNK001"] == {
        "code": "LNK001",
        "name": "linkname-missing-unsafe-import",
        "title": "//go:linkname in a file that does not import unsafe",
        "severity": "error",
        "default_enabled": True,
        "since": "0.1.0",
        "plugin": "goabilint[linkname]",
    }
    assert {"SUP001", "SUP002", "SUP003"} <= rules.keys()


def test_rules_markdown(cli):
    run = cli("rules", "--format", "markdown")

    lines = run.out.splitlines()
    assert lines[:2] == [
        "| Code | Name | Severity | Default | Title |",
        "|---|---|---|---|---|",
    ]
    assert "| LNK001 | `linkname-missing-unsafe-import` | error | on |" in run.out


@pytest.mark.parametrize("rule", ["LNK001", "lnk001", "linkname-missing-unsafe-import"])
def test_explain_by_code_or_name(cli, rule):
    run = cli("explain", rule)

    assert run.code == 0
    assert run.out.startswith("# LNK001 linkname-missing-unsafe-import\n")
    for section in ("## What it does", "## Why is this bad?", "## Use instead"):
        assert section in run.out


def test_explain_unknown_rule(cli):
    run = cli("explain", "NOPE999")

    assert (run.code, run.out) == (2, "")
    assert run.err_lines == ["error: unknown rule 'NOPE999' (see 'goabilint rules')"]


def test_usage_error_is_one_line(cli, bad):
    run = cli("--format", "xml", bad)

    assert run.code == 2
    assert len(run.err_lines) == 1
    assert run.err.startswith("error: argument --format: invalid choice: 'xml'")


# Exit status


def test_exit_0_when_clean(cli, clean):
    run = cli(clean)

    assert run.code == 0
    assert run.out == "No problems found in 1 file.\n"


def test_exit_1_on_findings(cli, bad):
    assert cli("--select", "LNK001", bad).code == 1


def test_exit_zero(cli, bad):
    run = cli("--select", "LNK001", "--exit-zero", bad)

    assert run.code == 0
    assert "LNK001" in run.out


@pytest.mark.parametrize(
    ("severity", "fail_on", "code"),
    [
        ("error", "error", 1),
        ("warning", "error", 0),
        ("warning", "warning", 1),
        ("note", "warning", 0),
        ("note", "note", 1),
        ("error", "never", 0),
    ],
)
def test_fail_on(cli, bad, severity, fail_on, code):
    override = f"LNK001={severity}"

    run = cli("--select", "LNK001", "--severity", override, "--fail-on", fail_on, bad)

    assert run.code == code


# Outputs and streams


@pytest.fixture
def out_dir(tmp_path):
    """An empty directory for ``--output`` files."""
    (tmp_path / "out").mkdir()
    return tmp_path / "out"


def test_output_file_gets_what_stdout_would(cli, bad, out_dir):
    printed = cli("--select", "LNK001", "--format", "sarif", bad)
    written = cli(
        "--select", "LNK001", "--format", "sarif", "--output", "out/res.sarif", bad
    )

    assert written.out == ""
    assert written.code == printed.code == 1
    assert (out_dir / "res.sarif").read_text() == printed.out
    assert [p.name for p in out_dir.iterdir()] == ["res.sarif"]  # no temporary files


def test_output_file_is_replaced(cli, bad, out_dir):
    (out_dir / "res.txt").write_text("old results\n" * 100)

    cli("--select", "LNK001", "-q", "--output", "out/res.txt", bad)

    assert (out_dir / "res.txt").read_text().startswith("pkg/bad.go:3:1: LNK001 ")
    assert [p.name for p in out_dir.iterdir()] == ["res.txt"]


def test_output_file_that_cannot_be_written(cli, bad):
    run = cli("--output", "missing/dir/res.txt", bad)

    assert run.code == 2
    assert run.err_lines == [
        "error: missing/dir/res.txt: cannot write: No such file or directory"
    ]


def test_json_output(cli, bad):
    run = cli("--select", "LNK001", "--format", "json", bad)

    doc = run.json()
    assert doc["errors"] == []
    assert doc["suppressed"] == []
    [finding] = doc["findings"]
    assert finding["code"] == "LNK001"
    assert (finding["path"], finding["line"], finding["column"]) == ("pkg/bad.go", 3, 1)
    assert doc["summary"] == {"files": 1, "findings": 1, "suppressed": 0}


def test_github_output(cli, bad):
    run = cli("--select", "LNK001", "--format", "github", bad)

    [line] = run.out.splitlines()
    assert line == (
        "::error file=pkg/bad.go,line=3,col=1,endLine=3,endColumn=40,"
        "title=LNK001 linkname-missing-unsafe-import::"
        '//go:linkname only allowed in Go files that import "unsafe"'
        '%0Ahelp: add `import _ "unsafe"` to this file'
    )


def test_stdout_carries_only_results(tmp_path):
    write_tree(tmp_path, {"pkg/bad.go": LINKNAME_WITHOUT_UNSAFE, "notes.txt": "hi\n"})

    args = ["-vv", "--select", "LNK001", "--format", "json", "pkg", "notes.txt"]

    run = run_process(*args, cwd=tmp_path)

    assert run.code == 1
    assert len(run.json()["findings"]) == 1  # stdout is nothing but the document
    assert "warning: notes.txt: not a Go or Go assembly file; skipped" in run.err_lines
    assert any(line.startswith("debug: ") for line in run.err_lines)


def test_quiet_drops_the_summary(cli, bad):
    run = cli("--select", "LNK001", "-q", bad)

    [finding, help_line] = run.out.splitlines()
    assert finding.startswith("pkg/bad.go:3:1: LNK001 //go:linkname only allowed in")
    assert help_line == '  help: add `import _ "unsafe"` to this file'


def test_no_colour_when_not_a_terminal(tmp_path):
    write_tree(tmp_path, {"pkg/bad.go": LINKNAME_WITHOUT_UNSAFE, "notes.txt": "hi\n"})

    run = run_process("--select", "LNK001", "pkg", "notes.txt", cwd=tmp_path)

    assert "LNK001" in run.out
    assert "warning: notes.txt" in run.err
    assert "\x1b[" not in run.out + run.err


def test_colour_when_asked(cli, bad):
    run = cli("--select", "LNK001", "--color", "always", bad)

    assert "\x1b[1;31mLNK001\x1b[0m" in run.out


# Paths


def test_missing_path(tmp_path):
    run = run_process("check", "no/such/dir", cwd=tmp_path)

    assert (run.code, run.out) == (2, "")
    assert run.err_lines == ["error: no/such/dir: no such file or directory"]


def test_named_non_go_file_is_skipped_with_a_warning(cli, bad, tmp_path):
    (tmp_path / "README.md").write_text("# p\n")

    run = cli("--select", "LNK001", "--format", "json", "README.md", bad)

    assert run.code == 1
    assert run.paths() == ["pkg/bad.go"]
    assert run.err_lines == [
        "warning: README.md: not a Go or Go assembly file; skipped"
    ]


SKIPPED_DIRS = ["vendor/v", "testdata", ".hidden", "_underscore", "sub/vendor"]


@pytest.fixture
def tree(tmp_path):
    """``pkg/bad.go`` plus copies in every place a directory walk skips."""
    files = {"pkg/bad.go": LINKNAME_WITHOUT_UNSAFE}
    files |= {f"pkg/{d}/bad.go": LINKNAME_WITHOUT_UNSAFE for d in SKIPPED_DIRS}
    files |= {
        "pkg/_skip.go": LINKNAME_WITHOUT_UNSAFE,
        "pkg/.skip.go": LINKNAME_WITHOUT_UNSAFE,
    }
    write_tree(tmp_path, files)
    return "pkg"


def test_directory_walk_skips_what_the_go_command_skips(cli, tree):
    run = cli("--select", "LNK001", "--format", "json", tree)

    assert run.paths() == ["pkg/bad.go"]


@pytest.mark.parametrize(
    "name", ["pkg/vendor/v/bad.go", "pkg/testdata/bad.go", "pkg/_skip.go"]
)
def test_named_file_is_analysed_wherever_it_is(cli, tree, name):
    run = cli("--select", "LNK001", "--format", "json", name)

    assert run.paths() == [name]


# Rule selection


@pytest.mark.parametrize(
    "args",
    [
        ["--select", "LNK001"],
        ["--select", "LNK"],
        ["--select", "linkname-missing-unsafe-import"],
        ["--select", "SUP001,LNK001"],
        ["--select", "ALL"],
        ["--select", "SUP", "--extend-select", "LNK001"],
        ["--select", "SUP", "--extend-select", "LNK"],
        ["--select", "SUP", "--extend-select", "linkname-missing-unsafe-import"],
    ],
)
def test_selected(cli, bad, args):
    run = cli(*args, "--format", "json", bad)

    assert "LNK001" in {f["code"] for f in run.json()["findings"]}


@pytest.mark.parametrize(
    "args",
    [
        ["--select", "SUP"],
        ["--select", "LNK001", "--ignore", "LNK001"],
        ["--ignore", "LNK"],
        ["--ignore", "linkname-missing-unsafe-import"],
        ["--select", "ALL", "--ignore", "LNK001"],
        ["--select", "SUP", "--extend-select", "LNK", "--ignore", "LNK001"],
    ],
)
def test_not_selected(cli, bad, args):
    run = cli(*args, "--format", "json", bad)

    assert "LNK001" not in {f["code"] for f in run.json()["findings"]}


def test_severity_override(cli, bad):
    run = cli(
        "--select", "LNK001", "--severity", "LNK001=note", "--format", "json", bad
    )

    assert [f["severity"] for f in run.json()["findings"]] == ["note"]
    assert run.code == 0  # notes are below the default --fail-on warning


@pytest.mark.parametrize("option", ["--select", "--extend-select", "--ignore"])
def test_unknown_rule_in_selection(cli, bad, option):
    run = cli(option, "LNK001,XYZ999", bad)

    assert (run.code, run.out) == (2, "")
    assert run.err_lines == [f"error: {option}: unknown rule code or name 'XYZ999'"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("LNK001", "expected CODE=LEVEL"),
        ("LNK001=loud", "unknown severity 'loud'"),
        ("XYZ999=note", "unknown rule code or name 'XYZ999'"),
    ],
)
def test_bad_severity_option(cli, bad, value, message):
    run = cli("--severity", value, bad)

    assert run.code == 2
    assert len(run.err_lines) == 1
    assert message in run.err
