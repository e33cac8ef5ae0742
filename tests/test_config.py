"""Configuration files: which one applies, what each key does, and errors."""

from __future__ import annotations

import pytest
from workspace import LINKNAME_WITHOUT_UNSAFE as BAD
from workspace import run_main, run_process, write_tree

from goabilint.config import NEWEST_GO, ConfigError, GoRange, find_config, load_config
from goabilint.constraints import GoVersion
from goabilint.plugins import load_registry
from goabilint.rule import Severity
from goabilint.suppress import MetaRules

RULES = load_registry(extra_plugins=[MetaRules()]).rules


@pytest.fixture
def cli(capsys, tmp_path, monkeypatch):
    """Run ``goabilint ARGS --format json`` in-process from ``tmp_path``."""
    monkeypatch.chdir(tmp_path)

    def run(*args: str):
        return run_main(capsys, *args, "--format", "json")

    return run


def lnk001_paths(run) -> list[str]:
    assert run.code in (0, 1), run.err
    return [f["path"] for f in run.json()["findings"] if f["code"] == "LNK001"]


# Which file applies


def test_dotfile_beats_pyproject_in_the_same_directory(tmp_path):
    write_tree(
        tmp_path, {".goabilint.toml": "", "pyproject.toml": "[tool.goabilint]\n"}
    )

    assert find_config(tmp_path) == tmp_path / ".goabilint.toml"


def test_nearest_file_wins(tmp_path):
    write_tree(
        tmp_path, {".goabilint.toml": "", "a/pyproject.toml": "[tool.goabilint]\n"}
    )

    assert find_config(tmp_path / "a/b") == tmp_path / "a/pyproject.toml"


@pytest.mark.parametrize(
    "text",
    [
        '[project]\nname = "x"\n',
        "[tool.ruff]\nselect = ['E']  # not [tool.goabilint]\n",
        "[tool.goabilint-other]\n",
        "this is [not TOML\n",
    ],
)
def test_pyproject_without_the_table_is_passed_over(tmp_path, text):
    write_tree(tmp_path, {".goabilint.toml": "", "a/pyproject.toml": text})

    assert find_config(tmp_path / "a") == tmp_path / ".goabilint.toml"


def test_pyproject_with_only_a_subtable_counts(tmp_path):
    write_tree(
        tmp_path, {"pyproject.toml": '[tool.goabilint.severity]\nLNK001 = "note"\n'}
    )

    settings = load_config(find_config(tmp_path), RULES)
    assert settings.severity == (("LNK001", Severity.NOTE),)


def test_each_directory_gets_its_nearest_file(cli, tmp_path):
    write_tree(
        tmp_path,
        {
            ".goabilint.toml": 'ignore = ["LNK001"]\n',
            # Loses to the dotfile in the same directory.
            "pyproject.toml": '[tool.goabilint]\nselect = ["LNK001"]\n',
            "bad.go": BAD,
            "plain/pyproject.toml": '[project]\nname = "plain"\n',
            "plain/bad.go": BAD,
            "own/pyproject.toml": '[tool.goabilint]\nselect = ["LNK001"]\n',
            "own/bad.go": BAD,
            "own/deeper/bad.go": BAD,
        },
    )

    assert lnk001_paths(cli(".")) == ["own/bad.go", "own/deeper/bad.go"]


def test_config_option_uses_that_file_only(cli, tmp_path):
    write_tree(
        tmp_path,
        {
            "pkg/.goabilint.toml": "bogus = 1\n",
            "pkg/bad.go": BAD,
            "ci.toml": 'select = ["LNK001"]\nseverity = { LNK001 = "note" }\n',
        },
    )

    run = cli("--config", "ci.toml", "pkg")

    assert [f["severity"] for f in run.json()["findings"]] == ["note"]


def test_isolated_ignores_every_file(cli, tmp_path):
    write_tree(tmp_path, {"pkg/.goabilint.toml": "bogus = 1\n", "pkg/bad.go": BAD})

    assert lnk001_paths(cli("--isolated", "pkg")) == ["pkg/bad.go"]


def test_missing_config_option_file(cli, tmp_path):
    write_tree(tmp_path, {"pkg/bad.go": BAD})

    run = cli("--config", "nope.toml", "pkg")

    assert run.code == 2
    assert run.err_lines == ["error: nope.toml: no such configuration file"]


# What the keys do


def test_select_as_one_string_means_a_list_of_one(tmp_path):
    write_tree(
        tmp_path, {".goabilint.toml": 'select = "LNK001"\ntags = "integration"\n'}
    )

    settings = load_config(tmp_path / ".goabilint.toml", RULES)

    assert settings.select == ("LNK001",)
    assert settings.tags == ("integration",)


def test_command_line_select_replaces_and_extend_select_adds(cli, tmp_path):
    write_tree(tmp_path, {".goabilint.toml": 'select = ["SUP"]\n', "bad.go": BAD})

    assert lnk001_paths(cli(".")) == []
    assert lnk001_paths(cli("--extend-select", "LNK001", ".")) == ["bad.go"]
    assert lnk001_paths(cli("--select", "LNK", ".")) == ["bad.go"]


def test_command_line_ignore_adds_to_the_file(cli, tmp_path):
    write_tree(tmp_path, {".goabilint.toml": 'ignore = ["SUP"]\n', "bad.go": BAD})

    assert lnk001_paths(cli("--ignore", "linkname-missing-unsafe-import", ".")) == []


def test_per_file_ignores(cli, tmp_path):
    write_tree(
        tmp_path,
        {
            ".goabilint.toml": """\
select = ["LNK001"]

[per-file-ignores]
"gen/*.go" = ["LNK001"]
"*_linux.go" = ["linkname-missing-unsafe-import"]
"legacy/**" = ["LNK"]
""",
            "main.go": BAD,
            "gen/a.go": BAD,
            "gen/deep/b.go": BAD,  # * does not cross /
            "x_linux.go": BAD,
            "sub/y_linux.go": BAD,  # a pattern without / matches in any directory
            "legacy/a/b/c.go": BAD,
        },
    )

    assert lnk001_paths(cli(".")) == ["gen/deep/b.go", "main.go"]


def test_per_file_ignores_are_relative_to_the_config(cli, tmp_path):
    write_tree(
        tmp_path,
        {
            "mod/.goabilint.toml": (
                'select = ["LNK001"]\nper-file-ignores = { "gen/*" = ["LNK001"] }\n'
            ),
            "mod/gen/a.go": BAD,
            "mod/other/gen/a.go": BAD,
        },
    )

    assert lnk001_paths(cli("mod")) == ["mod/other/gen/a.go"]


def test_exclude(cli, tmp_path):
    write_tree(
        tmp_path,
        {
            ".goabilint.toml": (
                'select = ["LNK001"]\nexclude = ["gen", "*_gen.go", "sub/third"]\n'
            ),
            "main.go": BAD,
            "gen/a.go": BAD,
            "x/gen/b.go": BAD,  # a pattern without / names any directory
            "api_gen.go": BAD,
            "x/api_gen.go": BAD,
            "sub/third/c.go": BAD,
            "third/d.go": BAD,  # sub/third is anchored at the config's directory
        },
    )

    assert lnk001_paths(cli(".")) == ["main.go", "third/d.go"]


def test_excluded_file_named_on_the_command_line_is_analysed(cli, tmp_path):
    write_tree(tmp_path, {".goabilint.toml": 'exclude = ["gen"]\n', "gen/a.go": BAD})

    assert lnk001_paths(cli("gen/a.go")) == ["gen/a.go"]


@pytest.mark.parametrize(
    ("table", "option", "severity"),
    [
        ('{ LNK001 = "note" }', [], "note"),
        ('{ LNK = "warning" }', [], "warning"),
        ('{ linkname-missing-unsafe-import = "note" }', [], "note"),
        ('{ LNK001 = "warning" }', ["--severity", "LNK001=note"], "note"),
        ('{ LNK = "note", LNK001 = "error" }', [], "error"),
    ],
)
def test_severity(cli, tmp_path, table, option, severity):
    write_tree(tmp_path, {".goabilint.toml": f"severity = {table}\n", "bad.go": BAD})

    run = cli(*option, ".")

    assert [f["severity"] for f in run.json()["findings"] if f["code"] == "LNK001"] == [
        severity
    ]


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("1.21..1.24", (1, 21), (1, 24)),
        ("1.23", (1, 23), (NEWEST_GO.major, NEWEST_GO.minor)),
        ("1.22.3..go1.23", (1, 22), (1, 23)),
    ],
)
def test_go_range(tmp_path, text, low, high):
    write_tree(tmp_path, {".goabilint.toml": f'go = "{text}"\n'})

    settings = load_config(tmp_path / ".goabilint.toml", RULES)

    assert settings.go == GoRange(GoVersion(*low), GoVersion(*high))


def test_go_range_versions():
    versions = GoRange.parse("1.21..1.24").versions()

    assert [str(v) for v in versions] == ["1.21", "1.22", "1.23", "1.24"]


# Errors


def test_unknown_key_names_file_line_and_key(tmp_path):
    write_tree(
        tmp_path, {".goabilint.toml": '# settings\nselect = ["LNK001"]\nbogus = 1\n'}
    )
    write_tree(tmp_path, {"bad.go": BAD})

    run = run_process(".", cwd=tmp_path)

    assert (run.code, run.out) == (2, "")
    [line] = run.err_lines  # and so no traceback
    assert line.startswith(
        f"error: {tmp_path.resolve()}/.goabilint.toml:3: bogus: unknown key 'bogus'"
    )


def test_unknown_key_in_pyproject(cli, tmp_path):
    write_tree(
        tmp_path,
        {
            "pyproject.toml": """\
[project]
name = "x"

[tool.ruff]
bogus = 1

[tool.goabilint]
select = ["LNK001"]
bogus = 1
""",
            "bad.go": BAD,
        },
    )

    run = cli(".")

    assert run.code == 2
    [line] = run.err_lines
    where = f"{tmp_path.resolve()}/pyproject.toml:9: tool.goabilint.bogus"
    assert line.startswith(f"error: {where}: unknown key 'bogus' (known keys: ")


# Each bad value and the line of the message after "path:line: ".
BAD_VALUES = [
    ('select = ["LNK001", "XYZ999"]', "select: unknown rule code or name 'XYZ999'"),
    ('ignore = ["lnk001"]', "ignore: unknown rule code or name 'lnk001'"),
    ("select = 1", "select: expected a list of strings"),
    ('select = ["LNK001", 2]', "select: expected a list of strings"),
    (
        'severity = "note"',
        'severity: expected a table of rule selector = "error|warning|note"',
    ),
    ('severity = { XYZ999 = "note" }', "severity: unknown rule code or name 'XYZ999'"),
    (
        'severity = { LNK001 = "loud" }',
        "severity: unknown severity 'loud' (expected error, warning or note)",
    ),
    ("severity = { LNK001 = 3 }", "severity: severity for 'LNK001' must be a string"),
    (
        'per-file-ignores = ["gen"]',
        "per-file-ignores: expected a table of glob = [rule selectors]",
    ),
    (
        'per-file-ignores = { gen = ["NOPE"] }',
        "per-file-ignores: unknown rule code or name 'NOPE'",
    ),
    ('goos = ["linux", "plan10"]', "goos: unknown GOOS 'plan10'"),
    ('goarch = "amd65"', "goarch: unknown GOARCH 'amd65'"),
    ('go = "1.x"', "go: not a Go version: '1.x' (expected e.g. 1.23)"),
    ('go = "1.24..1.21"', "go: empty Go version range '1.24..1.21'"),
    ("go = 1.21", 'go: expected a string such as "1.23" or "1.21..1.27"'),
]


@pytest.mark.parametrize(
    ("toml", "message"), BAD_VALUES, ids=[t for t, _ in BAD_VALUES]
)
def test_bad_value(cli, tmp_path, toml, message):
    write_tree(tmp_path, {".goabilint.toml": f"# line 1\n{toml}\n", "bad.go": BAD})

    run = cli(".")

    assert run.code == 2
    assert run.err_lines == [
        f"error: {tmp_path.resolve()}/.goabilint.toml:2: {message}"
    ]


def test_bad_value_in_a_subtable_points_at_its_header(cli, tmp_path):
    write_tree(
        tmp_path,
        {
            ".goabilint.toml": 'select = ["LNK001"]\n\n[severity]\nLNK001 = "loud"\n',
            "bad.go": BAD,
        },
    )

    run = cli(".")

    assert run.err.startswith(
        f"error: {tmp_path.resolve()}/.goabilint.toml:3: severity: "
    )


def test_malformed_toml(cli, tmp_path):
    write_tree(
        tmp_path, {"pyproject.toml": "[tool.goabilint]\nselect = [\n", "bad.go": BAD}
    )

    run = cli(".")

    assert run.code == 2
    [line] = run.err_lines
    assert line.startswith(
        f"error: {tmp_path.resolve()}/pyproject.toml: invalid TOML: "
    )


def test_load_config_raises_config_error(tmp_path):
    write_tree(tmp_path, {".goabilint.toml": "go = '1'\n"})

    with pytest.raises(ConfigError, match=r"\.goabilint\.toml:1: go: not a Go version"):
        load_config(tmp_path / ".goabilint.toml", RULES)
