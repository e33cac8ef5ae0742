"""``goabilint lsp``: diagnostics and quick fixes in an editor, over stdio.

The server keeps the documents the editor has open. Checking one of them
checks its whole directory, as ``goabilint check`` would, with every open
buffer of that directory in place of its file on disk; the results are
pushed to the editor (``textDocument/publishDiagnostics``) or, when the
editor asks for them itself, returned from ``textDocument/diagnostic``.
Typing is debounced; opening and saving check at once.

Settings come from the same ``pyproject.toml`` / ``.goabilint.toml`` files
as on the command line, searched only inside the workspace folder, with the
editor's ``initializationOptions`` (or the ``goabilint`` section of
``workspace/didChangeConfiguration``) applied on top, as command-line
options are. Both files and ``go.mod`` are read afresh for every check;
when the editor reports that one changed, open documents are checked again.

The server reads only files below the workspace folders it was given:
documents elsewhere are not checked, and neither configuration nor
``go.mod`` is looked for above a folder or through a link leading out of it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from goabilint import __version__, engine
from goabilint.config import ConfigError, ConfigResolver, Settings, parse_table
from goabilint.gomod import GoMod, parse_go_mod
from goabilint.outputs.sarif import rule_help_uri
from goabilint.plugins import Registry, load_registry
from goabilint.rule import Finding, Location, Severity
from goabilint.source import LineIndex
from goabilint.suppress import MetaRules

__all__ = ["GoabilintServer", "create_server", "serve"]

log = logging.getLogger(__name__)

SOURCE = "goabilint"
# Quiet time after the last keystroke before a changed buffer is checked.
DEBOUNCE_SECONDS = 0.3
# Files whose change means the settings or the Go version may have changed.
WATCHED_NAMES = frozenset({"pyproject.toml", ".goabilint.toml", "go.mod"})

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.NOTE: types.DiagnosticSeverity.Information,
}
_LOG_LEVEL = {"error": types.MessageType.Error, "warning": types.MessageType.Warning}
_QUICKFIX = types.CodeActionKind.QuickFix.value
_IGNORE_LINE = re.compile(r"^(\s*//goabilint:ignore\s+)(\S+)(.*)$")


@dataclass
class Check:
    """One directory to check: what was read from the editor, and for whom."""

    root: Path  # the workspace folder, resolved
    job: engine.PackageJob | None  # None: nothing to check (excluded, error)
    buffers: dict[Path, bytes] = field(default_factory=dict)
    uris: dict[str, str] = field(default_factory=dict)  # display path -> uri
    versions: dict[str, int | None] = field(default_factory=dict)  # uri -> version


@dataclass
class Outcome:
    """The findings of one open document at one version."""

    version: int | None
    data: bytes  # the buffer they were found in
    findings: list[Finding]
    root: Path | None = None  # what their paths are relative to


class GoabilintServer(LanguageServer):
    """The language server and what it remembers between messages."""

    def __init__(self, registry: Registry) -> None:
        super().__init__(SOURCE, __version__)
        self.registry = registry
        self.rules = registry.by_code()
        self.options: Mapping[str, Any] = {}
        self.pull = False  # the client asks for diagnostics itself
        self.outcomes: dict[str, Outcome] = {}
        self._pending: dict[Path, asyncio.TimerHandle] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._said: set[str] = set()
        # Rules run one package at a time, off the thread that reads messages.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="goabilint")

    # Where documents are, and which settings apply to them.

    def roots(self) -> list[Path]:
        """The workspace folders, resolved; the root URI when there are none."""
        uris = [f.uri for f in self.workspace.folders.values()]
        if not uris and self.workspace.root_uri:
            uris = [self.workspace.root_uri]
        out = []
        for uri in uris:
            path = to_fs_path(uri)
            if path is not None:
                out.append(Path(path).resolve())
        return out

    def root_of(self, path: Path) -> Path | None:
        """The innermost workspace folder holding ``path`` (resolved), if any."""
        inside = [r for r in self.roots() if path.is_relative_to(r)]
        return max(inside, key=lambda r: len(r.parts), default=None)

    def settings_for(self, directory: Path, root: Path) -> Settings:
        """The settings for ``directory``, read afresh.

        Nothing is remembered between checks (finding and parsing the file
        takes far less time than the check), so an edited, new or deleted
        configuration file counts from the next check on, even in an editor
        that does not report file changes.
        """
        resolver = ConfigResolver(self.registry.rules, self.options, within=root)
        return resolver.for_directory(directory)

    def set_options(self, table: object, where: str) -> None:
        """Take the editor's settings; bad ones are shown and ignored."""
        if table is None:
            table = {}
        try:
            self.options = parse_table(
                table,
                self.registry.rules,
                where=lambda key: f"{where}.{key}" if key else where,
            )
        except ConfigError as e:
            self.options = {}
            self.say(types.MessageType.Error, f"goabilint: {e}", show=True)

    def say(
        self, level: types.MessageType, message: str, *, show: bool = False
    ) -> None:
        """Tell the user once: in the log, or also as a message when ``show``."""
        if message in self._said:
            return
        self._said.add(message)
        if show:
            self.window_show_message(
                types.ShowMessageParams(type=level, message=message)
            )
        self.window_log_message(types.LogMessageParams(type=level, message=message))

    # Checking.

    def plan(self, uri: str) -> Check | None:
        """Read what checking ``uri``'s directory needs from the editor.

        Runs on the event loop, so that it sees the buffers as they are now.
        ``None`` when the document is not open or not a file; a
        :class:`Check` without a job when nothing in it may be checked.
        """
        if uri not in self.workspace.text_documents:
            return None
        path = _path(uri)
        if path is None:
            return None
        root = self.root_of(path)
        if root is None:
            self.say(
                types.MessageType.Info,
                f"goabilint: not checking {path}: outside the workspace",
            )
            return Check(path.parent, None, uris={"": uri})
        directory = path.parent
        try:
            settings = self.settings_for(directory, root)
        except ConfigError as e:
            self.say(types.MessageType.Error, f"goabilint: {e}", show=True)
            return Check(root, None, uris={"": uri})

        # Every open buffer of the directory stands in for its file.
        check = Check(root, None)
        for other_uri, doc in self.workspace.text_documents.items():
            other = _path(other_uri)
            if other is None or other.parent != directory or not _is_source(other.name):
                continue
            if settings.is_excluded(other):
                continue
            check.buffers[other] = doc.source.encode("utf-8", "surrogatepass")
            check.uris[engine.display_path(other, root)] = other_uri
            check.versions[other_uri] = doc.version
        if path not in check.buffers:
            return Check(root, None, uris={"": uri})  # excluded or not Go: clear it
        files = set(_disk_sources(directory, root, settings)) | set(check.buffers)
        check.job = engine.PackageJob(directory, tuple(sorted(files)), settings, root)
        return check

    def run(self, check: Check) -> engine.PackageResult:
        """Check a planned directory (on the worker thread)."""
        assert check.job is not None
        return engine.analyse_buffers(
            check.job, self.registry, check.buffers, _go_mod_finder(check.root)
        )

    async def refresh(self, uri: str) -> dict[str, Outcome]:
        """Check ``uri``'s directory; keep and return its open documents' outcomes."""
        check = self.plan(uri)
        if check is None:
            return {}
        outcomes = {u: Outcome(None, b"", []) for u in check.uris.values()}
        if check.job is not None:
            loop = asyncio.get_running_loop()
            result = await loop.run_in_executor(self._worker, self.run, check)
            for n in result.notifications:
                where = f"{n.path}: " if n.path else ""
                level = _LOG_LEVEL.get(n.level, types.MessageType.Log)
                self.say(level, f"goabilint: {where}{n.message}")
            by_display = {d: [] for d in check.uris}
            for f in result.findings:
                by_display.get(f.location.path, []).append(f)
            for display, u in check.uris.items():
                path = _path(u)
                data = check.buffers.get(path, b"") if path else b""
                outcome = Outcome(
                    check.versions.get(u), data, by_display[display], check.root
                )
                outcomes[u] = outcome
        for u, outcome in outcomes.items():
            if u in self.workspace.text_documents:
                self.outcomes[u] = outcome
        return outcomes

    async def outcome(self, uri: str) -> Outcome | None:
        """Findings at the document's current version, checking if there are none.

        Good for positions; they may miss a change to another file of the
        package since, which :meth:`refresh` would see.
        """
        doc = self.workspace.text_documents.get(uri)
        if doc is None:
            return None
        known = self.outcomes.get(uri)
        if (
            known is not None
            and known.version == doc.version
            and doc.version is not None
        ):
            return known
        return (await self.refresh(uri)).get(uri)

    # Pushing diagnostics, for clients that do not pull them.

    def schedule(self, uri: str, delay: float) -> None:
        """Check ``uri``'s directory after ``delay`` seconds of quiet."""
        path = _path(uri)
        if path is None:
            return
        key = path.parent
        pending = self._pending.pop(key, None)
        if pending is not None:
            pending.cancel()
        loop = asyncio.get_running_loop()
        self._pending[key] = loop.call_later(delay, self._start, key, uri)

    def _start(self, key: Path, uri: str) -> None:
        self._pending.pop(key, None)
        task = asyncio.ensure_future(self._push(uri))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _push(self, uri: str) -> None:
        try:
            outcomes = await self.refresh(uri)
        except Exception as e:  # keep serving; the editor shows the log
            log.exception("checking %s failed", uri)
            self.say(types.MessageType.Error, f"goabilint: checking failed: {e}")
            return
        for u, outcome in outcomes.items():
            if u not in self.workspace.text_documents:
                continue  # closed while it was being checked
            self.publish(u, outcome)

    def publish(self, uri: str, outcome: Outcome) -> None:
        diagnostics = [self.diagnostic(f, outcome) for f in outcome.findings]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri, diagnostics=diagnostics, version=outcome.version
            )
        )

    def clear(self, uri: str) -> None:
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    def reload(self) -> None:
        """Settings or a go.mod changed: check every open document again."""
        self._said.clear()
        if self.pull:
            if get_capability(
                self.client_capabilities, "workspace.diagnostics.refresh_support", False
            ):
                self.workspace_diagnostic_refresh(None)
            return
        for uri in list(self.workspace.text_documents):
            self.schedule(uri, 0)

    # Turning findings into LSP values.

    def diagnostic(self, f: Finding, outcome: Outcome) -> types.Diagnostic:
        rule = self.rules.get(f.code)
        message = f.message if not f.fix else f"{f.message}\nhelp: {f.fix}"
        related = []
        for loc, msg in f.related:
            same = loc.path == f.location.path
            where = types.Location(
                uri=self._uri_of(loc, outcome.root),
                range=self.range(loc, outcome.data if same else None),
            )
            related.append(
                types.DiagnosticRelatedInformation(location=where, message=msg)
            )
        builtin = rule is not None and rule.origin.startswith("goabilint[")
        return types.Diagnostic(
            range=self.range(f.location, outcome.data),
            message=message,
            severity=_SEVERITY[f.severity],
            code=f.code,
            code_description=types.CodeDescription(href=rule_help_uri(rule))
            if builtin
            else None,
            source=SOURCE,
            related_information=related or None,
        )

    def range(self, loc: Location, data: bytes | None) -> types.Range:
        """``loc`` in the client's position encoding (byte columns without ``data``)."""
        index = LineIndex(data) if data else None
        return types.Range(
            start=self._position(index, loc.line, loc.column, loc.column_utf16),
            end=self._position(
                index, loc.end_line, loc.end_column, loc.end_column_utf16
            ),
        )

    def _position(
        self, index: LineIndex | None, line: int, column: int, column_utf16: int
    ) -> types.Position:
        encoding = self.workspace.position_encoding
        if encoding == types.PositionEncodingKind.Utf8:
            units = column - 1
        elif encoding == types.PositionEncodingKind.Utf32 and index is not None:
            prefix = (
                index.line_bytes(line)[: column - 1]
                if line <= len(index.starts)
                else b""
            )
            units = len(prefix.decode("utf-8", "replace"))
        else:  # UTF-16, or UTF-32 in another file: as near as is known
            units = (column_utf16 or column) - 1
        return types.Position(line=line - 1, character=max(units, 0))

    @staticmethod
    def _uri_of(loc: Location, root: Path | None) -> str:
        path = Path(loc.path)
        if not path.is_absolute() and root is not None:
            path = root / path
        return from_fs_path(str(path)) or loc.path

    def actions(
        self, uri: str, outcome: Outcome, wanted: types.Range
    ) -> list[types.CodeAction]:
        """Quick fixes for the findings on the lines of ``wanted``."""
        out: list[types.CodeAction] = []
        seen_fixes: set[tuple] = set()
        seen_ignores: set[tuple[str, int]] = set()
        index = LineIndex(outcome.data)
        for f in outcome.findings:
            diag = self.diagnostic(f, outcome)
            if (
                diag.range.end.line < wanted.start.line
                or diag.range.start.line > wanted.end.line
            ):
                continue  # not on the lines asked about
            if f.edits and (f.code, f.edits) not in seen_fixes:
                seen_fixes.add((f.code, f.edits))
                edits = [
                    types.TextEdit(range=self.range(loc, outcome.data), new_text=text)
                    for loc, text in f.edits
                ]
                out.append(
                    types.CodeAction(
                        title=f"{f.code}: {_plain(f.fix) or 'apply the fix'}",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diag],
                        is_preferred=True,
                        edit=self.workspace_edit(uri, outcome.version, edits),
                    )
                )
            if f.code.startswith("SUP") or (f.code, f.location.line) in seen_ignores:
                continue  # suppressing the suppression checks would defeat them
            seen_ignores.add((f.code, f.location.line))
            edit = _ignore_edit(index, f.location.line, f.code)
            if edit is None:
                continue
            (line, start, end), text = edit
            loc = Location(f.location.path, line, start, line, end)
            out.append(
                types.CodeAction(
                    title=f"Suppress {f.code} on this line with //goabilint:ignore",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diag],
                    edit=self.workspace_edit(
                        uri,
                        outcome.version,
                        [
                            types.TextEdit(
                                range=self.range(_with_utf16(index, loc), outcome.data),
                                new_text=text,
                            )
                        ],
                    ),
                )
            )
        return out

    def workspace_edit(
        self, uri: str, version: int | None, edits: list[types.TextEdit]
    ) -> types.WorkspaceEdit:
        """Edits of one document, tied to its version when the client allows."""
        if get_capability(
            self.client_capabilities, "workspace.workspace_edit.document_changes", False
        ):
            doc = types.OptionalVersionedTextDocumentIdentifier(
                uri=uri, version=version
            )
            return types.WorkspaceEdit(
                document_changes=[
                    types.TextDocumentEdit(text_document=doc, edits=edits)
                ]
            )
        return types.WorkspaceEdit(changes={uri: edits})


def create_server(registry: Registry | None = None) -> GoabilintServer:
    """A server with every feature registered; ``serve`` starts one."""
    if registry is None:
        registry = load_registry(extra_plugins=[MetaRules()])
        registry.manager.register(
            engine.Dispatcher(registry), name="goabilint.dispatch"
        )
    server = GoabilintServer(registry)

    @server.feature(types.INITIALIZE)
    def initialize(ls: GoabilintServer, params: types.InitializeParams) -> None:
        ls.pull = (
            get_capability(params.capabilities, "text_document.diagnostic") is not None
        )
        ls.set_options(params.initialization_options, "initializationOptions")

    @server.feature(types.INITIALIZED)
    async def initialized(ls: GoabilintServer, params: types.InitializedParams) -> None:
        if not get_capability(
            ls.client_capabilities,
            "workspace.did_change_watched_files.dynamic_registration",
            False,
        ):
            return  # the client may still send changes it watches on its own
        watchers = [
            types.FileSystemWatcher(glob_pattern=f"**/{name}")
            for name in sorted(WATCHED_NAMES)
        ]
        registration = types.Registration(
            id="goabilint-watch-config",
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=types.DidChangeWatchedFilesRegistrationOptions(
                watchers=watchers
            ),
        )
        try:
            await ls.client_register_capability_async(
                types.RegistrationParams(registrations=[registration])
            )
        except JsonRpcException as e:  # not fatal: saving a config still reloads
            log.info("client refused to watch configuration files: %s", e)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: GoabilintServer, params: types.DidOpenTextDocumentParams) -> None:
        if not ls.pull:
            ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(
        ls: GoabilintServer, params: types.DidChangeTextDocumentParams
    ) -> None:
        if not ls.pull:
            ls.schedule(params.text_document.uri, DEBOUNCE_SECONDS)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(ls: GoabilintServer, params: types.DidSaveTextDocumentParams) -> None:
        path = _path(params.text_document.uri)
        if path is not None and path.name in WATCHED_NAMES:
            ls.reload()
        elif not ls.pull:
            ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(
        ls: GoabilintServer, params: types.DidCloseTextDocumentParams
    ) -> None:
        uri = params.text_document.uri
        ls.outcomes.pop(uri, None)
        if ls.pull:
            return
        ls.clear(uri)
        # The closed buffer no longer stands in for its file: recheck the rest.
        path = _path(uri)
        for other in ls.workspace.text_documents:
            other_path = _path(other)
            if (
                path is not None
                and other_path is not None
                and other_path.parent == path.parent
            ):
                ls.schedule(other, DEBOUNCE_SECONDS)
                break

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched(
        ls: GoabilintServer, params: types.DidChangeWatchedFilesParams
    ) -> None:
        if any((_path(c.uri) or Path()).name in WATCHED_NAMES for c in params.changes):
            ls.reload()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(
        ls: GoabilintServer, params: types.DidChangeConfigurationParams
    ) -> None:
        settings = params.settings
        if isinstance(settings, Mapping) and SOURCE in settings:
            ls.set_options(settings[SOURCE], f"settings.{SOURCE}")
            ls.reload()

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(
            identifier=SOURCE, inter_file_dependencies=True, workspace_diagnostics=False
        ),
    )
    async def diagnostic(
        ls: GoabilintServer, params: types.DocumentDiagnosticParams
    ) -> types.RelatedFullDocumentDiagnosticReport:
        # Checked afresh: another file of the package may have changed.
        outcome = (await ls.refresh(params.text_document.uri)).get(
            params.text_document.uri
        )
        items = (
            []
            if outcome is None
            else [ls.diagnostic(f, outcome) for f in outcome.findings]
        )
        return types.RelatedFullDocumentDiagnosticReport(items=items)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    async def code_action(
        ls: GoabilintServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        only = params.context.only
        if only and not any(_QUICKFIX.startswith(getattr(k, "value", k)) for k in only):
            return None  # the client wants other kinds of action
        outcome = await ls.outcome(params.text_document.uri)
        if outcome is None:
            return None
        return ls.actions(params.text_document.uri, outcome, params.range) or None

    return server


def serve() -> int:
    """Run the server on stdin and stdout until the client says exit."""
    server = create_server()
    server.start_io()
    return 0


def _path(uri: str) -> Path | None:
    """The resolved file system path of a ``file:`` URI."""
    path = to_fs_path(uri)
    return Path(path).resolve() if path else None


def _is_source(name: str) -> bool:
    return name.endswith((".go", ".s")) and not name.startswith((".", "_"))


def _disk_sources(directory: Path, root: Path, settings: Settings) -> list[Path]:
    """The directory's Go and assembly files on disk that may be read."""
    out = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return out  # an unreadable directory: check the open buffers only
    for entry in entries:
        if not _is_source(entry.name):
            continue
        path = directory / entry.name
        try:
            if not entry.is_file() or not path.resolve().is_relative_to(root):
                continue  # not a file, or a link leading out of the workspace
        except OSError:
            continue
        if not settings.is_excluded(path):
            out.append(path)
    return out


def _go_mod_finder(root: Path):
    """Finds the nearest ``go.mod`` without looking above ``root``.

    Unlike :func:`goabilint.gomod.find_go_mod` it remembers nothing: the
    file may be edited while the server runs.
    """

    def find(directory: Path) -> GoMod | None:
        for d in (directory, *directory.parents):
            if not d.is_relative_to(root):
                return None
            candidate = d / "go.mod"
            try:
                if not candidate.resolve().is_relative_to(root):
                    continue  # a link leading out of the workspace
                data = candidate.read_bytes()
            except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
                continue
            except OSError as e:
                err = f"{candidate}: cannot read: {e.strerror or e}"
                return GoMod(
                    candidate, None, None, None, (f"{err}; its go line is not known",)
                )
            return parse_go_mod(candidate, data)
        return None

    return find


def _ignore_edit(
    index: LineIndex, line: int, code: str
) -> tuple[tuple[int, int, int], str] | None:
    """Where and what to write to suppress ``code`` on ``line``.

    Returns ``((line, start byte column, end byte column), text)``. A
    suppression comment alone on the line above gets the code added; other
    wise a new one is put on its own line above, indented like the line.
    """
    if not 1 <= line <= len(index.starts):
        return None
    if line > 1:
        above = index.line_bytes(line - 1).decode("utf-8", "replace")
        m = _IGNORE_LINE.match(above)
        if m:
            codes = m.group(2).split(",")
            if code in codes:
                return None  # already there: the finding is from a newer buffer
            start = len(m.group(1).encode()) + 1
            end = start + len(m.group(2).encode())
            return (line - 1, start, end), ",".join([*codes, code])
    current = index.line_bytes(line)
    indent = current[: len(current) - len(current.lstrip(b" \t"))].decode()
    return (line, 1, 1), f"{indent}//goabilint:ignore {code}\n"


def _with_utf16(index: LineIndex, loc: Location) -> Location:
    """``loc`` with its UTF-16 columns filled in from ``index``."""
    from dataclasses import replace

    return replace(
        loc,
        column_utf16=index.utf16_column(loc.line, loc.column),
        end_column_utf16=index.utf16_column(loc.end_line, loc.end_column),
    )


def _plain(text: str | None) -> str:
    return (text or "").replace("`", "")
