"""STK004 nosplit-frame-too-large."""

from __future__ import annotations

from dataclasses import dataclass

from goabilint_rules.stack._abi import PackageView, flags_of, parse_frame, port_contexts

from goabilint.constraints import BuildContext
from goabilint.context import Reporter
from goabilint.layout.calc import ARCHES, Unknown
from goabilint.rule import Rule, Severity
from goabilint.source import GoFile, Package
from goabilint.syntax import Node, captured, find_local_declaration, text

RULE = Rule(
    code="STK004",
    name="nosplit-frame-too-large",
    title="nosplit function's frame exceeds the nosplit stack limit",
    severity=Severity.ERROR,
    since="0.1.0",
    tags=("assembly", "stack", "build"),
    needs=(b"go:nosplit", b"TEXT"),  # a nosplit Go function, or assembly
    doc="""
    ## What it does
    Reports a `//go:nosplit` Go function with a local variable (an array
    or struct of known size) larger than the stack a nosplit function may
    use, and a `NOSPLIT` assembly `TEXT` whose frame is larger, for each
    target GOOS/GOARCH that builds the file.

    The limit is the linker's (`cmd/link/internal/ld/stackcheck.go`):
    `internal/abi.StackNosplitBase` (800 in every release goabilint
    knows) times the stack guard multiplier (2 on aix and openbsd), minus
    the bytes a CALL pushes (the pointer size on ports without a link
    register) and 8 more on arm64: 792 bytes on amd64 and arm64, 796 on
    386. The frame is counted as the compiler and assembler lay it out
    around the given size: the saved frame pointer on amd64, the saved
    link register and frame pointer on arm64 (with 16-byte alignment).

    ## Why is this bad?
    A nosplit function skips the stack-overflow check in its prologue; the
    linker instead proves that every chain of nosplit calls fits in the
    guard area below the stack limit. When the frame alone is too big the
    link fails with "nosplit stack over 792 byte limit", on the ports
    where it is too big, which may not be the one the author builds on.

    ## Example
    ```go
    //go:nosplit
    func checksum(p []byte) uint32 {
        var table [1024]byte
        ...
    }
    ```

    ## Use instead
    Drop `//go:nosplit`, or keep the large buffer out of the nosplit
    function (a package-level variable, or a splittable helper).

    ## Known problems
    The frame of a Go function is estimated from below by its largest
    local variable whose size is known and that does not escape (it is
    not address-taken, sliced into a call, a method receiver, or larger than the compiler's
    128 KiB stack variable limit); temporaries, spills, outgoing
    arguments and the frames of nosplit callees (such as the bounds-check
    panics) are not counted, so a function near the limit may fail
    without a finding. A nosplit function that is inlined everywhere and
    never referenced as a value has no frame of its own and does not
    fail. `-race` builds double the limit (so they fail less).

    ## References
    - [cmd/compile: //go:nosplit](https://pkg.go.dev/cmd/compile#hdr-Compiler_Directives)
    - [A Quick Guide to Go's Assembler: NOSPLIT](https://go.dev/doc/asm)
    """,
)

NOSPLIT_BASE = 800  # internal/abi.StackNosplitBase, 1.21 through 1.27
MAX_STACK_VAR = 128 * 1024  # cmd/compile ir.MaxStackVarSize
_LR_ARCHES = frozenset(
    {
        "arm",
        "arm64",
        "loong64",
        "mips",
        "mipsle",
        "mips64",
        "mips64le",
        "ppc64",
        "ppc64le",
        "riscv64",
        "s390x",
    }
)


def limit(ctx: BuildContext) -> int:
    """Bytes a nosplit call chain may use below the guard, for ``ctx``."""
    multiplier = 1 + (ctx.goos in ("aix", "openbsd"))
    arch = ARCHES[ctx.goarch]
    call = 0 if ctx.goarch in _LR_ARCHES else arch.reg
    extra = 8 if ctx.goarch == "arm64" else 0
    return NOSPLIT_BASE * multiplier - call - extra


def frame_growth(goarch: str, frame: int, noframe: bool) -> int:
    """How much a function with a ``frame``-byte frame grows the stack."""
    if frame <= 0:
        return 0
    if noframe:
        return frame
    if goarch == "amd64":
        return frame + 8  # the saved frame pointer
    if goarch == "arm64":
        return _round(frame, 16) + 16  # saved LR and frame pointer, 16-aligned
    return frame


def _round(n: int, a: int) -> int:
    return (n + a - 1) // a * a


@dataclass
class _Over:
    where: list[str]
    growth: dict[str, int]
    limits: dict[str, int]


@RULE.on_package
def check(package: Package, report: Reporter) -> None:
    contexts = port_contexts(report.targets)
    _check_asm(package, report, contexts)
    if any(b"go:nosplit" in f.data for f in package.go_files):
        _check_go(package, report, contexts)


def _check_asm(
    package: Package, report: Reporter, contexts: list[BuildContext]
) -> None:
    for af in package.asm_files:
        if not package.reports_on(af):
            continue  # its findings would be dropped
        found: dict[int, _Over] = {}
        for ctx in contexts:
            if ctx.goarch not in ARCHES or not af.built_for(ctx):
                continue
            for t in af.texts:
                flags = flags_of(t)
                sizes = parse_frame(t)
                if "NOSPLIT" not in flags or sizes is None or sizes.frame is None:
                    continue
                growth = frame_growth(ctx.goarch, sizes.frame, "NOFRAME" in flags)
                if growth > limit(ctx):
                    over = found.setdefault(t.line, _Over([], {}, {}))
                    over.where.append(f"{ctx.goos}/{ctx.goarch}")
                    over.growth[ctx.goarch] = growth
                    over.limits[ctx.goarch] = limit(ctx)
        for line, over in sorted(found.items()):
            t = next(t for t in af.texts if t.line == line)
            name = t.symbol.rpartition("·")[2] or t.symbol
            report.in_file(af).at_line(
                line, _message(f"NOSPLIT {name}", over), fix=_FIX
            )


_FIX = "drop the nosplit marking or move the large data out of this frame"


def _message(what: str, over: _Over) -> str:
    arches = sorted(over.growth)
    parts = [f"{over.growth[a]} bytes on {a} (limit {over.limits[a]})" for a in arches]
    return f"{what} grows the stack by at least " + ", ".join(parts)


def _check_go(package: Package, report: Reporter, contexts: list[BuildContext]) -> None:
    found: dict[tuple[str, int], tuple[GoFile, Node, _Over]] = {}
    views: dict[tuple[str, str], PackageView] = {}
    for ctx in contexts:
        if ctx.goarch not in ARCHES:
            continue
        key = (ctx.goos, ctx.goarch)
        view = views.get(key) or views.setdefault(key, PackageView.of(package, ctx))
        for f in view.calc.files:
            if b"go:nosplit" not in f.data or not package.reports_on(f):
                continue
            for fn in _nosplit_functions(f):
                local = _largest_local(view, fn, f)
                if local is None:
                    continue
                growth = frame_growth(
                    ctx.goarch, _round(local[1], ARCHES[ctx.goarch].ptr), False
                )
                if growth <= limit(ctx):
                    continue
                k = (f.display, fn.start_byte)
                _, _, over = found.setdefault(k, (f, fn, _Over([], {}, {})))
                over.where.append(f"{ctx.goos}/{ctx.goarch}")
                over.growth[ctx.goarch] = growth
                over.limits[ctx.goarch] = limit(ctx)
    for (_, _), (f, fn, over) in sorted(found.items()):
        name = fn.child_by_field_name("name")
        report.in_file(f)(name, _message(f"nosplit {text(name)}", over), fix=_FIX)


def _nosplit_functions(f: GoFile) -> list[Node]:
    """Function and method declarations marked ``//go:nosplit`` (found once
    per file, for every build context)."""
    return f.shared("nosplit-functions", lambda: _find_nosplit_functions(f))


def _find_nosplit_functions(f: GoFile) -> list[Node]:
    marked = {d.line for d in f.directives if d.name == "nosplit"}
    if not marked:
        return []
    out = []
    for d in f.decls:
        if (
            d.kind not in ("func", "method")
            or d.node.child_by_field_name("body") is None
        ):
            continue
        if marked & _comment_block_above(f, d.node):
            out.append(d.node)
    return out


def _comment_block_above(f: GoFile, decl: Node) -> set[int]:
    """The lines of the comment block right above a top-level declaration:
    each line up from it on which a comment starts the line, read from the
    comments before it among the file's top-level nodes."""
    lines: set[int] = set()
    line = decl.start_point[0]  # the line above the declaration, 1-based
    node = decl.prev_sibling
    while node is not None and node.type == "comment":
        start = node.start_point[0] + 1
        if start < line:
            break  # a line without a comment that starts it: the block ends
        if (
            start == line
            and not f.lines.line_bytes(line)[: node.start_point[1]].strip()
        ):
            lines.add(line)
            line -= 1
        node = node.prev_sibling
    return lines


def _largest_local(view: PackageView, fn: Node, f: GoFile) -> tuple[str, int] | None:
    """The name and size of the largest non-escaping local of known size."""
    body = fn.child_by_field_name("body")
    if body is None or b"var" not in (body.text or b""):
        return None  # no var declaration: no local of a written type
    best: tuple[str, int] | None = None
    for spec in captured("(var_spec) @v", body, "v"):
        tnode = spec.child_by_field_name("type")
        if tnode is None:
            continue
        for name in (n for n in spec.children_by_field_name("name") if n.is_named):
            size = _size(view, tnode, f)
            if size is None or size > MAX_STACK_VAR:
                continue
            if best is not None and size <= best[1]:
                continue
            if _escapes(body, name):
                continue
            best = (text(name), size)
    return best


def _size(view: PackageView, tnode: Node, f: GoFile) -> int | None:
    try:
        return view.calc.of_type(tnode, f).size
    except Unknown:
        return None


_SAFE_CALLS = frozenset({"len", "cap", "copy", "clear"})


def _escapes(body: Node, name: Node) -> bool:
    """Whether a use of the variable could move it to the heap: its address
    taken, or a slice of it handed to something other than a builtin."""
    var = text(name)
    for ident in captured("(identifier) @i", body, "i"):
        if text(ident) != var or ident == name:
            continue
        decl = find_local_declaration(ident)
        if decl is None or decl.name != name:
            continue  # another variable of the same name
        parent = ident.parent
        if parent is None:
            continue
        if (
            parent.type == "unary_expression"
            and text(parent.child_by_field_name("operator")) == "&"
        ):
            return True
        if (
            parent.type == "selector_expression"
            and parent.parent is not None
            and (parent.parent.type == "call_expression")
        ):
            return True  # a method call may take its address
        if parent.type == "slice_expression":
            holder = parent.parent
            call = (
                holder.parent
                if holder is not None and holder.type == "argument_list"
                else None
            )
            fn = call.child_by_field_name("function") if call is not None else None
            if fn is None or text(fn) not in _SAFE_CALLS:
                return True
    return False
