"""LNK007 malformed-directive."""

from __future__ import annotations

import re
from dataclasses import dataclass

from goabilint.constraints import ConstraintError, GoVersion, parse_expr
from goabilint.context import Reporter
from goabilint.rule import Rule, Severity
from goabilint.source import Comment, GoFile

# Every //go: directive the Go toolchain acts on, with the number of
# arguments a correct one has (None: no upper limit). Compiler pragmas come
# from cmd/compile/internal/noder (lex.go pragmaFlag, noder.go pragma and
# allowedStdPragmas, go1.27.3); build, debug, generate and
# binary-only-package are read by the go command, fix by the inline
# analyzer of go fix. notinheap (dropped from the compiler) and
# binary-only-package (no longer supported by the go command) do nothing
# today but are kept so that they are not taken for misspellings.
DIRECTIVES: dict[str, tuple[int, int | None]] = {
    "build": (1, None),
    "linkname": (1, 2),
    "linknamestd": (1, 2),
    "nosplit": (0, 0),
    "noinline": (0, 0),
    "noescape": (0, 0),
    "norace": (0, 0),
    "nocheckptr": (0, 0),
    "nointerface": (0, 0),
    "systemstack": (0, 0),
    "nowritebarrier": (0, 0),
    "nowritebarrierrec": (0, 0),
    "yeswritebarrierrec": (0, 0),
    "cgo_unsafe_args": (0, 0),
    "uintptrkeepalive": (0, 0),
    "uintptrescapes": (0, 0),
    "registerparams": (0, 0),
    "notinheap": (0, 0),
    "embed": (1, None),
    "generate": (1, None),
    "debug": (1, 1),
    "fix": (1, 1),
    "wasmimport": (2, 2),
    "wasmexport": (1, 1),
    "cgo_export_static": (1, 2),
    "cgo_export_dynamic": (1, 2),
    "cgo_import_static": (1, 1),
    "cgo_import_dynamic": (1, 3),
    "cgo_ldflag": (1, 1),
    "cgo_dynamic_linker": (1, 1),
    "binary-only-package": (0, 0),
}

# Directives the go command reads only before the package clause; further
# down they are ignored with or without the space.
HEADER_DIRECTIVES = frozenset({"build", "debug", "binary-only-package"})

# Directives of other Go compilers (TinyGo), never taken for misspellings
# even when they are close to a gc name (inline is two edits from noinline).
OTHER_TOOLS = frozenset(
    {
        "align",
        "export",
        "extern",
        "inline",
        "interrupt",
        "nobounds",
        "section",
        "variadic",
        "wasm-module",
    }
)


@dataclass(frozen=True)
class Usage:
    """How gc checks one directive's argument count.

    gc recognises the directive only when its name is followed by a space
    (noder.go matches the prefix ``go:linkname ``); then it counts the
    fields, name included, and rejects any count outside ``fields``.
    """

    fields: tuple[int, int]
    usage: str  # the compiler's usage line, without "usage: "
    since: GoVersion  # the first release whose compiler knows the directive


COUNTED: dict[str, Usage] = {
    "linkname": Usage((2, 3), "//go:linkname localname [linkname]", GoVersion(1, 0)),
    "linknamestd": Usage(
        (2, 3), "//go:linknamestd localname [linkname]", GoVersion(1, 27)
    ),
    "wasmimport": Usage(
        (3, 3), "//go:wasmimport importmodule importname", GoVersion(1, 21)
    ),
    "wasmexport": Usage((2, 2), "//go:wasmexport exportname", GoVersion(1, 24)),
}

_NAME = re.compile(r"go:(\S*)")
_SPACED = re.compile(r" +go:([A-Za-z0-9_-]+)(\s.*)?$")
_IDENT = re.compile(r"^[^\W\d]\w*$")

RULE = Rule(
    code="LNK007",
    name="malformed-directive",
    title="//go: directive that the toolchain ignores or rejects",
    severity=Severity.WARNING,
    since="0.1.0",
    tags=("linkname", "directive"),
    needs=(b"go:",),
    doc="""
    ## What it does
    Reports `//go:` directives that do not say what they look like:

    - a space after `//` (`// go:nosplit`, `// go:linkname x y`,
      `// go:build linux`), which turns the directive into an ordinary
      comment;
    - `//go:linkname`, `//go:linknamestd`, `//go:wasmimport` or
      `//go:wasmexport` with the wrong number of arguments, which the
      compiler rejects;
    - a bare `//go:linkname`, or one separated from its arguments by a
      tab, which the compiler does not recognise and ignores;
    - a misspelled name (`//go:nospilt`, `//go:noinlne`, `//go:NoSplit`)
      within one or two edits of a known directive.

    ## Why is this bad?
    The compiler and the go command recognise a directive only when the
    comment starts with exactly `//go:` and a known name; anything else is
    an ordinary comment and is dropped without a word. A spaced or
    misspelled `//go:nosplit` leaves the function splittable, a spaced
    `//go:linkname` leaves a body-less function undefined (`missing
    function body`), and a spaced `//go:build` makes the file build on
    every platform (`go vet` does not report that in Go files).

    The loud case is a directive with the wrong number of arguments, which
    stops the build: `usage: //go:linkname localname [linkname]`.
    `//go:linknamestd` is new in Go 1.27 and `//go:wasmexport` in Go 1.24;
    older compilers ignore them, so for those the finding lists the
    releases that reject it.

    ## Example
    ```go
    // go:build linux

    package clock

    import _ "unsafe"

    // go:linkname nanotime runtime.nanotime
    func nanotime() int64

    //go:nospilt
    func fast() {}
    ```

    ## Use instead
    ```go
    //go:build linux

    package clock

    import _ "unsafe"

    //go:linkname nanotime runtime.nanotime
    func nanotime() int64

    //go:nosplit
    func fast() {}
    ```

    ## Known problems
    A directive disabled on purpose by adding a space (`// go:generate ...`)
    is reported too; reword the comment or suppress the finding. Spaced
    directives are only reported when the comment is on a line of its own,
    the words after the name fit the directive, and the space is made of
    spaces (a tab-indented comment line is a doc-comment code block);
    `//go:build`, `//go:debug` and `//go:binary-only-package` only before
    the package clause. gofmt hides two of these mistakes from the rule: in
    a doc comment it turns `//  go:nosplit` into a code block
    (`//<tab>go:nosplit`), and it adds a space to `//go:NoSplit`, whose
    capitals make it no directive to gofmt either. Block comments (`/*go:nosplit*/`) are never
    directives and are not checked. Unknown names far from every known one
    (`//go:mytool`) and TinyGo's directives (`//go:inline`, `//go:export`,
    ...) are left alone.

    ## References
    - [cmd/compile: compiler directives](https://pkg.go.dev/cmd/compile#hdr-Compiler_Directives)
    - [go/build: build constraints](https://pkg.go.dev/go/build#hdr-Build_Constraints)
    """,
)


@RULE.on_go_file
def check(file: GoFile, report: Reporter) -> None:
    if not _worth_parsing(file.data):
        return  # only well-formed directives: skip the parse
    package = _package_clause_start(file)

    for c in file.comments:
        if not c.text.startswith("//"):
            continue  # the compiler never reads directives from /* */
        if not _on_own_line(file, c):
            continue  # a trailing //go: is already "misplaced compiler directive"

        # Go's scanner drops the \r of a CRLF line before matching.
        body = c.text[2:].removesuffix("\r")
        if body.startswith("go:"):
            _check_directive(c, body, report)
        else:
            _check_spaced(file, c, body, c.start_byte < package, report)


_PRESCAN = re.compile(rb"//([ \t]*)go:([\w\-]*)")


def _worth_parsing(data: bytes) -> bool:
    """Whether any ``//go:``-like text could be reported, judged from the
    bytes alone: most files hold only well-formed directives."""
    for m in _PRESCAN.finditer(data):
        line_start = data.rfind(b"\n", 0, m.start()) + 1
        if data[line_start : m.start()].strip():
            continue  # not a comment of its own line: never read as one
        name = m.group(2).decode("ascii", "replace")
        if m.group(1):
            if name in DIRECTIVES:
                return True  # perhaps a directive disabled by the space
            continue  # "// go:foo" about something else: never reported
        if name in COUNTED:
            # The tests of _check_arguments, on the rest of the line.
            end = data.find(b"\n", m.end())
            raw = data[m.end() : end if end >= 0 else len(data)]
            rest = raw.decode("utf-8", "replace").removesuffix("\r")
            low, high = COUNTED[name].fields
            if not rest.startswith(" ") or not low <= 1 + len(rest.split()) <= high:
                return True
            continue
        if name not in DIRECTIVES and name not in OTHER_TOOLS:
            return True  # perhaps a misspelling
    return False


def _check_directive(c: Comment, body: str, report: Reporter) -> None:
    name = _NAME.match(body).group(1)
    if name in COUNTED:
        _check_arguments(c, body, name, COUNTED[name], report)
        return
    if name in DIRECTIVES or name in OTHER_TOOLS:
        return  # spelled right

    guess = _closest_directive(name)
    if guess is None:
        return  # some other tool's directive, or no directive at all
    report(
        c.node,
        f"//go:{name} looks like a misspelling of //go:{guess}; "
        "the toolchain ignores it",
        fix=f"spell it //go:{guess}",
    )


def _check_arguments(
    c: Comment, body: str, name: str, usage: Usage, report: Reporter
) -> None:
    rest = body[len("go:") + len(name) :]

    # Without a space after the name the compiler's prefix test fails and
    # the comment falls through to the unknown-pragma case: no error at all.
    if not rest.startswith(" "):
        if rest.strip():
            after = "a tab" if rest.startswith("\t") else repr(rest[0])
            report(
                c.node,
                f"//go:{name} followed by {after} is not recognised, "
                "so the compiler ignores it",
                fix=f"separate //go:{name} from its arguments with one space",
            )
        else:
            report(
                c.node,
                f"//go:{name} without arguments is not recognised, "
                "so the compiler ignores it",
                fix=f"write {usage.usage}, or delete the line",
            )
        return

    low, high = usage.fields
    fields = 1 + len(rest.split())
    if low <= fields <= high:
        return  # well formed

    # A release older than the directive treats it as unknown and ignores it.
    knowing = [v for v in report.targets.go if v >= usage.since]
    if not knowing:
        return  # no target's compiler knows this directive yet
    report(
        c.node,
        f"//go:{name} takes {_count(low - 1, high - 1)}, not {fields - 1}; "
        "the compiler rejects it",
        fix=f"write {usage.usage}",
        versions=knowing if len(knowing) < len(report.targets.go) else (),
    )


def _check_spaced(
    file: GoFile, c: Comment, body: str, in_header: bool, report: Reporter
) -> None:
    m = _SPACED.match(body)
    if m is None:
        return  # not "// go:name": prose, a tab-indented code block, ...
    name = m.group(1)
    if name not in DIRECTIVES:
        return  # "// go:foo is nice" is prose about something else
    if name in HEADER_DIRECTIVES and not in_header:
        return  # ignored after the package clause even when well formed

    # "// go:linkname is how ..." is a sentence, not a disabled directive:
    # only report words that fit the directive (a trailing // note aside).
    args = (m.group(2) or "").split("//")[0].split()
    if not _fits(name, args):
        return

    written = "//" + body.lstrip(" ")
    if name == "build" and file.constraint is None:
        effect = "so the file is built for every platform"
    else:
        effect = "so the toolchain ignores it"
    report(
        c.node,
        f"space after // makes //go:{name} an ordinary comment, {effect}",
        fix=f"remove the space: {written.rstrip()}",
    )


def _fits(name: str, args: list[str]) -> bool:
    """Whether ``args`` could be the arguments of a ``//go:name`` directive."""
    low, high = DIRECTIVES[name]
    if len(args) < low or (high is not None and len(args) > high):
        return False
    if name in ("linkname", "linknamestd"):
        return bool(_IDENT.match(args[0]))  # not "// go:linkname usage:"
    if name == "build":
        try:
            parse_expr(" ".join(args))
        except ConstraintError:
            return False  # "// go:build expression ..." in a sentence
    return True


def _closest_directive(name: str) -> str | None:
    """The known directive ``name`` most likely misspells, or None.

    Case is ignored (gc's names are lower-case and it matches exactly).
    Short names allow one edit and longer ones two, so that a custom
    ``//go:bind`` is not taken for ``build``.
    """
    if len(name) < 3:
        return None  # too short to guess from
    lowered = name.lower()
    best: tuple[int, str] | None = None
    for known in DIRECTIVES:
        limit = 1 if min(len(known), len(lowered)) <= 5 else 2
        d = _edit_distance(lowered, known, limit)
        if d <= limit and (best is None or d < best[0]):
            best = (d, known)
    return best[1] if best else None


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent transpositions count once).

    Returns ``limit + 1`` early when the answer is certainly above ``limit``.
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[len(b)]


def _count(low: int, high: int) -> str:
    if low == high:
        return f"{low} argument" + ("" if low == 1 else "s")
    return f"{low} or {high} arguments"


def _on_own_line(file: GoFile, c: Comment) -> bool:
    line_start = file.lines.starts[c.line - 1]
    return not file.data[line_start : c.start_byte].strip()


def _package_clause_start(file: GoFile) -> int:
    for n in file.root.named_children:
        if n.type == "package_clause":
            return n.start_byte
    return len(file.data)
