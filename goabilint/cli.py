"""The ``goabilint`` command line.

``check`` is the default command; ``rules`` and ``explain`` read the rule
metadata. Results go to stdout (or ``--output``); logs, warnings and errors go
to stderr. Exit status: 0 when nothing at or above ``--fail-on`` was found,
1 when something was, 2 for usage, configuration and internal errors.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from goabilint import __version__
from goabilint.config import ConfigError
from goabilint.outputs import FORMATS
from goabilint.rule import Severity

log = logging.getLogger("goabilint")

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
COMMANDS = (
    "check",
    "rules",
    "explain",
    "merge",
    "tables",
    "lsp",
    "new-rule",
    "upgrade",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like ruff
        raise ConfigError(f"{message} (see '{self.prog} --help')")


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="goabilint",
        description="Find Go code that breaks when the Go toolchain changes.",
    )
    parser.add_argument(
        "--version", action="version", version=f"goabilint {__version__}"
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    check = sub.add_parser("check", help="analyse Go files and directories (default)")
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    out = check.add_argument_group("output")
    out.add_argument("--format", choices=FORMATS, default="text")
    out.add_argument(
        "--output", "-o", metavar="FILE", help="write results to FILE atomically"
    )
    out.add_argument(
        "--fail-on",
        choices=("error", "warning", "note", "never"),
        default="warning",
        help="lowest severity that makes the exit status 1 (default: warning)",
    )
    out.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even with findings"
    )
    out.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    out.add_argument(
        "--sarif-category", metavar="ID", help="SARIF automationDetails.id"
    )
    out.add_argument(
        "--sarif-suppressions",
        action="store_true",
        help="include findings suppressed in source, marked as suppressed",
    )
    out.add_argument(
        "--sarif-output",
        metavar="FILE",
        help="also write SARIF to FILE, whatever --format prints",
    )
    out.add_argument(
        "--repo-root",
        type=Path,
        metavar="DIR",
        help="make SARIF and GitHub annotation paths relative to DIR "
        "(default: the working directory)",
    )
    sel = check.add_argument_group("rule selection")
    sel.add_argument(
        "--select", type=_csv, metavar="CODES", help="replace the selected rules"
    )
    sel.add_argument("--extend-select", type=_csv, metavar="CODES", default=None)
    sel.add_argument("--ignore", type=_csv, metavar="CODES", default=None)
    sel.add_argument(
        "--per-file-ignores",
        action="append",
        metavar="GLOB:CODES",
        help="turn rules off for matching files (repeatable)",
    )
    sel.add_argument(
        "--severity",
        action="append",
        metavar="CODE=LEVEL",
        help="override a rule's severity",
    )
    sel.add_argument("--exclude", type=_csv, metavar="GLOBS", default=None)
    tgt = check.add_argument_group("targets")
    tgt.add_argument(
        "--go",
        metavar="VERSION",
        help="target Go version or range: 1.23, 1.21..1.27; 'local': the release of --goroot",
    )
    tgt.add_argument(
        "--goroot",
        type=Path,
        metavar="DIR",
        help="answer this Go installation's release from its own source, not the shipped "
        "table ('--go local' without it: $GOROOT or 'go env GOROOT')",
    )
    tgt.add_argument("--goos", type=_csv, metavar="LIST")
    tgt.add_argument("--goarch", type=_csv, metavar="LIST")
    tgt.add_argument("--tags", type=_csv, metavar="LIST", help="custom build tags")
    check.add_argument(
        "--max-file-size",
        type=int,
        metavar="BYTES",
        help="skip larger files (default 8 MiB)",
    )
    perf = check.add_argument_group("performance")
    perf.add_argument(
        "--jobs",
        "-j",
        type=int,
        metavar="N",
        help="worker processes (default: one per CPU)",
    )
    perf.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the cache"
    )
    perf.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help="results cache (default: $GOABILINT_CACHE_DIR or ./.goabilint_cache)",
    )
    perf.add_argument(
        "--shard", metavar="I/N", help="analyse only shard I of N (split by package)"
    )
    cfg = check.add_argument_group("configuration")
    cfg.add_argument(
        "--config", metavar="FILE", type=Path, help="use this configuration file only"
    )
    cfg.add_argument(
        "--isolated", action="store_true", help="ignore all configuration files"
    )
    for p in (check, parser):
        p.add_argument(
            "-v", "--verbose", action="count", default=0, help="-v info, -vv debug"
        )
        p.add_argument("-q", "--quiet", action="store_true", help="print findings only")

    rules = sub.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    rules.add_argument(
        "--output-dir",
        type=Path,
        metavar="DIR",
        help="with --format markdown: write one page per rule and an index to DIR",
    )

    merge = sub.add_parser(
        "merge", help="combine JSON or SARIF outputs of sharded runs"
    )
    merge.add_argument("files", nargs="+", type=Path, metavar="FILE")
    merge.add_argument(
        "--output", "-o", metavar="FILE", help="write the result atomically"
    )

    explain = sub.add_parser("explain", help="show a rule's documentation")
    explain.add_argument("rule", metavar="CODE|NAME")

    sub.add_parser("lsp", help="run the language server on stdin and stdout")

    new_rule = sub.add_parser(
        "new-rule", help="scaffold a rule in a goabilint checkout"
    )
    new_rule.add_argument("--family", required=True, metavar="PREFIX", help="e.g. LNK")
    new_rule.add_argument("--name", required=True, metavar="NAME", help="kebab-case")
    new_rule.add_argument(
        "--title", help="one line, lower-case (default: from the name)"
    )
    new_rule.add_argument(
        "--severity", choices=("error", "warning", "note"), default="warning"
    )
    new_rule.add_argument(
        "--root", type=Path, metavar="DIR", help="the checkout (default: found from .)"
    )

    from goabilint.tables import command as tables_command

    tables_command.add_parser(sub)

    from goabilint import upgrade

    upgrade.add_parser(sub)
    return parser


def _normalise_argv(argv: list[str]) -> list[str]:
    """Make ``check`` the default command: ``goabilint src/`` means ``goabilint check src/``."""
    for arg in argv:
        if arg in COMMANDS:
            return argv
        if arg in ("-h", "--help", "--version"):
            return argv
        if not arg.startswith("-"):
            break
    return ["check", *argv]


def _overrides(args: argparse.Namespace, rules: Sequence[Any]) -> dict[str, Any]:
    from goabilint.config import parse_table

    table: dict[str, Any] = {}
    for key in (
        "select",
        "extend_select",
        "ignore",
        "exclude",
        "goos",
        "goarch",
        "tags",
    ):
        value = getattr(args, key)
        if value is not None:
            table[key.replace("_", "-")] = value
    if args.go:
        table["go"] = args.go
    if args.max_file_size is not None:
        table["max-file-size"] = args.max_file_size
    if args.per_file_ignores:
        pfi: dict[str, list[str]] = {}
        for item in args.per_file_ignores:
            glob, sep, codes = item.rpartition(":")
            if not sep or not glob:
                raise ConfigError(f"--per-file-ignores {item!r}: expected GLOB:CODES")
            pfi.setdefault(glob, []).extend(_csv(codes))
        table["per-file-ignores"] = pfi
    if args.severity:
        sev: dict[str, str] = {}
        for item in args.severity:
            code, sep, level = item.partition("=")
            if not sep:
                raise ConfigError(f"--severity {item!r}: expected CODE=LEVEL")
            sev[code] = level
        table["severity"] = sev
    return parse_table(
        table, rules, where=lambda key: f"--{key}" if key else "command line"
    )


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = (
        logging.DEBUG if verbose >= 2 else logging.INFO if verbose else logging.WARNING
    )
    if quiet:
        level = logging.ERROR
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        _Formatter(sys.stderr.isatty() and not os.environ.get("NO_COLOR"))
    )
    root = logging.getLogger("goabilint")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


class _Formatter(logging.Formatter):
    def __init__(self, colour: bool):
        super().__init__()
        self.colour = colour

    def format(self, record: logging.LogRecord) -> str:
        label = record.levelname.lower()
        if self.colour:
            code = {"error": "1;31", "warning": "1;33"}.get(label, "1")
            label = f"\x1b[{code}m{label}\x1b[0m"
        text = f"{label}: {record.getMessage()}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` so that readers see the old file or the whole new one."""
    path = path.absolute()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _cache(args: argparse.Namespace, registry: Any) -> Any:
    from goabilint.cache import DEFAULT_DIR, Cache, code_fingerprint

    if args.no_cache:
        return None
    directory = args.cache_dir or Path(
        os.environ.get("GOABILINT_CACHE_DIR") or DEFAULT_DIR
    )
    modules = {
        type(p).__module__ if not hasattr(p, "__name__") else p.__name__
        for p in registry.manager.get_plugins()
    }
    return Cache(directory.absolute(), code_fingerprint(modules))


def _shard(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    i, sep, n = text.partition("/")
    if not (sep and i.isdigit() and n.isdigit() and 1 <= int(i) <= int(n)):
        raise ConfigError(f"--shard {text!r}: expected I/N with 1 <= I <= N, e.g. 1/4")
    return int(i), int(n)


def _use_goroot(args: argparse.Namespace) -> None:
    """Apply ``--goroot`` and ``--go local`` before anything reads a table."""
    from goabilint import tables

    if args.goroot is None and args.go != "local":
        return
    if args.goroot is not None and not (args.goroot / "src").is_dir():
        raise ConfigError(f"--goroot {args.goroot}: not a Go installation (no src/)")
    try:
        table = tables.use_goroot(args.goroot)
    except (OSError, ValueError, tables.TableNotFound) as e:
        raise ConfigError(f"--goroot: {e}") from None
    log.info("Go %s answered from %s", table.version, table.origin)
    if args.go == "local":
        args.go = str(table.version)


def cmd_check(args: argparse.Namespace) -> int:
    from goabilint import engine, outputs
    from goabilint.plugins import load_registry
    from goabilint.scheduler import default_jobs
    from goabilint.suppress import MetaRules

    registry = load_registry(extra_plugins=[MetaRules()])
    _use_goroot(args)
    resolver_args = {
        "overrides": _overrides(args, registry.rules),
        "fixed": args.config,
        "isolated": args.isolated,
    }
    if args.config is not None and not args.config.is_file():
        raise ConfigError(f"{args.config}: no such configuration file")
    result = engine.run(
        args.paths,
        resolver_args,
        registry,
        jobs=args.jobs if args.jobs is not None else default_jobs(),
        cache=_cache(args, registry),
        shard=_shard(args.shard),
    )

    for n in result.notifications:
        where = f"{n.path}: " if n.path else ""
        logging.getLogger("goabilint").log(
            logging.ERROR
            if n.level == "error"
            else logging.WARNING
            if n.level == "warning"
            else logging.INFO,
            "%s%s",
            where,
            n.message,
        )

    sarif_options = {
        "root": args.repo_root,
        "category": args.sarif_category,
        "include_suppressed": args.sarif_suppressions,
    }
    if args.sarif_output:
        _write_output(args.sarif_output, outputs.render_sarif(result, **sarif_options))

    if args.format == "text":
        colour = args.color == "always" or (
            args.color == "auto"
            and args.output is None
            and sys.stdout.isatty()
            and not os.environ.get("NO_COLOR")
        )
        text = outputs.render_text(result, colour=colour, show_summary=not args.quiet)
    elif args.format == "json":
        text = outputs.render_json(result)
    elif args.format == "github":
        text = outputs.render_github(result, root=args.repo_root)
    else:
        text = outputs.render_sarif(result, **sarif_options)
    if args.output:
        _write_output(args.output, text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()

    if result.internal_error:
        return EXIT_ERROR
    if args.exit_zero or args.fail_on == "never":
        return EXIT_OK
    threshold = Severity.parse(args.fail_on)
    return (
        EXIT_FINDINGS
        if any(f.severity >= threshold for f in result.findings)
        else EXIT_OK
    )


def _write_output(path: str, text: str) -> None:
    try:
        write_atomically(Path(path), text)
    except OSError as e:  # the user's path, not an internal fault
        raise ConfigError(f"{path}: cannot write: {e.strerror or e}") from None


def cmd_rules(args: argparse.Namespace) -> int:
    from goabilint.plugins import load_registry
    from goabilint.suppress import MetaRules

    if args.output_dir is not None and args.format != "markdown":
        raise ConfigError("--output-dir needs --format markdown")
    rules = load_registry(extra_plugins=[MetaRules()]).rules
    if args.format == "json":
        doc = [
            {
                "code": r.code,
                "name": r.name,
                "title": r.title,
                "severity": str(r.severity),
                "default_enabled": r.default_enabled,
                "since": r.since,
                "plugin": r.origin,
            }
            for r in rules
        ]
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        return EXIT_OK
    if args.format == "markdown":
        from goabilint import docs

        if args.output_dir is None:
            sys.stdout.write(docs.rules_table(rules))
            return EXIT_OK
        try:
            written = docs.write_pages(rules, args.output_dir)
        except OSError as e:
            raise ConfigError(
                f"{args.output_dir}: cannot write: {e.strerror or e}"
            ) from None
        log.info("wrote %d pages to %s", len(written), args.output_dir)
        return EXIT_OK
    width = max((len(r.name) for r in rules), default=4)
    sys.stdout.write(
        f"{'CODE':<7} {'NAME':<{width}} {'SEVERITY':<8} {'DEFAULT':<7} TITLE\n"
    )
    for r in rules:
        on = "on" if r.default_enabled else "off"
        sys.stdout.write(
            f"{r.code:<7} {r.name:<{width}} {str(r.severity):<8} {on:<7} {r.title}\n"
        )
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from goabilint.plugins import load_registry
    from goabilint.suppress import MetaRules

    registry = load_registry(extra_plugins=[MetaRules()])
    rule = registry.find(args.rule)
    if rule is None:
        raise ConfigError(f"unknown rule {args.rule!r} (see 'goabilint rules')")
    on = "on" if rule.default_enabled else "off"
    header = (
        f"# {rule.code} {rule.name}\n\n"
        f"{rule.title}. Severity: {rule.severity}; default: {on}; since {rule.since}.\n\n"
    )
    sys.stdout.write(header + rule.doc + "\n")
    return EXIT_OK


def cmd_merge(args: argparse.Namespace) -> int:
    from goabilint.merge import merge_documents

    texts = []
    for path in args.files:
        try:
            texts.append(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as e:
            raise ConfigError(f"{path}: cannot read: {e}") from None
    merged = merge_documents(texts, [str(p) for p in args.files])
    if args.output:
        write_atomically(Path(args.output), merged)
    else:
        sys.stdout.write(merged)
    return EXIT_OK


def cmd_lsp(args: argparse.Namespace) -> int:
    import importlib.util

    if importlib.util.find_spec("pygls") is None:
        raise ConfigError("goabilint lsp needs pygls: pip install 'goabilint[lsp]'")
    from goabilint import lsp

    return lsp.serve()


def cmd_new_rule(args: argparse.Namespace) -> int:
    from goabilint import scaffold

    root = args.root.absolute() if args.root else scaffold.find_root(Path.cwd())
    made = scaffold.new_rule(
        root,
        args.family,
        args.name,
        title=args.title,
        severity=Severity.parse(args.severity),
    )
    for path in (made.module, made.fixture, made.registry):
        sys.stdout.write(f"{path.relative_to(root).as_posix()}\n")
    sys.stderr.write(
        f"{made.code} {args.name} reports {scaffold.EXAMPLE_PACKAGE}."
        f"{scaffold.EXAMPLE_FUNCTION} calls and is off by default: make it check "
        "what you mean, then turn it on\n"
    )
    if (root / "docs" / "rules").is_dir():
        sys.stderr.write(
            "then regenerate docs/rules: GOABILINT_DISABLE_PLUGIN_AUTOLOAD=1 "
            "goabilint rules --format markdown --output-dir docs/rules\n"
        )
    return EXIT_OK


def entry() -> NoReturn:
    """The ``goabilint`` command: :func:`main`, then leave at once.

    Everything is written, flushed and closed by then. The interpreter's
    own shutdown would only free what the run built (syntax trees, the
    toolchain tables), a tenth of a second that a pre-commit hook waits
    for. When something may still need that shutdown (coverage or a
    profiler measuring this process, a thread still running) it is left to
    run.
    """
    code = main()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass  # a reader gone away, or a stream closed: nothing to keep
    if (
        "coverage" in sys.modules
        or sys.getprofile() is not None  # python -m cProfile writes at exit
        or sys.gettrace() is not None
        or threading.active_count() > 1
    ):
        sys.exit(code)
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    verbose = argv.count("-v") + 2 * argv.count("-vv") + argv.count("--verbose")
    _setup_logging(verbose, "-q" in argv or "--quiet" in argv)
    try:
        args = build_parser().parse_args(_normalise_argv(argv))
        _setup_logging(getattr(args, "verbose", 0), getattr(args, "quiet", False))
        if args.command == "rules":
            return cmd_rules(args)
        if args.command == "explain":
            return cmd_explain(args)
        if args.command == "merge":
            return cmd_merge(args)
        if args.command == "lsp":
            return cmd_lsp(args)
        if args.command == "new-rule":
            return cmd_new_rule(args)
        if args.command == "tables":
            from goabilint.tables import command as tables_command

            return tables_command.run(args)
        if args.command == "upgrade":
            from goabilint import upgrade

            return upgrade.run(args)
        return cmd_check(args)
    except ConfigError as e:
        log.error("%s", e)
        return EXIT_ERROR
    except SystemExit as e:  # --help and --version, called in-process
        return e.code if isinstance(e.code, int) else EXIT_OK
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); don't let Python complain on exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    except Exception as e:  # noqa: BLE001 - the last line of defence
        log.error(
            "internal error: %s: %s (run with -vv for a traceback)", type(e).__name__, e
        )
        log.debug("traceback", exc_info=True)
        return EXIT_ERROR
