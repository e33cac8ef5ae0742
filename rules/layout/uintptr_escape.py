"""LAY006 uintptr-escape."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from goabilint_rules.layout._unsafe import (
    arguments,
    strip,
    uintptr_operand,
    unsafe_call,
)

from goabilint import syntax
from goabilint.context import Reporter
from goabilint.layout.calc import import_path
from goabilint.rule import Rule, Severity
from goabilint.source import WORD_BYTES, GoFile, Package
from goabilint.syntax import Node, text

RULE = Rule(
    code="LAY006",
    name="uintptr-escape",
    title="uintptr taken from a pointer is kept and turned back into a pointer later",
    severity=Severity.ERROR,
    since="0.1.0",
    tags=("layout", "unsafe", "gc"),
    # The pointer made later may point at freed or moved memory.
    security_severity=7.0,
    needs=(b"uintptr",),
    doc="""
    ## What it does
    Reports `unsafe.Pointer(u)` (or `unsafe.Pointer(u + off)`) when `u`
    holds a `uintptr` that an earlier statement of the same function made
    from a pointer, `uintptr(unsafe.Pointer(p))`, and stored in a
    variable, a field or an element. It also follows such a value passed
    as an argument to a function of the package that converts the
    parameter back. The finding points at the conversion and names where
    the integer was made.

    ## Why is this bad?
    A `uintptr` is an integer: the garbage collector neither keeps the
    object it came from alive nor updates it when the object moves (a
    goroutine stack is copied when it grows). The `unsafe.Pointer` rules
    allow the round trip only within one expression (rule 3:
    `unsafe.Pointer(uintptr(p) + off)`) or in a call to an assembly or
    syscall function (rule 4). Between two statements the object may be
    collected or moved, and the pointer made later dangles. `go vet`'s
    unsafeptr check reports the conversion but not where the integer came
    from.

    ## Example
    ```go
    u := uintptr(unsafe.Pointer(&buf[0]))
    n := fill(buf) // may grow the stack and move buf
    last := (*byte)(unsafe.Pointer(u + uintptr(n-1)))
    ```

    ## Use instead
    ```go
    p := unsafe.Pointer(&buf[0])
    n := fill(buf)
    last := (*byte)(unsafe.Add(p, n-1))
    ```

    ## Known problems
    The value is followed through one assignment, field or element store
    and one call within the package; copies of it into other variables
    and stores in another function are not followed. Functions without a
    body (assembly, syscalls) are exempt, as rule 4 allows. The packages
    `runtime` and `internal/runtime/...` are not checked: the runtime
    decides itself when the collector runs and stacks move.

    ## References
    - [unsafe.Pointer rules](https://pkg.go.dev/unsafe#Pointer)
    - [go vet unsafeptr](https://pkg.go.dev/golang.org/x/tools/go/analysis/passes/unsafeptr)
    """,
)


@dataclass(frozen=True)
class _Store:
    target: Node  # the identifier, selector or index expression assigned
    value: Node  # the uintptr(...) expression
    declaration: Node | None  # the declaring name node of a local variable


# The runtime decides when the collector may run and stacks may move; its
# own uintptr round trips rely on that (nosplit code, the system stack).
EXEMPT = ("runtime", "internal/runtime/")


@RULE.on_package
def check(package: Package, report: Reporter) -> None:
    path = import_path(package) or ""
    if path == EXEMPT[0] or path.startswith(EXEMPT[1]):
        return  # the runtime controls the collector itself
    funcs = _Functions(package.go_files)
    converts: dict[tuple[str, int], list[Node]] = {}  # see _through_calls
    reported = package.reports_on if package.reported is not None else None
    for file in worth_reading(package.go_files, reported):
        for fn in _functions_spelling_uintptr(file):
            body = fn.child_by_field_name("body")
            if body is None or b"uintptr" not in (body.text or b""):
                continue  # both patterns start from a uintptr(...) conversion here
            for conv, store in _round_trips(file, body):
                line = store.value.start_point[0] + 1
                report.in_file(file)(
                    conv,
                    f"unsafe.Pointer from uintptr {text(store.target)}, made from a pointer on "
                    f"line {line}: the object may have moved or been freed since",
                    related=[(store.value, "the pointer became an integer here")],
                    fix="keep an unsafe.Pointer and use unsafe.Add; convert to uintptr only "
                    "within the expression that converts back",
                )
            for conv, call, callee_file in _through_calls(file, body, funcs, converts):
                report.in_file(callee_file)(
                    conv,
                    f"unsafe.Pointer from a uintptr parameter; the caller at "
                    f"{file.display}:{call.start_point[0] + 1} made it from a pointer",
                    fix="pass an unsafe.Pointer instead of a uintptr",
                )


# A conversion back to a pointer that can read a stored integer:
# (unsafe.)Pointer( of something that starts with a name (a variable, a
# field, an element, arithmetic on one), not of &x, *p or a literal.
_CONVERTS_BACK = re.compile(rb"Pointer\s*\(\s*[(\s]*[A-Za-z_\x80-\xff]")
# A top-level function or method, and its name.
_TOP_FUNC = re.compile(rb"\nfunc[ \t]+(\([^)]*\)[ \t]*)?([^\s(\[]+)")


def worth_reading(
    files: list[GoFile], reported: Callable[[GoFile], bool] | None = None
) -> list[GoFile]:
    """The files in which the rule may find a round trip or a call that
    passes one on, judged from the bytes of each top-level function (what
    lies between two lines starting with ``func``): it spells ``uintptr``
    (both patterns start from ``uintptr(p)``, ``p`` an ``unsafe.Pointer``)
    and either converts something back itself or calls, by name, a
    function of the package that does. The other files are not parsed.

    :param reported: which files findings are kept in, when only some are:
        a finding is in the file that converts back, so only those files'
        conversions, and the calls that lead to them, count.
    """
    pieces: list[tuple[GoFile, int, int]] = []
    converters: set[bytes] = set()
    keep: set[int] = set()
    for f in files:
        data = f.data
        if b"unsafe" not in data or b"Pointer" not in data:
            continue  # converts nothing back, nor makes uintptr(unsafe.Pointer(p))
        counts = reported is None or reported(f)
        backs = [
            m.start()
            for m in _CONVERTS_BACK.finditer(data)
            if not (m.start() and data[m.start() - 1] in WORD_BYTES)
        ]
        # A method's piece ends the one before it, but the calls the rule
        # follows are of plain functions: only those count as converters.
        starts = [
            (m.start(), b"" if m.group(1) else m.group(2))
            for m in _TOP_FUNC.finditer(data)
        ]
        bounds = [(0, b""), *starts, (len(data), b"")]
        for (start, name), (end, _) in itertools.pairwise(bounds):
            i = bisect.bisect_left(backs, start)
            back = counts and i < len(backs) and backs[i] < end
            if back and name:
                converters.add(name)
            if data.find(b"uintptr", start, end) != -1:
                if back:
                    keep.add(id(f))
                elif id(f) not in keep:
                    pieces.append((f, start, end))
    for f, start, end in pieces:
        if id(f) not in keep and any(
            _calls(f.data, start, end, name) for name in converters
        ):
            keep.add(id(f))
    return [f for f in files if id(f) in keep]


def _calls(data: bytes, start: int, end: int, name: bytes) -> bool:
    """Whether ``name(`` occurs in ``data[start:end]``, ``name`` a whole word
    and not a selector's (``x.name(`` calls a method or another package's
    function)."""
    at = data.find(name, start, end)
    while at != -1:
        after = at + len(name)
        if (
            not (at and data[at - 1] in WORD_BYTES)
            and not data[max(0, at - 8) : at].rstrip().endswith(b".")
            and data[after : after + 8].lstrip().startswith(b"(")
        ):
            return True
        at = data.find(name, after, end)
    return False


def _functions_spelling_uintptr(file: GoFile) -> Iterator[Node]:
    """The functions and function literals of the file, in source order,
    inside top-level declarations that spell ``uintptr``: the rest cannot
    hold a conversion, and are not searched."""
    for decl in file.root.named_children:
        if b"uintptr" not in (decl.text or b""):
            continue
        src = decl.text or b""
        if decl.type in ("function_declaration", "method_declaration"):
            yield decl
            if src.find(b"func", 4) == -1:
                continue  # no function literal inside
        yield from syntax.captured("(func_literal) @f", decl, "f")


# What the rule follows in a body, with the function literals inside it.
_BODY_NODES = """
(call_expression) @calls
[(short_var_declaration) (assignment_statement) (var_spec)] @stores
(func_literal) @literals
"""


def _own(file: GoFile, body: Node, kind: str) -> list[Node]:
    """The ``calls`` or ``stores`` of ``body`` outside nested function
    literals, in source order; found in one pass for both, once per body
    (it is asked once per value the body stores)."""
    return file.shared(("uintptr-escape-own", body), lambda: _find_own(body))[kind]


def _find_own(body: Node) -> dict[str, list[Node]]:
    found = syntax.captured_by_name(_BODY_NODES, body)
    literals = [(n.start_byte, n.end_byte) for n in found.get("literals", ())]
    return {
        k: [
            n
            for n in found.get(k, ())
            if not any(s <= n.start_byte and n.end_byte <= e for s, e in literals)
        ]
        for k in ("calls", "stores")
    }


def from_pointer(file: GoFile, node: Node) -> bool:
    """Whether ``node`` is ``uintptr(p)`` with ``p`` an ``unsafe.Pointer``
    (a conversion to it, or a variable declared as one), or arithmetic on
    such a value."""
    node = strip(node)
    if node.type == "binary_expression" and text(
        node.child_by_field_name("operator")
    ) in ("+", "-", "&", "&^"):
        return from_pointer(file, node.child_by_field_name("left")) or from_pointer(
            file, node.child_by_field_name("right")
        )
    inner = uintptr_operand(node)
    if inner is None:
        return False
    inner = strip(inner)
    if unsafe_call(file, inner, "Pointer"):
        return True
    if inner.type == "identifier":
        decl = syntax.find_local_declaration(inner)
        return (
            decl is not None
            and decl.type is not None
            and file.refers_to(decl.type, "unsafe", "Pointer")
        )
    return False


def _stores(file: GoFile, body: Node) -> list[_Store]:
    out = []
    for n in _own(file, body, "stores"):
        if b"uintptr" not in (n.text or b""):
            continue  # from_pointer needs a uintptr(...) conversion
        if n.type in ("short_var_declaration", "assignment_statement"):
            left, right = n.child_by_field_name("left"), n.child_by_field_name("right")
            if (
                n.type == "assignment_statement"
                and text(n.child_by_field_name("operator")) != "="
            ):
                continue
            lefts = _items(left)
            rights = _items(right)
            if len(lefts) != len(rights):
                continue
            for target, value in zip(lefts, rights, strict=True):
                if from_pointer(file, value):
                    out.append(_Store(target, value, _declaring(target, n)))
        elif n.type == "var_spec":
            names = [x for x in n.children_by_field_name("name") if x.is_named]
            value = n.child_by_field_name("value")
            values = _items(value)
            if len(names) == len(values):
                for target, v in zip(names, values, strict=True):
                    if from_pointer(file, v):
                        out.append(_Store(target, v, target))
    return out


def _declaring(target: Node, statement: Node) -> Node | None:
    if target.type != "identifier":
        return None
    if statement.type == "short_var_declaration":
        return target
    decl = syntax.find_local_declaration(target)
    return decl.name if decl is not None else None


def _items(node: Node | None) -> list[Node]:
    if node is None:
        return []
    if node.type == "expression_list":
        return [c for c in node.named_children if c.type != "comment"]
    return [node]


def _uses(file: GoFile, body: Node, store: _Store, after: int = 0) -> Iterator[Node]:
    """``unsafe.Pointer(...)`` conversions from byte ``after`` on that read
    the stored value."""
    for n in _own(file, body, "calls"):
        if n.start_byte < after:
            continue
        if not unsafe_call(file, n, "Pointer"):
            continue
        args = arguments(n)
        if len(args) != 1:
            continue
        if _reads(args[0], store):
            yield n


def _reads(expr: Node, store: _Store) -> bool:
    expr = strip(expr)
    if expr.type == "binary_expression" and text(
        expr.child_by_field_name("operator")
    ) in ("+", "-"):
        return _reads(expr.child_by_field_name("left"), store) or _reads(
            expr.child_by_field_name("right"), store
        )
    if expr.type == "identifier" and store.declaration is not None:
        decl = syntax.find_local_declaration(expr)
        return decl is not None and decl.name == store.declaration
    if (
        expr.type in ("selector_expression", "index_expression")
        and store.declaration is None
    ):
        return text(expr) == text(store.target)
    return False


def _round_trips(file: GoFile, body: Node) -> Iterator[tuple[Node, _Store]]:
    for store in _stores(file, body):
        if store.declaration is None and store.target.type == "identifier":
            continue  # a package-level variable: not followed
        for conv in _uses(file, body, store, store.value.end_byte):
            if _same_statement(conv, store.value):
                continue  # rule 3: within one expression
            yield conv, store


def _same_statement(a: Node, b: Node) -> bool:
    def statement(n: Node) -> Node | None:
        for anc in syntax.ancestors(n):
            if anc.parent is not None and anc.parent.type in (
                "statement_list",
                "block",
                "source_file",
            ):
                return anc
        return None

    return statement(a) == statement(b)


# A line starting with func: searched from the newline before it, which
# is much faster than a multi-line ^ (the first line is tried on its own).
_FUNC_LINE = re.compile(rb"\nfunc[ \t]+([^\s(\[]+)")
_FIRST_FUNC_LINE = re.compile(rb"func[ \t]+([^\s(\[]+)")


class _Functions:
    """The package's top-level functions by name. Which file declares a
    name is read off the bytes (``func name`` starting a line) for every
    file at once; only the file that declares a function asked about is
    parsed. The first file in package order that declares it wins."""

    def __init__(self, files: list[GoFile]):
        self._files = files
        self._where: dict[bytes, GoFile] | None = None
        self._known: dict[str, tuple[Node, GoFile] | None] = {}

    def get(self, name: str) -> tuple[Node, GoFile] | None:
        if name not in self._known:
            if self._where is None:
                self._where = {}
                for f in self._files:
                    first = _FIRST_FUNC_LINE.match(f.data)
                    if first is not None:
                        self._where.setdefault(first.group(1), f)
                    for m in _FUNC_LINE.finditer(f.data):
                        self._where.setdefault(m.group(1), f)
            f = self._where.get(name.encode())
            self._known[name] = next(
                (
                    (d.node, f)
                    for d in (f.decls if f is not None else ())
                    if d.kind == "func" and d.name == name
                ),
                None,
            )
        return self._known[name]


def _through_calls(
    file: GoFile,
    body: Node,
    funcs: _Functions,
    converts: dict[tuple[str, int], list[Node]],
) -> Iterator[tuple[Node, Node, GoFile]]:
    """Conversions back to a pointer inside a package function that
    received a pointer-made uintptr from a call in ``body``.

    :param converts: the conversions of each (function, parameter index)
        found so far: a function called a thousand times (``Syscall``) is
        read once.
    """
    for call in _own(file, body, "calls"):
        if b"uintptr" not in (call.text or b""):
            continue  # no argument can be a pointer made into a uintptr
        fn = call.child_by_field_name("function")
        if fn is None or fn.type != "identifier":
            continue
        name = text(fn)
        callee = funcs.get(name)
        if callee is None:
            continue
        decl, callee_file = callee
        callee_body = decl.child_by_field_name("body")
        if callee_body is None:
            continue  # assembly or a pull: rule 4 allows it
        params = _param_names(decl)
        args = arguments(call)
        back = []
        for i in range(min(len(args), len(params))):
            if params[i] is None:
                continue
            if (name, i) not in converts:
                store = _Store(params[i], params[i], params[i])
                converts[name, i] = list(_uses(callee_file, callee_body, store))
            if converts[name, i]:
                back.append(i)
        if not back or syntax.find_local_declaration(fn) is not None:
            continue  # no parameter goes back to a pointer, or a local func
        for i in back:
            if from_pointer(file, args[i]):
                for conv in converts[name, i]:
                    yield conv, call, callee_file


def _param_names(decl: Node) -> list[Node | None]:
    out: list[Node | None] = []
    params = decl.child_by_field_name("parameters")
    for p in params.named_children if params is not None else []:
        names = [n for n in p.children_by_field_name("name") if n.is_named]
        out += names or [None]
    return out
