"""Configuration: ``[tool.goabilint]`` in pyproject.toml or ``.goabilint.toml``.

The nearest configuration file above an analysed file applies to it (a
``.goabilint.toml`` beats a ``pyproject.toml`` in the same directory, and a
pyproject.toml without a ``[tool.goabilint]`` table is passed over). Command
line options are applied on top. Every key is validated: an unknown key, rule
selector or malformed value is a :class:`ConfigError` naming file, key and
line.
"""

from __future__ import annotations

import fnmatch
import functools
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from goabilint.constraints import KNOWN_ARCH, KNOWN_OS, GoVersion
from goabilint.paths import real_path
from goabilint.rule import Rule, Severity, matches_selector

__all__ = [
    "NEWEST_GO",
    "OLDEST_GO",
    "ConfigError",
    "GoRange",
    "Settings",
    "find_config",
    "load_config",
]

# The Go releases goabilint knows about, oldest first.
OLDEST_GO = GoVersion(1, 21)
NEWEST_GO = GoVersion(1, 27)

DEFAULT_GOOS = ("linux", "darwin", "windows")
DEFAULT_GOARCH = ("amd64", "arm64")


class ConfigError(Exception):
    """A configuration or usage problem; the CLI prints it and exits 2."""


@dataclass(frozen=True)
class GoRange:
    """Target Go versions: ``low..high`` inclusive, both ``1.N`` releases."""

    low: GoVersion
    high: GoVersion

    @classmethod
    def parse(cls, text: str) -> GoRange:
        """``1.23`` means 1.23 up to the newest known release; ``1.21..1.24`` a range."""
        low_s, sep, high_s = text.partition("..")
        low = GoVersion.parse(low_s)
        high = GoVersion.parse(high_s) if sep else max(low, NEWEST_GO)
        if high < low:
            raise ValueError(f"empty Go version range {text!r}")
        return cls(low, high)

    def versions(self) -> tuple[GoVersion, ...]:
        if self.low.major != self.high.major:
            return (self.low, self.high)
        return tuple(
            GoVersion(self.low.major, m)
            for m in range(self.low.minor, self.high.minor + 1)
        )

    def __str__(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}..{self.high}"


@dataclass(frozen=True)
class Settings:
    """The effective settings for the files under one configuration."""

    root: Path  # directory that relative globs are resolved against
    source: Path | None = None  # the configuration file, if any
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    go: GoRange | None = None  # None: from go.mod, else the newest release
    goos: tuple[str, ...] = DEFAULT_GOOS
    goarch: tuple[str, ...] = DEFAULT_GOARCH
    tags: tuple[str, ...] = ()
    max_file_size: int = 8 * 1024 * 1024  # bytes; larger files are skipped

    def enabled_rules(self, rules: Sequence[Rule]) -> list[Rule]:
        """The rules these settings turn on, in registration order."""
        out = []
        for rule in rules:
            if self.select is None:
                on = rule.default_enabled
            else:
                on = any(matches_selector(rule, s) for s in self.select)
            on = on or any(matches_selector(rule, s) for s in self.extend_select)
            if on and not any(matches_selector(rule, s) for s in self.ignore):
                out.append(rule)
        return out

    def ignored_for(self, relpath: str) -> tuple[str, ...]:
        """Selectors that ``per-file-ignores`` turns off for ``relpath``."""
        out: list[str] = []
        for pattern, selectors in self.per_file_ignores:
            if glob_match(pattern, relpath):
                out.extend(selectors)
        return tuple(out)

    def severity_of(self, rule: Rule) -> Severity:
        """The last matching override wins: ``--severity`` comes after the file's."""
        for selector, sev in reversed(self.severity):
            if matches_selector(rule, selector):
                return sev
        return rule.severity

    def is_excluded(self, path: Path) -> bool:
        if not self.exclude:
            return False
        try:
            rel = real_path(path.absolute()).relative_to(self.root).as_posix()
        except ValueError:
            return False
        return any(glob_match(p, rel) for p in self.exclude)


def glob_match(pattern: str, relpath: str) -> bool:
    """Match a gitignore-like glob against a ``/``-separated relative path.

    A pattern without ``/`` matches any path component (``gen`` excludes
    every directory named gen, ``*_gen.go`` every such file); otherwise it
    is anchored at the configuration's directory, and ``**`` spans
    directories. A pattern naming a directory matches everything below it.
    """
    pattern = pattern.strip().rstrip("/")
    if not pattern:
        return False
    parts = PurePosixPath(relpath).parts
    if "/" not in pattern:
        return any(fnmatch.fnmatchcase(p, pattern) for p in parts)
    rx = _glob_regex(pattern.lstrip("/"))
    return any(rx.fullmatch("/".join(parts[:i])) for i in range(1, len(parts) + 1))


@functools.cache
def _glob_regex(pattern: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        else:
            c = pattern[i]
            out.append("[^/]*" if c == "*" else "[^/]" if c == "?" else re.escape(c))
            i += 1
    return re.compile("".join(out))


# Config keys, their value kinds, and the Settings fields they fill.
_KEYS: dict[str, str] = {
    "select": "selectors",
    "extend-select": "selectors",
    "ignore": "selectors",
    "per-file-ignores": "per-file",
    "exclude": "strings",
    "severity": "severity",
    "go": "go",
    "goos": "goos",
    "goarch": "goarch",
    "tags": "strings",
    "max-file-size": "size",
}


def find_config(
    directory: Path,
    memo: dict[Path, Path | None] | None = None,
    within: Path | None = None,
) -> Path | None:
    """The configuration file nearest above ``directory`` (absolute), if any.

    ``memo`` remembers the answer for every directory visited, so that a
    run over thousands of directories looks at each one once. ``within``
    (resolved) bounds the search: nothing above it is looked at, and a file
    that is a link to somewhere outside it is not read.
    """
    memo = {} if memo is None else memo
    if directory in memo:
        return memo[directory]  # every file of a directory asks
    visited = []
    found: Path | None = None
    d = directory
    while True:
        if within is not None and not d.is_relative_to(within):
            break
        if d in memo:
            found = memo[d]
            break
        visited.append(d)
        dotfile = d / ".goabilint.toml"
        if _is_file(dotfile) and _inside(dotfile, within):
            found = dotfile
            break
        pyproject = d / "pyproject.toml"
        if (
            _is_file(pyproject)
            and _inside(pyproject, within)
            and _has_tool_table(pyproject)
        ):
            found = pyproject
            break
        if d.parent == d:
            break
        d = d.parent
    for d in visited:
        memo[d] = found
    return found


def _is_file(path: Path) -> bool:
    """``path.is_file()``, but False in a directory that cannot be searched
    (whose files are then reported as unreadable, not configured)."""
    try:
        return path.is_file()
    except OSError:
        return False


def _inside(path: Path, within: Path | None) -> bool:
    return within is None or path.resolve().is_relative_to(within)


def _has_tool_table(pyproject: Path) -> bool:
    """Whether a pyproject.toml configures goabilint, in any TOML spelling
    (``[tool.goabilint]``, dotted keys, an inline table)."""
    try:
        data = pyproject.read_bytes()
    except OSError:
        return False
    if b"goabilint" not in data:
        return False  # the common case, without parsing
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return True  # let load_config report the broken file
    return isinstance(doc.get("tool"), dict) and "goabilint" in doc["tool"]


def load_config(path: Path, rules: Sequence[Rule]) -> Settings:
    """Read and validate one configuration file."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read configuration: {e}") from None
    try:
        doc = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: invalid TOML: {e}") from None
    if path.name == "pyproject.toml":
        table = doc.get("tool", {}).get("goabilint", {})
        prefix = "tool.goabilint."
    else:
        table, prefix = doc, ""
    values = parse_table(table, rules, where=lambda key: _where(path, raw, prefix, key))
    return replace(Settings(root=path.parent.resolve(), source=path), **values)


def parse_table(
    table: Mapping[str, Any], rules: Sequence[Rule], where: Any = lambda key: key
) -> dict[str, Any]:
    """Validate a config table and convert it to ``Settings`` field values.

    ``where(key)`` returns the text that locates a key in error messages.
    """
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where('')}: expected a table")
    out: dict[str, Any] = {}
    for key, value in table.items():
        kind = _KEYS.get(key)
        if kind is None:
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(
                f"{where(key)}: unknown key {key!r} (known keys: {known})"
            )
        try:
            out[key.replace("-", "_")] = _convert(kind, value, rules)
        except (TypeError, ValueError) as e:
            raise ConfigError(f"{where(key)}: {e}") from None
    return out


def _convert(kind: str, value: Any, rules: Sequence[Rule]) -> Any:
    if kind == "go":
        if not isinstance(value, str):
            raise TypeError('expected a string such as "1.23" or "1.21..1.27"')
        return GoRange.parse(value)
    if kind == "size":
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise TypeError("expected a positive number of bytes")
        return value
    if kind == "per-file":
        if not isinstance(value, Mapping):
            raise TypeError("expected a table of glob = [rule selectors]")
        return tuple(
            (str(glob), tuple(_selectors(sels, rules))) for glob, sels in value.items()
        )
    if kind == "severity":
        if not isinstance(value, Mapping):
            raise TypeError('expected a table of rule selector = "error|warning|note"')
        pairs = []
        for sel, sev in value.items():
            tuple(_selectors([sel], rules))  # raises for an unknown rule
            if not isinstance(sev, str):
                raise TypeError(f"severity for {sel!r} must be a string")
            pairs.append((sel, Severity.parse(sev)))
        return tuple(pairs)
    items = _strings(value)
    if kind == "selectors":
        return tuple(_selectors(items, rules))
    if kind == "goos":
        return tuple(_known(items, KNOWN_OS, "GOOS"))
    if kind == "goarch":
        return tuple(_known(items, KNOWN_ARCH, "GOARCH"))
    return tuple(items)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("expected a list of strings")
    return value


def _selectors(value: Any, rules: Sequence[Rule]) -> Iterable[str]:
    for sel in _strings(value):
        if sel != "ALL" and not any(matches_selector(r, sel) for r in rules):
            raise ValueError(f"unknown rule code or name {sel!r}")
        yield sel


def _known(items: list[str], known: frozenset[str], what: str) -> list[str]:
    for item in items:
        if item not in known:
            raise ValueError(f"unknown {what} {item!r}")
    return items


def _where(path: Path, raw: str, prefix: str, key: str) -> str:
    """``file:line: key`` for error messages; the line of ``key`` in its table."""
    table = prefix.rstrip(".")
    line = _key_line(raw, table, key) if key else 0
    loc = f"{path}:{line}" if line else str(path)
    return f"{loc}: {prefix}{key}" if key else loc


def _key_line(raw: str, table: str, key: str) -> int:
    in_table = table == ""
    subtable = f"{table}.{key}" if table else key  # the key written as [its.own.table]
    key_re = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*[=.]")
    for lineno, line in enumerate(raw.splitlines(), start=1):
        header = re.match(r"^\s*\[+\s*([^\]]+?)\s*\]+", line)
        if header:
            name = re.sub(r"\s", "", header.group(1))
            if name == subtable:
                return lineno
            in_table = name == table
            continue
        if in_table and key_re.match(line):
            return lineno
    return 0


@dataclass
class ConfigResolver:
    """Finds and caches the settings that apply to each directory.

    ``overrides`` are applied on top of every configuration file (command
    line options); ``fixed`` names a single configuration file used for
    everything (``--config``), and ``isolated`` ignores all of them.
    ``within`` (resolved) confines the search for configuration files to
    one tree, and is the root of relative globs when none is found.
    """

    rules: Sequence[Rule]
    overrides: Mapping[str, Any] = field(default_factory=dict)
    fixed: Path | None = None
    isolated: bool = False
    within: Path | None = None
    _cache: dict[Path | None, Settings] = field(default_factory=dict)
    _found: dict[Path, Path | None] = field(default_factory=dict)

    def for_directory(self, directory: Path) -> Settings:
        if self.isolated:
            source = None
        elif self.fixed is not None:
            source = self.fixed
        else:
            source = find_config(directory, self._found, self.within)
        if source not in self._cache:
            if source is None:
                base = Settings(root=(self.within or Path.cwd()).resolve())
            else:
                base = load_config(source, self.rules)
            self._cache[source] = self._apply_overrides(base)
        return self._cache[source]

    def _apply_overrides(self, base: Settings) -> Settings:
        values = dict(self.overrides)
        # Command-line lists extend what the file says, except --select.
        for key in (
            "extend_select",
            "ignore",
            "exclude",
            "per_file_ignores",
            "severity",
        ):
            if key in values:
                values[key] = tuple(getattr(base, key)) + tuple(values[key])
        return replace(base, **values)
