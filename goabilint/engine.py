"""The analysis run: discover, group into packages, parse, check, suppress.

Each directory is one job (:class:`PackageJob`), analysed on its own so that
jobs can run in worker processes and be cached (see
:mod:`goabilint.scheduler`); inside a job every file is read once, parsed at
most once, and handed to each enabled rule whose prefilter matches. Faults
inside a rule become notifications naming the rule and the file, and never
cost the other rules' results.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import hashlib
import itertools
import logging
import os
import stat
import time
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from goabilint.cache import Cache
from goabilint.config import NEWEST_GO, ConfigResolver, GoRange, Settings
from goabilint.context import Reporter, Targets
from goabilint.discover import discover, package_files
from goabilint.gomod import GoMod, find_go_mod
from goabilint.hookspecs import hookimpl
from goabilint.paths import real_path
from goabilint.plugins import Registry, load_registry
from goabilint.prefilter import Needles
from goabilint.rule import Finding, Location, Rule, Severity
from goabilint.source import AsmFile, GoFile, Package, SourceFile
from goabilint.suppress import MetaRules, apply_suppressions

__all__ = ["Notification", "PackageJob", "PackageResult", "RunResult", "run"]

log = logging.getLogger(__name__)


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the cycle collector's youngest generation less often while
    packages are analysed (forked workers inherit the setting).

    Analysis allocates millions of short-lived objects that reference
    counting frees (each package's cycles are broken by Package.release);
    at the default threshold the collector still scanned them hundreds of
    times a run, about 3% of it."""
    before = gc.get_threshold()
    gc.set_threshold(100_000, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


@dataclass(frozen=True)
class Notification:
    """Something about the run itself rather than the code.

    ``level`` is ``error`` for faults inside goabilint (a rule crashed, a
    file could not be read), ``warning`` for input it could only partly
    analyse, ``note`` for information.
    """

    level: str
    message: str
    path: str | None = None
    rule: str | None = None


@dataclass
class RunResult:
    findings: list[Finding]
    suppressed: list[Finding]
    notifications: list[Notification]
    rules: list[Rule]  # every registered rule
    enabled: set[str] = field(default_factory=set)  # codes that ran somewhere
    files: int = 0

    @property
    def internal_error(self) -> bool:
        return any(n.level == "error" for n in self.notifications)


def run(
    paths: Sequence[str],
    resolver_args: dict | None = None,
    registry: Registry | None = None,
    *,
    jobs: int = 1,
    cache: Cache | None = None,
    shard: tuple[int, int] | None = None,
) -> RunResult:
    """Analyse ``paths`` and return every finding, sorted.

    :param resolver_args: keyword arguments for
        :class:`~goabilint.config.ConfigResolver` besides ``rules``
        (command-line overrides, ``--config``, ``--isolated``).
    :param jobs: worker processes; small runs stay in this process.
    :param cache: where to look up and store package results.
    :param shard: ``(i, n)``: analyse only the packages of shard i of n
        (1-based), chosen by a stable hash of the package directory.
    :raises ConfigError: for usage and configuration errors.
    """
    from goabilint import scheduler

    registry = registry or load_registry(extra_plugins=[MetaRules()])
    resolver = ConfigResolver(registry.rules, **(resolver_args or {}))
    module_fingerprint.cache_clear()  # one state of the tree per run
    real_path.cache_clear()
    dispatcher = Dispatcher(registry)
    registry.manager.register(dispatcher, name="goabilint.dispatch")
    try:
        started = time.perf_counter()
        job_list, notes = plan(paths, resolver, shard)
        planned = time.perf_counter()
        log.info(
            "found %d files in %d packages in %.2fs",
            sum(len(j.files) for j in job_list),
            len(job_list),
            planned - started,
        )
        with _fewer_collections():
            results = scheduler.execute(job_list, registry, cache, jobs)
        log.info(
            "analysed in %.2fs with %d job(s)", time.perf_counter() - planned, jobs
        )
    finally:
        registry.manager.unregister(dispatcher)

    result = RunResult([], [], notes, registry.rules)
    for pr in results:
        result.findings += pr.findings
        result.suppressed += pr.suppressed
        result.notifications += pr.notifications
        result.enabled |= pr.enabled
        result.files += pr.files
    # A go.mod shared by many packages reports its problems once.
    result.notifications = list(dict.fromkeys(result.notifications))
    result.findings.sort(key=Finding.sort_key)
    result.suppressed.sort(key=Finding.sort_key)
    return result


@dataclass(frozen=True)
class PackageJob:
    """The files of one directory to analyse, with the settings that apply.

    ``context`` holds the directory's other source files when only some
    were named (as pre-commit names them): they are read so that rules
    that look at the whole package see all of it, but nothing is reported
    in them.
    """

    directory: Path
    files: tuple[Path, ...]
    settings: Settings
    cwd: Path
    context: tuple[Path, ...] = ()

    def reported(self) -> frozenset[str] | None:
        """Shown paths of the files findings are kept for; None for all."""
        if not self.context:
            return None
        return frozenset(display_path(p, self.cwd) for p in self.files)


@dataclass
class PackageResult:
    """What one job produced; small and picklable for worker processes."""

    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    enabled: set[str] = field(default_factory=set)
    files: int = 0

    def to_json(self) -> dict:
        """A plain JSON document, for the cache."""
        return {
            "findings": [_finding_to_json(f) for f in self.findings],
            "suppressed": [_finding_to_json(f) for f in self.suppressed],
            "notifications": [dataclasses.astuple(n) for n in self.notifications],
            "enabled": sorted(self.enabled),
            "files": self.files,
        }

    @classmethod
    def from_json(cls, doc: dict) -> PackageResult:
        return cls(
            [_finding_from_json(f) for f in doc["findings"]],
            [_finding_from_json(f) for f in doc["suppressed"]],
            [Notification(*n) for n in doc["notifications"]],
            set(doc["enabled"]),
            int(doc["files"]),
        )


def _finding_to_json(f: Finding) -> dict:
    return {
        "code": f.code,
        "severity": int(f.severity),
        "message": f.message,
        "location": dataclasses.astuple(f.location),
        "fix": f.fix,
        "related": [[dataclasses.astuple(loc), m] for loc, m in f.related],
        "versions": list(f.versions),
        "suppressed": f.suppressed,
        "edits": [[dataclasses.astuple(loc), t] for loc, t in f.edits],
    }


def _finding_from_json(d: dict) -> Finding:
    return Finding(
        d["code"],
        Severity(d["severity"]),
        d["message"],
        Location(*d["location"]),
        d["fix"],
        tuple((Location(*loc), m) for loc, m in d["related"]),
        tuple(d["versions"]),
        d["suppressed"],
        tuple((Location(*loc), t) for loc, t in d["edits"]),
    )


def plan(
    paths: Sequence[str], resolver: ConfigResolver, shard: tuple[int, int] | None = None
) -> tuple[list[PackageJob], list[Notification]]:
    """Discover files and group them into one job per directory."""
    cwd = Path.cwd()
    # The settings of each directory, by its name: asked for every file.
    settings_of: dict[str, Settings] = {}

    def excluded(p: Path) -> bool:
        parent = os.path.dirname(p)
        settings = settings_of.get(parent)
        if settings is None:
            settings = settings_of[parent] = resolver.for_directory(p.parent)
        return settings.is_excluded(p)

    found = discover(paths, excluded)
    named_only = found.partial
    notes = [Notification("warning", msg) for msg in found.skipped]
    notes += [Notification("error", msg) for msg in found.unreadable]

    # Grouped by the directory's name: a Path made and hashed for each
    # file's parent costs more. One Path a directory, in Path order.
    by_name: dict[str, list[Path]] = defaultdict(list)
    for f in found.files:
        by_name[os.path.dirname(f)].append(f)
    by_dir = {fs[0].parent: fs for fs in by_name.values()}
    jobs = []
    for directory in sorted(by_dir):
        if (
            shard is not None
            and shard_of(display_path(directory, cwd), shard[1]) != shard[0]
        ):
            continue
        settings = resolver.for_directory(directory)
        files = tuple(by_dir[directory])
        context: tuple[Path, ...] = ()
        if directory in named_only:
            context = tuple(
                f for f in package_files(directory, excluded) if f not in files
            )
        jobs.append(PackageJob(directory, files, settings, cwd, context))
    return jobs, notes


def shard_of(package: str, shards: int) -> int:
    """The 1-based shard a package belongs to; stable across runs and machines."""
    digest = hashlib.blake2b(package.encode("utf-8", "surrogateescape"), digest_size=8)
    return int.from_bytes(digest.digest(), "big") % shards + 1


def display_path(path: Path, cwd: Path) -> str:
    """The path as findings show it: relative to the working directory if below it.

    A file name that is not valid UTF-8 is shown with backslash escapes, so
    that every output format can carry it.
    """
    p, c = os.fspath(path), os.fspath(cwd).rstrip("/") + "/"
    if os.sep == "/" and p.startswith(c):
        shown = p[len(c) :]  # what relative_to gives, without pathlib
    else:
        try:
            shown = path.relative_to(cwd).as_posix()
        except ValueError:
            shown = path.as_posix()
    return shown.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def targets_for(settings: Settings, package: Package) -> Targets:
    """Target versions: the configured range, else go.mod's ``go`` line onward."""
    if settings.go is not None:
        versions = settings.go.versions()
    elif package.module is not None and package.module.go is not None:
        low = package.module.go
        versions = GoRange(low, max(low, NEWEST_GO)).versions()
    else:
        versions = (NEWEST_GO,)
    platforms = tuple(itertools.product(settings.goos, settings.goarch))
    return Targets(versions, platforms, frozenset(settings.tags), package.module)


def analyse_job(
    job: PackageJob, registry: Registry, cache: Cache | None
) -> PackageResult:
    """Load one directory's files, then answer from the cache or check them."""
    pkg, notes = load_package(job)
    key = None
    if cache is not None:
        key = cache.key(_cache_parts(job, pkg))
        hit = cache.get(key)
        if isinstance(hit, dict) and hit.get("uses-module") and pkg.module is not None:
            # The last analysis read other packages of the module: its
            # result is stored under their state too.
            hit = cache.get(_module_key(cache, key, pkg.module.root))
        if hit is not None:
            try:
                return PackageResult.from_json(hit)
            except (KeyError, TypeError, ValueError):
                pass  # an entry of another shape is a miss
    out = check_package(pkg, job.settings, registry, job.reported())
    pkg.release()
    out.notifications[:0] = notes + header_notes(pkg, job)
    if key is not None and not any(n.level == "error" for n in out.notifications):
        # A run with faults is retried next time, not replayed.
        if pkg.used_module and pkg.module is not None:
            cache.put(key, {"uses-module": True})
            cache.put(_module_key(cache, key, pkg.module.root), out.to_json())
        else:
            cache.put(key, out.to_json())
    return out


def _module_key(cache: Cache, key: str, root: Path) -> str:
    return cache.key([key.encode(), module_fingerprint(root)])


@functools.lru_cache(maxsize=16)
def module_fingerprint(root: Path) -> bytes:
    """Names, sizes and modification times of every Go file of a module,
    for rules that read beyond their package (computed once per run)."""
    h = hashlib.blake2b(digest_size=16)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith((".", "_")) and d not in ("vendor", "testdata")
        )
        for name in sorted(filenames):
            if name.endswith(".go"):
                try:
                    st = os.stat(os.path.join(dirpath, name))
                except OSError:
                    continue
                h.update(
                    f"{dirpath}/{name}:{st.st_size}:{st.st_mtime_ns}\n".encode(
                        "utf-8", "surrogateescape"
                    )
                )
    return h.digest()


def _cache_parts(job: PackageJob, pkg: Package) -> list[bytes]:
    parts = [repr(job.settings).encode(), str(job.cwd).encode(), pkg.display.encode()]
    if pkg.module is not None:
        parts.append(repr(pkg.module).encode())
    for f in [*pkg.go_files, *pkg.asm_files]:
        parts += [f.display.encode(), f.data]
    reported = job.reported()
    if reported is not None:
        parts.append("\0".join(sorted(reported)).encode())
    return parts


def load_package(
    job: PackageJob,
    buffers: Mapping[Path, bytes] | None = None,
    find_module: Callable[[Path], GoMod | None] = find_go_mod,
) -> tuple[Package, list[Notification]]:
    """Read the job's files; problems reading them become notifications.

    :param buffers: contents to use instead of reading these files (an
        editor's unsaved buffers); a file named here need not exist on disk.
    :param find_module: finds the ``go.mod`` that applies to the directory.
    """
    notes: list[Notification] = []
    settings = job.settings
    directory = job.directory
    pkg = Package(
        directory, display_path(directory, job.cwd), module=find_module(directory)
    )
    if pkg.module is not None:
        for err in pkg.module.errors:
            notes.append(Notification("warning", err))
    for path in (*job.files, *job.context):
        display = display_path(path, job.cwd)
        try:
            data = _read(path, settings.max_file_size, buffers)
        except _TooLarge as e:
            notes.append(
                Notification(
                    "warning",
                    f"{e.size} bytes is over max-file-size ({settings.max_file_size}); skipped",
                    display,
                )
            )
            continue
        except OSError as e:
            notes.append(
                Notification("error", f"cannot read: {e.strerror or e}", display)
            )
            continue
        if path.suffix == ".go":
            pkg.go_files.append(GoFile(path, display, data))
        else:
            pkg.asm_files.append(AsmFile(path, display, data))
    return pkg, _visible(notes, job)


def header_notes(pkg: Package, job: PackageJob) -> list[Notification]:
    """Malformed build constraints of the package's files: asked only when
    the package is analysed (a cached result already holds them)."""
    notes = []
    for f in [*pkg.go_files, *pkg.asm_files]:
        if pkg.reported is not None and f.display not in pkg.reported:
            continue  # a context file: its problems are not shown
        if f.constraint_error is not None:
            line, err = f.constraint_error
            msg = f"line {line}: malformed build constraint ({err}); treated as always built"
            notes.append(Notification("warning", msg, f.display))
    return _visible(notes, job)


def _visible(notes: list[Notification], job: PackageJob) -> list[Notification]:
    if not job.context:
        return notes
    # Context files are not reported on, and neither are their problems.
    hidden = {display_path(p, job.cwd) for p in job.context}
    return [n for n in notes if n.path not in hidden]


def analyse_buffers(
    job: PackageJob,
    registry: Registry,
    buffers: Mapping[Path, bytes],
    find_module: Callable[[Path], GoMod | None],
) -> PackageResult:
    """Check one directory now, taking some files' contents from ``buffers``.

    This is the editor's entry point: the unsaved buffers replace their
    files and the rest of the package is read from disk. Never cached.
    The registry must have a :class:`Dispatcher` registered.
    """
    pkg, notes = load_package(job, buffers, find_module)
    out = check_package(pkg, job.settings, registry, job.reported())
    pkg.release()
    out.notifications[:0] = notes + header_notes(pkg, job)
    return out


def check_package(
    pkg: Package,
    settings: Settings,
    registry: Registry,
    report: frozenset[str] | None = None,
) -> PackageResult:
    """Run every enabled rule over a loaded package, then apply suppressions.

    :param report: shown paths of the files to check and report on; the
        package's other files are seen only by package-level rules. None
        means every file.
    """
    out = PackageResult()
    pkg.reported = report
    reported = [
        f
        for f in [*pkg.go_files, *pkg.asm_files]
        if report is None or f.display in report
    ]
    shown = {f.display for f in reported}
    out.files = len(reported)
    targets = targets_for(settings, pkg)
    enabled_all = settings.enabled_rules(registry.rules)
    enabled_by_file: dict[str, frozenset[str]] = {}
    # Resolve the directory once: per-file resolve() costs an lstat per
    # path component, for every file of a large tree.
    real_dir = real_path(pkg.directory) if settings.per_file_ignores else None
    all_codes = frozenset(r.code for r in enabled_all)
    for f in [*pkg.go_files, *pkg.asm_files]:
        off = ()
        if real_dir is not None:
            off = settings.ignored_for(_relative(real_dir / f.path.name, settings.root))
        enabled_by_file[f.display] = (
            frozenset(r.code for r in enabled_all if not any(_sel(r, s) for s in off))
            if off
            else all_codes
        )
    out.enabled = set().union(*enabled_by_file.values()) if enabled_by_file else set()

    hook = registry.manager.hook
    raw: list[Finding] = []
    per_file = [(f, hook.goabilint_check_go_file) for f in pkg.go_files]
    per_file += [(f, hook.goabilint_check_asm_file) for f in pkg.asm_files]
    for f, check_file in per_file:
        if f.display in shown:
            raw += _call(
                check_file,
                out,
                f.display,
                file=f,
                enabled=enabled_by_file[f.display],
                targets=targets,
            )
    if pkg.go_files or pkg.asm_files:
        package_enabled = frozenset().union(*enabled_by_file.values())
        raw += _call(
            hook.goabilint_check_package,
            out,
            pkg.display,
            package=pkg,
            enabled=package_enabled,
            targets=targets,
        )

    # Only files some rule parsed can be known to be partly unparseable.
    for gf in pkg.go_files:
        if gf.parsed and gf.has_errors and gf.display in shown:
            out.notifications.append(
                Notification(
                    "warning",
                    "syntax not understood in parts of the file; those parts were not checked",
                    gf.display,
                )
            )

    files_by_display: dict[str, SourceFile] = {f.display: f for f in reported}
    per_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in raw:
        f = files_by_display.get(finding.location.path)
        if f is None or finding.code not in enabled_by_file[f.display]:
            continue  # a plugin reported outside its file or a disabled code
        if _in_broken(f, finding):
            continue
        per_file[f.display].append(finding)

    resolve = registry.find
    for display, f in files_by_display.items():
        enabled = enabled_by_file[display]
        kept, suppressed, meta = apply_suppressions(
            f, per_file.get(display, []), enabled, resolve
        )
        # An unused suppression in an unparsed part proves nothing: findings
        # there were dropped.
        meta = [m for m in meta if m.code in enabled and not _in_broken(f, m)]
        for finding in [*kept, *meta]:
            out.findings.append(_severity(finding, settings, registry))
        out.suppressed += [_severity(s, settings, registry) for s in suppressed]
    return out


class _TooLarge(Exception):
    def __init__(self, size: int):
        self.size = size


def _read(path: Path, limit: int, buffers: Mapping[Path, bytes] | None = None) -> bytes:
    """Read a file, refusing ones over ``limit`` bytes before reading them."""
    if buffers is not None and path in buffers:
        data = buffers[path]
        if len(data) > limit:
            raise _TooLarge(len(data))
        return data
    # os.open and os.read: a buffered file object costs twice as much to
    # make as the read of a typical Go file takes.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        size = st.st_size
        if size > limit:
            raise _TooLarge(size)
        chunks = []
        left = limit + 1
        while left > 0:
            want = min(left, max(size + 1, 1 << 16))
            chunk = os.read(fd, want)
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
            if len(chunk) < want and stat.S_ISREG(st.st_mode):
                break  # a regular file reads short only at its end
        return b"".join(chunks)
    finally:
        os.close(fd)


def _call(hook, out: PackageResult, where: str, **kwargs) -> list[Finding]:
    """Call each implementation of a check hook on its own, so one failing
    plugin costs only its own findings."""
    found: list[Finding] = []
    for impl in hook.get_hookimpls():
        try:
            res = impl.function(**{k: kwargs[k] for k in impl.argnames})
        except Exception as e:
            out.notifications.append(_crash(impl.plugin_name, where, e))
            continue
        if isinstance(impl.plugin, Dispatcher):
            out.notifications += impl.plugin.take_notifications()
        if not _are_findings(res):
            msg = f"{impl.plugin_name} returned {type(res).__name__}, not a list of findings"
            out.notifications.append(
                Notification("error", msg, where, impl.plugin_name)
            )
            continue  # nothing it returned can be trusted
        found += res or []
    return found


def _are_findings(res: object) -> bool:
    return res is None or (
        isinstance(res, list | tuple)
        and all(
            isinstance(f, Finding) and isinstance(f.location, Location) for f in res
        )
    )


def _crash(who: str, where: str, e: BaseException) -> Notification:
    log.debug(
        "%s failed on %s:\n%s", who, where, "".join(traceback.format_exception(e))
    )
    return Notification("error", f"{who} crashed: {type(e).__name__}: {e}", where, who)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def _sel(rule: Rule, selector: str) -> bool:
    from goabilint.rule import matches_selector

    return matches_selector(rule, selector)


def _in_broken(f: SourceFile, finding: Finding) -> bool:
    if not isinstance(f, GoFile) or not f.has_errors:
        return False
    loc = finding.location
    starts = f.lines.starts
    if not (1 <= loc.line <= len(starts) and 1 <= loc.end_line <= len(starts)):
        return False
    start = starts[loc.line - 1] + loc.column - 1
    end = starts[loc.end_line - 1] + loc.end_column - 1
    return f.in_broken(start, end)


def _severity(finding: Finding, settings: Settings, registry: Registry) -> Finding:
    rule = registry.by_code().get(finding.code)
    if rule is None:
        return finding
    sev = settings.severity_of(rule)
    return finding if sev == finding.severity else replace(finding, severity=sev)


class Dispatcher:
    """The engine's own plugin: runs each enabled rule's check functions.

    A rule that raises costs only its own findings for that file; the fault
    is kept as a notification naming the rule.
    """

    def __init__(self, registry: Registry):
        self.rules = registry.rules
        self.needles = Needles(
            n for r in self.rules for n in r.needs if isinstance(n, bytes)
        )
        # Per check kind, the rules that have one, each with its byte needs
        # when those are all it has (the common case: one set test per file
        # instead of a call to Rule.may_fire).
        self._checks: dict[
            str, list[tuple[Rule, Callable, frozenset[bytes] | None]]
        ] = {}
        for attr in ("check_go", "check_asm", "check_package"):
            self._checks[attr] = [
                (
                    r,
                    getattr(r, attr),
                    frozenset(r.needs)
                    if r.needs and all(isinstance(n, bytes) for n in r.needs)
                    else None,
                )
                for r in self.rules
                if getattr(r, attr) is not None
            ]
        self._notes: list[Notification] = []

    def take_notifications(self) -> list[Notification]:
        notes, self._notes = self._notes, []
        return notes

    def _run(
        self,
        attr: str,
        subject,
        display: str,
        enabled,
        targets: Targets,
        files: Sequence[SourceFile],
    ) -> list[Finding]:
        sink: list[Finding] = []
        seen: dict[object, object] = {}
        present: frozenset[bytes] | None = None
        data = [f.data for f in files]
        for rule, check, needs in self._checks[attr]:
            if rule.code not in enabled:
                continue
            if present is None:
                present = frozenset().union(*map(self._present, files))
            if needs is not None:
                if needs.isdisjoint(present):
                    continue  # the prefilter says this rule cannot fire here
            elif not rule.may_fire(present, data, seen):
                continue
            file = subject if isinstance(subject, SourceFile) else None
            report = Reporter(rule, rule.severity, file, targets, sink)
            before = len(sink)
            try:
                check(subject, report)
            except Exception as e:
                del sink[before:]
                self._notes.append(_crash(f"rule {rule.code}", display, e))
        return sink

    def _present(self, file: SourceFile) -> frozenset[bytes]:
        """The needles in ``file``: one pass, shared by its file and
        package rules."""
        return file.shared(self.needles, lambda: self.needles.present(file.data))

    @hookimpl
    def goabilint_check_go_file(self, file: GoFile, enabled, targets) -> list[Finding]:
        return self._run("check_go", file, file.display, enabled, targets, (file,))

    @hookimpl
    def goabilint_check_asm_file(
        self, file: AsmFile, enabled, targets
    ) -> list[Finding]:
        return self._run("check_asm", file, file.display, enabled, targets, (file,))

    @hookimpl
    def goabilint_check_package(
        self, package: Package, enabled, targets
    ) -> list[Finding]:
        # A package rule's prefilter passes when any file of the package
        # holds one of its byte strings.
        files = (*package.go_files, *package.asm_files)
        return self._run(
            "check_package", package, package.display, enabled, targets, files
        )


def severity_at_least(findings: Sequence[Finding], level: Severity) -> int:
    return sum(1 for f in findings if f.severity >= level)
