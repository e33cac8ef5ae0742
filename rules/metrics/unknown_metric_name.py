"""MET001 unknown-metric-name."""

from __future__ import annotations

import difflib

from goabilint_rules.metrics._names import METRIC_NAME, all_names, known_in, names_of

from goabilint import tables
from goabilint.context import Reporter, format_versions
from goabilint.rule import Rule, Severity
from goabilint.source import GoFile
from goabilint.syntax import string_value

RULE = Rule(
    code="MET001",
    name="unknown-metric-name",
    title="runtime/metrics sample name that a target Go release does not define",
    severity=Severity.WARNING,
    since="0.2.0",
    tags=("metrics", "silent-breakage"),
    needs=(b"runtime/metrics",),
    doc="""
    ## What it does
    In files that import `runtime/metrics`, reports string literals of
    the metric-name form (`/path:unit`, as in `metrics.Sample{Name:
    "/gc/heap/goal:bytes"}`, assignments to `.Name`, or lists of names to
    read) that some target Go release does not define, and says which
    releases lack it. A name no release defines gets a spelling hint.

    ## Why is this bad?
    `metrics.Read` does not fail on a name it does not know: the sample
    comes back with `Kind() == metrics.KindBad`, and calling `Uint64()` or
    `Float64()` on it panics (see MET002). A metric added in Go 1.26, read
    by a module whose go.mod says 1.24, silently reads nothing on 1.24 and
    1.25; a GODEBUG counter disappears when its setting is retired (seven
    did in Go 1.27).

    ## Example
    ```go
    // go.mod: go 1.24
    s := []metrics.Sample{{Name: "/sched/goroutines/running:goroutines"}}
    metrics.Read(s)
    ```

    ## Use instead
    ```go
    s := []metrics.Sample{{Name: "/sched/goroutines/running:goroutines"}}
    metrics.Read(s)
    if s[0].Value.Kind() == metrics.KindBad {
        // not available before Go 1.26
    }
    ```
    Or gate the code with `//go:build go1.26`.

    ## Known problems
    Only literals are checked, in files that import `runtime/metrics`;
    names built at run time or kept in another file are not. A literal of
    the name form that is not used as a metric name in such a file is
    checked all the same. The names come from goabilint's toolchain
    tables (`metrics.All()` of each release, 1.21–1.27); releases without
    a table are not judged.

    ## References
    - [runtime/metrics](https://pkg.go.dev/runtime/metrics)
    - [runtime/metrics: supported metrics](https://pkg.go.dev/runtime/metrics#hdr-Supported_metrics)
    """,
)

_STRINGS = "[(interpreted_string_literal) (raw_string_literal)] @s"


@RULE.on_go_file
def check(file: GoFile, report: Reporter) -> None:
    if not file.imports_path("runtime/metrics"):
        return  # the bytes matched a comment or another path
    versions = report.targets.versions_building(file)
    judged = [v for v in versions if names_of(v) is not None]
    if not judged:
        return  # no target release builds the file, or none has a table

    for node in file.query(_STRINGS, "s"):
        name = string_value(node)
        if name is None or not METRIC_NAME.match(name):
            continue  # not a metric name
        lacking = [v for v in judged if name not in names_of(v)]
        if not lacking:
            continue
        known = known_in(name)
        if not known:
            guess = difflib.get_close_matches(name, all_names(), n=1, cutoff=0.8)
            report(
                node,
                f'"{name}" is not a runtime/metrics name in {_known_span()}',
                fix=f'write "{guess[0]}"'
                if guess
                else "pick a name from metrics.All()",
            )
            continue
        missing = format_versions([str(v) for v in lacking])
        report(
            node,
            f'runtime/metrics has no "{name}" in {missing} '
            f"({_history(known)}); reading it gives KindBad",
            fix=_fix(name, known, lacking),
            versions=lacking,
        )


def _known_span() -> str:
    """``go1.21–1.27``: the releases goabilint has names for."""
    return format_versions([str(v) for v in tables.available_versions()])


def _history(known: list) -> str:
    span = format_versions([str(v) for v in known])
    return f"defined in {span}"


def _fix(name: str, known: list, lacking: list) -> str:
    first, last = min(known), max(known)
    if all(v < first for v in lacking):
        return (
            f"check Value.Kind() before use, or build this code only for "
            f"go{first} and later"
        )
    if all(v > last for v in lacking):
        return f"check Value.Kind() before use: the metric was removed after go{last}"
    return "check Value.Kind() before use"
