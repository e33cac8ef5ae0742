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
from goabilint.source import IDENT, WORD_BYTES, GoFile, Package, func_words
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
    lies between two lines starting with ``func``). Both patterns start
    from ``uintptr(p)``, ``p`` an ``unsafe.Pointer``, and end in a
    conversion back of a name. A function is kept when it may store such a
    ``uintptr(p)`` (an ``=`` before it in its statement, no call around it)
    and converts a name back; a file is also kept when a function of it
    spelling ``uintptr`` calls, by name, a function of the package that
    converts one of its parameters back. The other files are not parsed.

    :param reported: which files findings are kept in, when only some are:
        a finding is in the file that converts back, so only those files'
        conversions, and the calls that lead to them, count.
    """
    pieces: list[tuple[GoFile, int, int]] = []
    converters: set[bytes] = set()
    keep: set[int] = set()
    # A parameter of another name for uintptr can receive one too.
    aliased = any(_aliases_uintptr(f.data) for f in files if b"uintptr" in f.data)
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
            j = bisect.bisect_left(backs, end, i)
            back = backs[i:j] if counts else []
            if back and name and _converts_parameter(data, start, end, back, aliased):
                converters.add(name)
            if data.find(b"uintptr", start, end) != -1:
                if back and _may_store_uintptr(data, start, end):
                    keep.add(id(f))
                elif id(f) not in keep:
                    pieces.append((f, start, end))
    calling = _calling(converters)
    for f, start, end in pieces:
        if (
            id(f) not in keep
            and calling is not None
            and _calls(f.data, start, end, calling)
        ):
            keep.add(id(f))
    return [f for f in files if id(f) in keep]


def _calling(names: set[bytes]) -> re.Pattern[bytes] | None:
    """A call of one of ``names`` (whole words); None for no names."""
    if not names:
        return None
    alternatives = b"|".join(re.escape(n) for n in sorted(names))
    return re.compile(rb"(?<![A-Za-z0-9_\x80-\xff])(?:" + alternatives + rb")[ \t]*\(")


_WORDS = re.compile(IDENT)
# uintptr(, not a method or another package's uintptr.
_UINTPTR_CALL = re.compile(rb"(?<![A-Za-z0-9_.\x80-\xff])uintptr\s*\(")
# What follows uintptr( when from_pointer can hold: unsafe.Pointer(...)
# under any import name, or a name alone (a variable that may be declared
# as one); parentheses around either.
_OPERAND = re.compile(
    rb"[\s(]*(?:(?:" + IDENT + rb"\s*\.\s*)?Pointer\s*\(|(" + IDENT + rb")\s*\))"
)
# Pointer used as a type, not called.
_POINTER_TYPE = re.compile(rb"(?<![\w\x80-\xff])Pointer(?![\w\x80-\xff])(?!\s*\()")
# The brace that opens a function's body: the last on its line.
_BODY_OPEN = re.compile(rb"\{[ \t]*(?://[^\n]*)?\r?\n")
# The bytes that say where a statement starts and what encloses a place.
_SIGNIFICANT = re.compile(rb"[()\[\]{};=\n]")
# What ends the line of a complete statement (Go's semicolon rule): a name,
# a literal, a closing bracket. After anything else the statement goes on.
_ENDS_STATEMENT = WORD_BYTES | frozenset(b")]}\"'`") | frozenset(range(0x80, 0x100))


def _converts_parameter(
    data: bytes, start: int, end: int, backs: list[int], aliased: bool
) -> bool:
    """Whether the function may convert a parameter back that a caller can
    pass ``uintptr(p)`` to: a word of a conversion's argument names a
    parameter declared ``uintptr`` (any parameter, when the function has
    type parameters or the package another name for uintptr)."""
    params = _uintptr_parameters(data, start, end, aliased)
    return bool(params) and any(
        not params.isdisjoint(_argument_words(data, at, end)) for at in backs
    )


def _uintptr_parameters(
    data: bytes, start: int, end: int, any_type: bool
) -> set[bytes]:
    """The names of the parameters declared ``uintptr`` by the function
    starting at ``start``; every word of its parameter list when unsure."""
    func = _TOP_FUNC.match(data, start)
    after_name = func.end() if func else start
    if data[after_name : after_name + 1] == b"[":
        # Type parameters (T may be ~uintptr): every word up to the body.
        body = _BODY_OPEN.search(data, after_name, end)
        return set(_WORDS.findall(data, after_name, body.start() if body else end))
    opening = data.find(b"(", after_name, end)
    if opening == -1:
        return set()
    # The items between the parameter list's parentheses, split at the
    # commas outside brackets.
    items, depth, item, stop = [], 0, opening + 1, end
    for m in _LIST_MARKS.finditer(data, opening + 1, end):
        c = data[m.start()]
        if c in b"([{":
            depth += 1
        elif c in b")]}":
            if not depth:
                stop = m.start()
                break
            depth -= 1
        elif not depth:  # a comma
            items.append(data[item : m.start()])
            item = m.end()
    items.append(data[item:stop])
    if not any_type and data.find(b"uintptr", opening, stop) == -1:
        return set()
    names: set[bytes] = set()
    typed = False  # whether the names seen since the last type get uintptr
    for it in reversed(items):
        words = it.split()
        if not words:
            continue
        if len(words) > 1:  # a name and its type (a comment: unsure)
            typed = (
                any_type
                or b" ".join(words[1:]).lstrip(b".") == b"uintptr"
                or b"/" in it
            )
        if typed:
            names.add(words[0])
    return names


_LIST_MARKS = re.compile(rb"[()\[\]{},]")


def _argument_words(data: bytes, at: int, end: int) -> list[bytes]:
    """The words between the parenthesis after ``Pointer`` at ``at`` and
    the one that closes it (or the end of its line)."""
    open_ = data.find(b"(", at, end)
    line_end = data.find(b"\n", open_, end)
    stop = line_end if line_end != -1 else end
    depth = 0
    for m in _PARENS.finditer(data, open_, stop):
        depth += 1 if data[m.start()] == 0x28 else -1
        if not depth:
            stop = m.start()
            break
    return _WORDS.findall(data, open_ + 1, stop)


_PARENS = re.compile(rb"[()]")
# A line ending in uintptr, and what declares an alias of it before that:
# type A = uintptr, alone or in a type group.
_ENDS_IN_UINTPTR = re.compile(rb"uintptr[ \t]*(?://[^\n]*)?\r?\n")
_ALIAS_START = re.compile(rb"\s*(?:type\s+)?" + IDENT + rb"\s*=\s*")


def _aliases_uintptr(data: bytes) -> bool:
    return any(
        _ALIAS_START.fullmatch(data, data.rfind(b"\n", 0, m.start()) + 1, m.start())
        for m in _ENDS_IN_UINTPTR.finditer(data)
    )


def _may_store_uintptr(data: bytes, start: int, end: int) -> bool:
    """Whether ``data[start:end]`` may assign ``uintptr(p)``, or arithmetic
    on one, to a variable, a field or an element: ``p`` can be an
    ``unsafe.Pointer``, an ``=`` comes before the conversion in its
    statement, and no call, index or composite literal holds it. Passed
    straight to a call (``Syscall(n, uintptr(unsafe.Pointer(p)))``) it is
    no store."""
    typed: set[bytes] | None = None
    for m in _UINTPTR_CALL.finditer(data, start, end):
        operand = _OPERAND.match(data, m.end(), end)
        if operand is None:
            continue  # uintptr(len(b)), uintptr(n + 1): no pointer in it
        if operand.group(1) is not None:
            if typed is None:
                typed = _pointer_typed(data, start, end)
            if operand.group(1) not in typed:
                continue  # a name no declaration here gives the type
        if _assigned(data, m.start(), start):
            return True
    return False


def _pointer_typed(data: bytes, start: int, end: int) -> set[bytes]:
    """A superset of the names ``data[start:end]`` declares as pointers:
    the words before ``Pointer`` used as a type, on its line and the lines
    before that end in a comma (``a,\n b unsafe.Pointer``)."""
    out: set[bytes] = set()
    for m in _POINTER_TYPE.finditer(data, start, end):
        line = data.rfind(b"\n", start, m.start()) + 1
        while line > start + 1 and data[line - 2 : line - 1] == b",":
            line = data.rfind(b"\n", start, line - 1) + 1
        out.update(_WORDS.findall(data, max(line, start), m.start()))
    return out


def _assigned(data: bytes, at: int, floor: int) -> bool:
    """Read backwards from ``at`` to the start of its statement, line by
    line and only at the bytes that matter; True when it cannot tell."""
    depth = 0
    hi = at
    while hi > floor:
        lo = max(floor, data.rfind(b"\n", floor, hi))
        for m in reversed(list(_SIGNIFICANT.finditer(data, lo, hi))):
            i = m.start()
            c = data[i]
            if c in b")]":
                depth += 1
            elif c in b"([":
                if depth:
                    depth -= 1
                    continue
                # A bracket around the conversion: a group's, or a call's,
                # an index's or a type's (a name or a bracket before it).
                j = i - 1
                while j >= floor and data[j] in b" \t":
                    j -= 1
                if c == 0x5B or (j >= floor and data[j] in _ENDS_STATEMENT):
                    return False
            elif c == 0x3D:  # =
                if not depth and data[i - 1] not in b"=!<>" and data[i + 1] != 0x3D:
                    return True
            elif c == 0x0A:
                if depth:
                    continue
                if i == floor:
                    return True  # the function's first line: cannot tell
                line = data[max(floor, data.rfind(b"\n", floor, i) + 1) : i]
                code = line.rstrip()
                if b"//" not in line and (not code or code[-1] in _ENDS_STATEMENT):
                    return False  # the line before ends a statement
            elif not depth:  # { } ;
                return False  # the statement, or a composite literal, starts
        hi = lo
    return True


def _calls(data: bytes, start: int, end: int, calling: re.Pattern[bytes]) -> bool:
    """Whether ``data[start:end]`` calls a name ``calling`` matches, and
    not as a selector (``x.name(`` calls a method or another package's
    function)."""
    return any(
        not data[max(start, m.start() - 8) : m.start()].rstrip().endswith(b".")
        for m in calling.finditer(data, start, end)
    )


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


class _Functions:
    """The package's top-level functions by name. Only the files whose
    bytes spell ``func name`` are parsed to find a function asked about;
    the first file in package order that declares it wins."""

    def __init__(self, files: list[GoFile]):
        self._files = files
        self._known: dict[str, tuple[Node, GoFile] | None] = {}

    def get(self, name: str) -> tuple[Node, GoFile] | None:
        if name not in self._known:
            self._known[name] = next(
                (
                    (d.node, f)
                    for f in self._files
                    if name in func_words(f)
                    for d in f.decls
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
