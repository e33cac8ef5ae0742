"""Byte tests that let rules skip parsing a file must never skip one that
the parse would have found something in. Each is checked against the
syntax tree on the fixtures, the example module and the Go standard
library (a large body of real code)."""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

from goabilint_rules.layout import _mirror
from goabilint_rules.layout.hard_coded_offset import (
    _pointer_arithmetic,
    may_have_pointer_arithmetic,
)

from goabilint.source import WORD_BYTES, GoFile, directive_fields

ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def corpus() -> tuple[GoFile, ...]:
    paths = sorted((ROOT / "testdata").rglob("*.go"))
    paths += sorted((ROOT / "examples").rglob("*.go"))
    go = shutil.which("go")
    assert go, "no go on PATH"
    goroot = subprocess.run(
        [go, "env", "GOROOT"], capture_output=True, text=True, check=True
    ).stdout.strip()
    paths += sorted((Path(goroot) / "src").rglob("*.go"))
    return tuple(GoFile(p, str(p), p.read_bytes()) for p in paths if p.is_file())


def _odd_files(sources: list[bytes]) -> list[GoFile]:
    """Hand-written cases a test adds to the corpus, as files odd0.go, ..."""
    return [
        GoFile(Path(f"odd{i}.go"), f"odd{i}.go", src) for i, src in enumerate(sources)
    ]


def test_pointer_arithmetic_gate_keeps_every_file_with_a_candidate():
    # Add counts after the name the file imports unsafe as, or alone under
    # a dot import; wg.Add and atomic.AddInt64 are another package's.
    odd = [
        b'package p\nimport u "unsafe"\nvar q = u.Add(p, 8)\n',
        b'package p\nimport . "unsafe"\nvar q = Add(p, 8)\n',
        b'package p\nimport "unsafe"\nvar q = unsafe.\n\tAdd(p, 8)\n',
        b'package p\nimport "unsafe"\nfunc f() { wg.Add(1); _ = unsafe.Sizeof(f) }\n',
    ]
    files = _odd_files(odd)
    gate = [
        may_have_pointer_arithmetic(f.data, f.import_names("unsafe")) for f in files
    ]
    assert gate == [True, True, True, False]
    kept = skipped = 0
    for f in [*files, *corpus()]:
        if b"unsafe" not in f.data:
            continue
        if may_have_pointer_arithmetic(f.data, f.import_names("unsafe")):
            kept += 1
            continue
        skipped += 1
        assert not list(_pointer_arithmetic(f)), f.display
    assert kept and skipped > 3 * kept  # the gate is neither empty nor a no-op


def test_linkname_gate_keeps_every_file_pulling_a_known_function():
    kept = 0
    for f in corpus():
        if b"go:linkname" not in f.data:
            continue
        pulls = [
            d
            for d in f.directives
            if d.name == "linkname"
            and len(d.args) == 2
            and _mirror._known_func(d.args[1])
        ]
        if pulls:
            kept += 1
            assert _mirror._may_pull_known(f.data), f.display
    assert kept


def test_import_names_spelled_only_as_selectors_are_never_shadowed():
    from goabilint import syntax

    checked = 0
    for f in corpus():
        if b'"unsafe"' not in f.data and b'"net/http"' not in f.data:
            continue
        for name in {i.name for i in f.imports} & {"unsafe", "http"}:
            if f._may_declare(name):
                continue
            checked += 1
            for ident in f.query("(identifier) @i", "i"):
                if syntax.text(ident) == name:
                    assert syntax.find_local_declaration(ident) is None, f.display
    assert checked > 1000


def test_a_declaration_in_the_bytes_is_seen():
    def may(src: bytes) -> bool:
        return GoFile(Path("x.go"), "x.go", src)._may_declare("unsafe")

    head = b'package p\n\nimport "unsafe"\n\n'
    assert not may(head + b"var _ = unsafe.Sizeof(0)\n")
    assert not may(head + b"var _ = x.unsafe\n")
    assert may(head + b"func f() { unsafe := 1; _ = unsafe }\n")
    assert may(head + b"func f(unsafe int) {}\n")
    assert may(head + b"func f() { /*c*/unsafe := 1 }\n")
    assert may(head + b"// unsafe, in a comment, is enough to look closer\n")


def test_declared_words_hold_every_name_declared_at_package_level():
    # A lookup of a type, variable or constant reads only the files whose
    # declared words hold the name; the words must therefore hold every
    # name a gofmt'd file declares at package level, whatever the name and
    # however many a spec or a line declares.
    from goabilint.layout.calc import _const_specs, _declared_words

    odd = [
        b"package p\n\nvar a, b, \xc3\xb1 int\n",
        b"package p\n\nconst (\n\tx, y = 1, 2\n\tz\n)\n",
        b"package p\n\ntype (\n\tt0 int; t1 int\n)\n",
        b"package p\n\nvar (a = 1\n\tb = 2\n)\n",
    ]
    files = _odd_files(odd)
    checked = 0
    for c in [*files, *corpus()]:
        # A copy, parsed and dropped here: the corpus keeps no tree for it.
        f = GoFile(c.path, c.display, c.data)
        if not f.display.endswith(".go") or f.root.has_error:
            continue  # broken code (var ☹x) declares what the parser makes of it
        words = _declared_words(f)
        names = {d.name for d in f.decls if d.kind in ("type", "var", "const")}
        names |= {name for _, _, name, _ in _const_specs(f.root)}
        names.discard("_")
        checked += len(names)
        assert names <= words, (f.display, sorted(names - words))
    assert checked > 50000


def test_directive_gate_skips_no_file_with_a_malformed_directive(monkeypatch):
    # LNK007 reads only comments that start their line; a "//go:" later in
    # a line (prose about directives, a string) must not cost a parse, and
    # skipping those files must lose no finding.
    from goabilint_rules.linkname import malformed_directive as lnk007

    from goabilint import engine

    def mid_line(data: bytes) -> bool:
        for m in lnk007._PRESCAN.finditer(data):
            start = data.rfind(b"\n", 0, m.start()) + 1
            if data[start : m.start()].strip():
                return True
        return False

    skipped = [
        f.path
        for f in corpus()
        if b"go:" in f.data and mid_line(f.data) and not lnk007._worth_parsing(f.data)
    ]
    assert len(skipped) > 20

    def codes() -> list[str]:
        result = engine.run(
            [str(p) for p in skipped],
            {"isolated": True, "overrides": {"select": ["LNK007"]}},
            jobs=1,
        )
        return sorted(f"{f.location.path}:{f.location.line}" for f in result.findings)

    gated = codes()
    monkeypatch.setattr(lnk007, "_worth_parsing", lambda data: True)
    assert codes() == gated


def test_directives_found_from_the_bytes_are_those_among_all_comments():
    # GoFile.directives finds //go: comments from the bytes, without
    # querying every comment; the answer must be the same.
    checked = 0
    for f in corpus():
        if b"//go:" not in f.data or not (
            "/testdata/" in f.display or "/src/runtime/" in f.display
        ):
            continue
        fresh = GoFile(f.path, f.display, f.data)
        assert [
            (d.comment.node.start_byte, d.name, d.args) for d in fresh.directives
        ] == [
            (c.node.start_byte, *directive_fields(c.text))
            for c in fresh.comments
            if c.text.startswith("//go:")
        ], f.display
        checked += 1
    assert checked > 500


def test_guard_places_found_from_size_words_are_those_a_full_query_finds(monkeypatch):
    # find_guards visits only the specs and assignments around a Sizeof,
    # Offsetof or Alignof; visiting every one must find the same guards.
    def every_place(f):
        nodes = f.captures("[(var_spec) (const_spec)] @s (assignment_statement) @a")
        return list(nodes.get("s", ())), list(nodes.get("a", ()))

    def shown(guards):
        return [
            (g.file.display, g.node.start_byte, g.direction, sorted(g.types), g.key)
            for g in guards
        ]

    files = [
        f
        for f in corpus()
        if b"unsafe" in f.data and any(w in f.data for w in _mirror._SIZE_WORDS)
    ]
    found = shown(_mirror.find_guards(files))
    monkeypatch.setattr(_mirror, "_guard_places", every_place)
    assert shown(_mirror.find_guards(files)) == found
    assert len(found) > 5


def test_add_and_pointer_calls_found_from_the_bytes_are_those_a_query_finds():
    query = """[
      (call_expression function: (selector_expression
          field: (field_identifier) @f (#any-of? @f "Add" "Pointer")))
      (call_expression function: (identifier) @f (#any-of? @f "Add" "Pointer"))
    ] @c"""
    checked = 0
    for f in corpus():
        if b"unsafe" not in f.data:
            continue
        found = [(n.start_byte, n.end_byte) for n in f.calls_named("Add", "Pointer")]
        assert found == [(n.start_byte, n.end_byte) for n in f.query(query, "c")]
        checked += len(found)
    assert checked > 1000


def test_calls_found_by_name_are_those_a_query_over_every_call_finds():
    names = ("HandleFunc", "HandlerFunc", "WithValue", "StringVar", "Error", "Add")

    def named(call) -> bool:
        fn = call.child_by_field_name("function")
        if fn is not None and fn.type == "selector_expression":
            fn = fn.child_by_field_name("field")
        return (
            fn is not None
            and fn.type in ("identifier", "field_identifier")
            and (fn.text.decode() in names)
        )

    checked = 0
    for f in corpus():
        if b'"net/http"' not in f.data and b'"context"' not in f.data:
            continue
        expected = [
            c.start_byte for c in f.query("(call_expression) @c", "c") if named(c)
        ]
        assert [c.start_byte for c in f.calls_named(*names)] == expected, f.display
        checked += len(expected)
    assert checked > 1000


def test_http_functions_and_servers_found_from_their_names_are_those_of_a_query():
    # writer_functions and server_literals start from the words
    # ResponseWriter and Server; every function and composite literal of
    # the file, filtered the same way, must give the same answer.
    from goabilint_rules.http import _handlers

    def one_writer(fn, f) -> bool:
        kinds = [p.kind for p in _handlers.parameters(fn, f) if _handlers.usable(p)]
        return kinds.count("writer") == 1

    def a_server(lit, f) -> bool:
        t = lit.child_by_field_name("type")
        return t is not None and f.refers_to(t, "net/http", "Server")

    every_function = "[(function_declaration) (method_declaration) (func_literal)] @f"
    handlers = servers = 0
    for f in corpus():
        if b'"net/http"' not in f.data:
            continue
        expected = [
            fn.start_byte for fn in f.query(every_function, "f") if one_writer(fn, f)
        ]
        assert [h.node.start_byte for h in _handlers.writer_functions(f)] == expected
        literals = [
            lit.start_byte
            for lit in f.query("(composite_literal) @c", "c")
            if a_server(lit, f)
        ]
        assert [lit.start_byte for lit in _handlers.server_literals(f)] == literals
        handlers += len(expected)
        servers += len(literals)
    assert handlers > 500 and servers > 30


def test_nosplit_marks_read_from_the_comments_above_a_function_as_from_all():
    # STK004 reads a function's //go:nosplit from the comment nodes before
    # it, not from every comment of the file; the marked functions must be
    # those that the lines of all full-line comments give.
    from goabilint_rules.stack import nosplit_frame_too_large as stk004

    odd = [
        b"package p\n\nvar v = 1 //go:nosplit\nfunc f() {}\n",
        b"package p\n\n/* a */ //go:nosplit\nfunc f() {}\n",
        b"package p\n\n//go:nosplit\n/* a\n*/\nfunc f() {}\n",
        b"package p\n\n//go:nosplit\n\nfunc f() {}\n",
        b"package p\n\n//go:nosplit\n// f does.\nfunc f() {}\n",
    ]
    files = _odd_files(odd)
    checked = 0
    for f in [*files, *corpus()]:
        if b"//go:nosplit" not in f.data:
            continue
        marked = {d.line for d in f.directives if d.name == "nosplit"}
        comment_lines = _mirror.full_line_comments(f)
        expected = []
        for d in f.decls:
            if (
                d.kind not in ("func", "method")
                or d.node.child_by_field_name("body") is None
            ):
                continue
            line = d.node.start_point[0]
            while line in comment_lines:
                if line in marked:
                    expected.append(d.node.start_byte)
                    break
                line -= 1
        assert [n.start_byte for n in stk004._find_nosplit_functions(f)] == expected
        checked += len(expected)
    assert checked > 1000


def test_dropped_request_copies_found_from_the_method_names_are_those_of_a_query():
    # HTTP005 reaches WithContext/Clone calls from their names and then the
    # statements around them; reading every statement that can drop a value
    # must give the same pairs.
    from goabilint_rules.http import discarded_with_context as http005

    def named(call) -> bool:
        fn = call.child_by_field_name("function")
        return fn.type == "selector_expression" and (
            fn.child_by_field_name("field").text.decode() in http005.METHODS
        )

    every = """[(expression_statement) (defer_statement) (go_statement)
                (assignment_statement) (var_spec)] @s"""
    src = b"""package p

import "net/http"

func f(r *http.Request) {
\tr.WithContext(nil)
\t(r.WithContext(nil))
\tdefer r.Clone(nil)
\t_ = r.Clone(nil)
\t_, x = r.Clone(nil), 1
\tvar _ = r.WithContext(nil)
\tgo func() { _ = r.Clone(nil) }()
\ty := r.Clone(nil)
}
"""
    checked = 0
    for f in [GoFile(Path("odd.go"), "odd.go", src), *corpus()]:
        if b'"net/http"' not in f.data:
            continue
        expected = [
            (s.start_byte, c.start_byte)
            for stmt in f.query(every, "s")
            for s, c in http005.dropped(stmt)
            if named(c)
        ]
        found = [(s.start_byte, c.start_byte) for s, c in http005.discarded_calls(f)]
        assert sorted(found) == sorted(expected), f.display
        checked += len(expected)
    assert checked >= 7


def test_uintptr_escape_gate_loses_no_finding(monkeypatch):
    # LAY006 parses only the files whose top-level functions could hold a
    # round trip or pass one on, judged from their bytes; without that
    # choice it must find the same on the fixtures and the standard
    # library (its testdata, named file by file, too).
    import sys

    from goabilint_rules.layout import uintptr_escape as lay006

    from goabilint import engine

    sys.path.insert(0, str(ROOT / "tests"))
    from test_fuzz import _goroot_src, _skipped_sources

    src = _goroot_src()
    monkeypatch.chdir(src)
    runs = [[str(ROOT / "testdata")], ["."], _skipped_sources(src)]

    def findings() -> list[str]:
        out = []
        for paths in runs:
            result = engine.run(
                paths, {"isolated": True, "overrides": {"select": ["LAY006"]}}, jobs=1
            )
            out += sorted(
                f"{f.location.path}:{f.location.line}" for f in result.findings
            )
        return out

    gated = findings()
    assert len(gated) >= 5
    monkeypatch.setattr(
        lay006, "worth_reading", lambda files, reported=None: list(files)
    )
    assert findings() == gated


def test_cast_gate_keeps_every_file_with_a_pointer_cast_to_the_name():
    # With only some files reported on, LAY003 looks for views cast to
    # their types only in files spelling (*T)(unsafe.Pointer(...)); every
    # such conversion the syntax tree holds must be kept.
    from goabilint_rules.layout._unsafe import arguments, strip, unsafe_call

    from goabilint.syntax import text

    casts = 0
    for f in corpus():
        if b"unsafe" not in f.data or b"Pointer" not in f.data:
            continue
        for call, pointee in _mirror.pointer_casts(f):
            target = text(pointee)
            args = arguments(call)
            if len(args) == 1 and unsafe_call(f, strip(args[0]), "Pointer"):
                casts += 1
                assert _mirror.spelling_cast([f], {target}) == [f], (f.display, target)
    assert casts > 300


def test_offset_operand_gate_keeps_every_file_using_the_constant_as_an_offset():
    # With only some files reported on, LAY004 reads a file for the offset
    # constants of the reported files only if the bytes show one of them
    # as an operand of pointer arithmetic.
    from goabilint_rules.layout.hard_coded_offset import pointer_arithmetic
    from goabilint_rules.layout.missing_layout_assertion import _offset_operand

    from goabilint.syntax import text

    offsets = 0
    for f in corpus():
        if b"unsafe" not in f.data:
            continue
        for _, _, offset in pointer_arithmetic(f):
            if offset.type == "identifier":
                offsets += 1
                assert _offset_operand((offset.text,)).search(f.data), (
                    f.display,
                    text(offset),
                )
    assert offsets > 30


def test_bodyless_line_test_clears_no_file_declaring_a_function_without_body():
    # STK001, STK003 and STK004 parse only the files whose bytes may declare
    # a function without a body. The test follows signatures over several
    # lines and takes a trailing {} for an empty body; every file it clears
    # must declare none. Files with no line starting with func that could
    # open a body elsewhere are cleared by any reading: they are not parsed.
    from goabilint_rules.stack._abi import may_declare_bodyless

    odd = [
        b"package p\n\nfunc f(a int,\n\tb int) (int,\n\terror)\n",  # no body
        b"package p\n\nfunc f() map[string]struct{}\n",  # no body
        b"package p\n\nfunc f() interface{}\nfunc g() {}\n",  # f has none
        b"package p\n\nfunc f() struct{} {}\n",  # empty body
        b'package p\n\nfunc f() string { return "(" }\n\nfunc g(\n\ta int,\n) {\n}\n',
        b"package p\n\nfunc f[T any](\n\tx T,\n)\n",  # no body
    ]
    files = _odd_files(odd)
    cleared = 0
    for f in [*files, *corpus()]:
        lines = f.data.split(b"\nfunc")[1:]
        if all(line.split(b"\n", 1)[0].rstrip().endswith(b"{") for line in lines):
            continue  # every signature opens its body on its own line
        if may_declare_bodyless(f.data):
            continue
        cleared += 1
        bodyless = [
            d.name
            for d in f.decls
            if d.kind in ("func", "method")
            and d.node.child_by_field_name("body") is None
        ]
        assert not bodyless, (f.display, bodyless)
    assert [may_declare_bodyless(f.data) for f in files] == [
        True,
        True,
        True,
        False,
        False,
        True,
    ]
    assert cleared > 500


def test_difference_guard_test_clears_no_file_holding_one():
    # LAY005 reports only guards A - N and pairs them only with exact
    # [1]T{}[A - N]; files that spell no size word and minus in one
    # statement are not parsed. Every file the byte test clears must hold
    # neither.
    from goabilint_rules.layout import one_sided_layout_guard as lay005
    from goabilint_rules.layout._mirror import find_guards, may_hold_difference_guard

    odd = [
        b'package p\nimport "unsafe"\nvar _ [8 -\n\tunsafe.Sizeof(T{})]byte\n',
        b'package p\nimport "unsafe"\nvar _ [unsafe.Sizeof(T{\n\ta: 1,\n}) - 8]byte\n',
        b'package p\nimport "unsafe"\nconst _ = uint(unsafe.Sizeof(T{}) +\n\t0 - 8)\n',
        b'package p\nimport "unsafe"\nfunc f() {\n\tn := unsafe.Sizeof(x)\n\t_ = n - 1\n}\n',
    ]
    files = _odd_files(odd)
    assert [may_hold_difference_guard(f.data) for f in files] == [
        True,
        True,
        True,
        False,
    ]
    cleared = kept = 0
    for f in [*files, *corpus()]:
        if (
            b"unsafe" not in f.data
            or b"Sizeof" not in f.data
            and b"Offsetof" not in f.data
            and b"Alignof" not in f.data
        ):
            continue
        if may_hold_difference_guard(f.data):
            kept += 1
            continue
        cleared += 1
        for g in find_guards([f]):
            # Neither a one-sided guard nor an exact one that could pair.
            assert g.direction == "both", f.display
            assert lay005._exact_key(g) == ("", ""), f.display
    assert kept and cleared > kept


def test_uintptr_escape_byte_tests_see_every_store_and_parameter_conversion():
    # LAY006 keeps a function when its bytes may store uintptr(p) and
    # convert a name back, and follows calls only into functions whose
    # bytes may convert a uintptr parameter back (a caller's uintptr(p)
    # can be passed to no other parameter). Each must hold wherever the
    # syntax tree shows such a store or conversion.
    import bisect

    from goabilint_rules.layout import uintptr_escape as lay006

    stores = conversions = 0
    for f in corpus():
        data = f.data
        if b"uintptr" not in data or b"Pointer" not in data:
            continue
        starts = [m.start() for m in lay006._TOP_FUNC.finditer(data)]
        bounds = [0, *starts, len(data)]
        for decl in f.root.named_children:
            if decl.type != "function_declaration":
                continue
            body = decl.child_by_field_name("body")
            if body is None or b"uintptr" not in (decl.text or b""):
                continue
            i = bisect.bisect_right(bounds, decl.start_byte) - 1
            start, end = bounds[i], bounds[i + 1]
            if any(
                lay006._stores(f, fn.child_by_field_name("body"))
                for fn in [
                    decl,
                    *lay006.syntax.captured("(func_literal) @f", decl, "f"),
                ]
            ):
                stores += 1
                assert lay006._may_store_uintptr(data, start, end), (f.display, start)
            for p in decl.child_by_field_name("parameters").named_children:
                if lay006.text(p.child_by_field_name("type")).lstrip(".") != "uintptr":
                    continue
                for n in p.children_by_field_name("name"):
                    if not n.is_named:
                        continue
                    uses = list(lay006._uses(f, body, lay006._Store(n, n, n)))
                    if not uses:
                        continue
                    conversions += 1
                    backs = [
                        m.start()
                        for m in lay006._CONVERTS_BACK.finditer(data, start, end)
                        if data[m.start() - 1] not in WORD_BYTES
                    ]
                    assert lay006._converts_parameter(data, start, end, backs, False), (
                        f.display,
                        lay006.text(n),
                    )
    assert stores > 10 and conversions > 10, (stores, conversions)


def test_handlers_whose_bytes_cannot_escape_hold_no_escape():
    # HTTP004 walks a handler's flow only when its bytes spell a go
    # statement, a .Go( call, a send, or an assignment of a value that
    # spells the writer (or a name declared from it, or Body); in every
    # other handler of the corpus the walk must meet no escape at all.
    from goabilint_rules.http import _flow
    from goabilint_rules.http import response_writer_escapes as http004
    from goabilint_rules.http._handlers import handlers

    cases = {
        b"{\n\tbw := bufio.NewWriter(w)\n\tx := bw\n\ts.out = x\n}": True,
        b"{\n\ts.last = struct{ w http.ResponseWriter }{\n\t\tw,\n\t}\n}": True,
        b"{\n\ts.body = r.Body\n}": True,
        b"{\n\tgo func() {}()\n}": True,
        b"{\n\tn := len(r.URL.Path)\n\ts.count = n\n\tw.Write(nil)\n}": False,
        b"{\n\tif err == nil && n <= 2 {\n\t\tw.WriteHeader(200)\n\t}\n}": False,
    }
    for body, want in cases.items():
        assert http004.may_escape(body, b"w") is want, body
    skipped = stepped = walked = 0
    for f in corpus():
        if b"net/http" not in f.data:
            continue
        for h in handlers(f):
            if h.body is None:
                continue
            writer = h.writer.name
            name = http004.text(writer).encode() if writer is not None else None
            if http004.may_escape(h.body.text or b"", name):
                walked += 1
                continue
            skipped += 1
            client = http004._Client(f, h)
            _flow.walk(f, h.node, client)
            stepped += bool(client.escapes)
            assert not any(client.escapes.values()), (f.display, h.node.start_point)
    assert stepped > 100 and walked > 100, (stepped, walked)


def test_literals_found_from_type_names_are_those_a_query_finds():
    # LAY003 reads the keyed literals T{f: v} of a mirror T from the bytes
    # of its name; they must be the literals a query over all finds.
    checked = 0
    for f in corpus():
        if b"unsafe" not in f.data or b"{" not in f.data:
            continue
        literals = f.query("(composite_literal) @l", "l")
        by_type: dict[str, list] = {}
        for lit in literals:
            t = lit.child_by_field_name("type")
            if t is not None and t.type in ("type_identifier", "qualified_type"):
                by_type.setdefault(_mirror.text(t), []).append(lit)
        for owner, expected in sorted(by_type.items())[:5]:
            found = _mirror._literals_of(f, {owner})
            assert [n.start_byte for n in found] == sorted(
                n.start_byte for n in expected
            ), (f.display, owner)
            checked += 1
    assert checked > 1000
