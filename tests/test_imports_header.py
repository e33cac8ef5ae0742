"""Imports are read from a parse of the file's header when nothing has
parsed the whole file yet; the answers must be those of a full parse."""

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
}


def _imports(f: GoFile) -> list[tuple[str, str, bool, int]]:
    return [(i.path, i.name, i.explicit, i.node.start_byte) for i in f.imports]


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
