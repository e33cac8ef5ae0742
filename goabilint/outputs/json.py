"""A stable JSON document: findings, suppressed findings and tool errors."""

from __future__ import annotations

import json
from typing import Any

from goabilint import __version__
from goabilint.engine import RunResult
from goabilint.rule import Finding, Location

SCHEMA_VERSION = 1


def location_dict(loc: Location) -> dict[str, Any]:
    return {
        "path": loc.path,
        "line": loc.line,
        "column": loc.column,
        "end_line": loc.end_line,
        "end_column": loc.end_column,
        "column_utf16": loc.column_utf16,
        "end_column_utf16": loc.end_column_utf16,
    }


def finding_dict(f: Finding, names: dict[str, str]) -> dict[str, Any]:
    d: dict[str, Any] = {
        "code": f.code,
        "name": names.get(f.code, ""),
        "severity": str(f.severity),
        "message": f.message,
        **location_dict(f.location),
        "fix": f.fix,
        "versions": list(f.versions),
        "related": [{"message": m, **location_dict(loc)} for loc, m in f.related],
    }
    if f.suppressed is not None:
        d["justification"] = f.suppressed
    return d


def render_json(result: RunResult) -> str:
    names = {r.code: r.name for r in result.rules}
    doc = {
        "tool": {"name": "goabilint", "version": __version__},
        "schema_version": SCHEMA_VERSION,
        "findings": [finding_dict(f, names) for f in result.findings],
        "suppressed": [finding_dict(f, names) for f in result.suppressed],
        "errors": [
            {"level": n.level, "message": n.message, "path": n.path, "rule": n.rule}
            for n in result.notifications
        ],
        "summary": {
            "files": result.files,
            "findings": len(result.findings),
            "suppressed": len(result.suppressed),
        },
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
