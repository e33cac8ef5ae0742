"""SARIF 2.1.0, built with sarif-om, for GitHub code scanning and other viewers.

One run; ``tool.driver.rules`` comes from the rule metadata; result URIs are
relative to ``%SRCROOT%`` (the working directory) and columns are declared as
UTF-16 code units, SARIF's default.
"""

from __future__ import annotations

import json
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
from goabilint.rule import Finding, Location, Rule, Severity

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/goabilint/goabilint"
SRCROOT = "%SRCROOT%"

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}


def rule_help_uri(rule: Rule) -> str:
    return f"{INFORMATION_URI}/blob/main/docs/rules/{rule.code}.md"


def _descriptor(rule: Rule) -> om.ReportingDescriptor:
    return om.ReportingDescriptor(
        id=rule.code,
        name=rule.name,
        short_description=om.MultiformatMessageString(text=rule.title),
        full_description=om.MultiformatMessageString(text=rule.summary()),
        help=om.MultiformatMessageString(text=rule.doc, markdown=rule.doc),
        help_uri=rule_help_uri(rule),
        default_configuration=om.ReportingConfiguration(level=_LEVEL[rule.severity]),
        properties={
            "tags": [rule.family, *rule.tags],
            "precision": "high",
            "problem.severity": _LEVEL[rule.severity]
            if rule.severity != Severity.NOTE
            else "recommendation",
        },
    )


def _artifact(path: str) -> om.ArtifactLocation:
    raw = _name_bytes(path)
    if Path(path).is_absolute():
        return om.ArtifactLocation(uri=Path(os.fsdecode(raw)).as_uri())
    return om.ArtifactLocation(uri=quote(raw), uri_base_id=SRCROOT)


def _name_bytes(path: str) -> bytes:
    """The bytes of a shown path: a name that is not UTF-8 is shown with
    ``\\xNN`` for each byte that is not (see ``engine.display_path``), and
    the URI must name the file itself."""
    return re.sub(
        rb"\\x([89a-f][0-9a-f])", lambda m: bytes([int(m.group(1), 16)]), path.encode()
    )


def _location(loc: Location, message: str | None = None) -> om.Location:
    region = om.Region(
        start_line=loc.line,
        start_column=loc.column_utf16 or loc.column,
        end_line=loc.end_line,
        end_column=loc.end_column_utf16 or loc.end_column,
    )
    return om.Location(
        physical_location=om.PhysicalLocation(artifact_location=_artifact(loc.path), region=region),
        message=om.Message(text=message) if message else None,
    )


def _result(f: Finding, index: dict[str, int], with_suppression: bool) -> om.Result:
    props: dict[str, Any] = {}
    if f.versions:
        props["goVersions"] = list(f.versions)
        props["goVersionsText"] = format_versions(f.versions)
    if f.fix:
        props["fix"] = f.fix
    result = om.Result(
        rule_id=f.code,
        rule_index=index.get(f.code, -1),
        level=_LEVEL[f.severity],
        message=om.Message(text=f.message),
        locations=[_location(f.location)],
        related_locations=[
            _with_id(_location(loc, msg), i) for i, (loc, msg) in enumerate(f.related, 1)
        ]
        or None,
        properties=props or None,
    )
    if with_suppression and f.suppressed is not None:
        result.suppressions = [
            om.Suppression(kind="inSource", justification=f.suppressed)
        ]
    return result


def sarif_sort_key(f: Finding) -> tuple[object, ...]:
    """Result order in SARIF, by what a SARIF file itself records (so that
    ``goabilint merge`` can reproduce it from shard outputs)."""
    loc = f.location
    return (_artifact(loc.path).uri, loc.line, loc.column_utf16 or loc.column, f.code, f.message)


def _with_id(loc: om.Location, i: int) -> om.Location:
    loc.id = i
    return loc


def _notification(n: Notification) -> om.Notification:
    return om.Notification(
        level=n.level,
        message=om.Message(text=n.message),
        locations=[om.Location(physical_location=om.PhysicalLocation(artifact_location=_artifact(n.path)))]
        if n.path
        else None,
        associated_rule=om.ReportingDescriptorReference(id=n.rule)
        if n.rule and n.rule.startswith("rule ")
        else None,
    )


def build_sarif(
    result: RunResult,
    *,
    root: Path | None = None,
    category: str | None = None,
    include_suppressed: bool = False,
) -> om.SarifLog:
    rules = sorted(result.rules, key=lambda r: r.code)
    index = {r.code: i for i, r in enumerate(rules)}
    findings = list(result.findings)
    if include_suppressed:
        findings += result.suppressed
    findings.sort(key=sarif_sort_key)
    root = (root or Path.cwd()).resolve()
    run = om.Run(
        tool=om.Tool(
            driver=om.ToolComponent(
                name="goabilint",
                version=__version__,
                semantic_version=__version__,
                information_uri=INFORMATION_URI,
                rules=[_descriptor(r) for r in rules],
            )
        ),
        results=[_result(f, index, include_suppressed) for f in findings],
        original_uri_base_ids={SRCROOT: om.ArtifactLocation(uri=root.as_uri() + "/")},
        column_kind="utf16CodeUnits",
        invocations=[
            om.Invocation(
                execution_successful=not result.internal_error,
                tool_execution_notifications=[_notification(n) for n in result.notifications]
                or None,
            )
        ],
        automation_details=om.RunAutomationDetails(id=category) if category else None,
    )
    return om.SarifLog(version="2.1.0", schema_uri=SCHEMA_URI, runs=[run])


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
            if default is not attr.NOTHING and value == default and f.name not in _ALWAYS_WRITE:
                continue
            out[f.metadata.get("schema_property_name", f.name)] = to_json_object(value)
        return out
    if isinstance(obj, dict):
        return {k: to_json_object(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_json_object(v) for v in obj]
    return obj


def render_sarif(result: RunResult, **options: Any) -> str:
    log = build_sarif(result, **options)
    return json.dumps(to_json_object(log), indent=2, ensure_ascii=False) + "\n"
