"""Which ports compile a statement at all: ``runtime.GOOS``/``GOARCH`` guards.

``runtime.GOOS`` and ``runtime.GOARCH`` are constants, so the compiler
drops a branch they rule out before it writes the object file (with
``-gcflags=-N`` too). A call in such a branch leaves no reference to the
called symbol, and the linker checks nothing for it::

    switch runtime.GOOS {
    case "darwin":
        return sysctlEnabled(name) // no reference on linux/arm64
    }

:func:`guard` reads the conditions of the ``if`` and ``switch``
statements around a node as a :data:`Cond` that :func:`holds` evaluates
for a build context: ``True``, ``False``, or ``None`` when it depends on
something other than the port.
"""

from __future__ import annotations

from goabilint import syntax
from goabilint.constraints import BuildContext
from goabilint.syntax import Node

__all__ = ["Cond", "guard", "holds"]

# ("port", "goos"|"goarch", value), ("not", c), ("and", cs), ("or", cs),
# ("true",), ("unknown",).
Cond = tuple

_TRUE: Cond = ("true",)
_UNKNOWN: Cond = ("unknown",)


def holds(cond: Cond, ctx: BuildContext) -> bool | None:
    """Whether ``cond`` is true for ``ctx``; None when it cannot be known."""
    op = cond[0]
    if op == "true":
        return True
    if op == "unknown":
        return None
    if op == "port":
        return (ctx.goos if cond[1] == "goos" else ctx.goarch) == cond[2]
    if op == "not":
        v = holds(cond[1], ctx)
        return None if v is None else not v
    values = [holds(c, ctx) for c in cond[1]]
    if op == "and":
        if False in values:
            return False
        return True if all(v is True for v in values) else None
    if True in values:  # "or"
        return True
    return False if all(v is False for v in values) else None


def guard(node: Node, runtime_names: set[str]) -> Cond:
    """The port conditions under which the statement holding ``node`` runs.

    ``runtime_names`` are the file's local names for package runtime.
    """
    if not runtime_names:
        return _TRUE
    conds: list[Cond] = []
    child = node
    for parent in syntax.ancestors(node):
        if parent.type in ("function_declaration", "method_declaration"):
            break
        if parent.type == "if_statement":
            c = _if_branch(parent, child, runtime_names)
            if c is not None:
                conds.append(c)
        elif parent.type in ("expression_case", "default_case"):
            switch = parent.parent
            if switch is not None and switch.type == "expression_switch_statement":
                c = _case_branch(switch, parent, child, runtime_names)
                if c is not None:
                    conds.append(c)
        child = parent
    if not conds:
        return _TRUE
    return conds[0] if len(conds) == 1 else ("and", tuple(conds))


def _if_branch(stmt: Node, child: Node, names: set[str]) -> Cond | None:
    cond = stmt.child_by_field_name("condition")
    if cond is None:
        return None
    if _same(child, stmt.child_by_field_name("consequence")):
        return _expr(cond, names)
    if _same(child, stmt.child_by_field_name("alternative")):
        return ("not", _expr(cond, names))
    return None  # the initializer or the condition itself


def _case_branch(switch: Node, case: Node, child: Node, names: set[str]) -> Cond | None:
    if case.type == "expression_case" and _same(
        child, case.child_by_field_name("value")
    ):
        return None  # a use in the case expressions, not in its body
    tag = switch.child_by_field_name("value")
    tag_key = _port_value(tag, names) if tag is not None else None
    if tag is not None and tag_key is None:
        return _UNKNOWN  # a switch on something else
    cases = [
        c
        for c in switch.named_children
        if c.type in ("expression_case", "default_case")
    ]

    def matches(c: Node) -> Cond:
        values = syntax.expression_items(c.child_by_field_name("value"))
        if tag_key is None:  # switch { case cond: }
            alts = [_expr(v, names) for v in values]
        else:
            alts = [_literal_eq(tag_key, v) for v in values]
        return alts[0] if len(alts) == 1 else ("or", tuple(alts))

    def entered(i: int) -> Cond:
        """The case is chosen: it matches and no case before it does; the
        default case when none matches."""
        c = cases[i]
        if c.type == "default_case":
            return (
                "and",
                tuple(("not", matches(o)) for o in cases if o.type != "default_case"),
            )
        earlier = tuple(
            ("not", matches(o)) for o in cases[:i] if o.type != "default_case"
        )
        return ("and", (*earlier, matches(c)))

    i = next(k for k, c in enumerate(cases) if _same(c, case))
    # The body also runs after the cases above it that fall through into it.
    ways = [entered(i)]
    j = i - 1
    while j >= 0 and _falls_through(cases[j]):
        ways.append(entered(j))
        j -= 1
    return ways[0] if len(ways) == 1 else ("or", tuple(ways))


def _falls_through(case: Node) -> bool:
    """Whether the case's last statement is ``fallthrough``."""
    body = [n for n in case.named_children if n.type == "statement_list"]
    stmts = body[0].named_children if body else []
    stmts = [n for n in stmts if n.type != "comment"]
    return bool(stmts) and stmts[-1].type == "fallthrough_statement"


def _expr(node: Node, names: set[str]) -> Cond:
    node = syntax.unparen(node)
    if node.type == "unary_expression":
        op = node.child_by_field_name("operator")
        operand = node.child_by_field_name("operand")
        if op is not None and syntax.text(op) == "!" and operand is not None:
            return ("not", _expr(operand, names))
        return _UNKNOWN
    if node.type != "binary_expression":
        return _UNKNOWN
    op = syntax.text(node.child_by_field_name("operator"))
    left = node.child_by_field_name("left")
    right = node.child_by_field_name("right")
    if left is None or right is None:
        return _UNKNOWN
    if op in ("&&", "||"):
        return (
            "and" if op == "&&" else "or",
            (_expr(left, names), _expr(right, names)),
        )
    if op in ("==", "!="):
        key = _port_value(left, names)
        lit = right
        if key is None:
            key, lit = _port_value(right, names), left
        if key is None:
            return _UNKNOWN
        eq = _literal_eq(key, lit)
        return eq if op == "==" else ("not", eq)
    return _UNKNOWN


def _literal_eq(key: str, lit: Node) -> Cond:
    value = syntax.string_value(syntax.unparen(lit))
    return _UNKNOWN if value is None else ("port", key, value)


def _port_value(node: Node | None, names: set[str]) -> str | None:
    """``"goos"`` for ``runtime.GOOS``, ``"goarch"`` for ``runtime.GOARCH``."""
    if node is None:
        return None
    node = syntax.unparen(node)
    if node.type != "selector_expression":
        return None
    operand = node.child_by_field_name("operand")
    field = node.child_by_field_name("field")
    if (
        operand is None
        or operand.type != "identifier"
        or syntax.text(operand) not in names
    ):
        return None
    return {"GOOS": "goos", "GOARCH": "goarch"}.get(syntax.text(field))


def _same(a: Node | None, b: Node | None) -> bool:
    return a is not None and b is not None and a.id == b.id
