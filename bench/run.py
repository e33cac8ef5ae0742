"""Benchmark goabilint on a Go tree (default: the standard library).

    python bench/run.py [--corpus DIR] [--repeat N] [--skip-semgrep] [--json]

The corpus is copied to a temporary directory first, so that the "touch one
file" scenario never modifies it. Every measurement is a separate process;
for each one the table shows its wall time (median over ``--repeat``), the
CPU time of the whole process tree, the largest resident set of any one
process in it (from ``wait4``) and the peak of the tree's summed
proportional set size (sampled from ``/proc``; forked workers share pages,
which PSS divides between them instead of counting them twice).

Scenarios:

- goabilint cold: default rules, a fresh cache directory, default ``--jobs``;
  again with ``--jobs 1``.
- goabilint warm: the same command with the cache the cold run filled.
- touch one file: append a comment to one file, run warm again; the number
  of packages re-analysed is the number of new cache entries.
- pre-commit: three files named on the command line, fresh cache.
- parse floor: one process parsing every ``.go`` file once with tree-sitter.
- byte-scan floor: a Python loop reading every file and testing the rules'
  prefilter strings; ripgrep searching the same strings, if ``rg`` is found.
- semgrep: the rules in ``bench/semgrep/`` (what semgrep can express of the
  default rules) on the same ``.go`` files, if semgrep is found.

This is a benchmark, not a test: it asserts nothing and exits 0 whatever
the figures; the targets of issue #7 are printed next to them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SEMGREP_RULES = BENCH / "semgrep"
FLOORS = BENCH / "floors.py"

# Files the touch and pre-commit scenarios use when the corpus has them
# (paths relative to the corpus); otherwise the first files found.
TOUCH_CANDIDATES = ("net/http/server.go",)
PRECOMMIT_CANDIDATES = ("net/http/request.go", "runtime/stubs.go", "reflect/value.go")

MAX_FILE_SIZE = 8 * 1024 * 1024  # goabilint's default max-file-size
ARG_BYTES_LIMIT = 1 << 20  # pass file lists on the command line below this
SAMPLE_INTERVAL = 0.05


@dataclass
class Sample:
    """One measured process run."""

    wall: float
    cpu: float
    max_rss_mb: float
    tree_pss_mb: float | None
    tree_rss_mb: float | None
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Scenario:
    """One row of the table: the runs of one scenario and what they found."""

    name: str
    command: list[str]
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    max_rss_mb: float = 0.0
    tree_pss_mb: float | None = None
    tree_rss_mb: float | None = None
    files: int | None = None
    findings: int | None = None
    notes: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    failed: str | None = None

    @property
    def wall(self) -> float | None:
        return statistics.median(self.walls) if self.walls else None

    @property
    def cpu(self) -> float | None:
        return statistics.median(self.cpus) if self.cpus else None

    def add(self, s: Sample) -> None:
        self.walls.append(s.wall)
        self.cpus.append(s.cpu)
        self.max_rss_mb = max(self.max_rss_mb, s.max_rss_mb)
        if s.tree_pss_mb is not None:
            self.tree_pss_mb = max(self.tree_pss_mb or 0.0, s.tree_pss_mb)
        if s.tree_rss_mb is not None:
            self.tree_rss_mb = max(self.tree_rss_mb or 0.0, s.tree_rss_mb)


# --- measuring one process tree -------------------------------------------


class TreeSampler(threading.Thread):
    """Polls ``/proc`` for the peak memory of a process and its descendants.

    Descendants are found by parent pid among processes whose pid is not
    lower than the root's (they were started after it), which keeps each
    poll cheap. Without ``/proc`` (not Linux) nothing is sampled.
    """

    def __init__(self, root: int):
        super().__init__(daemon=True)
        self.root = root
        self.page = os.sysconf("SC_PAGE_SIZE")
        self.peak_pss = 0
        self.peak_rss = 0
        self.available = os.path.isdir("/proc/self")
        self._halt = threading.Event()

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def run(self) -> None:
        while self.available and not self._halt.is_set():
            rss = pss = 0
            for pid in self._tree():
                rss += self._rss(pid)
                pss += self._pss(pid)
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_pss = max(self.peak_pss, pss)
            self._halt.wait(SAMPLE_INTERVAL)

    def _tree(self) -> list[int]:
        parents: dict[int, int] = {}
        try:
            names = os.listdir("/proc")
        except OSError:
            return [self.root]
        for name in names:
            if not name.isdigit() or int(name) <= self.root:
                continue
            try:
                with open(f"/proc/{name}/stat", "rb") as f:
                    stat = f.read()
            except OSError:
                continue  # exited meanwhile
            # The command name is in parentheses and may contain spaces.
            fields = stat[stat.rfind(b")") + 2 :].split()
            parents[int(name)] = int(fields[1])
        tree = [self.root]
        members = {self.root}
        grew = True
        while grew:
            grew = False
            for pid, ppid in parents.items():
                if ppid in members and pid not in members:
                    members.add(pid)
                    tree.append(pid)
                    grew = True
        return tree

    def _rss(self, pid: int) -> int:
        try:
            with open(f"/proc/{pid}/statm", "rb") as f:
                return int(f.read().split()[1]) * self.page
        except (OSError, IndexError, ValueError):
            return 0

    @staticmethod
    def _pss(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
                for line in f:
                    if line.startswith(b"Pss:"):
                        return int(line.split()[1]) * 1024
        except (OSError, IndexError, ValueError):
            pass
        return 0


def measure(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Sample:
    """Run ``cmd`` to completion and measure it and all its descendants."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        # wait4 gives this child's usage including every descendant it waited
        # for: CPU time summed, ru_maxrss the largest single process.
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    mb = 1024 * 1024
    maxrss = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    return Sample(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        max_rss_mb=maxrss / mb,
        tree_pss_mb=sampler.peak_pss / mb if sampler.available else None,
        tree_rss_mb=sampler.peak_rss / mb if sampler.available else None,
        returncode=proc.returncode,
        stdout=stdout,
        stderr=stderr,
    )


# --- the corpus -------------------------------------------------------------


@dataclass
class Corpus:
    root: Path  # the copy everything runs on
    files: list[str]  # what goabilint analyses, relative to root, sorted
    go_files: list[str]
    needs: dict[str, list[list[bytes]]]  # prefilters of the default rules


def default_corpus() -> Path:
    try:
        goroot = subprocess.run(
            ["go", "env", "GOROOT"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as e:
        raise SystemExit(f"bench: no --corpus given and `go env GOROOT` failed: {e}")
    return Path(goroot) / "src"


def prepare(source: Path, workdir: Path) -> Corpus:
    """Copy the corpus and list the files goabilint would analyse in it."""
    from goabilint.discover import discover
    from goabilint.plugins import load_registry
    from goabilint.suppress import MetaRules

    root = workdir / "corpus"
    shutil.copytree(source, root, symlinks=True)
    found = discover([str(root)], lambda p: False)
    files = [p.relative_to(root).as_posix() for p in found.files]

    # The default rules' prefilters, for the byte-scan floor.
    rules = [
        r for r in load_registry(extra_plugins=[MetaRules()]).rules if r.default_enabled
    ]

    # A prefilter that is not a byte string (Rule.needs takes objects with
    # a search() method too) cannot be replayed here: such a rule counts
    # as needing every file, which keeps the floor a floor.
    def strings(r) -> list[bytes]:
        return [] if not all(isinstance(n, bytes) for n in r.needs) else list(r.needs)

    needs = {
        "go": [strings(r) for r in rules if r.check_go is not None],
        "asm": [strings(r) for r in rules if r.check_asm is not None],
    }
    go_files = [f for f in files if f.endswith(".go")]
    return Corpus(root, files, go_files, needs)


def pick(files: list[str], candidates: tuple[str, ...], count: int) -> list[str]:
    """``count`` files: the candidates present, then files of other directories."""
    chosen = [c for c in candidates if c in files][:count]
    dirs = {os.path.dirname(c) for c in chosen}
    for f in files:
        if len(chosen) == count:
            break
        if f.endswith(".go") and os.path.dirname(f) not in dirs:
            chosen.append(f)
            dirs.add(os.path.dirname(f))
    return chosen


def cache_entries(cache: Path) -> int:
    """Package results stored in a goabilint cache directory."""
    if not cache.is_dir():
        return 0
    return sum(
        1 for p in cache.glob("v*/*/*") if p.is_file() and not p.name.startswith(".")
    )


def code_state() -> str:
    """A digest of goabilint's and its rules' source files (names, sizes,
    modification times), to notice when they change during the run: every
    goabilint row would then mix versions, and the cache would miss."""
    import hashlib
    import importlib

    h = hashlib.blake2b(digest_size=16)
    for name in ("goabilint", "goabilint_rules"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        for root in sorted(getattr(module, "__path__", [])):
            for path in sorted(Path(root).rglob("*.py")):
                try:
                    st = path.stat()
                except OSError:
                    continue
                h.update(f"{path}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def fits_command_line(paths: list[str]) -> bool:
    return sum(len(p) + 1 for p in paths) < ARG_BYTES_LIMIT


# --- scenarios ----------------------------------------------------------------


def goabilint_cmd(
    out: Path, cache: Path, paths: list[str], jobs: int | None
) -> list[str]:
    cmd = [sys.executable, "-m", "goabilint", "check", "--isolated", "-v"]
    cmd += ["--format", "json", "--output", str(out), "--cache-dir", str(cache)]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    return [*cmd, "--", *paths]


def run_goabilint(
    sc: Scenario,
    corpus: Corpus,
    out: Path,
    cache: Path,
    paths: list[str],
    jobs: int | None,
) -> Sample | None:
    sc.command = goabilint_cmd(out, cache, paths, jobs)
    out.unlink(missing_ok=True)
    s = measure(sc.command, corpus.root)
    if s.returncode not in (0, 1) or not out.exists():
        sc.failed = f"exit {s.returncode}: {last_line(s.stderr)}"
        return None
    sc.add(s)
    doc = json.loads(out.read_text(encoding="utf-8"))
    sc.files = doc["summary"]["files"]
    sc.findings = len(doc["findings"])
    m = re.search(r"found (\d+) files in (\d+) packages", s.stderr)
    if m:
        sc.extra["packages"] = int(m.group(2))
    m = re.search(r"analysed in ([\d.]+)s", s.stderr)
    if m:
        sc.extra.setdefault("analysed_s", []).append(float(m.group(1)))
    levels: dict[str, int] = {}
    for e in doc.get("errors", []):
        levels[e.get("level", "error")] = levels.get(e.get("level", "error"), 0) + 1
    sc.extra["notifications"] = levels
    return s


def run_floor(sc: Scenario, corpus: Corpus, args: list[str]) -> None:
    sc.command = [sys.executable, str(FLOORS), *args]
    s = measure(sc.command, corpus.root)
    if s.returncode != 0:
        sc.failed = f"exit {s.returncode}: {last_line(s.stderr)}"
        return
    sc.add(s)
    doc = json.loads(s.stdout)
    sc.files = doc["files"]
    sc.extra.setdefault("loop_s", []).append(doc["loop_seconds"])
    sc.extra["bytes"] = doc["bytes"]
    if "with_errors" in doc:
        sc.extra["files_with_syntax_errors"] = doc["with_errors"]
    if "prefilter_selected" in doc:
        sc.extra["prefilter_selected"] = doc["prefilter_selected"]


def run_ripgrep(sc: Scenario, corpus: Corpus, rg: str) -> None:
    strings = sorted({n for rule in corpus.needs["go"] for n in rule})
    cmd = [rg, "--files-with-matches", "--no-messages", "--fixed-strings"]
    for s in strings or [b""]:
        cmd += ["-e", s.decode("utf-8", "surrogateescape")]
    if fits_command_line(corpus.files):
        cmd += ["--", *corpus.files]
    else:
        cmd += ["--no-ignore", "--hidden", "--", "."]
        sc.notes.append("searched the whole directory")
    sc.command = cmd
    s = measure(cmd, corpus.root)
    if s.returncode not in (0, 1):
        sc.failed = f"exit {s.returncode}: {last_line(s.stderr)}"
        return
    sc.add(s)
    sc.files = len(corpus.files)
    sc.extra["files_matching_prefilters"] = len(s.stdout.splitlines())


def run_semgrep(
    sc: Scenario, corpus: Corpus, semgrep: str, jobs: int, out: Path
) -> None:
    cmd = [semgrep, "scan", "--config", str(SEMGREP_RULES)]
    cmd += ["--json", "--output", str(out)]
    cmd += ["--metrics=off", "--disable-version-check", "--no-git-ignore", "--quiet"]
    cmd += ["--jobs", str(jobs), "--max-target-bytes", str(MAX_FILE_SIZE)]
    if fits_command_line(corpus.go_files):
        cmd += ["--", *corpus.go_files]
    else:
        cmd += ["--", "."]
        sc.notes.append("scanned the whole directory")
    sc.command = cmd
    out.unlink(missing_ok=True)
    s = measure(cmd, corpus.root, semgrep_env())
    if not out.exists():
        sc.failed = f"exit {s.returncode}: {last_line(s.stderr)}"
        return
    sc.add(s)
    doc = json.loads(out.read_text(encoding="utf-8"))
    sc.files = len(doc.get("paths", {}).get("scanned", []))
    sc.findings = len(doc["results"])
    by_rule: dict[str, int] = {}
    for r in doc["results"]:
        code = r["check_id"].rsplit(".", 1)[-1]
        by_rule[code] = by_rule.get(code, 0) + 1
    sc.extra["findings_by_rule"] = dict(sorted(by_rule.items()))
    if doc.get("errors"):
        sc.extra["error_count"] = len(doc["errors"])
        sc.extra["errors"] = [e.get("message", "")[:200] for e in doc["errors"][:5]]


def semgrep_env() -> dict[str, str]:
    """Keep semgrep offline: no metrics, no version check (which can hang
    for a minute where there is no network)."""
    return dict(
        os.environ, SEMGREP_SEND_METRICS="off", SEMGREP_ENABLE_VERSION_CHECK="0"
    )


def last_line(text: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[-1][:200] if lines else "no output"


def tool_version(cmd: list[str], env: dict[str, str] | None = None) -> str | None:
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=60, env=env, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    out = done.stdout.strip()
    return out.splitlines()[0] if out else None


def find_semgrep(given: str | None) -> str | None:
    if given:
        return given
    found = shutil.which("semgrep")
    if found:
        return found
    venv = Path("/tmp/semgrep-venv/bin/semgrep")  # where bench/README.md installs it
    return str(venv) if venv.exists() else None


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def run_all(args: argparse.Namespace, corpus: Corpus, workdir: Path) -> list[Scenario]:
    jobs = args.jobs or default_jobs()
    cold = Scenario("goabilint cold", [])
    cold1 = Scenario("goabilint cold --jobs 1", [])
    warm = Scenario("goabilint warm (cache)", [])
    touch = Scenario("goabilint touch 1 file", [])
    precommit = Scenario("goabilint pre-commit, 3 files", [])
    parse = Scenario("parse floor (tree-sitter, 1 proc)", [])
    scan = Scenario("byte-scan floor (Python read loop)", [])
    rg = Scenario("byte-scan floor (ripgrep)", [])
    sg = Scenario("semgrep (bench/semgrep rules)", [])
    out = workdir / "out.json"

    # The file lists the floors read, absolute so they need no cwd.
    filelist = workdir / "files.txt"
    filelist.write_text(
        "".join(f"{corpus.root / f}\n" for f in corpus.files),
        encoding="utf-8",
        errors="surrogateescape",
    )
    needs = json.dumps(
        {k: [[n.hex() for n in r] for r in v] for k, v in corpus.needs.items()}
    )
    touched = pick(corpus.files, TOUCH_CANDIDATES, 1)[0]
    three = pick(corpus.files, PRECOMMIT_CANDIDATES, 3)
    rg_path = shutil.which("rg")
    semgrep = None if args.skip_semgrep else find_semgrep(args.semgrep)

    for i in range(args.repeat):
        progress(f"round {i + 1}/{args.repeat}")
        cache = workdir / f"cache-{i}"

        progress("  goabilint cold")
        run_goabilint(cold, corpus, out, cache, ["."], args.jobs)
        cold_entries = cache_entries(cache)
        cold.extra["cache_entries"] = cold_entries

        progress("  goabilint warm")
        run_goabilint(warm, corpus, out, cache, ["."], args.jobs)
        warm.extra["packages_reanalysed"] = cache_entries(cache) - cold_entries

        progress(f"  touch {touched}")
        with open(corpus.root / touched, "a", encoding="utf-8") as f:
            f.write(f"\n// touched by bench/run.py, round {i + 1}\n")
        before = cache_entries(cache)
        run_goabilint(touch, corpus, out, cache, ["."], args.jobs)
        touch.extra["touched"] = touched
        touch.extra["packages_reanalysed"] = cache_entries(cache) - before
        touch.extra["package_files"] = sum(
            1 for f in corpus.files if os.path.dirname(f) == os.path.dirname(touched)
        )

        progress("  goabilint cold --jobs 1")
        run_goabilint(cold1, corpus, out, workdir / f"cache-j1-{i}", ["."], 1)

        progress("  pre-commit")
        run_goabilint(
            precommit, corpus, out, workdir / f"cache-pc-{i}", three, args.jobs
        )
        precommit.extra["files_named"] = three

        progress("  parse floor")
        run_floor(parse, corpus, ["parse", str(filelist)])
        progress("  byte-scan floor")
        run_floor(scan, corpus, ["read", str(filelist), needs])
        if rg_path:
            progress("  ripgrep")
            run_ripgrep(rg, corpus, rg_path)
        if semgrep:
            progress("  semgrep")
            run_semgrep(sg, corpus, semgrep, jobs, workdir / "semgrep.json")

    for sc in (cold, cold1, warm, touch, precommit):
        counts = sc.extra.get("notifications")
        if counts:
            sc.notes.append(
                ", ".join(f"{n} {level}s" for level, n in sorted(counts.items()))
            )
        if "analysed_s" in sc.extra:
            sc.notes.append(
                f"analysis {statistics.median(sc.extra['analysed_s']):.2f}s"
            )
    if "packages" in cold.extra:
        cold.notes.append(f"{cold.extra['packages']} packages")
    warm.notes.append(
        f"{warm.extra.get('packages_reanalysed', '?')} packages re-analysed"
    )
    touch.notes.append(
        f"{touch.extra.get('packages_reanalysed', '?')} package(s) re-analysed"
        f" ({touch.extra.get('package_files', '?')} files)"
    )
    for sc in (parse, scan):
        if "loop_s" in sc.extra:
            sc.notes.append(f"loop {statistics.median(sc.extra['loop_s']):.2f}s")
    if "files_with_syntax_errors" in parse.extra:
        parse.notes.append(
            f"{parse.extra['files_with_syntax_errors']} with syntax errors"
        )
    if "prefilter_selected" in scan.extra:
        scan.notes.append(f"{scan.extra['prefilter_selected']} files pass a prefilter")
    if "files_matching_prefilters" in rg.extra:
        rg.notes.append(
            f"{rg.extra['files_matching_prefilters']} files match a .go prefilter"
        )
    if sg.extra.get("errors"):
        first = sg.extra["errors"][0].splitlines()[0]
        sg.notes.append(f"{sg.extra['error_count']} errors, first: {first}")
    if sg.extra.get("findings_by_rule"):
        sg.notes.append(
            ", ".join(f"{k} {v}" for k, v in sg.extra["findings_by_rule"].items())
        )

    rows = [cold, cold1, warm, touch, precommit, parse, scan]
    if rg_path:
        rows.append(rg)
    else:
        rg.failed = "rg not found (apt-get install ripgrep)"
        rows.append(rg)
    if semgrep:
        rows.append(sg)
    else:
        sg.failed = (
            "skipped"
            if args.skip_semgrep
            else "semgrep not found (see bench/README.md)"
        )
        rows.append(sg)
    return rows


def progress(msg: str) -> None:
    sys.stderr.write(f"bench: {msg}\n")
    sys.stderr.flush()


# --- reporting ----------------------------------------------------------------


def ratios(rows: list[Scenario]) -> list[dict]:
    """The comparisons issue #7 asks for, each with its target."""
    by = {r.name: r for r in rows}
    cold = by["goabilint cold"]
    out: list[dict] = []

    def add(
        what: str, value: float | None, target: str, met: bool | None, unit: str = ""
    ):
        out.append(
            {"what": what, "value": value, "unit": unit, "target": target, "met": met}
        )

    sg = by["semgrep (bench/semgrep rules)"]
    if sg.wall and cold.wall:
        v = sg.wall / cold.wall
        add("semgrep / goabilint cold (wall)", v, ">= 10x", v >= 10, "x")
    parse = by["parse floor (tree-sitter, 1 proc)"]
    if parse.wall and cold.wall:
        v = cold.wall / parse.wall
        add("goabilint cold / parse floor (wall)", v, "<= 0.5", v <= 0.5)
    # CPU time does not depend on what else runs on the machine as much as
    # wall time does: a second opinion when the load average is high.
    if sg.cpu and cold.cpu:
        add("semgrep / goabilint cold (cpu)", sg.cpu / cold.cpu, "", None, "x")
    if parse.cpu and cold.cpu:
        add("goabilint cold / parse floor (cpu)", cold.cpu / parse.cpu, "", None)
    scan = by["byte-scan floor (Python read loop)"]
    if scan.wall and cold.wall:
        add("goabilint cold / byte-scan floor (wall)", cold.wall / scan.wall, "", None)
    warm = by["goabilint warm (cache)"]
    if warm.wall is not None:
        add("goabilint warm, unchanged tree", warm.wall, "< 1 s", warm.wall < 1, "s")
    touch = by["goabilint touch 1 file"]
    n = touch.extra.get("packages_reanalysed")
    if n is not None:
        add("packages re-analysed after touching 1 file", n, "== 1", n == 1)
    runs = [cold, by["goabilint cold --jobs 1"], warm, touch]
    peak = max((r.tree_pss_mb or r.max_rss_mb for r in runs if r.walls), default=None)
    if peak is not None:
        add("goabilint peak memory (tree PSS)", peak, "< 500 MB", peak < 500, "MB")
    pc = by["goabilint pre-commit, 3 files"]
    if pc.wall is not None:
        add("pre-commit run on 3 files", pc.wall, "< 0.5 s", pc.wall < 0.5, "s")
    return out


def fmt(v: float | None, digits: int = 2) -> str:
    if v is None:
        return "-"
    if isinstance(v, int):
        return str(v)
    return f"{v:.{digits}f}"


def render(rows: list[Scenario], comparisons: list[dict], env: dict) -> str:
    head = (
        "scenario",
        "wall s",
        "cpu s",
        "max RSS MB",
        "tree PSS MB",
        "files",
        "findings",
    )
    table = [head]
    for r in rows:
        if r.failed:
            table.append((r.name, "-", "-", "-", "-", "-", "-"))
            continue
        table.append(
            (
                r.name,
                fmt(r.wall),
                fmt(r.cpu, 1),
                fmt(r.max_rss_mb, 0),
                fmt(r.tree_pss_mb, 0),
                fmt(r.files),
                fmt(r.findings),
            )
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    lines = []
    if env["code_changed_during_run"]:
        lines += [
            "WARNING: goabilint's or its rules' source changed during the run;",
            "the goabilint rows mix versions and the cache may have missed.",
            "",
        ]
    corpus = f"{env['corpus']} ({env['files']} files, {env['go_files']} .go)"
    load = f"load average {env['loadavg_start']} at start, {env['loadavg_end']} at end"
    versions = ", ".join(f"{k} {v}" for k, v in env["versions"].items() if v)
    lines += [
        f"corpus: {corpus}, copied to a temporary directory",
        f"machine: {env['cpus']} CPUs, {load}; repeat {env['repeat']} (median wall)",
        f"versions: {versions}",
        "",
    ]
    for k, row in enumerate(table):
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:])
        ]
        lines.append("  ".join(cells))
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append("")
    for r in rows:
        text = r.failed or "; ".join(r.notes)
        if text:
            lines.append(f"{r.name}: {text}")
    lines.append("")
    for c in comparisons:
        met = {True: "met", False: "NOT met", None: ""}[c["met"]]
        value = (
            f"{fmt(c['value'])}{c['unit']}"
            if isinstance(c["value"], float)
            else c["value"]
        )
        target = f"  (target {c['target']}: {met})" if c["target"] else ""
        lines.append(f"{c['what']}: {value}{target}")
    return "\n".join(lines) + "\n"


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bench/run.py",
        description="Benchmark goabilint against its floors and semgrep.",
    )
    parser.add_argument(
        "--corpus", type=Path, help="Go tree (default: $(go env GOROOT)/src)"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, metavar="N", help="runs per scenario"
    )
    parser.add_argument(
        "--skip-semgrep", action="store_true", help="do not run semgrep"
    )
    parser.add_argument("--semgrep", metavar="PATH", help="semgrep executable to use")
    parser.add_argument(
        "--jobs", type=int, metavar="N", help="goabilint and semgrep workers"
    )
    parser.add_argument(
        "--json", action="store_true", help="print JSON instead of the table"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    source = (args.corpus or default_corpus()).resolve()
    if not source.is_dir():
        parser.error(f"--corpus {source}: not a directory")
    workdir = Path(tempfile.mkdtemp(prefix="goabilint-bench-"))
    try:
        start_load = loadavg()
        start_code = code_state()
        progress(f"copying {source} to {workdir}")
        corpus = prepare(source, workdir)
        rows = run_all(args, corpus, workdir)
        semgrep = None if args.skip_semgrep else find_semgrep(args.semgrep)
        from goabilint import __version__

        env = {
            "corpus": str(source),
            "files": len(corpus.files),
            "go_files": len(corpus.go_files),
            "cpus": default_jobs(),
            "loadavg_start": start_load,
            "loadavg_end": loadavg(),
            "code_changed_during_run": code_state() != start_code,
            "repeat": args.repeat,
            "versions": {
                "python": platform.python_version(),
                "goabilint": __version__,
                "semgrep": tool_version([semgrep, "--version"], semgrep_env())
                if semgrep
                else None,
                "ripgrep": tool_version(["rg", "--version"])
                if shutil.which("rg")
                else None,
            },
        }
        comparisons = ratios(rows)
        if args.json:
            doc = {
                "environment": env,
                "scenarios": [
                    {
                        **asdict(r),
                        "wall": r.wall,
                        "cpu": r.cpu,
                        "command": r.command[:12],
                    }
                    for r in rows
                ],
                "comparisons": comparisons,
            }
            sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        else:
            sys.stdout.write(render(rows, comparisons, env))
    finally:
        if args.keep:
            progress(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
