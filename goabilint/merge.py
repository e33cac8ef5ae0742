"""``goabilint merge``: combine the JSON or SARIF outputs of sharded runs.

A CI matrix or batch job runs ``goabilint check --shard I/N`` once per shard;
merging their outputs gives the document a single whole run would have
written: findings sorted the same way, one SARIF run with one rules table,
counts added up.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from goabilint.config import ConfigError
from goabilint.outputs.sarif import MAX_RESULTS, enforce_limits

log = logging.getLogger(__name__)

__all__ = ["merge_documents"]


def _finding_key(f: dict[str, Any]) -> tuple[Any, ...]:
    return (f["path"], f["line"], f["column"], f["code"], f["message"])


def _result_key(r: dict[str, Any]) -> tuple[Any, ...]:
    # Must order results as goabilint.outputs.sarif's _Builder.sort_key does.
    loc = r["locations"][0]["physicalLocation"]
    region = loc.get("region", {})
    return (
        loc["artifactLocation"]["uri"],
        region.get("startLine", 0),
        region.get("startColumn", 0),
        r["ruleId"],
        r["message"]["text"],
    )


def merge_json(docs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    out = json.loads(json.dumps(docs[0]))  # a deep copy to fill in
    for key in ("findings", "suppressed", "errors"):
        out[key] = [item for d in docs for item in d[key]]
    out["findings"].sort(key=_finding_key)
    out["suppressed"].sort(key=_finding_key)
    out["summary"] = {
        key: sum(d["summary"][key] for d in docs) for key in docs[0]["summary"]
    }
    return out


def merge_sarif(docs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    out = json.loads(json.dumps(docs[0]))
    runs = [d["runs"][0] for d in docs]
    run = out["runs"][0]
    rules = run["tool"]["driver"].get("rules", [])
    index = {r["id"]: i for i, r in enumerate(rules)}
    results = []
    for r in (res for each in runs for res in each.get("results", [])):
        if r["ruleId"] not in index:
            raise ConfigError(
                f"rule {r['ruleId']} is missing from the first file's rules"
            )
        results.append({**r, "ruleIndex": index[r["ruleId"]]})
    run["results"] = sorted(results, key=_result_key)

    notes = [
        n
        for each in runs
        for inv in each.get("invocations", [])
        for n in inv.get("toolExecutionNotifications", [])
    ]
    ok = all(
        inv.get("executionSuccessful", True)
        for each in runs
        for inv in each.get("invocations", [])
    )
    invocation: dict[str, Any] = {"executionSuccessful": ok}
    if notes:
        invocation["toolExecutionNotifications"] = notes
    run["invocations"] = [invocation]

    # Shards each within GitHub's limit can add up to more than it.
    dropped = enforce_limits(out)
    if dropped:
        log.warning(
            "SARIF: left out %d results over GitHub's limit of %d per run",
            dropped,
            MAX_RESULTS,
        )
    return out


def merge_documents(texts: Sequence[str], names: Sequence[str]) -> str:
    """Merge JSON or SARIF documents (all of one kind) into one."""
    if not texts:
        raise ConfigError("merge needs at least one file")
    docs = []
    for text, name in zip(texts, names, strict=True):
        try:
            docs.append(json.loads(text))
        except json.JSONDecodeError as e:
            raise ConfigError(f"{name}: not JSON: {e}") from None
    kinds = {
        "sarif" if "runs" in d else "json" if "findings" in d else "?" for d in docs
    }
    if kinds == {"sarif"}:
        merged = merge_sarif(docs)
    elif kinds == {"json"}:
        merged = merge_json(docs)
    else:
        raise ConfigError(
            "merge takes goabilint JSON or SARIF outputs, all of one kind"
        )
    return json.dumps(merged, indent=2, ensure_ascii=False) + "\n"
