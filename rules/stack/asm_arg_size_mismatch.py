"""STK001 asm-arg-size-mismatch."""

from __future__ import annotations

import re

from goabilint_rules.stack._abi import (
    AsmVar,
    FuncFrame,
    PackageView,
    asm_contexts,
    flags_of,
    local_name,
    parse_frame,
)

from goabilint.context import Reporter
from goabilint.rule import Rule, Severity
from goabilint.source import AsmFile, Package

RULE = Rule(
    code="STK001",
    name="asm-arg-size-mismatch",
    title="assembly argument size or FP offset disagrees with the Go declaration",
    severity=Severity.ERROR,
    since="0.1.0",
    tags=("assembly", "abi"),
    needs=(b"TEXT",),  # an assembly TEXT line in the package
    # Assembly reading the wrong stack slots reads and writes the caller's frame.
    security_severity=5.0,
    doc="""
    ## What it does
    For each `TEXT ·name(SB), FLAGS, $frame-args` line of a Go assembly
    file whose function has a body-less Go declaration in the same package,
    computes the declaration's ABI0 argument frame for every target GOARCH
    that builds the file and reports:

    - an `args` size that differs from the frame size: parameters in
      order, each aligned to its own alignment, results starting at the
      next register-size boundary;
    - a `name+off(FP)` reference whose offset is not the offset of `name`
      (or of the part it names: `s_base`, `s_len`, `s_cap` for slices,
      `x_lo`/`x_hi` for 64-bit values on 32-bit ports, `p_field` for
      struct fields, ...), or a name the declaration does not have;
    - on 386 and amd64, an instruction whose operand width (from the
      opcode suffix) differs from the width of the value it names.

    Sizes come from goabilint's layout calculator; a function with a
    parameter whose layout it cannot compute (a type from another module,
    a type parameter) is skipped.

    ## Why is this bad?
    Assembly reads its arguments at fixed offsets from `FP`. If the Go
    declaration changed (a parameter added, an `int32` widened to `int`)
    or the port has other sizes (386 has 4-byte pointers and 4-byte
    aligned `int64`), the function reads the wrong bytes and writes its
    results over the caller's stack, and the garbage collector's argument
    pointer maps no longer match. Nothing fails to build.

    ## Example
    ```go
    func add(a, b int64) int64
    ```
    ```asm
    TEXT ·add(SB), NOSPLIT, $0-16   // results need 8 more bytes
        MOVQ a+0(FP), AX
        ADDQ b+8(FP), AX
        MOVQ AX, ret+16(FP)
        RET
    ```

    ## Use instead
    ```asm
    TEXT ·add(SB), NOSPLIT, $0-24
    ```

    ## Known problems
    Operand widths are only checked on 386 and amd64 (as `go vet` does;
    it has no width rules for arm64 either). Only plain integer sizes are
    read: a frame given by a `#define`d name is not checked. A TEXT symbol
    that names another package is not checked. An `args` size of 0 on a
    `NOSPLIT` function is accepted, as `go vet` accepts it; a missing
    `args` size is STK002's finding.

    ## References
    - [A Quick Guide to Go's Assembler](https://go.dev/doc/asm)
    - [go vet asmdecl](https://pkg.go.dev/golang.org/x/tools/go/analysis/passes/asmdecl)
    - [ABI0 argument layout](https://go.dev/s/regabi)
    """,
)

_NAMED_FP = re.compile(r"\$?([A-Za-z0-9_\x80-\U0010FFFF]+)\+([0-9]+)\(FP\)")
_DATA_OR_GLOBL = re.compile(r"\b(DATA|GLOBL)\b")
_OPCODE = re.compile(r"^\s*(?:[A-Za-z0-9_]+:)?\s*([A-Z]+)\s*([^,]*)(?:,\s*(.*))?")


@RULE.on_package
def check(package: Package, report: Reporter) -> None:
    seen: set[tuple[str, int, int, str]] = set()
    views: dict[tuple[str, str], PackageView] = {}
    for af in package.asm_files:
        if not package.reports_on(af):
            continue  # its findings would be dropped
        for ctx in asm_contexts(af, report.targets):
            key = (ctx.goos, ctx.goarch)
            if key not in views:
                views[key] = PackageView.of(package, ctx)
            for line, col, end, message in _check_file(af, views[key], ctx.goarch):
                if (af.display, line, col, message) in seen:
                    continue  # the same finding for another GOOS
                seen.add((af.display, line, col, message))
                report.in_file(af).at_line(line, message, column=col, end_column=end)


_MATTER = ("(FP)", "TEXT", "DATA", "GLOBL")


def _lines(af: AsmFile) -> list[tuple[int, str, str]]:
    """The lines of the file that matter here, each ``(line, kind, code)``:
    ``text`` a TEXT line, ``end`` one that ends a function (a TEXT the
    pattern did not take, DATA, GLOBL), ``fp`` one with an x+off(FP)
    operand. Read once per file, for every build context."""

    def read() -> list[tuple[int, str, str]]:
        texts = {t.line for t in af.texts}
        out = []
        for lineno, raw in enumerate(af.text_lines, start=1):
            if lineno in texts:
                out.append((lineno, "text", ""))
                continue
            if not any(w in raw for w in _MATTER):
                continue  # most lines: an instruction on registers
            code = raw.split("//", 1)[0]
            if "TEXT" in code and "SB" in code:
                out.append((lineno, "end", code))  # a TEXT line not taken
            elif ("DATA" in code or "GLOBL" in code) and _DATA_OR_GLOBL.search(code):
                out.append((lineno, "end", code))
            elif "(FP)" in code:
                out.append((lineno, "fp", code))
        return out

    return af.shared(_lines, read)


def _check_file(af: AsmFile, view: PackageView, arch: str):
    """Yield ``(line, column, end column, message)`` per problem."""
    texts = {t.line: t for t in af.texts}
    frame: FuncFrame | None = None
    fname = ""
    for lineno, kind, code in _lines(af):
        t = texts.get(lineno) if kind == "text" else None
        if t is None and frame is None:
            continue  # outside a function this rule can check
        if t is not None:
            frame, fname = None, ""
            name = local_name(t.symbol, view.path)
            if name is None:
                continue  # another package's symbol, or a file-local one
            fname = name[0]
            frame = view.frame(fname)
            if frame is None:
                continue  # no Go declaration, or one we cannot lay out
            sizes = parse_frame(t)
            if sizes is None or sizes.args is None:
                continue  # not plain integers, or STK002's case
            nosplit = "NOSPLIT" in flags_of(t)
            if sizes.args != frame.size and not (nosplit and sizes.args == 0):
                yield (
                    lineno,
                    1,
                    None,
                    (
                        f"[{arch}] {fname}: wrong argument size {sizes.args}; "
                        f"expected $...-{frame.size}"
                    ),
                )
            continue
        if kind == "end":
            frame = None
            continue
        if frame is None:
            continue
        for m in _NAMED_FP.finditer(code):
            problem = _check_ref(
                frame, m.group(0), m.group(1), int(m.group(2)), code, arch
            )
            if problem:
                yield lineno, m.start() + 1, m.end() + 1, f"[{arch}] {fname}: {problem}"


def _check_ref(
    frame: FuncFrame, expr: str, name: str, off: int, line: str, arch: str
) -> str | None:
    v = frame.vars.get(name)
    if v is None:
        if name == "argframe" and off == 0:
            return None
        other = frame.by_offset.get(off)
        if other is not None:
            return f"unknown variable {name}; offset {off} is {other.name}+{other.offset}(FP)"
        return f"unknown variable {name}"
    if off != v.offset:
        inner = [frame.vars[n] for n in v.inner]
        alts = ""
        if inner:
            alts = ", or " + ", ".join(f"{i.name}+{i.offset}(FP)" for i in inner)
        return f"invalid offset {expr}; expected {v.name}+{v.offset}(FP){alts}"
    width = _operand_width(line, expr, arch)
    if width is None:
        return None
    target = v
    if v.kind in ("iface", "eface", "string", "slice") and v.inner:
        target = frame.vars[v.inner[0]]  # the first word may be read alone
    if v.kind == "complex" and width.size == v.size:
        return None  # one instruction may load both halves
    kind, size, typ = target.kind, target.size, target.typ
    if width.address:
        ptr = 4 if arch == "386" else 8
        kind, size, typ = str(ptr), ptr, "address"
    if width.size and str(width.size) != kind:
        return f"invalid {width.op} of {expr}; {typ} is {size}-byte value{_containing(frame, v)}"
    return None


def _containing(frame: FuncFrame, v: AsmVar) -> str:
    if not v.inner:
        return ""
    names = [f"{frame.vars[n].name}+{frame.vars[n].offset}(FP)" for n in v.inner]
    if len(names) == 1:
        return f" containing {names[0]}"
    return " containing " + ", ".join(names[:-1]) + f" and {names[-1]}"


class _Width:
    def __init__(self, op: str, size: int, address: bool):
        self.op, self.size, self.address = op, size, address


def _operand_width(line: str, expr: str, arch: str) -> _Width | None:
    """The width an x86 instruction reads or writes at ``expr``, from its
    opcode; None when the opcode says nothing (or on other ports)."""
    if arch not in ("386", "amd64"):
        return None
    m = _OPCODE.match(line)
    if m is None:
        return None
    op = m.group(1)
    address = expr.startswith("$")
    src = dst = 0
    if arch == "386" and op == "FMOVLP":
        src, dst = 8, 4
    elif (arch, op) in (("386", "LEAL"), ("amd64", "LEAQ")):
        dst, address = (4 if arch == "386" else 8), True
    else:
        src = _x86_suffix_width(op)
    dst = dst or src
    is_dst = line.find(expr) > line.find(",") >= 0
    return _Width(op, dst if is_dst else src, address)


def _x86_suffix_width(op: str) -> int:
    if op.startswith("F") and op.endswith(("D", "DP")):
        return 8  # FMOVD, FMOVDP
    if op.startswith("P") and op.endswith("RD"):
        return 4  # PINSRD, PEXTRD
    if op.startswith("F") and op.endswith(("F", "FP")):
        return 4
    if op.endswith("SD"):
        return 8
    if op.endswith("SS"):
        return 4
    if op in ("MOVO", "MOVOU"):
        return 16
    if op.startswith("SET"):
        return 1
    return {"B": 1, "W": 2, "L": 4, "D": 8, "Q": 8}.get(op[-1], 0)
