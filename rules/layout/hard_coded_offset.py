"""LAY001 hard-coded-offset."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from goabilint_rules.layout._unsafe import (
    HardCoded,
    arguments,
    calculator_for,
    hard_coded,
    strip,
    uintptr_operand,
    unsafe_call,
)

from goabilint.context import Reporter
from goabilint.rule import Rule, Severity
from goabilint.source import WORD_BYTES, GoFile, Package, word_ends
from goabilint.syntax import Node, text

RULE = Rule(
    code="LAY001",
    name="hard-coded-offset",
    title="pointer arithmetic with a hard-coded offset",
    severity=Severity.WARNING,
    since="0.1.0",
    tags=("layout", "unsafe"),
    needs=(b"unsafe",),
    doc="""
    ## What it does
    Reports pointer arithmetic whose offset is a number written in the
    source rather than derived from the type it steps through:
    `unsafe.Add(p, 8)`, `unsafe.Pointer(uintptr(p) + 16)`, or the same with
    a constant declared as a bare literal (`const dataOff = 16`) or an
    expression of such literals. Offsets built with `unsafe.Offsetof`,
    `unsafe.Sizeof` or `unsafe.Alignof`, or from variables, are not
    reported; nor is an offset of 0 or 1 (a byte step), nor one added to the address of an
    element (`&b[i]`, `unsafe.SliceData(b)`, `unsafe.StringData(s)`),
    where it counts elements rather than bytes of a struct.

    ## Why is this bad?
    A literal offset encodes one layout on one architecture. `16` is the
    second word of a header on amd64 and the fourth on 386; it is the
    offset of a runtime field only until the runtime reorders its struct.
    When the layout changes the code silently reads or writes the wrong
    bytes; `unsafe.Offsetof(h.data)` would have changed with it.

    ## Example
    ```go
    func dataOf(s *sliceHeader) unsafe.Pointer {
        return *(*unsafe.Pointer)(unsafe.Add(unsafe.Pointer(s), 0))
    }

    func lenOf(s *sliceHeader) int {
        return *(*int)(unsafe.Add(unsafe.Pointer(s), 8))
    }
    ```

    ## Use instead
    ```go
    func lenOf(s *sliceHeader) int {
        return *(*int)(unsafe.Add(unsafe.Pointer(s), unsafe.Offsetof(s.len)))
    }
    ```

    ## Known problems
    Offsets into buffers that are not struct layouts (a byte-level parser
    stepping through a `[N]byte` it reached through a plain pointer) are
    reported too; suppress them with a reason. The element exemption only
    recognises the base pointer when it is written at the call.

    ## References
    - [unsafe.Pointer rules 3 and unsafe.Add](https://pkg.go.dev/unsafe#Pointer)
    - [unsafe.Offsetof](https://pkg.go.dev/unsafe#Offsetof)
    """,
)


@RULE.on_package
def check(package: Package, report: Reporter) -> None:
    contexts = report.targets.contexts()
    for file in package.go_files:
        if not package.reports_on(file):
            continue  # its findings would be dropped
        if b"unsafe" not in file.data or not file.imports_path("unsafe"):
            continue
        arithmetic = list(pointer_arithmetic(file))
        if not arithmetic:
            continue  # most files: no calculator needed
        calc = calculator_for(package, file, contexts)
        if calc is None:
            continue  # no target builds the file
        for node, base, offset in arithmetic:
            if _element_base(file, base):
                continue  # counts elements of an array or slice
            found = hard_coded(calc, offset, file)
            if found is None or abs(found.value) <= 1:
                continue  # not written as a number, or a byte step
            report.in_file(file)(offset, _message(found), fix=_fix(found))


def pointer_arithmetic(file: GoFile) -> Iterator[tuple[Node, Node, Node]]:
    """``(expression, base pointer, offset)`` for each ``unsafe.Add(p, n)``
    and each ``unsafe.Pointer(uintptr(p) + n)`` (or ``n + uintptr(p)``, or
    ``- n``) in ``file``."""
    if not may_have_pointer_arithmetic(file.data, file.import_names("unsafe")):
        return iter(())  # most files that import unsafe: no need to parse them
    return _pointer_arithmetic(file)


def _pointer_arithmetic(file: GoFile) -> Iterator[tuple[Node, Node, Node]]:
    # unsafe.Add, and the conversion unsafe.Pointer (also bare, under a
    # dot import).
    for call in file.calls_named("Add", "Pointer"):
        which = unsafe_call(file, call, "Add", "Pointer")
        args = arguments(call)
        if which == "Add" and len(args) == 2:
            yield call, args[0], args[1]
        elif which == "Pointer" and len(args) == 1:
            arith = strip(args[0])
            if arith.type != "binary_expression":
                continue
            op = text(arith.child_by_field_name("operator"))
            left, right = (
                arith.child_by_field_name("left"),
                arith.child_by_field_name("right"),
            )
            if op not in ("+", "-") or left is None or right is None:
                continue
            base = uintptr_operand(left)
            if base is not None:
                yield call, base, right
            elif op == "+" and (base := uintptr_operand(right)) is not None:
                yield call, base, left


def may_have_pointer_arithmetic(
    data: bytes, unsafe_names: Collection[str] = ("unsafe",)
) -> bool:
    """Whether the bytes may hold what :func:`pointer_arithmetic` finds.

    ``Add`` as a word after one of ``unsafe_names`` (the names the file
    imports unsafe as) and a dot, or alone under a dot import; or a call
    ``Pointer(...)`` whose argument, read up to its closing parenthesis,
    spells ``uintptr`` and ``+`` or ``-``. Where the bytes cannot be read so
    simply (a comment, a quote or a line break inside the parentheses), the
    answer is yes.
    """
    # Found with bytes.find, not a pattern starting with \b (which is tried
    # at every position of the file).
    n = len(data)
    qualifiers = {name.encode() for name in unsafe_names if name not in (".", "_")}
    for end in word_ends(data, b"Add"):
        j = end - 4
        while j >= 0 and data[j] in b" \t\r\n":
            j -= 1
        if j < 0 or data[j] != _DOT:
            if "." in unsafe_names:
                return True  # Add of a dot import
            continue  # a function of the package's own
        k = j - 1
        while k >= 0 and data[k] in b" \t":
            k -= 1
        stop = k + 1
        while k >= 0 and (data[k] in WORD_BYTES or data[k] >= 0x80):
            k -= 1
        if data[k + 1 : stop] in qualifiers:
            return True  # unsafe.Add; wg.Add, atomic.Add are another's
    for i in word_ends(data, b"Pointer"):
        while i < n and data[i] in b" \t\r\n":
            i += 1
        if i < n and data[i] == _SLASH:
            return True  # a comment before the parenthesis: cannot tell
        if i >= n or data[i] != _OPEN:
            continue  # not a call
        depth, j = 1, i + 1
        while j < n and depth:
            c = data[j]
            if c == _OPEN:
                depth += 1
            elif c == _CLOSE:
                depth -= 1
            elif c in _UNREADABLE:
                return True
            j += 1
        arg = data[i + 1 : j]
        if b"uintptr" in arg and (b"+" in arg or b"-" in arg):
            return True
    return False


_OPEN, _CLOSE, _SLASH, _DOT = b"()/."
_UNREADABLE = frozenset(b"\"'`/\n\r")


def _element_base(file: GoFile, base: Node) -> bool:
    base = strip(base)
    while unsafe_call(file, base, "Pointer"):
        args = arguments(base)
        if len(args) != 1:
            return False
        base = strip(args[0])
    if (
        base.type == "unary_expression"
        and text(base.child_by_field_name("operator")) == "&"
    ):
        return strip(base.child_by_field_name("operand")).type == "index_expression"
    return unsafe_call(file, base, "SliceData", "StringData") is not None


def _message(found: HardCoded) -> str:
    if found.constant is not None and text(found.node) == found.constant:
        return f"pointer arithmetic with {found.constant} = {found.value}, a hard-coded offset"
    return f"pointer arithmetic with the hard-coded offset {text(found.node)}"


def _fix(found: HardCoded) -> str:
    return "derive the offset with unsafe.Offsetof or unsafe.Sizeof of the type it steps through"
