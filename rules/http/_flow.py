"""Intra-procedural control flow over a tree-sitter Go function body.

The walk is a small abstract interpretation over statement lists. It carries
the state of every path through the function as a pair: an *environment*
(conditions known on that path, such as ``err != nil`` being true) and a set
of *facts* that a client collects (a response was written, a goroutine was
started). Branches split the paths, joins merge them, loops run to a fixed
point, and ``return``, ``panic`` and calls that never return end a path.

Clients see the interesting expressions of each statement in evaluation
order (calls, channel receives, sends, assignments, ``go``/``defer``
statements, range clauses) through :meth:`Client.step`, and every normal
exit from the function through :meth:`Client.leave`.

The environment only ever removes paths that contradict a condition seen
before, so its mistakes can hide a finding but never invent one: conditions
that contain calls, and variables whose address is taken or that a closure
assigns, are never recorded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from goabilint.source import GoFile
from goabilint.syntax import Node, captures, find_local_declaration, text, unparen
from goabilint.syntax import expression_items as items

__all__ = ["Client", "Facts", "atoms", "nonreturning", "walk"]

Facts = frozenset
Env = frozenset  # of (condition key, truth)
States = dict[Env, Facts]

# Bounds that keep pathological functions cheap. Past MAX_PATHS distinct
# environments the paths merge, keeping only the conditions they agree on;
# a loop that has not settled after MAX_ROUNDS forgets its conditions.
MAX_PATHS = 16
MAX_ROUNDS = 12
MAX_ALTERNATIVES = 8
MAX_CONDITION_DEPTH = 32

# Methods that stop the goroutine: loggers' Fatal and Panic families, and
# the testing methods that call runtime.Goexit.
STOPPING_METHODS = frozenset(
    {"Fatal", "Fatalf", "Fatalln", "Panic", "Panicf", "Panicln"}
)
TESTING_STOPS = frozenset({"FailNow", "SkipNow", "Skip", "Skipf"})
TESTING_TYPES = ("T", "B", "F", "TB")
STOPPING_FUNCS = (("os", "Exit"), ("runtime", "Goexit"), ("syscall", "Exit"))

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Client(Protocol):
    def step(self, node: Node, facts: Facts, certain: bool, failing: bool) -> Facts:
        """The facts after ``node`` runs on a path that had ``facts``.

        ``certain`` is false for expressions that may be skipped (the right
        operand of ``&&`` and ``||``). ``failing`` is true on the path where
        the call's error result is known to be non-nil.
        """
        ...

    def leave(self, node: Node, facts: Facts) -> None:
        """A path returns at ``node``: a return, or the body's closing brace."""
        ...


def walk(
    file: GoFile, function: Node, client: Client, facts: Facts = frozenset()
) -> None:
    """Run ``client`` over every path through ``function``'s body."""
    body = function.child_by_field_name("body")
    if body is None:
        return  # a declaration without a body (assembly or linkname)
    walker = _Walker(file, client, volatile_names(body))
    # The walk recurses once per nested statement; code nested deeper than
    # Python's stack allows raises RecursionError, which callers treat as
    # "not analysed".
    out = walker.block(body, {frozenset(): facts})
    end = body.children[-1] if body.children else body  # the closing brace
    for path_facts in out.values():
        client.leave(end, path_facts)


def atoms(node: Node, certain: bool = True) -> Iterator[tuple[Node, bool]]:
    """Calls and channel receives under ``node``, in evaluation order.

    Arguments come before the call that takes them; function literals are
    values, so their bodies are not entered.
    """
    # Iterative post-order: generated code nests expressions deep enough to
    # exhaust Python's recursion limit.
    stack: list[tuple[Node, bool, bool]] = [(node, certain, False)]
    while stack:
        n, sure, expanded = stack.pop()
        if expanded:
            if n.type == "call_expression" or _is_receive(n):
                yield n, sure
            continue
        if n.type == "func_literal":
            continue
        stack.append((n, sure, True))
        children = n.named_children
        if n.type == "binary_expression" and _operator(n) in ("&&", "||"):
            # The right operand runs only on some paths.
            left, right = n.child_by_field_name("left"), n.child_by_field_name("right")
            children = [c for c in (left, right) if c is not None]
            for c in reversed(children):
                stack.append((c, sure and c == left, False))
            continue
        for c in reversed(children):
            stack.append((c, sure, False))


def nonreturning(file: GoFile, call: Node) -> bool:
    """Whether ``call`` never returns: panic, os.Exit, log.Fatal, t.FailNow."""
    call = unparen(call)
    if call.type != "call_expression":
        return False
    function = call.child_by_field_name("function")
    if function is None:
        return False
    if function.type == "identifier":
        return text(function) == "panic" and file.is_predeclared(function)
    if function.type != "selector_expression":
        return False
    method = text(function.child_by_field_name("field"))
    if any(file.refers_to(function, p, n) for p, n in STOPPING_FUNCS):
        return True
    if method in STOPPING_METHODS:
        return True  # log.Fatal, and loggers that follow its convention
    if method in TESTING_STOPS:
        return _is_testing_value(file, function.child_by_field_name("operand"))
    return False


def _is_testing_value(file: GoFile, operand: Node | None) -> bool:
    if operand is None or operand.type != "identifier":
        return False
    decl = find_local_declaration(operand)
    if decl is None or decl.type is None:
        return False
    t = decl.type
    while t.type == "pointer_type" and t.named_children:
        t = t.named_children[0]
    return any(file.refers_to(t, "testing", name) for name in TESTING_TYPES)


def _operator(node: Node) -> str:
    return text(node.child_by_field_name("operator"))


def _is_receive(node: Node) -> bool:
    return node.type == "unary_expression" and _operator(node) == "<-"


def volatile_names(body: Node) -> frozenset[str]:
    """Names whose value may change where the walk cannot see it.

    A variable whose address is taken, or that a function literal assigns,
    can change during any call; conditions on it are never recorded.
    """
    out: set[str] = set()
    found = captures(_VOLATILE, body)
    for n in found.get("address", ()):
        operand = n.child_by_field_name("operand")
        if operand is not None and _operator(n) == "&":
            out.update(_IDENT.findall(text(operand))[:1])
    for literal in found.get("literal", ()):
        for n in captures(_CHANGES, literal).get("change", ()):
            left = n.child_by_field_name("left") or (n.named_children or [None])[0]
            if left is not None:
                out.update(_roots(left))
    return frozenset(out)


_VOLATILE = "(unary_expression) @address (func_literal) @literal"
_CHANGES = "[(assignment_statement) (inc_statement) (dec_statement)] @change"


def _roots(left: Node) -> list[str]:
    """The variables an assignment's left side changes (``s`` for ``s.f[i]``)."""
    targets = left.named_children if left.type == "expression_list" else [left]
    out = []
    for t in targets:
        t = unparen(t)
        while t.type in ("selector_expression", "index_expression", "slice_expression"):
            t = unparen(t.child_by_field_name("operand") or t)
            if t.type not in (
                "selector_expression",
                "index_expression",
                "slice_expression",
            ):
                break
        if t.type == "unary_expression" and _operator(t) == "*":
            t = unparen(t.child_by_field_name("operand") or t)
        if t.type == "identifier" and text(t) != "_":
            out.append(text(t))
    return out


@dataclass
class _Frame:
    """A statement that ``break`` or ``continue`` can leave."""

    kind: str  # "loop", "switch" or "select"
    label: str | None
    breaks: States = field(default_factory=dict)
    continues: States = field(default_factory=dict)


def join(*many: States) -> States:
    out: States = {}
    for states in many:
        for env, facts in states.items():
            out[env] = out[env] | facts if env in out else facts
    if len(out) <= MAX_PATHS:
        return out
    # Too many distinct paths. Paths that collected the same facts merge
    # first, keeping the conditions they share: a switch with many cases
    # then still knows which paths wrote the error.
    shared: dict[Facts, Env] = {}
    for env, facts in out.items():
        shared[facts] = shared[facts] & env if facts in shared else env
    if len(shared) <= MAX_PATHS:
        merged: States = {}
        for facts, env in shared.items():
            merged[env] = merged[env] | facts if env in merged else facts
        return merged
    # Still too many: keep what they all agree on.
    common = frozenset.intersection(*out.keys())
    return {common: frozenset().union(*out.values())}


def _forget(states: States) -> States:
    return {frozenset(): frozenset().union(*states.values())} if states else {}


class _Walker:
    def __init__(self, file: GoFile, client: Client, volatile: frozenset[str]):
        self.file = file
        self.client = client
        self.volatile = volatile
        self.frames: list[_Frame] = []

    # Statements.

    def block(self, node: Node, states: States) -> States:
        for stmt in _statements(node):
            if not states:
                break  # no path reaches the rest of the block
            states = self.stmt(stmt, states)
        return states

    def stmt(self, node: Node, states: States, label: str | None = None) -> States:
        kind = node.type
        if kind in ("block", "statement_list"):
            return self.block(node, states)
        if kind == "expression_statement":
            expr = node.named_children[0] if node.named_children else None
            if expr is None:
                return states
            states = self.expr(expr, states)
            return {} if nonreturning(self.file, expr) else states
        if kind in ("assignment_statement", "short_var_declaration"):
            return self.assign(node, states)
        if kind == "var_declaration":
            for spec in _var_specs(node):
                states = self.assign(spec, states)
            return states
        if kind in ("inc_statement", "dec_statement"):
            target = node.named_children[0] if node.named_children else None
            states = self.expr(target, states) if target is not None else states
            return self.invalidate(
                self.step(node, states), _roots(target) if target else []
            )
        if kind == "send_statement":
            states = self.expr(node, states)
            return self.step(node, states)
        if kind in ("go_statement", "defer_statement"):
            return self.step(node, states)
        if kind == "return_statement":
            states = self.expr(node, states)
            for facts in states.values():
                self.client.leave(node, facts)
            return {}
        if kind == "if_statement":
            return self.if_(node, states)
        if kind == "for_statement":
            return self.for_(node, states, label)
        if kind in ("expression_switch_statement", "type_switch_statement"):
            return self.switch(node, states, label)
        if kind == "select_statement":
            return self.select(node, states, label)
        if kind == "labeled_statement":
            inner = [c for c in _named(node) if c.type != "label_name"]
            name = text(node.child_by_field_name("label"))
            return self.stmt(inner[0], states, name) if inner else states
        if kind in ("break_statement", "continue_statement"):
            self.jump(node, states)
            return {}
        if kind == "goto_statement":
            # Jumps are not followed: the path is dropped, which can only
            # hide findings on the code after the label.
            return {}
        if kind == "receive_statement":
            return self.assign(node, states)
        return states  # declarations of types and constants, empty statements

    def jump(self, node: Node, states: States) -> None:
        label_node = next(
            (c for c in node.named_children if c.type == "label_name"), None
        )
        label = text(label_node) if label_node is not None else None
        is_break = node.type == "break_statement"
        for frame in reversed(self.frames):
            if label is not None and frame.label != label:
                continue
            if not is_break and frame.kind != "loop":
                continue  # continue skips switch and select
            if is_break:
                frame.breaks = join(frame.breaks, states)
            else:
                frame.continues = join(frame.continues, states)
            return

    def if_(self, node: Node, states: States) -> States:
        init = node.child_by_field_name("initializer")
        if init is not None:
            states = self.stmt(init, states)
        cond = node.child_by_field_name("condition")
        yes, no = self.branch(cond, states) if cond is not None else (states, states)
        consequence = node.child_by_field_name("consequence")
        alternative = node.child_by_field_name("alternative")
        yes = self.block(consequence, yes) if consequence is not None else yes
        if alternative is not None:
            no = self.stmt(alternative, no)
        return join(yes, no)

    def for_(self, node: Node, states: States, label: str | None) -> States:
        clause = next(
            (
                c
                for c in node.named_children
                if c.type in ("for_clause", "range_clause")
            ),
            None,
        )
        body = node.child_by_field_name("body")
        cond: Node | None = None
        update: Node | None = None
        if clause is not None and clause.type == "for_clause":
            init = clause.child_by_field_name("initializer")
            if init is not None:
                states = self.stmt(init, states)
            cond = clause.child_by_field_name("condition")
            update = clause.child_by_field_name("update")
        elif clause is not None:
            right = clause.child_by_field_name("right")
            if right is not None:
                states = self.expr(right, states)  # evaluated once
        else:
            cond = next((c for c in _named(node) if c != body), None)

        frame = _Frame("loop", label)
        self.frames.append(frame)
        head = states
        exits: States = {}
        for round_ in range(2 * MAX_ROUNDS):
            if round_ >= MAX_ROUNDS:
                head = _forget(head)  # give up on conditions; facts still grow
            inside, leaving = head, {}
            if clause is not None and clause.type == "range_clause":
                inside = self.step(clause, head)
                left = clause.child_by_field_name("left")
                inside = self.invalidate(inside, _roots(left) if left else [])
                leaving = inside  # the range may run out before any iteration
            elif cond is not None:
                inside, leaving = self.branch(cond, head)
            frame.continues = {}
            out = self.block(body, inside) if body is not None else inside
            out = join(out, frame.continues)
            if update is not None and out:
                out = self.stmt(update, out)
            exits = join(exits, leaving)
            new_head = join(head, out)
            if new_head == head:
                break
            head = new_head
        self.frames.pop()
        return join(exits, frame.breaks)

    def switch(self, node: Node, states: States, label: str | None) -> States:
        init = node.child_by_field_name("initializer")
        if init is not None:
            states = self.stmt(init, states)
        value = node.child_by_field_name("value")
        if value is not None:
            states = self.expr(value, states)
        if node.type == "type_switch_statement":
            alias = node.child_by_field_name("alias")
            if alias is not None:
                states = self.invalidate(states, _roots(alias))

        cases = [c for c in node.named_children if c.type.endswith("_case")]
        frame = _Frame("switch", label)
        self.frames.append(frame)
        out: States = {}
        carried: States = {}  # from a case that ends in fallthrough
        remaining = states  # paths on which no earlier case matched
        tagless = node.type == "expression_switch_statement" and value is None
        has_default = any(c.type == "default_case" for c in cases)
        for case in cases:
            entry = remaining
            if tagless and case.type == "expression_case":
                entry, remaining = self.case_branch(case, remaining)
            elif case.type == "expression_case":
                entry = self.expr(case.child_by_field_name("value"), remaining)
                entry = self.apply(entry, self.matches(value, case))
            if case.type == "default_case":
                entry = (
                    self.default_entry(cases, states)
                    if tagless
                    else self.apply(states, self.unmatched(value, cases))
                )
            result = self.block(case, join(entry, carried))
            carried = {}
            if _ends_in_fallthrough(case):
                carried = result
            else:
                out = join(out, result)
        self.frames.pop()
        if not has_default:
            if not tagless:
                remaining = self.apply(states, self.unmatched(value, cases))
            out = join(out, remaining)
        return join(out, frame.breaks)

    def case_branch(self, case: Node, states: States) -> tuple[States, States]:
        values = case.child_by_field_name("value")
        exprs = values.named_children if values is not None else []
        if len(exprs) == 1:
            return self.branch(exprs[0], states)
        states = self.expr(values, states) if values is not None else states
        return states, states

    def matches(self, value: Node | None, case: Node) -> list[list[tuple[str, bool]]]:
        """What ``case X, Y:`` of ``switch value`` tells: ``value == X`` or
        ``value == Y``."""
        keys, complete = self.case_keys(value, case)
        if not complete or not keys or len(keys) > MAX_ALTERNATIVES:
            return [[]]  # a value that is not tracked may be the one that matched
        return [[(key, False)] for key in keys]

    def unmatched(
        self, value: Node | None, cases: list[Node]
    ) -> list[list[tuple[str, bool]]]:
        """What reaching ``default:``, or the end of a switch without one,
        tells: ``value`` differs from every value of every case."""
        out: list[tuple[str, bool]] = []
        for case in cases:
            if case.type == "expression_case":
                keys, _ = self.case_keys(value, case)
                out.extend((key, True) for key in keys)
        return [out]

    def case_keys(self, value: Node | None, case: Node) -> tuple[list[str], bool]:
        """The keys of ``value != X`` for the values ``X`` of ``case`` that
        can be tracked, and whether that was all of them."""
        if value is None or _has_call(value) or self.untracked(value):
            return [], False
        values = case.child_by_field_name("value")
        keys = []
        complete = True
        for x in _named(values) if values is not None else []:
            if _has_call(x) or self.untracked(x):
                complete = False
            else:
                keys.append(_compare_key(text(value), text(x)))
        return keys, complete

    def untracked(self, node: Node) -> bool:
        return any(n in self.volatile for n in _IDENT.findall(text(node)))

    def default_entry(self, cases: list[Node], states: States) -> States:
        # The default case runs when every tagless case was false.
        for case in cases:
            if case.type != "expression_case":
                continue
            values = case.child_by_field_name("value")
            exprs = values.named_children if values is not None else []
            if len(exprs) == 1:
                states = self.apply(states, self.assume(exprs[0], False))
        return states

    def select(self, node: Node, states: States, label: str | None) -> States:
        cases = [c for c in node.named_children if c.type.endswith("_case")]
        if not cases:
            return {}  # select {} blocks forever
        frame = _Frame("select", label)
        self.frames.append(frame)
        out: States = {}
        for case in cases:
            entry = states
            comm = case.child_by_field_name("communication")
            if comm is not None:
                entry = self.stmt(comm, entry)
            out = join(out, self.block(case, entry))
        self.frames.pop()
        return join(out, frame.breaks)

    def assign(self, node: Node, states: States) -> States:
        """``a, err = f()``, ``x := v``, a var spec, or ``v := <-ch``."""
        if node.type == "var_spec":
            left_exprs = node.children_by_field_name("name")
            right = node.child_by_field_name("value")
        else:
            left_exprs = items(node.child_by_field_name("left"))
            right = node.child_by_field_name("right")
        targets = [n for e in left_exprs for n in _roots(e)]
        values = items(right)

        # A call whose last result is checked against nil: on the path where
        # it failed, its effects may not have happened (an encoder that
        # failed to marshal wrote nothing).
        error_name = None
        if len(values) == 1 and unparen(values[0]).type == "call_expression":
            last = left_exprs[-1] if left_exprs else None
            if last is not None and last.type == "identifier" and text(last) != "_":
                error_name = text(last)

        for expr in left_exprs:
            # Index and selector operands on the left run before the store.
            if expr.type != "identifier":
                states = self.expr(expr, states)
        if error_name is not None:
            call = unparen(values[0])
            states = self.expr_except(call, states)
            ok = self.step(call, states)
            failed = self.step(call, states, failing=True)
        else:
            for v in values:
                states = self.expr(v, states)
            ok, failed = states, states
        ok, failed = self.step(node, ok), self.step(node, failed)
        ok, failed = self.invalidate(ok, targets), self.invalidate(failed, targets)

        if error_name is not None and ok != failed:
            if error_name in self.volatile:
                return join(ok, failed)
            key = _compare_key(error_name, "nil")
            return join(
                self.apply(ok, [[(key, False)]]), self.apply(failed, [[(key, True)]])
            )
        return self.remember(ok, left_exprs, values)

    def remember(self, states: States, left: list[Node], values: list[Node]) -> States:
        """Record ``flag = true``, ``err = nil`` and ``var ok bool`` as conditions."""
        if len(left) == 1 and not values and left[0].parent is not None:
            # var ok bool, var err error: the zero value.
            declared = left[0].parent.child_by_field_name("type")
            zero = {"bool": "false", "error": "nil"}.get(text(declared))
            if zero is not None and text(left[0]) not in self.volatile:
                key = (
                    text(left[0])
                    if zero == "false"
                    else _compare_key(text(left[0]), "nil")
                )
                return self.apply(states, [[(key, False)]])
            return states
        if len(left) != 1 or len(values) != 1:
            return states
        name, value = unparen(left[0]), unparen(values[0])
        if name.type != "identifier" or text(name) in self.volatile:
            return states
        if value.type in ("true", "false"):
            return self.apply(states, [[(text(name), value.type == "true")]])
        if value.type == "nil":
            return self.apply(states, [[(_compare_key(text(name), "nil"), False)]])
        return states

    # Expressions and conditions.

    def expr(self, node: Node | None, states: States) -> States:
        if node is None:
            return states
        for atom, certain in atoms(node):
            states = self.step(atom, states, certain=certain)
        return states

    def expr_except(self, call: Node, states: States) -> States:
        """Every atom of ``call`` but the call itself."""
        for atom, certain in atoms(call):
            if atom != call:
                states = self.step(atom, states, certain=certain)
        return states

    def step(
        self, node: Node, states: States, *, certain: bool = True, failing: bool = False
    ) -> States:
        out: States = {}
        for env, facts in states.items():
            new = self.client.step(node, facts, certain, failing)
            out[env] = out[env] | new if env in out else new
        return out

    def branch(self, cond: Node, states: States) -> tuple[States, States]:
        """The paths on which ``cond`` is true, and those on which it is false."""
        inner = unparen(cond)
        # if err := enc.Encode(v); err != nil is handled by assign(); this is
        # the same for a call compared with nil in the condition itself.
        if inner.type == "binary_expression" and _operator(inner) in ("!=", "=="):
            left = unparen(inner.child_by_field_name("left"))
            right = unparen(inner.child_by_field_name("right"))
            call = (
                left if right.type == "nil" else right if left.type == "nil" else None
            )
            if call is not None and call.type == "call_expression":
                states = self.expr_except(call, states)
                ok, failed = (
                    self.step(call, states),
                    self.step(call, states, failing=True),
                )
                return (failed, ok) if _operator(inner) == "!=" else (ok, failed)
        states = self.expr(cond, states)
        return (
            self.apply(states, self.assume(cond, True)),
            self.apply(states, self.assume(cond, False)),
        )

    def assume(
        self, cond: Node, truth: bool, depth: int = 0
    ) -> list[list[tuple[str, bool]]]:
        """The conditions under which ``cond`` has ``truth``, as alternatives."""
        if depth > MAX_CONDITION_DEPTH:
            return [[]]  # a generated chain of && or ||: assume nothing
        depth += 1
        cond = unparen(cond)
        if cond.type == "unary_expression" and _operator(cond) == "!":
            operand = cond.child_by_field_name("operand")
            if operand is None:
                return [[]]
            return self.assume(operand, not truth, depth)
        if cond.type in ("true", "false"):
            return [[]] if (cond.type == "true") == truth else []
        if cond.type == "binary_expression" and _operator(cond) in ("&&", "||"):
            left = self.assume(cond.child_by_field_name("left"), truth, depth)
            right = self.assume(cond.child_by_field_name("right"), truth, depth)
            both = (_operator(cond) == "&&") == truth
            if both:
                out = [a + b for a in left for b in right]
            else:
                out = left + right
            return out if len(out) <= MAX_ALTERNATIVES else [[]]
        key = self.key(cond)
        if key is None:
            return [[]]
        name, positive = key
        return [[(name, truth == positive)]]

    def key(self, cond: Node) -> tuple[str, bool] | None:
        """A name for a condition, and whether the name says it holds."""
        if _has_call(cond):
            return None  # calls may answer differently each time
        if any(n in self.volatile for n in _IDENT.findall(text(cond))):
            return None
        if cond.type == "binary_expression" and _operator(cond) in ("==", "!="):
            left = text(unparen(cond.child_by_field_name("left")))
            right = text(unparen(cond.child_by_field_name("right")))
            return _compare_key(left, right), _operator(cond) == "!="
        return " ".join(text(cond).split()), True

    def apply(
        self, states: States, alternatives: list[list[tuple[str, bool]]]
    ) -> States:
        out: States = {}
        for env, facts in states.items():
            known = dict(env)
            for conj in alternatives:
                if any(known.get(k, v) != v for k, v in conj):
                    continue  # contradicts what this path knows
                merged = env | frozenset(conj)
                if len(dict(merged)) != len(merged) or not _consistent(merged):
                    continue  # the alternative contradicts itself
                out[merged] = out[merged] | facts if merged in out else facts
        return join(out)

    def invalidate(self, states: States, names: list[str]) -> States:
        if not names:
            return states
        gone = set(names)
        out: States = {}
        for env, facts in states.items():
            kept = frozenset(
                (k, v) for k, v in env if not gone.intersection(_IDENT.findall(k))
            )
            out[kept] = out[kept] | facts if kept in out else facts
        return out


# net/http's method names, so that r.Method == http.MethodGet and
# r.Method == "POST" are known to exclude each other.
_METHOD_CONSTANT = re.compile(
    r"^[A-Za-z_]\w*\.Method(Get|Head|Post|Put|Patch|Delete|Connect|Options|Trace)$"
)
_LITERAL = re.compile(
    r'^(?:"(?:[^"\\]|\\.)*"|`[^`]*`|-?[0-9][0-9_.xXa-fA-F]*|\'[^\']*\')$'
)
_SEP = "\x1f"  # cannot occur in Go source text outside literals' escapes


def _compare_key(a: str, b: str) -> str:
    """The key of ``a != b``; ``a == b`` is the same key, false."""
    x, y = sorted(_normal(a) for a in (a, b))
    return f"{x}{_SEP}!={_SEP}{y}"


def _normal(operand: str) -> str:
    operand = " ".join(operand.split())
    m = _METHOD_CONSTANT.match(operand)
    return f'"{m.group(1).upper()}"' if m else operand


def _consistent(env: frozenset) -> bool:
    """Whether no expression is known equal to two different literals."""
    equal: dict[str, str] = {}
    for key, truth in env:
        if truth or _SEP not in key:
            continue  # not a known equality
        x, _, y = key.split(_SEP)
        for expr, value in ((x, y), (y, x)):
            if not _LITERAL.match(value) or _LITERAL.match(expr):
                continue  # not an expression equal to a literal
            if equal.setdefault(expr, value) != value:
                return False
    return True


def _has_call(node: Node) -> bool:
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in ("call_expression", "func_literal") or _is_receive(n):
            return True
        stack.extend(n.named_children)
    return False


def _statements(node: Node) -> list[Node]:
    """The statements of a block, statement list or case clause."""
    if node.type == "statement_list":
        return _named(node)
    for c in node.named_children:
        if c.type == "statement_list":
            return _named(c)
    return []


def _named(node: Node) -> list[Node]:
    """Named children without comments, which may sit anywhere."""
    return [c for c in node.named_children if c.type != "comment"]


def _var_specs(decl: Node) -> Iterator[Node]:
    for c in decl.named_children:
        if c.type == "var_spec":
            yield c
        elif c.type == "var_spec_list":
            yield from (s for s in c.named_children if s.type == "var_spec")


def _ends_in_fallthrough(case: Node) -> bool:
    stmts = _statements(case)
    return bool(stmts) and stmts[-1].type == "fallthrough_statement"
