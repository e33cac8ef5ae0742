"""Generate the runtime layout tables from a Go toolchain's DWARF.

Usage::

    python -m goabilint.layout.generate [--goroot DIR ...] [--arch A ...] [--out DIR]

For each toolchain (default: the ``go`` on PATH) and each architecture
(default: amd64, arm64, 386, arm) this builds a small probe program with
``GOARCH`` set, ``CGO_ENABLED=0`` and the linkname check off, then reads
the binary's DWARF debug information with ``dwarfdump/main.go`` (standard
library only, run by the same toolchain). The probe pulls the runtime
functions that code outside the standard library calls through
``//go:linkname``, so the binary keeps their definitions and DWARF lists
their real parameter types. The result is written to
``data/go1.N.json.gz``, one file per release, holding every architecture,
with the ``goexperiment.*`` build tags the release sets there by default.

The tables are checked into the repository; ``tests/test_layout_toolchain.py``
regenerates the local toolchain's amd64 table and compares.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from goabilint.layout.calc import ARCHES

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
DEFAULT_ARCHES = ("amd64", "arm64", "386", "arm")
DUMPER = Path(__file__).with_name("dwarfdump") / "main.go"
DATA = Path(__file__).with_name("data")

# Types to describe: whole packages (ending in ".") and single types.
TYPES = (
    "internal/abi.",
    "internal/runtime/maps.",
    "reflect.",
    "runtime.eface",
    "runtime.iface",
    "runtime.itab",
    "runtime._type",
    "runtime.hmap",
    "runtime.hiter",
    "runtime.bmap",
    "runtime.mapextra",
    "runtime.linknameIter",
    "runtime.slice",
    "runtime.stringStruct",
    "runtime.funcval",
    "runtime.g",
    "runtime.m",
    "runtime.p",
    "runtime._defer",
    "runtime._panic",
    "runtime.moduledata",
    "runtime.hchan",
    "runtime.sudog",
    "runtime.waitq",
    "runtime.notInHeapSlice",
    "runtime.maptype",
    "runtime.chantype",
    "runtime.slicetype",
    "runtime.functype",
    "runtime.ptrtype",
    "runtime.structtype",
    "runtime.interfacetype",
    "runtime.uncommontype",
    "runtime.arraytype",
    "runtime.name",
    "runtime.imethod",
    "runtime.method",
    "runtime.structfield",
    "runtime.typeAlg",
    "time.Time",
    "time.Duration",
    "sync.Mutex",
    "sync.RWMutex",
    "sync.WaitGroup",
    "sync.Once",
    "sync/atomic.Bool",
    "sync/atomic.Int32",
    "sync/atomic.Int64",
    "sync/atomic.Uint32",
    "sync/atomic.Uint64",
    "sync/atomic.Uintptr",
    "sync/atomic.Value",
    "math/big.Int",
    "strings.Builder",
    "bytes.Buffer",
)

# Functions whose real parameter types LAY003 compares mirrors with.
FUNCS = tuple(
    "runtime." + n
    for n in [
        "mapiterinit",
        "mapiternext",
        "mapaccess1",
        "mapaccess2",
        "mapaccess1_faststr",
        "mapaccess2_faststr",
        "mapaccess1_fast32",
        "mapaccess2_fast32",
        "mapaccess1_fast64",
        "mapaccess2_fast64",
        "mapassign",
        "mapassign_faststr",
        "mapassign_fast32",
        "mapassign_fast64",
        "mapassign_fast32ptr",
        "mapassign_fast64ptr",
        "mapdelete",
        "mapdelete_faststr",
        "mapclear",
        "makemap",
        "makemap_small",
        "typedmemmove",
        "typedslicecopy",
        "mallocgc",
        "newarray",
        "newobject",
        "growslice",
        "makeslice",
        "getitab",
        "typehash",
        "chanbuf",
    ]
) + tuple(
    "reflect." + n
    for n in [
        "mapiterinit",
        "mapiternext",
        "mapiterkey",
        "mapiterelem",
        "mapaccess",
        "mapaccess_faststr",
        "mapassign",
        "mapassign0",
        "mapassign_faststr",
        "mapassign_faststr0",
        "mapdelete",
        "mapdelete_faststr",
        "maplen",
        "mapclear",
        "makemap",
        "unsafe_New",
        "unsafe_NewArray",
        "typedmemmove",
        "typedslicecopy",
        "typehash",
        "ifaceE2I",
        "chanlen",
        "chancap",
    ]
)

PROBE = """\
package main

import (
	"bytes"
	"math/big"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	_ "unsafe"
)

{pulls}

var keep = []any{{{keeps}}}

// DWARF describes the types of the variables a binary keeps.
var (
	v0  time.Time
	v1  time.Duration
	v2  sync.Mutex
	v3  sync.RWMutex
	v4  sync.WaitGroup
	v5  sync.Once
	v6  atomic.Bool
	v7  atomic.Int32
	v8  atomic.Int64
	v9  atomic.Uint32
	v10 atomic.Uint64
	v11 atomic.Uintptr
	v12 atomic.Value
	v13 big.Int
	v14 strings.Builder
	v15 bytes.Buffer
	v16 reflect.SliceHeader
	v17 reflect.StringHeader
)

func main() {{
	m := map[string]int{{"a": 1}}
	for k, v := range m {{
		println(k, v)
	}}
	it := reflect.ValueOf(m).MapRange()
	for it.Next() {{
		println(it.Key().String())
	}}
	println(len(keep), &v0, &v1, &v2, &v3, &v4, &v5, &v6, &v7, &v8, &v9)
	println(&v10, &v11, &v12, &v13, &v14, &v15, &v16, &v17)
}}
"""


def toolchain_env(goroot: Path | None, goarch: str) -> dict[str, str]:
    env = dict(os.environ, GOARCH=goarch, GOOS="linux", CGO_ENABLED="0")
    env.update(GOTOOLCHAIN="local", GOFLAGS="-mod=mod", GOWORK="off")
    if goroot is not None:
        env["GOROOT"] = str(goroot)
    return env


def go_command(goroot: Path | None) -> str:
    return str(goroot / "bin" / "go") if goroot is not None else "go"


def go_version(goroot: Path | None) -> str:
    env = toolchain_env(goroot, "amd64")
    out = subprocess.run(
        [go_command(goroot), "env", "GOVERSION"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return out.stdout.strip()


def _minor(release: str) -> int:
    return int(release.removeprefix("go").split(".")[1])


def _existing_funcs(release: str) -> list[str]:
    """The functions of :data:`FUNCS` the release defines, per the toolchain
    tables when they know the release; otherwise all of them."""
    from goabilint import tables

    try:
        table = tables.load(release)
    except tables.TableNotFound:
        return list(FUNCS)
    return [f for f in FUNCS if table.symbol(f) is not None]


def build_probe(goroot: Path | None, goarch: str, work: Path, funcs: list[str]) -> Path:
    """Build the probe for ``goarch``; drop pulls the linker cannot resolve."""
    release = go_version(goroot)
    (work / "go.mod").write_text("module probe\n\ngo 1.21\n")
    ldflags = ["-ldflags=-checklinkname=0"] if _minor(release) >= 23 else []
    funcs = list(funcs)
    for _ in range(5):
        names = [f"pull{i}" for i in range(len(funcs))]
        pulls = "\n".join(
            f"//go:linkname {n} {f}\nfunc {n}()\n"
            for n, f in zip(names, funcs, strict=True)
        )
        (work / "main.go").write_text(PROBE.format(pulls=pulls, keeps=", ".join(names)))
        binary = work / f"probe-{goarch}"
        proc = subprocess.run(
            [go_command(goroot), "build", *ldflags, "-o", str(binary), "."],
            check=False,
            cwd=work,
            env=toolchain_env(goroot, goarch),
            capture_output=True,
            text=True,
            timeout=600,
        )
        if proc.returncode == 0:
            return binary
        missing = {f for f in funcs if f in proc.stderr}
        if not missing:
            raise RuntimeError(f"probe build failed for {goarch}:\n{proc.stderr}")
        log.info("%s %s: dropping %s", release, goarch, sorted(missing))
        funcs = [f for f in funcs if f not in missing]
    raise RuntimeError(f"probe build kept failing for {goarch}")


def tool_tags(goroot: Path | None, goarch: str, work: Path) -> list[str]:
    """The ``goexperiment.*`` build tags the release sets by default for
    ``goarch`` (swiss maps in 1.24 and 1.25, for one)."""
    proc = subprocess.run(
        [go_command(goroot), "list", "-f", '{{join context.ToolTags " "}}', "unsafe"],
        cwd=work,
        env=toolchain_env(goroot, goarch),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return sorted(t for t in proc.stdout.split() if t.startswith("goexperiment."))


def dump(goroot: Path | None, goarch: str, work: Path, funcs: list[str]) -> dict:
    binary = build_probe(goroot, goarch, work, funcs)
    args = [str(binary), str(ARCHES[goarch].ptr), *TYPES, *(f"func:{f}" for f in funcs)]
    proc = subprocess.run(
        [go_command(goroot), "run", str(DUMPER), *args],
        check=False,
        cwd=work,
        env=toolchain_env(goroot, os.environ.get("GOHOSTARCH", "amd64")),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"dwarfdump failed for {goarch}:\n{proc.stderr}")
    out = json.loads(proc.stdout)
    out["tags"] = tool_tags(goroot, goarch, work)
    return out


def generate(goroot: Path | None, arches: tuple[str, ...]) -> tuple[str, dict]:
    release = go_version(goroot)
    funcs = _existing_funcs(release)
    out: dict = {"format": FORMAT_VERSION, "go": release, "arches": {}}
    with tempfile.TemporaryDirectory(prefix="goabilint-layout-") as tmp:
        for arch in arches:
            work = Path(tmp) / arch
            work.mkdir()
            out["arches"][arch] = dump(goroot, arch, work, funcs)
            log.info(
                "%s %s: %d types", release, arch, len(out["arches"][arch]["types"])
            )
    return release, out


def write(release: str, table: dict, directory: Path = DATA) -> Path:
    minor = release.removeprefix("go").split(".")
    path = directory / f"go{minor[0]}.{minor[1]}.json.gz"
    directory.mkdir(parents=True, exist_ok=True)
    data = json.dumps(table, sort_keys=True, separators=(",", ":")).encode()
    # mtime=0 keeps the file byte-identical across regenerations.
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        f.write(data)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m goabilint.layout.generate")
    parser.add_argument(
        "--goroot",
        action="append",
        type=Path,
        default=[],
        help="toolchain root (repeatable); default: the go on PATH",
    )
    parser.add_argument(
        "--arch",
        action="append",
        default=[],
        help=f"GOARCH (repeatable); default: {' '.join(DEFAULT_ARCHES)}",
    )
    parser.add_argument("--out", type=Path, default=DATA)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    arches = tuple(args.arch) or DEFAULT_ARCHES
    for goroot in args.goroot or [None]:
        release, table = generate(goroot, arches)
        print(write(release, table, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
