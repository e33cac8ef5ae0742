"""SARIF 2.1.0, built with sarif-om, for GitHub code scanning and other viewers.

One run. ``tool.driver.rules`` comes from the rule metadata. Result URIs are
relative to ``%SRCROOT%`` (the working directory, or ``root``), columns are
UTF-16 code units and declared so, and each result carries the
``primaryLocationLineHash`` GitHub's upload action would compute (see
:mod:`goabilint.outputs.fingerprint`), a snippet and a few lines of context,
all read from the analysed files when the SARIF is written.

The output passes the SARIF 2.1.0 schema and the Microsoft SARIF
Multitool's ``Sarif`` and ``Ghas`` rules without errors or warnings.
"""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import attr
import sarif_om as om

from goabilint import __version__
from goabilint.context import format_versions
from goabilint.engine import Notification, RunResult
from goabilint.outputs.fingerprint import line_hashes
from goabilint.rule import Finding, Location, Rule, Severity

__all__ = [
    "MAX_RESULTS",
    "build_sarif",
    "enforce_limits",
    "render_sarif",
    "to_json_object",
]

log = logging.getLogger(__name__)

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/goabilint/goabilint"
SRCROOT = "%SRCROOT%"

# GitHub code scanning's limits for one run: it refuses larger uploads.
MAX_RESULTS = 25_000
MAX_TAGS = 20
MAX_LOCATIONS = 1_000

CONTEXT_LINES = 2  # above and below a result, in contextRegion

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}
_PROBLEM_SEVERITY = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.NOTE: "recommendation",
}


@attr.s
class _Suppression(om.Suppression):
    """sarif-om 1.0.4 knows a suppression's ``status`` only by its
    pre-release name ``state``, which SARIF 2.1.0 does not have."""

    status = attr.ib(default=None, metadata={"schema_property_name": "status"})


def rule_help_uri(rule: Rule) -> str:
    return f"{INFORMATION_URI}/blob/main/docs/rules/{rule.code}.md"


def rule_tags(rule: Rule) -> list[str]:
    """The family, the rule's own tags, and ``security`` for security rules."""
    tags = [rule.family, *rule.tags]
    if rule.security_severity is not None:
        tags.append("security")
    return list(dict.fromkeys(tags))[:MAX_TAGS]


def _descriptor(rule: Rule) -> om.ReportingDescriptor:
    what = rule.doc_sections().get("What it does") or rule.title
    props: dict[str, Any] = {
        "tags": rule_tags(rule),
        "precision": rule.precision,
        "problem.severity": _PROBLEM_SEVERITY[rule.severity],
    }
    if rule.security_severity is not None:
        props["security-severity"] = f"{rule.security_severity:.1f}"
    return om.ReportingDescriptor(
        id=rule.code,
        name=rule.name,
        short_description=om.MultiformatMessageString(text=rule.title),
        full_description=om.MultiformatMessageString(text=what, markdown=what),
        help=om.MultiformatMessageString(text=rule.doc, markdown=rule.doc),
        help_uri=rule_help_uri(rule),
        default_configuration=om.ReportingConfiguration(level=_LEVEL[rule.severity]),
        properties=props,
    )


class _Sources:
    """Reads each file a result points at once, for snippets and hashes.

    A file that cannot be read any more gets neither; GitHub's upload
    action then computes the hash itself, if it can.
    """

    def __init__(self, base: Path):
        self.base = base
        self._data: dict[str, bytes | None] = {}
        self._hashes: dict[str, list[str]] = {}
        self._starts: dict[str, list[int]] = {}

    def data(self, path: str) -> bytes | None:
        if path not in self._data:
            try:
                self._data[path] = (self.base / _file_path(path)).read_bytes()
            except OSError:
                self._data[path] = None
        return self._data[path]

    def line_hash(self, path: str, line: int) -> str | None:
        data = self.data(path)
        if data is None:
            return None
        if path not in self._hashes:
            self._hashes[path] = line_hashes(data)
        hashes = self._hashes[path]
        return hashes[line - 1] if 1 <= line <= len(hashes) else None

    def _line_starts(self, path: str, data: bytes) -> list[int]:
        if path not in self._starts:
            self._starts[path] = [0, *(m.end() for m in re.finditer(b"\n", data))]
        return self._starts[path]

    def span(self, loc: Location) -> str | None:
        """The text of a location, or None if the file changed since."""
        path = loc.path
        data = self.data(path)
        if data is None:
            return None
        starts = self._line_starts(path, data)
        if not (1 <= loc.line <= loc.end_line <= len(starts)):
            return None
        begin = starts[loc.line - 1] + loc.column - 1
        end = starts[loc.end_line - 1] + loc.end_column - 1
        if not begin <= end <= len(data):
            return None
        return data[begin:end].decode("utf-8", "replace")

    def context(self, loc: Location) -> om.Region | None:
        """Whole lines around a location: a few above, a few below."""
        path = loc.path
        data = self.data(path)
        if data is None:
            return None
        starts = self._line_starts(path, data)
        first = max(1, loc.line - CONTEXT_LINES)
        last = min(len(starts), loc.end_line + CONTEXT_LINES)
        end = starts[last] if last < len(starts) else len(data)
        text = data[starts[first - 1] : end].decode("utf-8", "replace")
        return om.Region(
            start_line=first, end_line=last, snippet=om.ArtifactContent(text=text)
        )


def _file_path(path: str) -> Path:
    """The file a shown path names: a name that is not UTF-8 is shown with
    ``\\xNN`` for each byte that is not (see ``engine.display_path``)."""
    return Path(os.fsdecode(_name_bytes(path)))


def _name_bytes(path: str) -> bytes:
    return re.sub(
        rb"\\x([89a-f][0-9a-f])", lambda m: bytes([int(m.group(1), 16)]), path.encode()
    )


class _Builder:
    """Turns one run's findings into sarif-om objects."""

    def __init__(self, result: RunResult, root: Path, include_suppressed: bool):
        self.base = Path.cwd()  # shown paths are relative to it
        self.root = root
        self.sources = _Sources(self.base)
        self.rules = sorted(result.rules, key=lambda r: r.code)
        self.index = {r.code: i for i, r in enumerate(self.rules)}
        self.include_suppressed = include_suppressed

    def artifact(self, path: str) -> om.ArtifactLocation:
        """A URI relative to %SRCROOT%, or an absolute file URI outside it."""
        absolute = self.base / _file_path(path)
        try:
            relative = absolute.relative_to(self.root)
        except ValueError:
            return om.ArtifactLocation(uri=absolute.as_uri())
        return om.ArtifactLocation(
            uri=quote(os.fsencode(relative.as_posix())), uri_base_id=SRCROOT
        )

    def sort_key(self, f: Finding) -> tuple[object, ...]:
        """Result order, by what a SARIF file itself records, so that
        ``goabilint merge`` can reproduce it from shard outputs."""
        loc = f.location
        return (
            self.artifact(loc.path).uri,
            loc.line,
            loc.column_utf16 or loc.column,
            f.code,
            f.message,
        )

    def location(self, loc: Location, message: str | None = None) -> om.Location:
        region = om.Region(
            start_line=loc.line,
            start_column=loc.column_utf16 or loc.column,
            end_line=loc.end_line,
            end_column=loc.end_column_utf16 or loc.end_column,
        )
        text = self.sources.span(loc)
        context = None
        if text is not None:
            region.snippet = om.ArtifactContent(text=text)
            context = self.sources.context(loc)
        return om.Location(
            physical_location=om.PhysicalLocation(
                artifact_location=self.artifact(loc.path),
                region=region,
                context_region=context,
            ),
            message=om.Message(text=message) if message else None,
        )

    def result(self, f: Finding) -> om.Result:
        props: dict[str, Any] = {}
        if f.versions:
            props["goVersions"] = list(f.versions)
            props["goVersionsText"] = format_versions(f.versions)
        if f.fix:
            props["fix"] = f.fix
        related = [
            self.location(loc, msg) for loc, msg in f.related[: MAX_LOCATIONS - 1]
        ]
        for i, loc in enumerate(related, 1):
            loc.id = i
        result = om.Result(
            rule_id=f.code,
            rule_index=self.index.get(f.code, -1),
            level=_LEVEL[f.severity],
            message=om.Message(text=f.message),
            locations=[self.location(f.location)],
            related_locations=related or None,
            properties=props or None,
        )
        line_hash = self.sources.line_hash(f.location.path, f.location.line)
        if line_hash is not None:
            result.partial_fingerprints = {"primaryLocationLineHash": line_hash}
        if self.include_suppressed and f.suppressed is not None:
            result.suppressions = [
                _Suppression(
                    kind="inSource",
                    status="accepted",
                    justification=f.suppressed or None,
                )
            ]
        return result

    def notification(self, n: Notification) -> om.Notification:
        rule = None
        # n.rule reads "rule CODE" for a rule's fault; the reference needs the id.
        if n.rule and n.rule.startswith("rule "):
            code = n.rule.removeprefix("rule ")
            rule = om.ReportingDescriptorReference(
                id=code, index=self.index.get(code, -1)
            )
        where = None
        if n.path:
            where = [
                om.Location(
                    physical_location=om.PhysicalLocation(
                        artifact_location=self.artifact(n.path)
                    )
                )
            ]
        return om.Notification(
            level=n.level,
            message=om.Message(text=n.message),
            locations=where,
            associated_rule=rule,
        )


def build_sarif(
    result: RunResult,
    *,
    root: Path | None = None,
    category: str | None = None,
    include_suppressed: bool = False,
) -> om.SarifLog:
    """The SARIF log of a run, with every result (see :func:`enforce_limits`).

    :param root: the directory result URIs are relative to (``%SRCROOT%``);
        the working directory by default. Files outside it get absolute URIs.
    :param category: ``automationDetails.id``, as upload-sarif's ``category``
        input sets it (with a trailing ``/``).
    :param include_suppressed: also list findings suppressed in source,
        marked as accepted in-source suppressions.
    """
    b = _Builder(result, (root or Path.cwd()).resolve(), include_suppressed)
    findings = list(result.findings)
    if include_suppressed:
        findings += result.suppressed
    findings.sort(key=b.sort_key)
    automation = None
    if category:
        automation = om.RunAutomationDetails(
            id=category if category.endswith("/") else category + "/"
        )
    run = om.Run(
        tool=om.Tool(
            driver=om.ToolComponent(
                name="goabilint",
                version=__version__,
                semantic_version=__version__,
                information_uri=INFORMATION_URI,
                rules=[_descriptor(r) for r in b.rules],
            )
        ),
        results=[b.result(f) for f in findings],
        original_uri_base_ids={SRCROOT: om.ArtifactLocation(uri=b.root.as_uri() + "/")},
        column_kind="utf16CodeUnits",
        invocations=[
            om.Invocation(
                execution_successful=not result.internal_error,
                tool_execution_notifications=[
                    b.notification(n) for n in result.notifications
                ]
                or None,
            )
        ],
        automation_details=automation,
    )
    return om.SarifLog(version="2.1.0", schema_uri=SCHEMA_URI, runs=[run])


_RANK = {"error": 0, "warning": 1, "note": 2, "none": 3}


def enforce_limits(doc: dict[str, Any]) -> int:
    """Keep each run of a SARIF document within GitHub's result limit.

    The most severe results are kept, in their order; a warning notification
    in the run says how many were left out. Returns how many were.
    """
    dropped = 0
    for run in doc.get("runs", []):
        results = run.get("results", [])
        if len(results) <= MAX_RESULTS:
            continue
        order = sorted(
            range(len(results)),
            key=lambda i: _RANK.get(results[i].get("level", "warning"), 1),
        )
        keep = set(order[:MAX_RESULTS])
        run["results"] = [r for i, r in enumerate(results) if i in keep]
        dropped += len(results) - MAX_RESULTS
        message = (
            f"{len(results) - MAX_RESULTS} of {len(results)} results were left out: "
            f"GitHub code scanning accepts at most {MAX_RESULTS} per run"
        )
        invocations = run.setdefault("invocations", [{"executionSuccessful": True}])
        invocations[0].setdefault("toolExecutionNotifications", []).append(
            {"level": "warning", "message": {"text": message}}
        )
    return dropped


# Values equal to SARIF's own defaults that are still written out, because
# viewers read them more reliably when present.
_ALWAYS_WRITE = frozenset({"level"})


def to_json_object(obj: Any) -> Any:
    """Serialise sarif-om objects using their SARIF property names."""
    if attr.has(type(obj)):
        out: dict[str, Any] = {}
        for f in attr.fields(type(obj)):
            value = getattr(obj, f.name)
            if value is None:
                continue
            default = f.default
            if isinstance(default, attr.Factory):  # type: ignore[arg-type]
                default = default.factory()
            if (
                default is not attr.NOTHING
                and value == default
                and f.name not in _ALWAYS_WRITE
            ):
                continue
            out[f.metadata.get("schema_property_name", f.name)] = to_json_object(value)
        return out
    if isinstance(obj, dict):
        return {k: to_json_object(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_json_object(v) for v in obj]
    return obj


def render_sarif(result: RunResult, **options: Any) -> str:
    """The SARIF text of a run, within GitHub's limits (see :func:`build_sarif`)."""
    doc = to_json_object(build_sarif(result, **options))
    dropped = enforce_limits(doc)
    if dropped:
        log.warning(
            "SARIF: left out %d results over GitHub's limit of %d per run",
            dropped,
            MAX_RESULTS,
        )
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
