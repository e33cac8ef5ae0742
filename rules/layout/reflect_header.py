"""LAY002 reflect-header."""

from __future__ import annotations

from goabilint.constraints import GoVersion
from goabilint.context import Reporter
from goabilint.rule import Rule, Severity
from goabilint.source import GoFile
from goabilint.syntax import Node, text

RULE = Rule(
    code="LAY002",
    name="reflect-header",
    title="use of the deprecated reflect.SliceHeader or reflect.StringHeader",
    severity=Severity.WARNING,
    since="0.1.0",
    tags=("layout", "unsafe", "deprecated"),
    # A header that outlives the memory it describes is a use after free.
    security_severity=5.0,
    needs=(b"SliceHeader", b"StringHeader"),
    doc="""
    ## What it does
    Reports every use of `reflect.SliceHeader` and `reflect.StringHeader`:
    as a type, in a conversion such as `(*reflect.SliceHeader)(p)`, in a
    composite literal or as a type argument. The `reflect` import is
    resolved as the compiler would: aliased and dot imports count, a
    local variable named `reflect` or another package's `SliceHeader`
    does not.

    ## Why is this bad?
    Both types are deprecated since Go 1.20. Their `Data` field is a
    `uintptr`, which the garbage collector does not treat as a pointer:
    a header built by hand, or copied out of a real slice or string, does
    not keep the memory it describes alive, and the collector may free and
    reuse it. The reflect documentation also warns that their
    representation may change in a later release. `go vet` does not
    report the types: its unsafeptr check only looks at turning a `Data`
    field back into an `unsafe.Pointer`.

    The `unsafe` package offers typed replacements: `unsafe.Slice`
    (Go 1.17) and `unsafe.SliceData` (Go 1.20) for slices, `unsafe.String`
    and `unsafe.StringData` (Go 1.20) for strings. They take and return
    real pointers, so the collector keeps the data alive.

    ## Example
    ```go
    func bytesToString(b []byte) string {
        var s string
        h := (*reflect.StringHeader)(unsafe.Pointer(&s))
        h.Data = uintptr(unsafe.Pointer(&b[0]))
        h.Len = len(b)
        return s
    }
    ```

    ## Use instead
    ```go
    func bytesToString(b []byte) string {
        return unsafe.String(unsafe.SliceData(b), len(b))
    }
    ```

    ## Known problems
    A file that no target Go release from 1.20 on builds is not reported:
    a file behind `//go:build !go1.20` is the usual fallback for toolchains
    that lack the replacements. When the oldest target is older than 1.20
    the fix hint says which replacement needs a newer `go` line.

    Only uses written in the file are found; a type alias declared in
    another package for one of these types, or a value whose type is one
    of them, is not followed.

    ## References
    - [reflect.SliceHeader](https://pkg.go.dev/reflect#SliceHeader)
    - [reflect.StringHeader](https://pkg.go.dev/reflect#StringHeader)
    - [unsafe.Slice and the functions after it](https://pkg.go.dev/unsafe#Slice)
    - [Go 1.20 release notes: unsafe](https://go.dev/doc/go1.20#language)
    """,
)

HEADERS = ("SliceHeader", "StringHeader")

GO1_17 = GoVersion(1, 17)
GO1_20 = GoVersion(1, 20)

# A qualified name is a selector in expression position (a conversion such
# as `(*reflect.SliceHeader)(p)`) and a qualified_type in type position.
QUALIFIED = """
(selector_expression operand: (identifier) field: (field_identifier)) @use
(qualified_type package: (package_identifier) name: (type_identifier)) @use
"""

# Under a dot import the header types are bare names.
BARE = "[(identifier) (type_identifier)] @use"

# Statements whose left-hand identifiers are declared, not used.
DECLARING_LISTS = ("short_var_declaration", "range_clause")


@RULE.on_go_file
def check(file: GoFile, report: Reporter) -> None:
    names = file.import_names("reflect")
    if not names:
        return  # the types cannot be named without importing reflect

    # The deprecation and the replacements date from Go 1.20; a file only
    # older releases build is the fallback for them and has no better option.
    built = report.targets.versions_building(file)
    versions = [v for v in built if v >= GO1_20]
    if not versions:
        return  # no target from go1.20 on builds this file

    uses = [n for n in file.query(QUALIFIED, "use") if _is_header(file, n)]
    if "." in names:
        bare = file.query(BARE, "use")
        uses += [n for n in bare if _is_bare_header(file, n)]

    # Name the versions only when some target that builds the file predates
    # the deprecation; otherwise the finding holds for every target.
    oldest = built[0]
    named = versions if oldest < GO1_20 else ()
    for node in sorted(uses, key=lambda n: n.start_byte):
        header = _member(node)
        report(
            node,
            f"reflect.{header} is deprecated since go1.20; "
            "the GC ignores its uintptr Data",
            fix=_hint(header, oldest),
            versions=named,
        )


def _member(node: Node) -> str:
    """The type name a use refers to: the selected name or the bare name."""
    if node.type == "selector_expression":
        return text(node.child_by_field_name("field"))
    if node.type == "qualified_type":
        return text(node.child_by_field_name("name"))
    return text(node)


def _is_header(file: GoFile, node: Node) -> bool:
    member = _member(node)
    return member in HEADERS and file.refers_to(node, "reflect", member)


def _is_bare_header(file: GoFile, node: Node) -> bool:
    member = text(node)
    if member not in HEADERS:
        return False
    if _declares(node):
        return False  # a local declaration of the same name, not a use
    if _is_field_key(node):
        return False  # `T{SliceHeader: x}` names a struct field
    return file.refers_to(node, "reflect", member)


def _declares(node: Node) -> bool:
    """Whether ``node`` is the name being declared, not a use of a name."""
    parent = node.parent
    if parent is None:
        return False
    if node in parent.children_by_field_name("name"):
        return True
    if parent.type == "expression_list":
        holder = parent.parent
        if holder is not None and holder.type in DECLARING_LISTS:
            return holder.child_by_field_name("left") == parent
    return False


def _is_field_key(node: Node) -> bool:
    element = node.parent
    if element is None or element.type != "literal_element":
        return False
    keyed = element.parent
    if keyed is None or keyed.type != "keyed_element":
        return False
    return keyed.named_children[0] == element


def _hint(header: str, oldest: GoVersion) -> str:
    """The replacement to use, given the oldest Go release that builds the file."""
    if header == "SliceHeader":
        if oldest >= GO1_20:
            return (
                "use unsafe.Slice(ptr, len) to make a slice and unsafe.SliceData(s) "
                "for its data pointer"
            )
        if oldest >= GO1_17:
            return (
                "use unsafe.Slice(ptr, len) to make a slice; for its data pointer use "
                "&s[0], or unsafe.SliceData(s) once the go line says 1.20"
            )
        return (
            "raise the go line in go.mod to 1.20, then use unsafe.Slice(ptr, len) "
            "and unsafe.SliceData(s)"
        )
    if oldest >= GO1_20:
        return (
            "use unsafe.String(ptr, len) to make a string and unsafe.StringData(s) "
            "for its data pointer"
        )
    return (
        "raise the go line in go.mod to 1.20, then use unsafe.String(ptr, len) "
        "and unsafe.StringData(s)"
    )
