"""Ask the real toolchain whether the LAY rules' claims hold.

- LAY003: on the host release, a mirror the rule reports reads the wrong
  bytes, and one it accepts works: ``testdata/LAY003``'s pre-1.24
  ``mapType`` reads ``keysize`` from what is now ``GroupSize``, while its
  full pre-1.24 ``hiter`` still iterates a map through the runtime's
  compatibility ``linknameIter``.
- LAY004/LAY005: every assertion idiom the rules read compiles in the
  fixtures, and each one-sided guard LAY005 reports really lets the
  reported direction through: changed to be violated that way, the file
  still compiles.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from harness import TESTDATA

from goabilint import engine
from goabilint.constraints import GoVersion

pytestmark = pytest.mark.toolchain

TIMEOUT = 300

PROBE = """\
package mirrors

import (
	"testing"
	"unsafe"
)

func TestProbe(t *testing.T) {
	mp := map[int64]int64{1: 2, 3: 4, 5: 6}
	var e any = mp
	header := (*eface)(unsafe.Pointer(&e))
	typ := (*mapType)(header.typ)
	t.Logf("keysize=%d", KeySize(typ))
	it := Iterate(typ, header.data)
	sum := int64(0)
	for it.key != nil {
		sum += *(*int64)(it.key)
		mapiternext(unsafe.Pointer(it))
	}
	t.Logf("keysum=%d", sum)
}
"""


def _go(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = dict(
        os.environ,
        CGO_ENABLED="0",
        GOTOOLCHAIN="local",
        GOFLAGS="-mod=mod",
        GOWORK="off",
        **env,
    )
    return subprocess.run(
        ["go", *args],
        check=False,
        cwd=cwd,
        env=full,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def _host() -> GoVersion:
    out = subprocess.run(
        ["go", "env", "GOVERSION"], capture_output=True, text=True, check=True
    )
    return GoVersion.parse(out.stdout.strip())


def _findings(name: str) -> list:
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(TESTDATA)
        return engine.run([name]).findings


def test_lay003_claims_on_the_host_release(tmp_path):
    host = _host()
    reported = {
        (f.message.split()[0], v) for f in _findings("LAY003") for v in f.versions
    }
    if not any(v == str(host) for _, v in reported):
        pytest.skip(f"the fixture says nothing about go{host}")
    directory = tmp_path / "LAY003"
    shutil.copytree(TESTDATA / "LAY003", directory)
    (directory / "probe_test.go").write_text(PROBE)
    proc = _go(["test", "-run", "Probe", "-v", "-count=1", "."], directory)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    keysize = int(re.search(r"keysize=(\d+)", proc.stdout).group(1))
    keysum = int(re.search(r"keysum=(\d+)", proc.stdout).group(1))

    # Reported drift: the value read is not the key size (8).
    assert (("mapType", str(host)) in reported) == (keysize != 8), keysize
    # No drift reported for hiter: iterating through the mirror works.
    assert ("hiter", str(host)) not in reported
    assert keysum == 1 + 3 + 5


VIEWS_PROBE = """\
package mirrors

import (
	"runtime"
	"testing"
	"unsafe"
)

func TestViews(t *testing.T) {
	m := map[int64]int64{}
	want := int64(0)
	for k := int64(1); k <= 2000; k++ {
		m[k] = k
		want += k
	}
	t.Logf("mapKind.keysize=%d", MapKeySize(m))
	k := int64(42)
	h := MapHasher(m)
	t.Logf("mapHasherView.stable=%v", h(unsafe.Pointer(&k), 7) == h(unsafe.Pointer(&k), 7))

	var e any = m
	typ := unsafe.Pointer((*typedEface)(unsafe.Pointer(&e)).typ)
	data := (*typedEface)(unsafe.Pointer(&e)).data

	var c Cursor
	c.Start(typ, data)
	buckets := map[uintptr]bool{}
	sum := int64(0)
	for c.key != nil {
		sum += *(*int64)(c.key)
		buckets[c.Bucket()] = true
		mapiternext(unsafe.Pointer(&c.legacyIter))
	}
	t.Logf("legacyIter.buckets=%d sum=%v", len(buckets), sum == want)

	var w walker
	mapiterinit2(typ, data, unsafe.Pointer(&w.room))
	sum = 0
	for n := 0; w.room.key != nil; n++ {
		sum += *(*int64)(w.room.key)
		if n%200 == 0 {
			runtime.GC()
		}
		mapiternext(unsafe.Pointer(&w.room))
	}
	t.Logf("roomIter.sum=%v", sum == want)
}

//go:linkname mapiterinit2 runtime.mapiterinit
func mapiterinit2(t, m, it unsafe.Pointer)
"""

VIEWS_PROBE_126 = """\
//go:build go1.26

package mirrors

import (
	"testing"
	"unsafe"
)

func TestViews126(t *testing.T) {
	var e any = map[int64][200]byte{} // elements over 128 bytes are stored indirectly
	typ := (*typedEface)(unsafe.Pointer(&e)).typ
	t.Logf("mapFlags126.indirect=%v", ElemIndirect(typ))
}
"""


def test_lay003_views_on_the_host_release(tmp_path):
    """Iterators reached through fields and embedding structs, and kind
    views of the map type descriptor (testdata/LAY003/views*.go)."""
    host = _host()
    reported = {
        (f.message.split()[0], v) for f in _findings("LAY003") for v in f.versions
    }
    directory = tmp_path / "LAY003"
    shutil.copytree(TESTDATA / "LAY003", directory)
    (directory / "views_probe_test.go").write_text(VIEWS_PROBE)
    (directory / "views_probe126_test.go").write_text(VIEWS_PROBE_126)
    proc = _go(["test", "-run", "Views", "-v", "-count=1", "."], directory)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout

    def said(name: str) -> bool:
        return (name, str(host)) in reported

    keysize = int(re.search(r"mapKind.keysize=(\d+)", out).group(1))
    assert said("mapKind") == (keysize != 8), keysize
    assert "mapHasherView.stable=true" in out and not said("mapHasherView")
    buckets = int(re.search(r"legacyIter.buckets=(\d+) sum=true", out).group(1))
    # From 1.24 the runtime never writes bucket: one value, zero, throughout.
    assert said("legacyIter") == (buckets == 1), buckets
    assert "roomIter.sum=true" in out and not said("roomIter")
    indirect = re.search(r"mapFlags126.indirect=(\w+)", out)
    if indirect is not None:
        assert said("mapFlags126") == (indirect.group(1) != "true"), indirect.group(1)


def test_lay005_one_sided_guards_let_the_other_direction_through(tmp_path):
    directory = tmp_path / "LAY005"
    shutil.copytree(TESTDATA / "LAY005", directory)
    assert _go(["build", "."], directory).returncode == 0

    guards = directory / "guards.go"
    source = guards.read_text()
    findings = [f for f in _findings("LAY005") if f.code == "LAY005"]
    assert findings
    for f in findings:
        m = re.search(
            r"catches (.+?) (growing past|shrinking below) (\S+) but not", f.message
        )
        measured, direction, bound = m.group(1), m.group(2), int(m.group(3))
        # Move the bound the way the guard does not look: a guard against
        # growth must still compile when the type shrinks (the bound grows),
        # and the reverse.
        moved = bound + 8 if direction == "growing past" else bound - 4
        lines = source.splitlines()
        line = lines[f.location.line - 1]
        lines[f.location.line - 1] = re.sub(rf"\b{bound}\b", str(moved), line, count=1)
        guards.write_text("\n".join(lines) + "\n")
        proc = _go(["build", "."], directory)
        assert proc.returncode == 0, f"{measured}: {proc.stderr}"
        guards.write_text(source)
