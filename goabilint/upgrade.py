"""``goabilint upgrade``: what changes for this code between two Go releases.

The linkname and metrics rules run over the paths with every release from
``--from`` to ``--to`` as targets; each finding carries the releases it
holds for, and comparing the two ends sorts it:

- *newly fails*: the link breaks at ``--to`` but not at ``--from``
  (LNK002 refused, LNK003 missing, LNK005 signature changed);
- *still fails*: broken at both ends;
- *fixed by the upgrade*: broken at ``--from`` only;
- *relies on internals*: LNK004 pulls that link at ``--to`` only because
  std pushes them;
- *metric names*: MET001 names that disappear or first appear.

Findings are grouped by that change, then by rule, then by package.
``goabilint.cli`` adds the subcommand with :func:`add_parser` and runs it
with :func:`run`; the report goes to stdout, logs to stderr. Exit status 1
when something newly fails, else 0.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from goabilint.config import ConfigError, parse_table
from goabilint.constraints import GoVersion
from goabilint.context import format_versions
from goabilint.gomod import find_go_mod
from goabilint.rule import Finding

__all__ = [
    "Change",
    "Report",
    "add_parser",
    "classify",
    "render_json",
    "render_text",
    "run",
]

RULES = ("LNK002", "LNK003", "LNK004", "LNK005", "MET001")

# Sections in report order: (key, heading).
SECTIONS = (
    ("newly-fails", "Newly fails"),
    ("metrics-gone", "Metric names that disappear"),
    ("internals", "Relies on standard-library internals"),
    ("still-fails", "Still fails"),
    ("fixed", "Fixed by the upgrade"),
    ("metrics-new", "Metric names that appear"),
)

_RULE_TITLES = {
    "LNK002": "refused by the linker",
    "LNK003": "target does not exist",
    "LNK004": "links only because std pushes it",
    "LNK005": "signature differs",
    "MET001": "runtime/metrics name",
}


@dataclass(frozen=True)
class Change:
    section: str  # a key of SECTIONS
    package: str  # import path, or directory without a go.mod
    finding: Finding


@dataclass
class Report:
    source: GoVersion
    target: GoVersion
    changes: list[Change]
    files: int

    @property
    def newly_failing(self) -> int:
        return sum(c.section == "newly-fails" for c in self.changes)


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "upgrade",
        help="report what breaks or changes when moving to a newer Go release",
        description="Run the linkname and runtime/metrics rules for every Go "
        "release from --from to --to and report what changes between the two.",
    )
    p.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    p.add_argument(
        "--from", dest="source", required=True, metavar="VERSION", help="e.g. 1.22"
    )
    p.add_argument(
        "--to", dest="target", required=True, metavar="VERSION", help="e.g. 1.27"
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "--goos", metavar="LIST", help="comma-separated (default: the configuration's)"
    )
    p.add_argument("--goarch", metavar="LIST")
    p.add_argument("--tags", metavar="LIST", help="custom build tags")
    p.add_argument(
        "--isolated", action="store_true", help="ignore all configuration files"
    )


def run(args: argparse.Namespace) -> int:
    from goabilint import engine
    from goabilint.plugins import load_registry

    try:
        source, target = GoVersion.parse(args.source), GoVersion.parse(args.target)
    except ValueError as e:
        raise ConfigError(str(e)) from None
    if target <= source:
        raise ConfigError(f"--to {target} must be newer than --from {source}")

    registry = load_registry()
    table: dict[str, object] = {"select": list(RULES), "go": f"{source}..{target}"}
    for key in ("goos", "goarch", "tags"):
        value = getattr(args, key)
        if value:
            table[key] = [v.strip() for v in value.split(",") if v.strip()]
    overrides = parse_table(
        table, registry.rules, where=lambda key: f"--{key or 'upgrade'}"
    )
    result = engine.run(
        args.paths, {"overrides": overrides, "isolated": args.isolated}, registry
    )
    for n in result.notifications:
        if n.level == "error":
            sys.stderr.write(f"error: {n.path + ': ' if n.path else ''}{n.message}\n")

    report = Report(
        source, target, classify(result.findings, source, target), result.files
    )
    out = render_json(report) if args.format == "json" else render_text(report)
    sys.stdout.write(out)
    if result.internal_error:
        return 2
    return 1 if report.newly_failing else 0


def classify(
    findings: Sequence[Finding], source: GoVersion, target: GoVersion
) -> list[Change]:
    """Sort findings into the report's sections by the releases they hold for."""
    out = []
    cwd = Path.cwd()
    for f in findings:
        versions = {GoVersion.parse(v) for v in f.versions}
        before = not versions or source in versions
        after = not versions or target in versions
        section = _section(f.code, before, after)
        if section is not None:
            out.append(Change(section, _package(cwd / f.location.path), f))
    return out


def _section(code: str, before: bool, after: bool) -> str | None:
    if code == "MET001":
        if after and not before:
            return "metrics-gone"
        if before and not after:
            return "metrics-new"
        return None  # lacking at both ends: not a change (check reports it)
    if code == "LNK004":
        return "internals" if after else None
    if after:
        return "still-fails" if before else "newly-fails"
    return "fixed" if before else None  # in between only: not a change of the ends


def _package(path: Path) -> str:
    directory = path.parent.resolve()
    mod = find_go_mod(directory)
    if mod is None or not mod.module:
        return directory.as_posix()
    rel = directory.relative_to(mod.root.resolve()).as_posix()
    return mod.module if rel == "." else f"{mod.module}/{rel}"


def _grouped(changes: list[Change]) -> dict[str, dict[str, dict[str, list[Finding]]]]:
    out: dict[str, dict[str, dict[str, list[Finding]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    for c in changes:
        out[c.section][c.finding.code][c.package].append(c.finding)
    return out


def render_text(report: Report) -> str:
    src, dst = f"go{report.source}", f"go{report.target}"
    lines = [f"Upgrade from {src} to {dst}: {report.files} files", ""]
    grouped = _grouped(report.changes)
    for key, heading in SECTIONS:
        rules = grouped.get(key)
        if not rules:
            continue
        total = sum(len(fs) for pkgs in rules.values() for fs in pkgs.values())
        lines.append(f"{heading} ({total})")
        for code in sorted(rules):
            lines.append(f"  {code} {_RULE_TITLES.get(code, '')}")
            for pkg in sorted(rules[code]):
                lines.append(f"    {pkg}")
                for f in rules[code][pkg]:
                    loc = f.location
                    when = f" ({format_versions(f.versions)})" if f.versions else ""
                    lines.append(f"      {loc.path}:{loc.line}: {f.message}{when}")
        lines.append("")

    counts = {k: sum(c.section == k for c in report.changes) for k, _ in SECTIONS}
    if not report.changes:
        lines.append(f"Nothing changes for this code between {src} and {dst}.")
    else:
        lines.append(
            f"{counts['newly-fails']} newly failing, "
            f"{counts['still-fails']} still failing, "
            f"{counts['fixed']} fixed, {counts['internals']} relying on internals, "
            f"{counts['metrics-gone']} metric names gone, "
            f"{counts['metrics-new']} metric names new."
        )
    return "\n".join(lines) + "\n"


def render_json(report: Report) -> str:
    doc = {
        "from": str(report.source),
        "to": str(report.target),
        "files": report.files,
        "changes": [
            {
                "change": c.section,
                "rule": c.finding.code,
                "package": c.package,
                "path": c.finding.location.path,
                "line": c.finding.location.line,
                "column": c.finding.location.column,
                "message": c.finding.message,
                "versions": list(c.finding.versions),
                "fix": c.finding.fix,
            }
            for c in report.changes
        ],
    }
    return json.dumps(doc, indent=2) + "\n"
