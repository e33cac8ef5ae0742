"""Toolchain tables: the shipped tables, the generator and the query API.

The generator tests run it over a small synthetic Go tree that holds one
example of every form it must tell apart (push or pull, renamed
definitions, assembly behind a body-less declaration, hall-of-shame
comments, per-port and cgo files, GOEXPERIMENT tags). The shipped-table
tests check facts read off the real toolchains (see GO-FACTS.md).
"""

from __future__ import annotations

import gzip
import json

import pytest
from workspace import run_main, write_tree

from goabilint import tables
from goabilint.constraints import BuildContext, GoVersion
from goabilint.tables import build

# --- the shipped tables ---------------------------------------------------


def test_every_shipped_release_has_a_table():
    shipped = sorted(p.name for p in tables.data_dir().glob("*.json.gz"))
    expected = sorted(
        f"go{GoVersion.parse(r)}.json.gz" for r in tables.SHIPPED_RELEASES
    )

    assert shipped == expected


@pytest.mark.parametrize("release", tables.SHIPPED_RELEASES)
def test_shipped_table_loads_and_is_fresh(release):
    """A shipped table comes from this generator; else regenerate (README)."""
    table = tables.load(GoVersion.parse(release))

    assert table.release == release
    assert table.origin.parent == tables.data_dir()
    assert table.format == tables.FORMAT_VERSION
    assert table.generator == build.generator_digest(), (
        f"{table.origin.name} was made by another generator; regenerate it"
    )


def test_available_versions_cover_the_supported_range():
    versions = tables.available_versions()

    assert [str(v) for v in versions[:7]] == [f"1.{n}" for n in range(21, 28)]


@pytest.mark.parametrize(
    ("version", "keys"),
    [
        ("1.21", 0),
        ("1.22", 0),
        ("1.23", 4),
        ("1.24", 38),
        ("1.25", 51),
        ("1.26", 74),
        ("1.27", 72),
    ],
)
def test_blocked_linknames_per_release(version, keys):
    table = tables.load(version)

    assert len(table.blocked_names) == keys
    assert table.enforces_linkname == (keys > 0)


@pytest.mark.parametrize(
    ("version", "total", "godebug"),
    [
        ("1.22", 82, 26),
        ("1.23", 88, 32),
        ("1.24", 93, 37),
        ("1.25", 98, 42),
        ("1.26", 113, 47),
        ("1.27", 108, 42),
    ],
)
def test_metric_counts_per_release(version, total, godebug):
    metrics = tables.load(version).metrics

    assert len(metrics) == total
    assert (
        sum(n.startswith("/godebug/non-default-behavior/") for n in metrics) == godebug
    )


def test_metric_records():
    new, old = tables.load("1.27").metrics, tables.load("1.26").metrics

    heap = new["/memory/classes/heap/free:bytes"]
    assert (heap.kind, heap.cumulative) == ("uint64", False)
    assert new["/gc/pauses:seconds"].kind == "float64histogram"
    assert new["/gc/pauses:seconds"].description.startswith("Deprecated.")
    assert new["/godebug/non-default-behavior/panicnil:events"] == (
        "uint64",
        (
            "The number of non-default behaviors executed by the runtime package "
            "due to a non-default GODEBUG=panicnil=... setting."
        ),
        True,
    )
    # GODEBUG settings retired in 1.27 take their counters with them.
    gone = "/godebug/non-default-behavior/asynctimerchan:events"
    assert gone in old and gone not in new
    assert "/sched/goroutines/running:goroutines" not in tables.load("1.25").metrics


def test_pushed_and_unpushed_runtime_symbols():
    t = tables.load("1.27")

    gcount = t.symbol("runtime.gcount")
    assert gcount is not None and gcount.kind == "func" and gcount.ports.all
    assert t.pushed("runtime.gcount") is None

    fastrand = t.pushed("runtime.fastrand")
    assert fastrand is not None and fastrand.kind == "linkname"
    assert [str(s) for s in fastrand.signatures] == ["func() uint32"]
    assert fastrand.where == ("runtime/rand.go:331",)


def test_push_into_another_package_is_renamed_and_blocked():
    t = tables.load("1.27")

    wg = t.pushed("sync.runtime_SemacquireWaitGroup")
    assert wg is not None and wg.package == "runtime"
    assert t.blocked("sync.runtime_SemacquireWaitGroup") == ("sync",)
    assert t.symbol("sync.runtime_SemacquireWaitGroup").package == "runtime"
    assert t.symbol("runtime.sync_runtime_SemacquireWaitGroup") is None
    # The shape changed between releases.
    assert [str(s) for s in wg.signatures] == ["func(*uint32, bool)"]
    assert [str(s) for s in tables.load("1.24").pushed(wg.name).signatures] == [
        "func(*uint32)"
    ]
    assert tables.load("1.23").symbol(wg.name) is None


@pytest.mark.parametrize("version", ["1.23", "1.24", "1.25", "1.26"])
def test_newcoro_was_blocked_for_all_but_iter(version):
    t = tables.load(version)

    assert t.pushed("runtime.newcoro").kind == "linkname"
    assert t.blocked("runtime.newcoro") == ("iter",)


def test_linknamestd_in_127():
    t = tables.load("1.27")

    newcoro = t.pushed("runtime.newcoro")
    assert newcoro.kind == "linknamestd" and newcoro.std_only
    assert t.blocked("runtime.newcoro") is None
    assert sum(p.std_only for p in t.pushes.values()) == 36
    assert t.linknamestd and not tables.load("1.26").linknamestd


def test_removed_variable():
    assert tables.load("1.27").symbol("runtime.ncpu") is None
    assert tables.load("1.24").symbol("runtime.ncpu").kind == "var"
    assert tables.load("1.24").pushed("runtime.ncpu") is None


def test_hall_of_shame():
    t = tables.load("1.27")

    assert t.pushed("runtime.gopark").hall_of_shame == (
        "gvisor.dev/gvisor",
        "github.com/sagernet/gvisor",
    )
    assert "github.com/bytedance/gopkg" in t.pushed("runtime.cheaprand").hall_of_shame
    zero = t.pushed("runtime.zeroVal")
    assert zero.decl == "var" and "github.com/ugorji/go/codec" in zero.hall_of_shame
    # badlinkname.go's group form: one comment above a run of directives.
    assert "gvisor.dev/gvisor" in t.pushed("runtime.sched").hall_of_shame


def test_blocked_entries_without_definitions():
    t = tables.load("1.27")

    assert t.blocked("runtime.addmoduledata") == ()
    assert t.blocked("runtime.getStaticuint64s") == ("reflect",)
    assert t.blocked("runtime/trace.runtime_readTrace") == ("runtime/trace",)
    assert t.symbol("runtime/trace.runtime_readTrace") is None


def test_assembly_symbols_and_ports():
    t = tables.load("1.27")

    osyield = t.symbol("runtime.osyield")
    assert BuildContext("linux", "amd64") in osyield.ports_for("asm")
    assert ("darwin", "arm64") in osyield.ports_for("func")
    assert t.pushed("runtime.osyield") is None
    assert t.checks_assembly and not tables.load("1.26").checks_assembly

    load_g = t.symbol("runtime.load_g")
    assert "linux/arm64" in load_g.ports and "linux/amd64" not in load_g.ports
    assert t.pushed("runtime.load_g") is not None
    assert t.symbol("runtime.call16").kind == "asm"  # from the CALLFN macro
    assert t.symbol("crosscall2").package == "runtime/cgo"
    assert t.regabi("amd64") and not t.regabi("386")


def test_method_spelling():
    t = tables.load("1.27")

    assert t.symbol("sync.(*Mutex).Lock").kind == "method"
    assert t.symbol("time.Duration.String").kind == "method"
    assert t.symbol("sync.Mutex.Lock") is None


def test_ports_of_the_release():
    t = tables.load("1.27")

    assert ("linux", "amd64") in t.first_class and len(t.first_class) == 8
    assert "linux/sparc64" not in {f"{p.goos}/{p.goarch}" for p in t.configs}  # broken
    assert any(p.goos == "js" for p in t.configs)
    assert not any(p.cgo for p in t.configs if p.goos == "js")


# --- a synthetic Go tree for the generator ------------------------------

DIST = """\
package main

var cgoEnabled = map[string]bool{
\t"js/wasm":       false,
\t"linux/amd64":   true,
\t"linux/arm64":   true,
\t"linux/sparc64": true,
\t"windows/amd64": true,
\t"windows/arm64": false,
}

var broken = map[string]bool{
\t"linux/sparc64": true, // incomplete
}

var firstClass = map[string]bool{
\t"linux/amd64": true,
}
"""

EXP = """\
package buildcfg

func ParseGOEXPERIMENT(goos, goarch, goexp string) (*ExperimentFlags, error) {
\tvar regabiSupported bool
\tswitch goarch {
\tcase "amd64", "arm64":
\t\tregabiSupported = true
\t}

\tfancySupported := (goos != "windows" && goarch != "wasm")

\tbaseline := goexperiment.Flags{
\t\tRegabiWrappers: regabiSupported,
\t\tFancy:          fancySupported,
\t\tAlways:         true,
\t\tNever:          false,
\t}
\treturn nil, nil
}
"""

LOADER = """\
package loader

var blockedLinknames = map[string][]string{
\t// comment
\t"runtime.newcoro":       {"iter"},
\t"runtime.addmoduledata": {},
\t"sync.runtime_Semacquire": {"sync", "internal/sync"},
}

func (l *Loader) checkLinkname(pkg, name string, s Sym) {
\tif r.FromAssembly() {
\t}
}
"""

NODER = 'package noder\n\nconst x = "go:linknamestd "\n'

DESCRIPTION = """\
package metrics

import "internal/godebugs"

var allDesc = []Description{
\t{
\t\tName:        "/gc/cycles:gc-cycles",
\t\tDescription: "Count of " +
\t\t\t"completed GC cycles.",
\t\tKind:       KindUint64,
\t\tCumulative: true,
\t},
\t{
\t\tName:        "/sched/latencies:seconds",
\t\tDescription: `Distribution of latencies.`,
\t\tKind:        KindFloat64Histogram,
\t},
}

func init() {
\tfor _, info := range godebugs.All {
\t\tif !info.Opaque {
\t\t\tmore = append(more, Description{
\t\t\t\tName: "/godebug/non-default-behavior/" + info.Name + ":events",
\t\t\t\tDescription: "Uses of " + info.Package + " GODEBUG=" + info.Name + ".",
\t\t\t\tKind:       KindUint64,
\t\t\t\tCumulative: true,
\t\t\t})
\t\t}
\t}
}
"""

GODEBUGS = """\
package godebugs

var All = []Info{
\t{Name: "panicnil", Package: "runtime", Changed: 21, Old: "1"},
\t{Name: "http2debug", Package: "net/http", Opaque: true},
}
"""

RUNTIME = """\
package runtime

import _ "unsafe"

// gopark parks.
//
// gopark should be an internal detail,
// but widely used packages access it using linkname.
// Notable members of the hall of shame include:
//   - gvisor.dev/gvisor
//   - github.com/sagernet/gvisor (from assembly)
//
// Do not remove or change the type signature.
// See go.dev/issue/67401.
//
//go:linkname gopark
func gopark(unlockf func(*g, unsafe.Pointer) bool, lock unsafe.Pointer, a, b int, rest ...string) (n int, err error) {
\treturn
}

func gcount() int32 { return 0 }

//go:linkname sync_runtime_Semacquire sync.runtime_Semacquire
func sync_runtime_Semacquire(addr *uint32) {}

//go:linknamestd newcoro
func newcoro(f func(*coro)) *coro { return nil }

//go:linkname cgocallback
func cgocallback(fn, frame, ctxt uintptr)

func osyield()

//go:linkname pulled other.pulled
func pulled()

//go:linkname zeroVal
var zeroVal [16]byte

//go:linkname cgoVar syscall.cgo_x
var cgoVar = 1

//go:linkname pullVar other.thing
var pullVar int

// These should be an internal details
// but widely used packages access them using linkname.

// Notable members of the hall of shame include:
//   - github.com/a/b
//go:linkname groupa
//go:linkname groupb

func groupa() {}
func groupb() {}

type Mutex struct{}

func (m *Mutex) Lock()          {}
func (m Mutex) String() string { return "" }

type Box[T any] struct{}

func (b *Box[T]) Get() {}

func Generic[T any]() {}

func init() {}

var _ = 1
var a, b = 1, 2
"""

ASM = """\
#include "textflag.h"

TEXT runtime·cgocallback(SB),NOSPLIT,$24-24
\tRET

TEXT ·osyield(SB),NOSPLIT,$0
\tRET

TEXT ·helper<>(SB),NOSPLIT,$0
\tRET

TEXT crosscall2(SB),NOSPLIT,$0
\tRET

TEXT internal∕runtime∕atomic·Load<ABIInternal>(SB),NOSPLIT,$0
\tRET

// TEXT ·commented(SB),NOSPLIT,$0

#define CALLFN(NAME,MAXSIZE)\t\t\\
TEXT NAME(SB), WRAPPER, $MAXSIZE-48;\t\\
\tRET

CALLFN(·call16, 16)
CALLFN(·call32, 32)

#ifdef GOOS_windows
TEXT ·winonly(SB),NOSPLIT,$0
\tRET
#else
TEXT ·notwin(SB),NOSPLIT,$0
\tRET
#endif

#ifdef GOAMD64_v3
TEXT ·v3(SB),NOSPLIT,$0
\tRET
#endif
"""


def synthetic_goroot(root, version="go1.99.1", loader=LOADER, exp=EXP):
    write_tree(
        root,
        {
            "VERSION": f"{version}\ntime 2026-01-01T00:00:00Z\n",
            "src/cmd/dist/build.go": DIST,
            "src/cmd/link/internal/loader/loader.go": loader,
            "src/cmd/compile/internal/noder/noder.go": NODER,
            "src/cmd/go/main.go": "package main\n\nfunc Tool() {}\n",
            "src/internal/buildcfg/exp.go": exp,
            "src/internal/godebugs/table.go": GODEBUGS,
            "src/runtime/metrics/description.go": DESCRIPTION,
            "src/runtime/runtime.go": RUNTIME,
            "src/runtime/asm_amd64.s": ASM,
            "src/runtime/os_linux.go": "package runtime\n\nfunc onlyLinux() {}\n",
            "src/runtime/os_windows.go": (
                "//go:build !arm64\n\npackage runtime\n\nfunc windowsNotArm() {}\n"
            ),
            "src/runtime/fancy.go": (
                "//go:build goexperiment.fancy\n\npackage runtime\n\nfunc fancy() {}\n"
            ),
            "src/runtime/never.go": (
                "//go:build goexperiment.never || race\n\npackage runtime\n\nfunc never() {}\n"
            ),
            "src/runtime/always.go": (
                "//go:build goexperiment.always && go1.99\n\npackage runtime\n\nfunc always() {}\n"
            ),
            "src/runtime/cgo.go": (
                'package runtime\n\n// #include <stdio.h>\nimport "C"\n\nfunc withCgo() {}\n'
            ),
            "src/runtime/gen.go": "//go:build ignore\n\npackage main\n\nfunc generated() {}\n",
            "src/runtime/x_test.go": "package runtime\n\nfunc testOnly() {}\n",
            "src/runtime/testdata/p/p.go": "package p\n\nfunc Fixture() {}\n",
            "src/runtime/_old/old.go": "package old\n\nfunc Old() {}\n",
            "src/sync/sema.go": (
                'package sync\n\nimport _ "unsafe"\n\n'
                "//go:linkname runtime_Semacquire\nfunc runtime_Semacquire(s *uint32)\n"
            ),
            "src/vendor/gopkg.in/yaml.v3/yaml.go": "package yaml\n\nfunc Marshal() {}\n",
            "src/asmonly/a_amd64.s": "TEXT ·orphan(SB),0,$0\n\tRET\n",
        },
    )
    return root


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    root = synthetic_goroot(tmp_path_factory.mktemp("goroot"))
    data = build.build(root)
    path = build.write(data, tmp_path_factory.mktemp("out"))
    return tables.ToolchainTable(json.loads(gzip.decompress(path.read_bytes())), path)


def test_configs_come_from_dist_and_buildcfg(synthetic):
    configs = [str(p) for p in synthetic.configs]

    assert configs == [
        "js/wasm",
        "linux/amd64",
        "linux/amd64+cgo",
        "linux/arm64",
        "linux/arm64+cgo",
        "windows/amd64",
        "windows/amd64+cgo",
        "windows/arm64",
    ]
    assert synthetic.first_class == {("linux", "amd64")}
    assert synthetic.regabi("arm64") and not synthetic.regabi("wasm")
    assert synthetic.release == "go1.99.1" and synthetic.version == GoVersion(1, 99)


def test_definitions_and_their_ports(synthetic):
    t = synthetic

    assert t.symbol("runtime.gcount").ports.all
    assert str(t.symbol("runtime.onlyLinux").ports) == "linux/amd64, linux/arm64"
    assert str(t.symbol("runtime.windowsNotArm").ports) == "windows/amd64"
    # goexperiment tags: Fancy is off on windows and wasm; Always on; Never off.
    assert t.symbol("runtime.fancy").ports.pairs() == {
        ("linux", "amd64"),
        ("linux", "arm64"),
    }
    assert t.symbol("runtime.always").ports.all
    assert t.symbol("runtime.never") is None
    # Files importing "C" only with cgo on.
    with_cgo = t.symbol("runtime.withCgo").ports
    assert BuildContext("linux", "amd64", cgo=True) in with_cgo
    assert BuildContext("linux", "amd64", cgo=False) not in with_cgo
    assert "linux/amd64" in with_cgo and "windows/arm64" not in with_cgo


def test_skipped_files_and_declarations(synthetic):
    names = synthetic.symbol_names()

    for missing in (
        "runtime.generated",
        "runtime.testOnly",
        "runtime/testdata/p.Fixture",
        "runtime/_old.Old",
        "cmd/go.Tool",
        "runtime.init",
        "runtime._",
        "runtime.Generic",
        "runtime.(*Box).Get",
        "runtime.helper",
        "runtime.commented",
        "asmonly.orphan",
    ):
        assert missing not in names, missing
    assert "runtime.a" in names and "runtime.b" in names
    assert "vendor/gopkg.in/yaml%2ev3.Marshal" in names
    assert "asmonly" not in synthetic.packages


def test_method_and_assembly_spelling(synthetic):
    t = synthetic

    assert t.symbol("runtime.(*Mutex).Lock").kind == "method"
    assert t.symbol("runtime.Mutex.String").kind == "method"
    assert str(t.symbol("runtime.osyield").ports) == "linux/amd64, windows/amd64"
    assert t.symbol("runtime.osyield").kinds == ("asm",)
    assert t.symbol("crosscall2").package == "runtime"
    assert t.symbol("internal/runtime/atomic.Load").kind == "asm"
    assert t.symbol("runtime.call16").kind == t.symbol("runtime.call32").kind == "asm"
    # #ifdef on a GOOS macro narrows the ports; on other macros it does not.
    assert str(t.symbol("runtime.winonly").ports) == "windows/amd64"
    assert str(t.symbol("runtime.notwin").ports) == "linux/amd64"
    assert t.symbol("runtime.v3").ports == t.symbol("runtime.osyield").ports


def test_push_forms(synthetic):
    t = synthetic

    gopark = t.pushed("runtime.gopark")
    assert (gopark.kind, gopark.decl, gopark.where) == (
        "linkname",
        "func",
        ("runtime/runtime.go:16",),
    )
    assert gopark.hall_of_shame == ("gvisor.dev/gvisor", "github.com/sagernet/gvisor")
    assert [str(s) for s in gopark.signatures] == [
        "func(func(*g, unsafe.Pointer) bool, unsafe.Pointer, int, int, ...string) (int, error)"
    ]
    assert t.pushed("runtime.gcount") is None

    # A body with a two-argument directive defines and pushes the target.
    sema = t.pushed("sync.runtime_Semacquire")
    assert sema.packages == ("runtime",)  # sync's one-argument line is a pull
    assert t.symbol("sync.runtime_Semacquire").package == "runtime"
    assert t.symbol("runtime.sync_runtime_Semacquire") is None

    assert t.pushed("runtime.newcoro").kind == "linknamestd"
    # Assembly behind a body-less declaration is pushed where it exists.
    assert str(t.pushed("runtime.cgocallback").ports) == "linux/amd64, windows/amd64"
    assert t.pushed("runtime.osyield") is None
    # Body-less and uninitialised declarations naming other symbols pull.
    assert t.pushed("other.pulled") is None and t.symbol("other.pulled") is None
    assert t.pushed("other.thing") is None and t.symbol("other.thing") is None
    assert t.symbol("runtime.pullVar") is None

    zero = t.pushed("runtime.zeroVal")
    assert zero.decl == "var" and zero.var_types == ("[16]byte",)
    assert t.pushed("syscall.cgo_x").decl == "var"
    assert t.symbol("syscall.cgo_x").kind == "var"
    assert t.pushed("runtime.groupa").hall_of_shame == ("github.com/a/b",)
    assert t.pushed("runtime.groupb").hall_of_shame == ("github.com/a/b",)


def test_linker_and_metrics(synthetic):
    t = synthetic

    assert t.enforces_linkname and t.linknamestd and t.checks_assembly
    assert t.blocked("runtime.addmoduledata") == ()
    assert t.blocked("sync.runtime_Semacquire") == ("sync", "internal/sync")
    assert t.blocked("runtime.gopark") is None
    assert dict(t.metrics) == {
        "/gc/cycles:gc-cycles": ("uint64", "Count of completed GC cycles.", True),
        "/godebug/non-default-behavior/panicnil:events": (
            "uint64",
            "Uses of runtime GODEBUG=panicnil.",
            True,
        ),
        "/sched/latencies:seconds": (
            "float64histogram",
            "Distribution of latencies.",
            False,
        ),
    }


def test_release_without_linkname_checks(tmp_path):
    root = synthetic_goroot(tmp_path, loader="package loader\n")

    linker = build.build(root)["linker"]

    assert linker["enforces_linkname"] is False and linker["blocked"] == {}


def test_unknown_source_shapes_fail_loudly(tmp_path):
    odd = EXP.replace("Always:         true", "Always:         pick(goos)")
    root = synthetic_goroot(tmp_path, exp=odd)

    with pytest.raises(build.TableError, match="cannot evaluate baseline field Always"):
        build.build(root)


def test_output_is_reproducible(tmp_path, synthetic):
    again = build.encode(build.build(synthetic_goroot(tmp_path / "again")))

    assert again == synthetic.origin.read_bytes()


@pytest.mark.parametrize(
    ("path", "prefix"),
    [
        ("runtime", "runtime"),
        ("internal/runtime/atomic", "internal/runtime/atomic"),
        ("gopkg.in/yaml.v3", "gopkg.in/yaml%2ev3"),
        ('a"b c', "a%22b%20c"),
    ],
)
def test_path_to_prefix(path, prefix):
    assert build.path_to_prefix(path) == prefix


def test_hall_of_shame_stops_at_the_list_end():
    block = [
        "// Notable members of the hall of shame include:",
        "//   - github.com/x/y",
        "//     wraps onto a second line",
        "//   - fortio.org/log (from assembly)",
        "//",
        "//   - github.com/not/listed",
    ]

    assert build.hall_of_shame(block) == ["github.com/x/y", "fortio.org/log"]


# --- PortSet and loading ------------------------------------------------------


def test_port_set_semantics(synthetic):
    t = synthetic
    with_cgo = t.symbol("runtime.withCgo").ports
    linux = t.symbol("runtime.onlyLinux").ports

    assert BuildContext("js", "wasm", cgo=True) not in with_cgo
    # A cgo context on a port without cgo counts as cgo off.
    assert (
        BuildContext("windows", "arm64", cgo=True) in t.symbol("runtime.gcount").ports
    )
    assert ("plan9", "386") not in linux and "nosuch" not in linux
    assert [str(p) for p in with_cgo & linux] == ["linux/amd64+cgo", "linux/arm64+cgo"]
    assert (with_cgo | linux).pairs() == {
        ("linux", "amd64"),
        ("linux", "arm64"),
        ("windows", "amd64"),
    }
    assert (linux | linux) == linux and linux != with_cgo
    assert not (linux & t.symbol("runtime.windowsNotArm").ports)
    assert [str(p) for p in with_cgo] == [
        "linux/amd64+cgo",
        "linux/arm64+cgo",
        "windows/amd64+cgo",
    ]
    with pytest.raises(TypeError):
        _ = 3 in linux


def test_unknown_version_raises():
    with pytest.raises(tables.TableNotFound, match="no toolchain table for Go 1.19"):
        tables.load("1.19")


def test_load_is_cached_per_process():
    assert tables.load("1.27") is tables.load(GoVersion(1, 27))


def test_local_toolchain_tables_are_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("GOABILINT_CACHE_DIR", str(tmp_path / "cache"))
    root = synthetic_goroot(tmp_path / "go")

    first = tables.load_goroot(root)
    path = first.origin
    assert path == tmp_path / "cache" / "tables" / "go1.99.1.json.gz"
    assert tables.load("1.99") is first
    assert GoVersion(1, 99) in tables.available_versions()

    # A cached table is reused, unless another generator made it.
    stamp = path.stat().st_mtime_ns
    assert tables.load_goroot(root).origin.stat().st_mtime_ns == stamp
    stale = json.loads(gzip.decompress(path.read_bytes()))
    stale["generator"] = "0" * 64
    path.write_bytes(build.encode(stale))
    assert tables.load_goroot(root).generator == build.generator_digest()


def test_shipped_tables_win_over_cached_ones(tmp_path, monkeypatch):
    monkeypatch.setenv("GOABILINT_CACHE_DIR", str(tmp_path))
    write_tree(tmp_path, {"tables/go1.27.1.json.gz": ""})

    assert tables.load("1.27").origin.parent == tables.data_dir()


def test_stale_format_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("GOABILINT_CACHE_DIR", str(tmp_path))
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "go1.98.2.json.gz").write_bytes(build.encode({"format": 0}))

    with pytest.raises(tables.TableNotFound, match="table format 0"):
        tables.load("1.98")


# --- the command line ---------------------------------------------------------


def test_cli_build_writes_where_asked(tmp_path, capsys):
    root = synthetic_goroot(tmp_path / "go")

    run = run_main(
        capsys, "tables", "build", "--goroot", str(root), "-o", str(tmp_path)
    )

    assert run.code == 0, run.err
    assert run.out == f"{tmp_path / 'go1.99.json.gz'}\n"


def test_cli_build_output_with_slash_is_a_directory(tmp_path, capsys):
    root = synthetic_goroot(tmp_path / "go")
    out = tmp_path / "new" / "dir"

    run = run_main(capsys, "tables", "build", "--goroot", str(root), "-o", f"{out}/")

    assert run.code == 0, run.err
    assert (out / "go1.99.json.gz").is_file()
    missing = run_main(
        capsys, "tables", "build", "--goroot", str(root), "-o", str(out / "x" / "t.gz")
    )
    assert missing.code == 2 and "cannot build the table" in missing.err


def test_cli_build_rejects_a_directory_without_sources(tmp_path, capsys):
    run = run_main(capsys, "tables", "build", "--goroot", str(tmp_path))

    assert run.code == 2
    assert "not a Go installation" in run.err


def test_cli_list(capsys):
    run = run_main(capsys, "tables", "list")

    assert run.code == 0
    lines = run.out.splitlines()
    assert lines[0].split()[:4] == ["1.21", "go1.21.13", "shipped", "linkname"]
    assert "unchecked" in lines[0] and " checked" in lines[-1]


def test_cli_show(capsys):
    run = run_main(capsys, "tables", "show", "runtime.gcount", "--go", "1.27")
    assert run.code == 0
    assert run.out == "1.27   defined in runtime (func on all); not pushed\n"

    run = run_main(capsys, "tables", "show", "runtime.newcoro")
    by_version = dict(line.split(None, 1) for line in run.out.splitlines())
    assert "blocked except for iter" in by_version["1.26"]
    assert "//go:linknamestd" in by_version["1.27"]
    assert "linker does not check linknames" in by_version["1.22"]

    assert (
        run_main(capsys, "tables", "show", "runtime.nosuch", "--go", "1.27").code == 1
    )
    metric = run_main(capsys, "tables", "show", "/gc/heap/goal:bytes", "--go", "1.27")
    assert metric.out.startswith("1.27   uint64: ")
