"""``goabilint tables``: build, list and query toolchain tables.

``goabilint.cli`` adds the subcommand with :func:`add_parser` and runs it
with :func:`run`. Results go to stdout, progress to the ``goabilint``
logger (stderr).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

from goabilint import tables
from goabilint.config import ConfigError
from goabilint.constraints import GoVersion

log = logging.getLogger("goabilint")


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("tables", help="build, list or query the Go toolchain tables")
    actions = p.add_subparsers(
        dest="tables_command",
        parser_class=type(p),
        required=True,
        metavar="{build,list,show}",
    )

    b = actions.add_parser(
        "build",
        help="generate the table of a Go source tree",
        description="Read $GOROOT/src and write its toolchain table. Without "
        "--output the table goes to the cache that 'goabilint check' reads.",
    )
    src = b.add_mutually_exclusive_group(required=True)
    src.add_argument(
        "--goroot",
        type=Path,
        metavar="DIR",
        help="a Go installation (has VERSION and src/)",
    )
    src.add_argument(
        "--go",
        choices=("local",),
        help="'local': the toolchain of $GOROOT or 'go env GOROOT'",
    )
    b.add_argument(
        "--output",
        "-o",
        metavar="PATH",
        help="file or directory to write (a directory gets go1.N.json.gz)",
    )

    lst = actions.add_parser("list", help="list the Go versions with a table")

    s = actions.add_parser("show", help="what the tables say about a symbol or metric")
    s.add_argument(
        "name", help="linker symbol (runtime.nanotime) or metric (/gc/heap/goal:bytes)"
    )
    s.add_argument(
        "--go", metavar="VERSION", help="one Go version (default: every table)"
    )
    for q in (b, lst, s):
        q.add_argument(
            "-v", "--verbose", action="count", default=0, help="-v info, -vv debug"
        )
        q.add_argument("-q", "--quiet", action="store_true", help="print results only")


def run(args: argparse.Namespace) -> int:
    if args.tables_command == "build":
        return _build(args)
    if args.tables_command == "list":
        return _list()
    return _show(args)


def _build(args: argparse.Namespace) -> int:
    from goabilint.tables import build

    goroot = args.goroot if args.goroot is not None else tables.local_goroot()
    if not (goroot / "src").is_dir():
        raise ConfigError(f"{goroot}: not a Go installation (no src directory)")
    start = time.monotonic()
    try:
        if args.output is None:
            table = tables.load_goroot(goroot)
            path = table.origin
        else:
            out = Path(args.output)
            if args.output.endswith(("/", os.sep)):
                out.mkdir(parents=True, exist_ok=True)  # a directory, maybe new
            path = build.write(build.build(goroot), out)
    except build.TableError as e:
        raise ConfigError(str(e)) from None
    except OSError as e:
        raise ConfigError(f"cannot build the table: {e}") from None
    log.info("wrote %s in %.1fs", path, time.monotonic() - start)
    sys.stdout.write(f"{path}\n")
    return 0


def _list() -> int:
    for version in tables.available_versions():
        t = tables.load(version)
        shipped = t.origin.parent == tables.data_dir()
        checks = "linkname checked" if t.enforces_linkname else "linkname unchecked"
        sys.stdout.write(
            f"{version!s:<6} {t.release:<10} {'shipped' if shipped else 'cached':<8} "
            f"{checks:<19} {len(t.pushes):>4} pushes {len(t.metrics):>4} metrics\n"
        )
    return 0


def _show(args: argparse.Namespace) -> int:
    try:
        versions = (
            [GoVersion.parse(args.go)] if args.go else tables.available_versions()
        )
        found = False
        for version in versions:
            t = tables.load(version)
            known, line = _describe(t, args.name)
            found = found or known
            sys.stdout.write(f"{version!s:<6} {line}\n")
    except (ValueError, tables.TableNotFound) as e:
        raise ConfigError(str(e)) from None
    return 0 if found else 1


def _describe(t: tables.ToolchainTable, name: str) -> tuple[bool, str]:
    """Whether the table knows ``name``, and one line saying what it knows."""
    if name.startswith("/"):
        m = t.metrics.get(name)
        if m is None:
            return False, "not a metric"
        return (
            True,
            f"{m.kind}{', cumulative' if m.cumulative else ''}: {m.description}",
        )

    parts = []
    sym = t.symbol(name)
    if sym is None:
        parts.append("not defined in std")
    else:
        defs = "; ".join(f"{k} on {p}" for k, p in sym.definitions)
        parts.append(f"defined in {sym.package} ({defs})")
    push = t.pushed(name)
    if push is not None:
        text = f"pushed with //go:{push.kind} by {push.package}"
        if push.signatures:
            text += " as " + " | ".join(str(s) for s in push.signatures)
        if push.hall_of_shame:
            text += "; hall of shame: " + ", ".join(push.hall_of_shame)
        parts.append(text)
    elif sym is not None:
        parts.append("not pushed")
    allowed = t.blocked(name)
    if allowed is not None:
        parts.append(
            "blocked" + (f" except for {', '.join(allowed)}" if allowed else " for all")
        )
    if not t.enforces_linkname:
        parts.append("linker does not check linknames")
    return sym is not None or push is not None or allowed is not None, "; ".join(parts)
