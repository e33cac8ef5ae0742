"""Serve HTTP002's and HTTP003's findings with the real net/http.

``testdata/http_runtime`` holds handlers of both kinds, reported and not.
Each is served once by ``httptest`` and asked for "/": a handler HTTP002
reports must make the server log "superfluous response.WriteHeader call",
and one HTTP003 reports must send no ``X-Late`` header or trailer. A
handler that neither rule reports must do neither, so both the claims and
the silences are checked against the library that makes them true.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

from goabilint import engine
from goabilint.source import GoFile
from goabilint.syntax import text
from harness import TESTDATA

pytestmark = pytest.mark.toolchain

FIXTURE = TESTDATA / "http_runtime"
_HANDLER = re.compile(
    r"^func (\w+)\(w http\.ResponseWriter, r \*http\.Request\) \{$", re.MULTILINE
)

PROBE = """package httpruntime

import (
	"bytes"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
)

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestProbe(t *testing.T) {
	handlers := map[string]http.HandlerFunc{HANDLERS}
	results := map[string]map[string]bool{}
	for name, h := range handlers {
		var logged lockedBuffer
		srv := httptest.NewUnstartedServer(h)
		srv.Config.ErrorLog = log.New(&logged, "", 0)
		srv.Start()
		resp, err := http.Get(srv.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body) // to the end: the handler has returned
		resp.Body.Close()
		srv.Close()
		results[name] = map[string]bool{
			"superfluous": strings.Contains(logged.String(), "superfluous response.WriteHeader"),
			"late": resp.Header.Get("X-Late") != "" || resp.Trailer.Get("X-Late") != "",
		}
	}
	out, _ := json.Marshal(results)
	os.WriteFile(os.Getenv("PROBE_OUT"), out, 0o644)
}
"""


def _enclosing_handler(file: GoFile, line: int) -> str:
    for decl in file.decls:
        node = decl.node
        if decl.kind == "func" and node.start_point[0] < line <= node.end_point[0] + 1:
            return text(node.child_by_field_name("name"))
    raise AssertionError(f"line {line} is in no function")


def _body(source: str, name: str) -> str:
    start = source.index(f"func {name}(")
    return source[start : source.index("\n}\n", start)]


def test_findings_match_what_net_http_does(tmp_path, monkeypatch):
    directory = tmp_path / "http_runtime"
    shutil.copytree(FIXTURE, directory)
    source = (directory / "handlers.go").read_text("utf-8")
    names = _HANDLER.findall(source)
    assert len(names) > 10

    monkeypatch.chdir(tmp_path)
    result = engine.run(
        ["http_runtime"], {"overrides": {"select": ("HTTP002", "HTTP003")}}
    )
    go_file = GoFile(directory / "handlers.go", "handlers.go", source.encode())
    reported = {"HTTP002": set(), "HTTP003": set()}
    for f in result.findings:
        reported[f.code].add(_enclosing_handler(go_file, f.location.line))
    assert reported["HTTP002"] and reported["HTTP003"]

    probe = PROBE.replace("HANDLERS", ", ".join(f'"{n}": {n}' for n in names))
    (directory / "probe_test.go").write_text(probe, "utf-8")
    out = tmp_path / "probe.json"
    env = dict(
        os.environ,
        GOFLAGS="-mod=mod",
        GOTOOLCHAIN="local",
        GOWORK="off",
        CGO_ENABLED="0",
        PROBE_OUT=str(out),
    )
    proc = subprocess.run(
        ["go", "test", "-count=1", "-run", "TestProbe", "."],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,  # the assertion below shows the output
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    observed = json.loads(out.read_text("utf-8"))

    sets_late = {n for n in names if '"X-Late"' in _body(source, n)}
    superfluous = {n for n, r in observed.items() if r["superfluous"]}
    lost = {n for n, r in observed.items() if n in sets_late and not r["late"]}
    assert reported["HTTP002"] == superfluous
    assert reported["HTTP003"] == lost
