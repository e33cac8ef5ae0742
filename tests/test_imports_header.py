"""Imports are read from the file's bytes (or, where those are not plain
enough, a parse of its header) when nothing has parsed the whole file yet;
the answers must be those of a full parse."""

from __future__ import annotations

from pathlib import Path

import pytest

from goabilint.source import GoFile

CASES = {
    "plain": 'package p\n\nimport (\n\t"fmt"\n\tu "unsafe"\n)\n\nfunc F() {}\n',
    "no declarations": 'package p\n\nimport _ "unsafe"\n',
    "bom": '\ufeffpackage p\n\nimport "unsafe"\n\nvar X = 1\n',
    "crlf": 'package p\r\n\r\nimport "unsafe"\r\n\r\ntype T int\r\n',
    # The first line starting with "func" is inside a block comment: the
    # prefix ends inside the comment and does not parse.
    "func in comment": (
        '/*\nfunc example() {}\n*/\npackage p\n\nimport (\n\t"net/http"\n)\n\n'
        "func G() {}\n"
    ),
    # An alias at column 0 starting with "type" cuts the import block open.
    "alias like a keyword": (
        'package p\n\nimport (\ntypes "go/types"\nvarpkg "unsafe"\n)\n\nconst C = 1\n'
    ),
    "several import declarations": (
        'package p\n\nimport "fmt"\nimport . "unsafe"\n\nfunc H() { fmt.Println(Sizeof(0)) }\n'
    ),
    "comments and semicolons": (
        '// Package p.\npackage p /* x */; import ( /* a */ f "fmt"; _ `unsafe` // b\n)\n'
        "var V = f.Sprint\n"
    ),
    "cgo preamble": 'package p\n\n/*\n#include <stdio.h>\n*/\nimport "C"\n\nfunc F() {}\n',
    "escape in a path": 'package p\n\nimport "unsa\\x66e"\n',
}


def _imports(f: GoFile) -> list[tuple[str, str, bool, int, int]]:
    return [(i.path, i.name, i.explicit, i.start, i.end) for i in f.imports]


@pytest.mark.parametrize("name", sorted(CASES))
def test_header_imports_equal_full_parse_imports(name):
    data = CASES[name].encode()
    lazy = GoFile(Path("x.go"), "x.go", data)
    answer = _imports(lazy)
    full = GoFile(Path("x.go"), "x.go", data)
    full.tree  # parse everything first: imports then come from the whole tree
    assert answer == _imports(full)
    assert answer, "every case imports something"


def test_asking_for_imports_does_not_parse_the_whole_file():
    data = b'package p\n\nimport "unsafe"\n\n' + b"func f() {}\n" * 2000
    f = GoFile(Path("x.go"), "x.go", data)
    assert f.imports_path("unsafe")
    assert not f.parsed


def test_imports_read_from_the_bytes_are_those_of_the_tree_across_the_corpus():
    import shutil
    import subprocess

    from goabilint.source import read_imports

    go = shutil.which("go")
    assert go, "no go on PATH"
    goroot = subprocess.run(
        [go, "env", "GOROOT"], capture_output=True, text=True, check=True
    ).stdout.strip()
    root = Path(__file__).resolve().parent.parent
    paths = [
        *sorted((root / "testdata").rglob("*.go")),
        *sorted(Path(goroot, "src").rglob("*.go")),
    ]
    read = fallback = 0
    for p in paths:
        if not p.is_file():
            continue  # a directory named like a Go file, in go/parser's testdata
        data = p.read_bytes()
        from_bytes = read_imports(data)
        if from_bytes is None:
            fallback += 1
            continue
        f = GoFile(p, str(p), data)
        if f._header_root().has_error:
            continue  # broken code: the parser's recovery decides
        read += 1
        assert from_bytes == f._imports_from_tree(), p
        if read % 16:
            continue  # the nodes of a sample: each asks for a whole parse
        for imp in f.imports:
            node = f.import_node(imp)
            assert (node.type, node.start_byte, node.end_byte) == (
                "import_spec",
                imp.start,
                imp.end,
            ), p
    assert read > 8000 and fallback < read / 100, (read, fallback)


def test_a_package_name_beyond_ascii_is_read_whole_from_the_bytes():
    # The package clause is read from the bytes for imports and for the
    # package name; a name with a letter beyond ASCII must not be cut short.
    data = 'package pé\n\nimport "unsafe"\n\nvar _ = unsafe.Sizeof(0)\n'.encode()
    lazy = GoFile(Path("x.go"), "x.go", data)
    full = GoFile(Path("x.go"), "x.go", data)
    full.tree

    assert lazy.package_name == full.package_name == "pé"
    assert _imports(lazy) == _imports(full) != []
