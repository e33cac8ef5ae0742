"""``goabilint lsp`` end to end: a real server process spoken to over stdio.

Each test starts ``python -m goabilint lsp`` with pytest-lsp's client, in a
workspace of its own, and drives it as an editor would: open, change,
save and close documents, ask for code actions, change configuration.
The push tests use VS Code's recorded capabilities (no pull diagnostics),
the pull tests Neovim 0.11's (pull diagnostics, UTF-8 positions).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.uris import from_fs_path
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features
from workspace import LINKNAME_LINE, LINKNAME_WITHOUT_UNSAFE, write_tree

pytestmark = pytest.mark.asyncio

GO_MOD = "module example.com/p\n\ngo 1.22\n"
UNSAFE_IMPORT = 'import _ "unsafe" // for go:linkname\n'
# Built only by Go releases before 1.22: whether LNK001 fires depends on
# the go line of go.mod, which sets the oldest target release.
OLD_ONLY = "//go:build !go1.22\n\n" + LINKNAME_WITHOUT_UNSAFE
TIMEOUT = 30
# Only the rules the tests are about, so that new rules cannot disturb them.
SELECTED = {"select": ["LNK001", "SUP"]}


class Recorder:
    """Every notification of interest, in order, and the registrations asked for."""

    def __init__(self) -> None:
        self.published: list[types.PublishDiagnosticsParams] = []
        self.registrations: list[types.Registration] = []

    def diagnostics(self, uri: str) -> list[types.Diagnostic] | None:
        for p in reversed(self.published):
            if p.uri == uri:
                return list(p.diagnostics)
        return None

    def count(self, uri: str) -> int:
        return sum(1 for p in self.published if p.uri == uri)


def _client_factory(recorder: Recorder):
    def make() -> LanguageClient:
        client = LanguageClient()

        def publish(ls, params: types.PublishDiagnosticsParams) -> None:
            recorder.published.append(params)

        def register(ls, params: types.RegistrationParams) -> None:
            recorder.registrations += params.registrations

        features = {
            **DEFAULT_CLIENT_FEATURES,
            types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish,
            types.CLIENT_REGISTER_CAPABILITY: register,
        }
        register_lsp_features(client, features)
        return client

    return make


@contextlib.asynccontextmanager
async def session(
    root: Path,
    client_spec: str = "visual-studio-code",
    options: dict[str, Any] | None = SELECTED,
):
    """A started and initialised server for the workspace folder ``root``."""
    recorder = Recorder()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOABILINT_")}
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "goabilint", "lsp"],
        client_factory=_client_factory(recorder),
        server_env=env,
    )
    client = await config.start()
    try:
        result = await asyncio.wait_for(
            client.initialize_session(
                types.InitializeParams(
                    capabilities=client_capabilities(client_spec),
                    root_uri=uri(root),
                    workspace_folders=[types.WorkspaceFolder(uri=uri(root), name="w")],
                    initialization_options=options,
                )
            ),
            TIMEOUT,
        )
        client.recorder = recorder  # type: ignore[attr-defined]
        client.init_result = result  # type: ignore[attr-defined]
        yield client
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.shutdown_session(), TIMEOUT)
        await client.stop()


def uri(path: Path) -> str:
    return from_fs_path(str(path))


async def until(predicate, what: str) -> None:
    """Wait for ``predicate()`` to hold, failing with ``what`` after TIMEOUT."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def codes(diagnostics) -> list[str]:
    return sorted(str(d.code) for d in diagnostics or ())


def open_doc(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    doc = types.TextDocumentItem(
        uri=uri(path), language_id="go", version=version, text=text
    )
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=doc))
    return doc.uri


def change_doc(client: LanguageClient, doc_uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(
                uri=doc_uri, version=version
            ),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def published(client: LanguageClient, doc_uri: str, after: int = 0):
    """The diagnostics of the first publication for ``doc_uri`` after ``after``."""
    rec: Recorder = client.recorder  # type: ignore[attr-defined]
    await until(
        lambda: rec.count(doc_uri) > after, f"diagnostics #{after + 1} for {doc_uri}"
    )
    return [p for p in rec.published if p.uri == doc_uri][after]


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP edits (UTF-16 positions, as VS Code asks for) to ``text``."""
    lines = text.splitlines(keepends=True)

    def offset(pos: types.Position) -> int:
        before = "".join(lines[: pos.line])
        line = lines[pos.line] if pos.line < len(lines) else ""
        units = line.encode("utf-16-le")[: pos.character * 2].decode("utf-16-le")
        return len(before) + len(units)

    for e in sorted(
        edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end) :]
        lines = text.splitlines(keepends=True)
    return text


def edits_of(action: types.CodeAction, doc_uri: str) -> list[types.TextEdit]:
    assert action.edit is not None
    if action.edit.document_changes:
        return [
            e
            for dc in action.edit.document_changes
            if dc.text_document.uri == doc_uri
            for e in dc.edits
        ]
    return list((action.edit.changes or {}).get(doc_uri, []))


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A workspace folder holding one clean module."""
    root = tmp_path / "ws"
    write_tree(root, {"go.mod": GO_MOD, "p/clean.go": "package p\n"})
    return root


async def test_open_publishes_diagnostics_of_the_unsaved_buffer(ws):
    # On disk the file is clean; the editor's buffer has the problem.
    path = ws / "p" / "bad.go"
    path.write_text("package p\n", encoding="utf-8")
    async with session(ws) as client:
        caps = client.init_result.capabilities
        assert caps.diagnostic_provider is not None
        assert caps.code_action_provider is not None
        doc_uri = open_doc(client, path, LINKNAME_WITHOUT_UNSAFE)
        params = await published(client, doc_uri)

    [d] = [d for d in params.diagnostics if d.code == "LNK001"]
    assert params.version == 1
    assert d.source == "goabilint"
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.range.start == types.Position(line=LINKNAME_LINE - 1, character=0)
    assert d.range.end.line == LINKNAME_LINE - 1
    assert d.message.startswith(
        '//go:linkname only allowed in Go files that import "unsafe"'
    )
    assert "help: add" in d.message
    assert d.code_description is not None
    assert d.code_description.href.endswith("LNK001.md")


async def test_change_is_debounced_and_save_and_close_republish(ws):
    path = ws / "p" / "a.go"
    path.write_text(LINKNAME_WITHOUT_UNSAFE, encoding="utf-8")
    async with session(ws) as client:
        rec: Recorder = client.recorder
        doc_uri = open_doc(client, path, LINKNAME_WITHOUT_UNSAFE)
        first = await published(client, doc_uri)
        assert codes(first.diagnostics) == ["LNK001"]

        # Three quick edits: one check, of the last version (the fix).
        fixed = LINKNAME_WITHOUT_UNSAFE.replace(
            "package p\n", "package p\n\n" + UNSAFE_IMPORT
        )
        change_doc(client, doc_uri, LINKNAME_WITHOUT_UNSAFE + "\n", 2)
        change_doc(client, doc_uri, LINKNAME_WITHOUT_UNSAFE + "\n\n", 3)
        change_doc(client, doc_uri, fixed, 4)
        second = await published(client, doc_uri, after=1)
        assert second.version == 4
        assert codes(second.diagnostics) == []
        await asyncio.sleep(0.6)  # twice the debounce: nothing else comes
        assert rec.count(doc_uri) == 2

        # Saving checks again at once, without waiting for quiet.
        client.text_document_did_save(
            types.DidSaveTextDocumentParams(
                text_document=types.TextDocumentIdentifier(uri=doc_uri)
            )
        )
        third = await published(client, doc_uri, after=2)
        assert third.version == 4

        # Closing clears the document's diagnostics.
        change_doc(client, doc_uri, LINKNAME_WITHOUT_UNSAFE, 5)
        fourth = await published(client, doc_uri, after=3)
        assert codes(fourth.diagnostics) == ["LNK001"]
        client.text_document_did_close(
            types.DidCloseTextDocumentParams(
                text_document=types.TextDocumentIdentifier(uri=doc_uri)
            )
        )
        closed = await published(client, doc_uri, after=4)
        assert list(closed.diagnostics) == []


async def test_code_actions_fix_and_suppress(ws):
    path = ws / "p" / "a.go"
    path.write_text(LINKNAME_WITHOUT_UNSAFE, encoding="utf-8")
    async with session(ws) as client:
        doc_uri = open_doc(client, path, LINKNAME_WITHOUT_UNSAFE)
        params = await published(client, doc_uri)
        [diag] = [d for d in params.diagnostics if d.code == "LNK001"]
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=doc_uri),
                range=diag.range,
                context=types.CodeActionContext(diagnostics=[diag]),
            )
        )
        by_title = {a.title: a for a in actions or ()}
        fix = by_title['LNK001: add import _ "unsafe" to this file']
        ignore = by_title["Suppress LNK001 on this line with //goabilint:ignore"]
        assert fix.kind == ignore.kind == types.CodeActionKind.QuickFix
        assert fix.is_preferred and fix.diagnostics[0].code == "LNK001"

        # The rule's own fix: the file then imports unsafe and is clean.
        fixed = apply_edits(LINKNAME_WITHOUT_UNSAFE, edits_of(fix, doc_uri))
        assert fixed.startswith("package p\n\n" + UNSAFE_IMPORT + "\n//go:linkname")
        change_doc(client, doc_uri, fixed, 2)
        after_fix = await published(client, doc_uri, after=1)
        assert codes(after_fix.diagnostics) == []

        # The suppression: a comment above the line, which wants a reason.
        suppressed = apply_edits(LINKNAME_WITHOUT_UNSAFE, edits_of(ignore, doc_uri))
        lines = suppressed.splitlines()
        assert lines[LINKNAME_LINE - 1] == "//goabilint:ignore LNK001"
        assert lines[LINKNAME_LINE].startswith("//go:linkname")
        change_doc(client, doc_uri, suppressed, 3)
        after_ignore = await published(client, doc_uri, after=2)
        assert codes(after_ignore.diagnostics) == ["SUP001"]

        # Only quick fixes are offered: asking for refactorings gets none.
        none = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=doc_uri),
                range=diag.range,
                context=types.CodeActionContext(
                    diagnostics=[], only=[types.CodeActionKind.Refactor]
                ),
            )
        )
        assert not none


async def test_configuration_files_and_editor_settings(ws):
    path = ws / "p" / "a.go"
    path.write_text(LINKNAME_WITHOUT_UNSAFE, encoding="utf-8")
    options = {**SELECTED, "severity": {"LNK001": "warning"}}
    async with session(ws, options=options) as client:
        rec: Recorder = client.recorder
        await until(
            lambda: rec.registrations, "the request to watch configuration files"
        )
        [reg] = rec.registrations
        assert reg.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
        globs = sorted(w["globPattern"] for w in reg.register_options["watchers"])
        assert globs == ["**/.goabilint.toml", "**/go.mod", "**/pyproject.toml"]

        # initializationOptions apply on top of the (absent) config file.
        doc_uri = open_doc(client, path, LINKNAME_WITHOUT_UNSAFE)
        first = await published(client, doc_uri)
        [d] = first.diagnostics
        assert (d.code, d.severity) == ("LNK001", types.DiagnosticSeverity.Warning)

        # A new configuration file is read once the editor reports it.
        config = ws / "pyproject.toml"
        config.write_text('[tool.goabilint]\nignore = ["LNK001"]\n', encoding="utf-8")
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[
                    types.FileEvent(uri=uri(config), type=types.FileChangeType.Created)
                ]
            )
        )
        second = await published(client, doc_uri, after=1)
        assert codes(second.diagnostics) == []

        # The editor's settings change: they replace the initial options.
        config.unlink()
        client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(
                settings={"goabilint": {"select": ["LNK001"]}}
            )
        )
        third = await published(client, doc_uri, after=2)
        [d] = third.diagnostics
        assert (d.code, d.severity) == ("LNK001", types.DiagnosticSeverity.Error)

        # A go.mod change is a change of target Go versions: go 1.22 and
        # later never build OLD_ONLY, go 1.21 does.
        change_doc(client, doc_uri, OLD_ONLY, 2)
        fourth = await published(client, doc_uri, after=3)
        assert codes(fourth.diagnostics) == []
        (ws / "go.mod").write_text(GO_MOD.replace("1.22", "1.21"), encoding="utf-8")
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[
                    types.FileEvent(
                        uri=uri(ws / "go.mod"), type=types.FileChangeType.Changed
                    )
                ]
            )
        )
        fifth = await published(client, doc_uri, after=4)
        assert codes(fifth.diagnostics) == ["LNK001"]


async def test_bad_editor_settings_are_shown_and_ignored(ws):
    path = ws / "p" / "a.go"
    path.write_text(LINKNAME_WITHOUT_UNSAFE, encoding="utf-8")
    # The whole table is dropped, select too: every default rule runs.
    async with session(ws, options={**SELECTED, "ignore": ["NOPE999"]}) as client:
        doc_uri = open_doc(client, path, LINKNAME_WITHOUT_UNSAFE)
        params = await published(client, doc_uri)
        assert "LNK001" in codes(params.diagnostics)
        [message] = [m for m in client.messages if "NOPE999" in m.message]
        assert message.type == types.MessageType.Error
        assert "initializationOptions.ignore" in message.message


async def test_pull_diagnostics_when_the_client_asks(ws):
    path = ws / "p" / "a.go"
    path.write_text("package p\n", encoding="utf-8")
    text = LINKNAME_WITHOUT_UNSAFE.replace("nanotime", "nanotimé")
    directive = text.splitlines()[LINKNAME_LINE - 1]
    async with session(ws, client_spec="neovim@v0.11.0") as client:
        doc_uri = open_doc(client, path, text)
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(
                text_document=types.TextDocumentIdentifier(uri=doc_uri)
            )
        )
        [d] = [d for d in report.items if d.code == "LNK001"]
        # Neovim prefers UTF-8, so columns count bytes.
        assert (
            client.init_result.capabilities.position_encoding
            == types.PositionEncodingKind.Utf8
        )
        assert d.range.start == types.Position(line=LINKNAME_LINE - 1, character=0)
        assert d.range.end.character == len(directive.encode()) != len(directive)
        # A client that pulls is not also pushed to.
        await asyncio.sleep(0.6)
        assert client.recorder.published == []


async def test_only_the_workspace_is_read(tmp_path):
    # Outside the folder: a config that would silence LNK001, and a go.mod
    # under which OLD_ONLY would be built. Inside: a link to that go.mod.
    outside = tmp_path / "outside"
    write_tree(
        outside,
        {"go.mod": GO_MOD.replace("1.22", "1.21"), "x/x.go": LINKNAME_WITHOUT_UNSAFE},
    )
    (tmp_path / ".goabilint.toml").write_text('ignore = ["LNK001"]\n', encoding="utf-8")
    root = tmp_path / "ws"
    write_tree(root, {"p/a.go": LINKNAME_WITHOUT_UNSAFE, "q/old.go": OLD_ONLY})
    (root / "go.mod").symlink_to(outside / "go.mod")

    async with session(root) as client:
        # The config above the folder is not read, so LNK001 is reported.
        a_uri = open_doc(client, root / "p" / "a.go", LINKNAME_WITHOUT_UNSAFE)
        a = await published(client, a_uri)
        assert codes(a.diagnostics) == ["LNK001"]

        # The linked go.mod is not read: without a go line the target is
        # the newest release, which does not build the file.
        old_uri = open_doc(client, root / "q" / "old.go", OLD_ONLY)
        old = await published(client, old_uri)
        assert codes(old.diagnostics) == []

        # A document outside the folder is not checked at all.
        x_uri = open_doc(client, outside / "x" / "x.go", LINKNAME_WITHOUT_UNSAFE)
        x = await published(client, x_uri)
        assert list(x.diagnostics) == []
