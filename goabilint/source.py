"""The file and package objects handed to rules.

A :class:`GoFile` is parsed once and shared by every rule: it offers the
bytes, the tree, line/column mapping, imports with their local names,
top-level declarations, comments and ``//go:`` directives, the build
constraint, and the byte ranges tree-sitter could not parse (rules never
report from inside those). An :class:`AsmFile` offers the lines of a Go
assembly file. A :class:`Package` groups one directory's files.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import tree_sitter

from goabilint import syntax
from goabilint.constraints import (
    BuildContext,
    Constraint,
    GoVersion,
    name_constraint,
    read_header,
)
from goabilint.gomod import GoMod
from goabilint.prefilter import Needles
from goabilint.syntax import Node, text

__all__ = [
    "AsmFile",
    "Comment",
    "Decl",
    "Directive",
    "GoFile",
    "IDENT",
    "Import",
    "LineIndex",
    "Package",
    "SourceFile",
    "WORD_BYTES",
    "directive_fields",
    "func_words",
    "remember",
    "spelling",
]

BOM = b"\xef\xbb\xbf"


class LineIndex:
    """Maps byte offsets to 1-based lines and byte or UTF-16 columns.

    Only ``\n`` ends a line, as for the Go compiler, tree-sitter and SARIF's
    default ``newlineSequences``; a lone ``\r`` is part of its line.
    """

    def __init__(self, data: bytes):
        self.data = data
        self.starts = [0]
        for m in re.finditer(rb"\n", data):
            self.starts.append(m.end())

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def line_bytes(self, line: int) -> bytes:
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.data)
        return self.data[start:end].rstrip(b"\r\n")

    def utf16_column(self, line: int, byte_col: int) -> int:
        """1-based UTF-16 column of the 1-based byte column on ``line``."""
        prefix = self.line_bytes(line)[: byte_col - 1]
        return len(prefix.decode("utf-8", "replace").encode("utf-16-le")) // 2 + 1

    def position(self, offset: int) -> tuple[int, int]:
        """``(line, byte column)``, both 1-based, of a byte offset."""
        line = self.line_of(offset)
        return line, offset - self.starts[line - 1] + 1


@dataclass(frozen=True)
class Comment:
    node: Node
    text: str
    line: int

    @property
    def start_byte(self) -> int:
        return self.node.start_byte


@dataclass(frozen=True)
class Directive:
    """A ``//go:name args`` comment, e.g. ``//go:linkname local target``."""

    comment: Comment
    name: str  # "linkname"
    args: tuple[str, ...]

    @property
    def line(self) -> int:
        return self.comment.line


@dataclass(frozen=True)
class Import:
    path: str
    name: str  # local name; "." for dot imports, "_" for blank imports
    explicit: bool  # whether the name was written in the source
    start: int  # the import spec's bytes (GoFile.import_node finds its node)
    end: int


@dataclass(frozen=True)
class Decl:
    """A top-level declaration: ``kind`` is func, method, type, var or const."""

    kind: str
    name: str
    node: Node  # the spec or function node
    receiver: str | None = None  # base type name of a method's receiver


# Comments, blank space and a BOM, then "package name": the usual file head.
# A Go identifier as a bytes pattern: a letter or underscore, then letters,
# digits and underscores, any byte of a UTF-8 sequence counting as a letter.
IDENT = rb"[A-Za-z_\x80-\xff][\w\x80-\xff]*"

# The package clause after a BOM, spaces and comments: the name's group.
_PACKAGE_CLAUSE = re.compile(
    rb"(?:\xef\xbb\xbf)?(?:\s|//[^\n]*|/\*.*?\*/)*package[ \t]+(" + IDENT + rb")",
    re.DOTALL,
)


T = TypeVar("T")
SourceFileT = TypeVar("SourceFileT", bound="SourceFile")


def directive_fields(comment: str) -> tuple[str, tuple[str, ...]]:
    """The name and arguments of a ``//go:name args`` comment, split as the
    compiler splits them (``linkname``, ``("local", "target")``)."""
    fields = comment[2:].split()
    return (fields[0][3:] if fields else ""), tuple(fields[1:])


def remember(memo: dict, key: Hashable, compute: Callable[[], T]) -> T:
    """``memo[key]``, computed by ``compute`` the first time it is asked."""
    if key in memo:
        return memo[key]
    value = memo[key] = compute()
    return value


class SourceFile:
    """What Go and assembly files have in common: a path, bytes and lines."""

    def __init__(self, path: Path, display: str, data: bytes):
        self.path = path
        self.display = display  # the path as findings show it
        self.data = data
        self.name = path.name
        self.name_constraint = name_constraint(path.name)
        # Answers several rules (or build contexts) ask of this file; they
        # go away with it. See shared().
        self.memo: dict = {}

    def shared(self, key: Hashable, compute: Callable[[], T]) -> T:
        """What ``compute()`` says of this file, worked out once per
        ``key`` however many rules ask (a rule keys by its own name)."""
        return remember(self.memo, key, compute)

    @functools.cached_property
    def lines(self) -> LineIndex:
        return LineIndex(self.data)

    @functools.cached_property
    def _header(self) -> tuple[Constraint | None, int, str | None]:
        return read_header(self.data)

    @property
    def constraint(self) -> Constraint | None:
        return self._header[0]

    @property
    def constraint_error(self) -> tuple[int, str] | None:
        _, line, error = self._header
        return (line, error) if error else None

    @property
    def is_test(self) -> bool:
        return self.name_constraint.test

    def built_for(self, ctx: BuildContext) -> bool:
        """Whether the go command builds this file in ``ctx``."""
        if not self.name_constraint.matches(ctx):
            return False
        return self.constraint is None or self.constraint.eval(ctx)

    def go_versions_built(
        self, versions: Sequence[GoVersion], ctx: BuildContext
    ) -> list[GoVersion]:
        """The subset of ``versions`` for which the file is built in ``ctx``."""
        from dataclasses import replace

        return [v for v in versions if self.built_for(replace(ctx, go=v))]


# The bytes of an ASCII word, as ``\w`` in a bytes pattern reads them.
WORD_BYTES = frozenset(
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
)


def word_ends(data: bytes, word: bytes) -> Iterator[int]:
    """The end offsets of ``word`` where it stands as a whole word (as the
    ASCII ``\\b`` of a bytes pattern sees it), found with ``bytes.find``
    rather than a pattern tried at every position."""
    at = data.find(word)
    while at != -1:
        end = at + len(word)
        if not (at and data[at - 1] in WORD_BYTES) and not (
            end < len(data) and data[end] in WORD_BYTES
        ):
            yield end
        at = data.find(word, end)


def statement_end(
    data: bytes, start: int, lines: int = 64, braces: bool = True
) -> int | None:
    """Where the statement whose bytes go on at ``start`` ends, read as
    Go's semicolon rule reads lines: the end of the first line on which the
    brackets opened since ``start`` are closed and which does not end in an
    operator, a comma, a dot or an open bracket (a line comment aside).
    None when that takes more than ``lines`` lines.

    :param braces: whether braces count (a composite literal's go on);
        without, a brace ending a line opens a block and ends the test.
    """
    depth = 0
    at = start
    goes_on = GOES_ON if braces else GOES_ON[:-1]
    for _ in range(lines):
        nl = data.find(b"\n", at)
        end = len(data) if nl == -1 else nl
        line = data[at:end]
        depth += line.count(b"(") + line.count(b"[")
        depth -= line.count(b")") + line.count(b"]")
        if braces:
            depth += line.count(b"{") - line.count(b"}")
        code = line.split(b"//", 1)[0].rstrip()
        if nl == -1 or (depth <= 0 and not code.endswith(goes_on)):
            return end
        at = nl + 1
    return None


# What ends a line that the statement goes on after (the brace last).
GOES_ON = tuple(bytes([c]) for c in b"+-*/%&|^<>=!,.:([{")


def func_words(f: GoFile) -> frozenset[str]:
    """The names written after ``func`` anywhere in ``f``: a superset of the
    functions it declares, read once per file for every name asked (which
    file of a package declares a function, without parsing the others)."""
    return f.shared(
        func_words,
        lambda: frozenset(
            w.decode("utf-8", "replace") for w in _FUNC_WORD.findall(f.data)
        ),
    )


_FUNC_WORD = re.compile(rb"func[ \t]+(" + IDENT + rb")")


def spelling(files: Sequence[SourceFileT], names: Iterable[str]) -> list[SourceFileT]:
    """The files whose bytes spell one of ``names``: only they can declare,
    call or name them, and the rest need not be parsed."""
    needles = Needles(n.encode() for n in names)  # many names: one pass a file
    return [f for f in files if needles.any_in(f.data)]


def _spelled_bare(data: bytes, raw: bytes) -> bool:
    """Whether ``raw`` occurs not after a word byte, ``.`` or a quote, nor
    after a ``/`` unless that ends a comment, and not before a word byte or
    ``.``."""
    at = data.find(raw)
    while at != -1:
        end = at + len(raw)
        before = data[at - 1] if at > 0 else 0
        after = data[end] if end < len(data) else 0
        if not (before in WORD_BYTES or before in b'."') and not (
            after in WORD_BYTES or after == 0x2E
        ):
            if before != 0x2F or at < 2 or data[at - 2] == 0x2A:
                return True
        at = data.find(raw, at + 1)
    return False


def _quoted(data: bytes, raw: bytes) -> bool:
    """Whether ``raw`` occurs between double quotes or back quotes (one
    scan of the file, not one per kind of quote)."""
    at = data.find(raw)
    while at != -1:
        end = at + len(raw)
        if at and end < len(data) and data[at - 1] == data[end] and data[end] in b'"`':
            return True
        at = data.find(raw, at + 1)
    return False


def _parse(data: bytes) -> tree_sitter.Tree:
    # A leading BOM is legal Go; blank it so tree-sitter and offsets agree.
    return syntax.parse(b"   " + data[3:] if data.startswith(BOM) else data)


# Lines that start a top-level declaration other than an import.
_DECL_LINES = (b"\nfunc", b"\ntype", b"\nvar", b"\nconst")


def _comment(node: Node) -> Comment:
    # tree-sitter ends a line comment before "\n", keeping a CRLF's "\r";
    # the Go scanner drops it from the comment's text.
    return Comment(node, text(node).removesuffix("\r"), node.start_point[0] + 1)


class GoFile(SourceFile):
    """A parsed Go source file."""

    @functools.cached_property
    def tree(self) -> tree_sitter.Tree:
        """The syntax tree, parsed on first use: files that no rule's
        prefilter selects are never parsed."""
        return _parse(self.data)

    def query(self, source: str, name: str) -> list[Node]:
        """The nodes a query captures as ``name`` over the whole file, in
        source order; computed once per file, however many rules (or build
        contexts of one rule) ask."""
        return self.captures(source).get(name, [])

    def captures(self, source: str) -> dict[str, list[Node]]:
        """Every capture of a query over the whole file, by name, each in
        source order: one pass for a query with several captures."""
        return self.shared(
            ("captures", source), lambda: syntax.captured_by_name(source, self.root)
        )

    def calls_named(self, *names: str) -> list[Node]:
        """The calls ``name(...)`` and ``x.name(...)`` for each of ``names``
        (a method, a package member, a conversion), in source order.

        What a query over every call of the file finds, found instead from
        each whole-word occurrence of a name in the bytes up to its call: a
        name is rare where calls are not, and that query over a large file
        costs a millisecond."""
        return self.shared(("calls-named", names), lambda: self._calls_named(names))

    def word_nodes(self, word: str) -> list[Node]:
        """The smallest node around each whole-word occurrence of ``word``
        when it is exactly that word (an identifier of some kind, a keyword,
        the content of a string), in source order: where a rule looking for
        a rare name can start, instead of visiting every node of a type."""
        return self.shared(("word-nodes", word), lambda: self._word_nodes(word))

    def _word_nodes(self, word: str) -> list[Node]:
        out = []
        root, raw = self.root, word.encode()
        for end in word_ends(self.data, raw):
            node = root.descendant_for_byte_range(end - len(raw), end)
            if node is not None and node.end_byte - node.start_byte == len(raw):
                out.append(node)  # not a comment, say, around it
        return out

    def _calls_named(self, names: tuple[str, ...]) -> list[Node]:
        calls: dict[tuple[int, int], Node] = {}
        for name in names:
            for node in self.word_nodes(name):
                callee = node
                if node.type == "field_identifier":
                    callee = node.parent
                    if (
                        callee is None
                        or callee.type != "selector_expression"
                        or callee.child_by_field_name("field") != node
                    ):
                        continue
                elif node.type != "identifier":
                    continue
                call = callee.parent
                if (
                    call is not None
                    and call.type == "call_expression"
                    and call.child_by_field_name("function") == callee
                ):
                    calls[(call.start_byte, -call.end_byte)] = call
        return [calls[k] for k in sorted(calls)]

    @property
    def parsed(self) -> bool:
        return "tree" in self.__dict__

    @property
    def root(self) -> Node:
        return self.tree.root_node

    @property
    def has_errors(self) -> bool:
        return self.root.has_error

    @functools.cached_property
    def broken_ranges(self) -> list[tuple[int, int]]:
        """Byte ranges that tree-sitter could not parse (ERROR or MISSING)."""
        out: list[tuple[int, int]] = []
        if not self.root.has_error:
            return out
        stack = [self.root]
        while stack:
            n = stack.pop()
            if n.type == "ERROR":
                out.append((n.start_byte, n.end_byte))
                continue
            if n.is_missing:
                parent = n.parent or n
                out.append((parent.start_byte, parent.end_byte))
                continue
            stack.extend(c for c in n.children if c.has_error or c.is_missing)
        return sorted(out)

    def in_broken(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` touches a subtree tree-sitter could not parse."""
        return any(s < max(end, start + 1) and start < e for s, e in self.broken_ranges)

    @functools.cached_property
    def package_name(self) -> str | None:
        """The name in the package clause; read from the bytes when the file
        has not been parsed, since package rules ask it of every file."""
        if not self.parsed:
            m = _PACKAGE_CLAUSE.match(self.data)
            if m:
                return m.group(1).decode("utf-8", "replace")
        for c in self.root.named_children:
            if c.type == "package_clause":
                for n in c.named_children:
                    return text(n)
        return None

    @functools.cached_property
    def comments(self) -> list[Comment]:
        return [_comment(n) for n in self.query("(comment) @c", "c")]

    @functools.cached_property
    def directives(self) -> list[Directive]:
        """``//go:`` directives, as the compiler sees them (no space after //)."""
        if "comments" in self.__dict__:
            found = [c for c in self.comments if c.text.startswith("//go:")]
        else:
            found = self._comments_at(b"//go:")
        return [Directive(c, *directive_fields(c.text)) for c in found]

    def _comments_at(self, prefix: bytes) -> list[Comment]:
        """The comments that start with ``prefix``, found from its bytes
        rather than by querying every comment of the file: each occurrence
        is kept when the smallest node around it is a comment starting
        there (not a string, nor another comment that mentions it)."""
        out = []
        root, data = self.root, self.data
        at = data.find(prefix)
        while at >= 0:
            node = root.descendant_for_byte_range(at, at + len(prefix))
            if node is not None and node.type == "comment" and node.start_byte == at:
                out.append(_comment(node))
            at = data.find(prefix, at + len(prefix))
        return out

    def _header_root(self) -> Node:
        """A tree that holds at least the package clause and the imports.

        Imports come before every other declaration, so a file not parsed
        yet is parsed only up to its first line starting with ``func``,
        ``type``, ``var`` or ``const``; when that prefix does not parse
        cleanly (the cut fell inside a comment, say) the whole file is."""
        if self.parsed:
            return self.root
        ends = [i for i in map(self.data.find, _DECL_LINES) if i >= 0]
        if not ends:
            return self.root
        header = _parse(self.data[: min(ends) + 1])
        return self.root if header.root_node.has_error else header.root_node

    @functools.cached_property
    def imports(self) -> list[Import]:
        """The file's imports, read from its bytes when it has not been
        parsed (most rules ask only whether a file imports a package);
        from the syntax tree when it has been, or when the bytes are not
        plain enough to read that way."""
        specs = None if self.parsed else read_imports(self.data)
        if specs is None:
            specs = self._imports_from_tree()
        return [
            Import(path, name, True, start, end)
            if name is not None
            else Import(path, default_import_name(path), False, start, end)
            for path, name, start, end in specs
        ]

    def _imports_from_tree(self) -> list[tuple[str, str | None, int, int]]:
        out = []
        for spec in syntax.captured("(import_spec) @s", self._header_root(), "s"):
            path_node = spec.child_by_field_name("path")
            path = syntax.string_value(path_node) if path_node is not None else None
            if path is None:
                continue
            name_node = spec.child_by_field_name("name")
            name = text(name_node) if name_node is not None else None
            out.append((path, name, spec.start_byte, spec.end_byte))
        return out

    def import_node(self, imp: Import) -> Node:
        """The ``import_spec`` node of one of :attr:`imports` (parses the
        file)."""
        node = self.root.descendant_for_byte_range(imp.start, imp.end)
        while node is not None and node.type != "import_spec":
            node = node.parent
        return node if node is not None else self.root

    def imports_path(self, path: str) -> bool:
        if not self._may_import(path):
            return False
        return any(i.path == path for i in self.imports)

    def import_names(self, path: str) -> set[str]:
        """Local names under which ``path`` is imported (``.`` for dot imports)."""
        if not self._may_import(path):
            return set()
        return {i.name for i in self.imports if i.path == path and i.name != "_"}

    def _may_import(self, path: str) -> bool:
        """A byte test that rules out most files without parsing them: an
        import of ``path`` spells it between quotes or back quotes."""
        return self.shared(
            ("may-import", path), lambda: _quoted(self.data, path.encode())
        )

    def resolve_package(self, ident: Node) -> str | None:
        """The import path ``ident`` refers to, if it names an imported package.

        ``None`` when the name is not imported in this file or a local
        declaration shadows the import at ``ident``.
        """
        name = text(ident)
        paths = [i.path for i in self.imports if i.name == name]
        if not paths:
            return None
        if self._may_declare(name) and syntax.find_local_declaration(ident) is not None:
            return None  # a local variable, parameter or type shadows it
        return paths[0]

    def _may_declare(self, name: str) -> bool:
        """Whether the bytes spell ``name`` anywhere but as a selector's
        operand (``name.X``), a field (``x.name``) or inside an import path
        (``"net/name"``): a declaration of it must. Most files use an
        imported name only as ``unsafe.Pointer``, and need no scope walk."""
        return self.shared(
            ("may-declare", name), lambda: _spelled_bare(self.data, name.encode())
        )

    def is_predeclared(self, ident: Node) -> bool:
        """Whether ``ident`` can only mean Go's predeclared name (``string``,
        ``len``, ``true``...): neither a local nor a package-level
        declaration of this file gives it another meaning."""
        if syntax.find_local_declaration(ident) is not None:
            return False
        return text(ident) not in self._decl_names

    def refers_to(self, node: Node, path: str, member: str) -> bool:
        """Whether ``node`` names ``member`` of package ``path``.

        Accepts a selector expression (``http.Error``), a qualified type
        (``reflect.SliceHeader``) or, under a dot import, a bare identifier.
        """
        if node.type in ("selector_expression", "qualified_type"):
            if node.type == "selector_expression":
                pkg, sel = (
                    node.child_by_field_name("operand"),
                    node.child_by_field_name("field"),
                )
            else:
                pkg, sel = (
                    node.child_by_field_name("package"),
                    node.child_by_field_name("name"),
                )
            if pkg is None or sel is None or text(sel) != member:
                return False
            if pkg.type not in ("identifier", "package_identifier"):
                return False
            return self.resolve_package(pkg) == path
        if node.type in ("identifier", "type_identifier") and text(node) == member:
            return "." in self.import_names(path) and (
                syntax.find_local_declaration(node) is None
                and member not in self._decl_names
            )
        return False

    @functools.cached_property
    def _decl_names(self) -> frozenset[str]:
        return frozenset(d.name for d in self.decls)

    @functools.cached_property
    def decls(self) -> list[Decl]:
        out: list[Decl] = []
        for c in self.root.named_children:
            t = c.type
            if t == "function_declaration":
                out.append(Decl("func", text(c.child_by_field_name("name")), c))
            elif t == "method_declaration":
                out.append(
                    Decl(
                        "method",
                        text(c.child_by_field_name("name")),
                        c,
                        receiver_type(c),
                    )
                )
            elif t in ("type_declaration", "var_declaration", "const_declaration"):
                kind = t.split("_")[0]
                for spec in _walk_specs(c):
                    # The name field holds the commas between names too.
                    for n in spec.children_by_field_name("name"):
                        if n.is_named:
                            out.append(Decl(kind, text(n), spec))
        return out

    def node_location(self, node: Node) -> tuple[int, int, int, int]:
        """``(line, col, end_line, end_col)`` of a node, 1-based byte columns."""
        return (
            node.start_point[0] + 1,
            node.start_point[1] + 1,
            node.end_point[0] + 1,
            node.end_point[1] + 1,
        )


def _walk_specs(decl: Node) -> Iterator[Node]:
    for c in decl.named_children:
        if c.type.endswith("_spec") or c.type == "type_alias":
            yield c
        elif c.type.endswith("_spec_list"):
            yield from _walk_specs(c)


def receiver_type(method: Node) -> str | None:
    """The base type name of a method's receiver: ``T`` for ``(t *T[K])``."""
    recv = method.child_by_field_name("receiver")
    if recv is None:
        return None
    for p in recv.named_children:
        t = p.child_by_field_name("type")
        while t is not None and t.type in (
            "pointer_type",
            "generic_type",
            "parenthesized_type",
        ):
            t = (
                t.named_children[0]
                if t.type != "generic_type"
                else t.child_by_field_name("type")
            )
        if t is not None:
            return text(t)
    return None


_MAJOR_VERSION = re.compile(r"^v[0-9]+$")


def read_imports(data: bytes) -> list[tuple[str, str | None, int, int]] | None:
    """``(path, name or None, start, end)`` of each import spec, read from
    the bytes up to the first declaration that is not an import; None when
    they hold something this reading does not know (an escape in a path,
    a construct out of place), and the syntax tree must answer."""
    n = len(data)
    m = _PACKAGE_CLAUSE.match(data)
    if m is None:
        return None
    out: list[tuple[str, str | None, int, int]] = []
    i = m.end()
    while True:
        i = _skip_space(data, i)
        if i < 0:
            return None
        if i < n and data[i] == 0x3B:  # ;
            i += 1
            continue
        if not _IMPORT_WORD.match(data, i):
            return out  # the first other declaration, or the end
        i = _skip_space(data, i + 6)
        if i < 0 or i >= n:
            return None
        if data[i] != 0x28:  # (
            spec = _import_spec(data, i)
            if spec is None:
                return None
            out.append(spec)
            i = spec[3]
            continue
        i += 1
        while True:
            i = _skip_space(data, i)
            if i < 0 or i >= n:
                return None
            if data[i] == 0x3B:
                i += 1
            elif data[i] == 0x29:  # )
                i += 1
                break
            else:
                spec = _import_spec(data, i)
                if spec is None:
                    return None
                out.append(spec)
                i = spec[3]


_IMPORT_WORD = re.compile(rb"import(?![\w\x80-\xff])")
_SPEC = re.compile(
    rb"(?:(\.|" + IDENT + rb")[ \t]*)?"
    rb'(?:"([^"\\\n]*)"|`([^`]*)`)'
)


def _import_spec(data: bytes, i: int) -> tuple[str, str | None, int, int] | None:
    m = _SPEC.match(data, i)
    if m is None:
        return None
    raw = m.group(2) if m.group(2) is not None else m.group(3)
    name = m.group(1).decode("utf-8", "replace") if m.group(1) else None
    return raw.decode("utf-8", "replace"), name, m.start(), m.end()


def _skip_space(data: bytes, i: int) -> int:
    """The offset after spaces, line breaks and comments from ``i``; -1 in
    an unterminated block comment."""
    n = len(data)
    while i < n:
        c = data[i]
        if c in b" \t\r\n":
            i += 1
        elif c == 0x2F and data.startswith(b"//", i):
            j = data.find(b"\n", i)
            i = n if j < 0 else j + 1
        elif c == 0x2F and data.startswith(b"/*", i):
            j = data.find(b"*/", i + 2)
            if j < 0:
                return -1
            i = j + 2
        else:
            break
    return i


def default_import_name(path: str) -> str:
    """The package name an import path most likely declares.

    Exact for the standard library; for other modules the convention that
    the name is the last element, without a ``/vN`` major version suffix,
    a ``.vN`` gopkg.in suffix or a ``go-`` prefix.
    """
    parts = path.split("/")
    last = parts[-1]
    if _MAJOR_VERSION.match(last) and len(parts) > 1:
        last = parts[-2]
    last = re.sub(r"\.v[0-9]+$", "", last)
    if last.startswith("go-"):
        last = last[3:]
    return last.replace("-", "_").replace(".", "_")


_TEXT_RE = re.compile(r"^\s*TEXT\s+(?P<sym>[^\s,(]*)\(SB\)\s*(?:,\s*(?P<rest>.*))?$")


@dataclass(frozen=True)
class AsmText:
    """One ``TEXT sym(SB), flags, $frame-args`` line of a Go assembly file."""

    line: int
    symbol: str  # as written, e.g. "·add" or "runtime·osyield"
    flags: str | None
    frame: str | None  # "$16-24" as written, None when omitted


class AsmFile(SourceFile):
    """A Go assembly (``.s``) file, read as lines; assembly is not parsed."""

    @functools.cached_property
    def text_lines(self) -> list[str]:
        # Only "\n" ends a line, as in LineIndex: str.splitlines() would also
        # split at a lone "\r" or a form feed and shift every later line.
        text = self.data.decode("utf-8", "replace")
        return [line.removesuffix("\r") for line in text.split("\n")]

    @functools.cached_property
    def texts(self) -> list[AsmText]:
        out = []
        for lineno, line in enumerate(self.text_lines, start=1):
            code = line.split("//", 1)[0]
            m = _TEXT_RE.match(code)
            if not m:
                continue
            rest = [r.strip() for r in (m.group("rest") or "").split(",") if r.strip()]
            frame = next((r for r in rest if r.startswith("$")), None)
            flags = next((r for r in rest if not r.startswith("$")), None)
            out.append(AsmText(lineno, m.group("sym"), flags, frame))
        return out


@dataclass
class Package:
    """The files of one directory, as the go command groups a package.

    ``go_files`` and ``asm_files`` hold every file of the directory that
    was analysed; rules that need the whole package use these.
    """

    directory: Path
    display: str
    go_files: list[GoFile] = field(default_factory=list)
    asm_files: list[AsmFile] = field(default_factory=list)
    module: GoMod | None = None
    # Work that several rules share while this package is analysed (e.g.
    # layout calculators); it goes away with the package.
    memo: dict = field(default_factory=dict, repr=False, compare=False)
    # Set by a rule that read Go files of the module's other packages: the
    # results cache then keys this package's result by those files too.
    used_module: bool = field(default=False, repr=False, compare=False)
    # Shown paths of the files findings are kept for; None: every file.
    reported: frozenset[str] | None = field(default=None, repr=False, compare=False)

    def shared(self, key: Hashable, compute: Callable[[], T]) -> T:
        """What ``compute()`` says of this package, worked out once per
        ``key`` however many rules ask."""
        return remember(self.memo, key, compute)

    def release(self) -> None:
        """Forget what rules worked out about the package and its files.

        Those answers (a calculator, a package view, findings' nodes) refer
        back to the package and its files, and such cycles are freed only by
        the cycle collector, which a run would otherwise spend a tenth of its
        time in while syntax trees pile up; called once the package is done.
        """
        self.memo.clear()
        for f in [*self.go_files, *self.asm_files]:
            f.memo.clear()

    def reports_on(self, f: SourceFile) -> bool:
        """Whether findings in ``f`` are kept: all files, unless only some
        were named (as pre-commit names them) and the rest of the package
        was read only for context. A rule whose findings in a file come
        from that file alone may skip the others."""
        return self.reported is None or f.display in self.reported
