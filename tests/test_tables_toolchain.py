"""Toolchain tables against the real Go toolchain on PATH.

- the shipped 1.27 table is what the generator makes of the local GOROOT
  (when that is go1.27.3, the release it was generated from);
- the files the generator builds per port are the files ``go list`` names;
- the table's verdicts (pushed, not pushed, std-only, blocked) are the
  linker's: a program pulling every allowed push links, and pulls the table
  refuses fail with ``invalid reference``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from workspace import write_tree

from goabilint import tables
from goabilint.constraints import BuildContext
from goabilint.tables import build

pytestmark = pytest.mark.toolchain

LINUX = BuildContext("linux", "amd64", cgo=False)


def go_env(**extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("GOFLAGS", "GOOS", "GOARCH")
    }
    env.update(GOTOOLCHAIN="local", GOWORK="off", **extra)
    return env


@pytest.fixture(scope="module")
def goroot() -> Path:
    return tables.local_goroot()


@pytest.fixture(scope="module")
def local_data(goroot) -> dict:
    """The table of the local toolchain, generated afresh."""
    return build.build(goroot)


@pytest.fixture(scope="module")
def local_table(goroot, local_data) -> tables.ToolchainTable:
    return tables.ToolchainTable(local_data, goroot)


def test_shipped_127_table_is_reproducible(local_data):
    if local_data["go"] != "go1.27.3":
        pytest.skip(
            f"local toolchain is {local_data['go']}, the table is from go1.27.3"
        )
    shipped = tables.load("1.27")

    assert local_data["inputs"] == shipped.inputs
    assert build.encode(local_data) == shipped.origin.read_bytes()


# A spread of ports: first-class, cgo on and off, wasm, plan9, aix, 32-bit.
PORTS = [
    ("linux", "amd64", True),
    ("linux", "amd64", False),
    ("darwin", "arm64", True),
    ("windows", "386", False),
    ("js", "wasm", False),
    ("wasip1", "wasm", False),
    ("plan9", "arm", False),
    ("aix", "ppc64", False),
    ("openbsd", "riscv64", False),
    ("linux", "loong64", False),
    ("android", "arm64", True),
    ("illumos", "amd64", False),
]


def test_files_per_port_match_go_list(goroot):
    src = goroot / "src"
    _, configs = build.build_configs(
        src, tables.GoVersion.parse(build.read_version(goroot))
    )
    masks = build.Masks(configs)
    files = [
        pf
        for pkg, directory in build.std_packages(src)
        for pf in build.package_files(pkg, directory, src, masks)
    ]
    index = {(c.goos, c.goarch, c.cgo): i for i, c in enumerate(configs)}

    for goos, goarch, cgo in PORTS:
        i = index.get((goos, goarch, cgo))
        if i is None:
            continue  # not a port of this release
        env = go_env(GOOS=goos, GOARCH=goarch, CGO_ENABLED="1" if cgo else "0")
        out = subprocess.run(
            ["go", "list", "-e", "-json=Dir,ImportPath,GoFiles,CgoFiles,SFiles", "std"],
            capture_output=True,
            text=True,
            env=env,
            check=True,
            timeout=300,
        ).stdout
        listed = set()
        for pkg in json.loads("[" + out.replace("}\n{", "},{") + "]"):
            rel = Path(pkg["Dir"]).relative_to(src).as_posix()
            for name in (
                pkg.get("GoFiles", []) + pkg.get("CgoFiles", []) + pkg.get("SFiles", [])
            ):
                if not name.endswith(".S"):  # C preprocessor assembly, not Go's
                    listed.add(f"{rel}/{name}")
        ours = {pf.rel for pf in files if pf.mask >> i & 1}

        assert ours == listed, f"{goos}/{goarch} cgo={cgo}"


def _deps(module: Path) -> set[str]:
    out = subprocess.run(
        ["go", "list", "-deps", "."],
        cwd=module,
        capture_output=True,
        text=True,
        env=go_env(GOOS="linux", GOARCH="amd64", CGO_ENABLED="0"),
        check=True,
        timeout=300,
    )
    return set(out.stdout.split())


def _program(names: list[str], imports: list[str]) -> str:
    lines = ["package main", "", "import (", '\t_ "unsafe"']
    lines += [f'\t_ "{p}"' for p in imports]
    lines += [")", ""]
    for i, name in enumerate(names):
        lines += [f"//go:linkname f{i} {name}", f"func f{i}()", ""]
    lines.append(
        "var fns = []any{" + ", ".join(f"f{i}" for i in range(len(names))) + "}"
    )
    lines += ["", "func main() { println(len(fns)) }", ""]
    return "\n".join(lines)


def _link(
    module: Path, names: list[str], imports: list[str]
) -> subprocess.CompletedProcess:
    write_tree(
        module,
        {"go.mod": "module pull\n\ngo 1.21\n", "main.go": _program(names, imports)},
    )
    return subprocess.run(
        ["go", "build", "-o", os.devnull, "."],
        check=False,  # the tests judge the exit status
        cwd=module,
        capture_output=True,
        text=True,
        env=go_env(GOOS="linux", GOARCH="amd64", CGO_ENABLED="0"),
        timeout=600,
    )


@pytest.fixture(scope="module")
def linked(tmp_path_factory, local_table):
    """A module importing every importable pushing package, and what it links."""
    t = local_table
    imports = sorted(
        {pkg for p in t.pushes.values() for pkg in p.packages}
        - {
            p
            for p in t.packages
            if "internal" in p.split("/") or p.startswith("vendor/")
        }
        - {"runtime/cgo"}
    )
    module = tmp_path_factory.mktemp("deps")
    write_tree(
        module, {"go.mod": "module pull\n\ngo 1.21\n", "main.go": _program([], imports)}
    )
    return imports, _deps(module)


def _on_linux(t: tables.ToolchainTable, name: str, deps: set[str]) -> bool:
    sym = t.symbol(name)
    return sym is not None and sym.package in deps and LINUX in sym.ports


def test_every_allowed_push_links(tmp_path, local_table, linked):
    t = local_table
    imports, deps = linked
    allowed = sorted(
        name
        for name, p in t.pushes.items()
        if p.kind == "linkname"
        and p.decl == "func"
        and LINUX in p.kinds["linkname"]
        and t.blocked(name) is None
        and _on_linux(t, name, deps)
    )
    assert len(allowed) > 100

    run = _link(tmp_path, allowed, imports)

    assert run.returncode == 0, run.stderr[-2000:]


def _refused(t: tables.ToolchainTable, deps: set[str]) -> list[tuple[str, str]]:
    """A few pulls per reason the table gives for refusing them."""

    def first(reason, names):
        return [
            (reason, n) for n in sorted(n for n in names if _on_linux(t, n, deps))[:3]
        ]

    unpushed = [
        n
        for n in t.symbol_names()
        if n.startswith("runtime.") and t.pushed(n) is None and t.blocked(n) is None
    ]
    cases = first("not pushed", (n for n in unpushed if t.symbol(n).kinds == ("func",)))
    if t.checks_assembly:
        cases += first(
            "assembly, not pushed",
            (n for n in unpushed if t.symbol(n).kinds == ("asm",)),
        )
    cases += first("std only", (n for n, p in t.pushes.items() if p.std_only))
    cases += first(
        "blocked",
        (n for n, allowed in t.blocked_names.items() if "main" not in allowed),
    )
    return cases


def test_refused_pulls_fail_to_link(tmp_path, local_table, linked):
    t = local_table
    imports, deps = linked
    cases = _refused(t, deps)
    reasons = {"not pushed"}
    reasons |= {"assembly, not pushed"} if t.checks_assembly else set()
    reasons |= {"std only"} if t.linknamestd else set()
    reasons |= {"blocked"} if t.blocked_names else set()
    assert {reason for reason, _ in cases} == reasons

    for i, (reason, name) in enumerate(cases):
        run = _link(tmp_path / str(i), [name], imports)
        if t.enforces_linkname:
            assert run.returncode != 0, f"{name} ({reason}) linked"
            assert f"invalid reference to {name}" in run.stderr, run.stderr[-2000:]
        else:
            assert run.returncode == 0, f"{name} ({reason}): {run.stderr[-2000:]}"


def test_goroot_answers_its_release_instead_of_the_shipped_table(
    tmp_path, goroot, local_data
):
    # Doctor the local toolchain's table so that std no longer pushes
    # runtime.nanotime: the shipped table calls the pull LNK004 (it links,
    # being pushed); only a run that really answers from the local table
    # refuses it (LNK002). The doctored table is put where use_goroot caches
    # the local release, so nothing is regenerated.
    doctored = json.loads(json.dumps(local_data))
    del doctored["pushes"]["runtime.nanotime"]
    cache = tmp_path / "cache"
    cached = cache / "tables" / f"{local_data['go']}.json.gz"  # as load_goroot names it
    cached.parent.mkdir(parents=True)
    build.write(doctored, cached)
    module = tmp_path / "m"
    write_tree(
        module,
        {
            "go.mod": "module example.com/m\n\ngo 1.23\n",
            "clock.go": (
                'package m\n\nimport _ "unsafe"\n\n'
                "//go:linkname nanotime runtime.nanotime\nfunc nanotime() int64\n\n"
                "func Now() int64 { return nanotime() }\n"
            ),
        },
    )
    minor = ".".join(local_data["go"].removeprefix("go").split(".")[:2])
    env = dict(os.environ, GOABILINT_CACHE_DIR=str(cache), GOROOT=str(goroot))

    def codes(*args: str) -> set[tuple[str, tuple[str, ...]]]:
        # Each run is a process of its own, as on the command line; the
        # results cache is shared, so a stale entry would show here.
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "goabilint",
                "check",
                "--isolated",
                "--select",
                "LNK",
                "--format",
                "json",
                *args,
                ".",
            ],
            cwd=module,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert out.returncode in (0, 1), out.stderr
        doc = json.loads(out.stdout)
        return {(f["code"], tuple(f["versions"])) for f in doc["findings"]}

    assert codes("--go", minor) == {("LNK004", (minor,))}
    assert codes("--go", "local") == {("LNK002", (minor,))}
    assert codes("--goroot", str(goroot), "--go", minor) == {("LNK002", (minor,))}
    assert codes("--go", minor) == {("LNK004", (minor,))}
