"""LNK001 linkname-missing-unsafe-import."""

from __future__ import annotations

from goabilint.context import Reporter
from goabilint.rule import Rule, Severity
from goabilint.source import GoFile

RULE = Rule(
    code="LNK001",
    name="linkname-missing-unsafe-import",
    title="//go:linkname in a file that does not import unsafe",
    severity=Severity.ERROR,
    since="0.1.0",
    tags=("linkname", "build-failure"),
    needs=(b"//go:linkname",),
    doc="""
    ## What it does
    Reports `//go:linkname` (and `//go:linknamestd`) directives in a Go file
    that does not import `unsafe`.

    ## Why is this bad?
    The compiler refuses such a file on every Go version:
    `//go:linkname only allowed in Go files that import "unsafe"`. The
    import is how a file declares that it steps outside the type system;
    it must be in the same file as the directive, not elsewhere in the
    package.

    ## Example
    ```go
    package fastclock

    //go:linkname nanotime runtime.nanotime
    func nanotime() int64
    ```

    ## Use instead
    ```go
    package fastclock

    import _ "unsafe" // for go:linkname

    //go:linkname nanotime runtime.nanotime
    func nanotime() int64
    ```

    ## Known problems
    Only files that some target Go version and platform builds are checked;
    a file behind `//go:build ignore` is not.

    ## References
    - [cmd/compile: compiler directives](https://pkg.go.dev/cmd/compile#hdr-Compiler_Directives)
    """,
)


@RULE.on_go_file
def check(file: GoFile, report: Reporter) -> None:
    if file.imports_path("unsafe"):
        return  # any import of unsafe, blank or named, satisfies the compiler
    if not report.targets.is_built(file):
        return  # no target builds this file, so the compiler never sees it
    edits = _add_import(file)
    for d in file.directives:
        # The compiler only treats "//go:linkname " (one space) followed by
        # arguments as the directive; a bare "//go:linkname" or one followed
        # by a tab is ignored (LNK007's case).
        if (
            d.comment.text.startswith(("//go:linkname ", "//go:linknamestd "))
            and d.args
        ):
            report(
                d.comment.node,
                f'//go:{d.name} only allowed in Go files that import "unsafe"',
                fix='add `import _ "unsafe"` to this file',
                edits=edits,
            )


def _add_import(file: GoFile) -> list[tuple[tuple[int, int], str]]:
    """The edit that adds the import on its own line after the package clause."""
    clause = next(
        (c for c in file.root.named_children if c.type == "package_clause"), None
    )
    if clause is None:
        return []  # nowhere safe to put it
    line = clause.end_point[0] + 1
    if line < len(file.lines.starts):
        at = file.lines.starts[line]  # the start of the next line
        return [((at, at), '\nimport _ "unsafe" // for go:linkname\n')]
    return [
        ((len(file.data), len(file.data)), '\n\nimport _ "unsafe" // for go:linkname\n')
    ]
