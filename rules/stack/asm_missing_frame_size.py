"""STK002 asm-missing-frame-size."""

from __future__ import annotations

import re

from goabilint_rules.stack._abi import (
    PackageView,
    asm_contexts,
    flags_of,
    local_name,
    parse_frame,
)

from goabilint.context import Reporter
from goabilint.layout.calc import import_path
from goabilint.rule import Rule, Severity
from goabilint.source import AsmFile, Package

RULE = Rule(
    code="STK002",
    name="asm-missing-frame-size",
    title="assembly function that can be interrupted omits its argument size",
    severity=Severity.ERROR,
    since="0.1.0",
    tags=("assembly", "abi", "gc"),
    needs=(b"TEXT",),  # an assembly TEXT line in the package
    # The collector neither scans nor moves the arguments it cannot see.
    security_severity=5.0,
    doc="""
    ## What it does
    Reports a `TEXT ·name(SB)` line of a Go assembly file that gives no
    argument size (no `$frame-args` operand, or `$frame` without `-args`)
    when the function has a body-less Go declaration with arguments or
    results and its frame can be on the stack while the runtime walks it:
    the function is not `NOSPLIT` (its prologue may grow the stack), or it
    calls a symbol Go code can name (`CALL ·f(SB)`, `BL runtime·g(SB)`),
    which may grow the stack or start a collection. A call to a `NOSPLIT`
    assembly function of the same package that itself calls only such
    functions counts as safe. The expected size, from the
    declaration for each target GOARCH that builds the file, is in the
    message.

    ## Why is this bad?
    The assembler records a missing size as "unknown". When the runtime
    copies a stack or the garbage collector scans one, it finds a frame's
    arguments through that size (`stkframe.argBytes`); for an unknown
    size it sees no arguments at all. Pointer arguments of the function
    are then neither scanned nor adjusted when the stack moves: a pointer
    into the old stack dangles, and a heap object only the argument keeps
    alive can be freed. A `NOSPLIT` leaf function never has its frame
    walked, which is why the standard library's generated assembly may
    leave the size out.

    ## Example
    ```asm
    // func each(p []uint64, f func(uint64))
    TEXT ·each(SB), $16
        ...
        CALL runtime·someGoCode(SB)
    ```

    ## Use instead
    ```asm
    TEXT ·each(SB), $16-32
    ```

    ## Known problems
    Functions without arguments and results are not reported: for them
    an unknown size is no loss. A function whose parameter layouts
    goabilint cannot compute is skipped, and so is a frame written as a
    `#define`d name. Functions with the register ABI (`<ABIInternal>`)
    take their arguments in registers and are not reported. Calls through
    a register (`CALL AX`) and to file-local helpers (`name<>`) do not
    count: the runtime makes such calls into C code. The runtime's own
    assembly (`runtime`, `runtime/cgo`, `internal/runtime/...`) is not
    checked: it runs on system stacks that are never copied. `go vet`
    reports a non-`NOSPLIT` function without a size too, as "wrong
    argument size 0".

    ## References
    - [A Quick Guide to Go's Assembler](https://go.dev/doc/asm)
    - [runtime/stkframe.go: argBytes](https://cs.opensource.google/go/go/+/master:src/runtime/stkframe.go)
    - [go vet asmdecl](https://pkg.go.dev/golang.org/x/tools/go/analysis/passes/asmdecl)
    """,
)

_CALLS = frozenset({"CALL", "BL", "JAL"})
_OPCODE = re.compile(r"^\s*(?:[A-Za-z0-9_]+:)?\s*([A-Z]+)\s+(.*)$")
# A call to a symbol Go code can name: another package's or this one's,
# not a file-local helper (name<>) and not a register (C calls in runtime).
_GO_TARGET = re.compile(r"[^\s,]*·[^\s<(]+\(SB\)")


@RULE.on_package
def check(package: Package, report: Reporter) -> None:
    path = import_path(package) or ""
    if path in ("runtime", "runtime/cgo") or path.startswith("internal/runtime/"):
        return  # runtime assembly runs on system stacks, which never move
    expected: dict[tuple[str, int], dict[str, int]] = {}
    calling: set[tuple[str, int]] = set()
    files = {}
    views: dict[tuple[str, str], PackageView] = {}
    leaves = _leaves(package)
    for af in package.asm_files:
        calls = _calling_texts(af, leaves)
        for ctx in asm_contexts(af, report.targets):
            key = (ctx.goos, ctx.goarch)
            view = views.get(key) or views.setdefault(key, PackageView.of(package, ctx))
            for t in af.texts:
                name = local_name(t.symbol, view.path)
                sizes = parse_frame(t)
                if name is None or sizes is None or sizes.args is not None or name[1]:
                    continue  # another package's, unreadable, complete, or register ABI
                if "NOSPLIT" in flags_of(t) and t.line not in calls:
                    continue  # a NOSPLIT leaf: the runtime never walks its frame
                frame = view.frame(name[0])
                if frame is None or frame.size == 0:
                    continue  # no declaration we can lay out, or nothing to pass
                files[af.display] = af
                if t.line in calls:
                    calling.add((af.display, t.line))
                expected.setdefault((af.display, t.line), {})[ctx.goarch] = frame.size

    for (display, line), by_arch in sorted(expected.items()):
        af = files[display]
        t = next(t for t in af.texts if t.line == line)
        sizes = sorted(set(by_arch.values()))
        if len(sizes) == 1:
            want = f"$...-{sizes[0]}"
        else:
            want = ", ".join(f"$...-{n} on {a}" for a, n in sorted(by_arch.items()))
        why = "it calls Go code" if (display, line) in calling else "it is not NOSPLIT"
        name = t.symbol.rpartition("·")[2]
        report.in_file(af).at_line(
            line,
            f"TEXT {name} has no argument size but {why}: the GC cannot see "
            f"its arguments; the declaration needs {want}",
            fix=f"write the frame as ${'0' if t.frame is None else t.frame[1:]}-{sizes[0]}"
            if len(sizes) == 1
            else "write the argument size of each architecture's file",
        )


def _calling_texts(af: AsmFile, leaves: set[str]) -> set[int]:
    """Lines of the TEXT symbols whose body calls a Go-visible symbol that
    is not a NOSPLIT assembly leaf of the package."""
    out: set[int] = set()
    for t, targets in _calls(af).items():
        if any(_symbol_name(x) not in leaves for x in targets):
            out.add(t)
    return out


def _calls(af: AsmFile) -> dict[int, list[str]]:
    """Per TEXT line, the Go-visible symbols its body calls (read once per
    file)."""
    return af.shared("asm-calls", lambda: _find_calls(af))


def _find_calls(af: AsmFile) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    starts = {t.line for t in af.texts}
    current = None
    for lineno, raw in enumerate(af.text_lines, start=1):
        if lineno in starts:
            current = lineno
            out[current] = []
            continue
        if current is None or "(SB)" not in raw:
            continue  # a call target Go can name is written sym(SB)
        m = _OPCODE.match(raw.split("//", 1)[0])
        if m and m.group(1) in _CALLS:
            target = _GO_TARGET.search(m.group(2))
            if target:
                out[current].append(target.group(0))
    return out


def _symbol_name(written: str) -> str:
    """``runtime·f`` for ``runtime·f(SB)``; ``·f`` stays ``·f``."""
    return written.removesuffix("(SB)")


def _leaves(package: Package) -> set[str]:
    """Package assembly symbols (as written and as ``·name``) that are
    NOSPLIT and call only such symbols: calling them cannot grow the stack."""
    nosplit: dict[str, list[str]] = {}
    for af in package.asm_files:
        calls = _calls(af)
        for t in af.texts:
            if "NOSPLIT" in flags_of(t):
                nosplit[t.symbol] = [_symbol_name(c) for c in calls.get(t.line, [])]
    out: set[str] = set()
    changed = True
    while changed:  # a fixpoint: leaves may call leaves
        changed = False
        for sym, targets in nosplit.items():
            if sym not in out and all(c in out or _short(c) in out for c in targets):
                out |= {sym, _short(sym)}
                changed = True
    return out


def _short(sym: str) -> str:
    return "·" + sym.rpartition("·")[2]
