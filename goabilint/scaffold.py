"""``goabilint new-rule``: start a new rule in a goabilint source tree.

One command writes what every rule needs (see the README's layout): the
rule module ``rules/<family>/<rule_name>.py`` with its doc sections, a
fixture package ``testdata/<CODE>/`` with a ``// want`` line, and the
rule's entry in its family's registry module, edited with libcst so that
the rest of that file keeps its formatting and comments. The code is the
family's next free number.

The rule it writes works: it reports calls of one standard library
function, so that the fixture test passes from the start. It is off by
default until its author has made it check what it is meant to.

Families are found from the registries themselves: each
``rules/<family>/__init__.py`` declares ``FAMILY = "LNK"``.
"""

from __future__ import annotations

import ast
import json
import keyword
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import libcst as cst

from goabilint import __version__
from goabilint.config import ConfigError
from goabilint.rule import CODE_RE, NAME_RE, Severity

__all__ = ["Family", "Scaffold", "ScaffoldError", "families", "find_root", "new_rule"]

LINE_LENGTH = 88
REGISTRY_TUPLE = "RULES"
FAMILY_CONSTANT = "FAMILY"

# What the scaffolded rule reports until its author changes it.
EXAMPLE_PACKAGE, EXAMPLE_FUNCTION = "os", "Exit"


class ScaffoldError(ConfigError):
    """The rule cannot be scaffolded; nothing was written."""


@dataclass(frozen=True)
class Family:
    """A rule family: its code prefix and its registry module."""

    prefix: str  # "LNK"
    directory: Path  # rules/linkname
    package: str  # how rule modules import it: goabilint_rules.linkname

    @property
    def registry(self) -> Path:
        return self.directory / "__init__.py"


@dataclass(frozen=True)
class Scaffold:
    """What :func:`new_rule` wrote."""

    code: str
    module: Path
    fixture: Path
    registry: Path


def find_root(start: Path) -> Path:
    """The goabilint source tree at or above ``start``: where ``rules/`` is."""
    for d in (start, *start.parents):
        if (d / "rules" / "__init__.py").is_file() and (d / "pyproject.toml").is_file():
            return d
    raise ScaffoldError(
        f"{start}: not inside a goabilint source tree (no rules/ and pyproject.toml "
        "above it); run from a checkout or pass --root"
    )


def families(rules_dir: Path) -> dict[str, Family]:
    """Every family whose registry declares ``FAMILY``, by prefix."""
    out: dict[str, Family] = {}
    for registry in sorted(rules_dir.glob("*/__init__.py")):
        tree = _parse(registry)
        prefix = _constant(tree, FAMILY_CONSTANT)
        if prefix is None:
            continue
        if prefix in out:
            raise ScaffoldError(
                f"{registry}: family {prefix} is also declared by {out[prefix].registry}"
            )
        directory = registry.parent
        out[prefix] = Family(prefix, directory, f"goabilint_rules.{directory.name}")
    return out


def new_rule(
    root: Path,
    family: str,
    name: str,
    *,
    title: str | None = None,
    severity: Severity = Severity.WARNING,
) -> Scaffold:
    """Write a new rule of ``family`` called ``name`` below ``root``.

    Every file is prepared first; nothing is written when any check fails.

    :raises ScaffoldError: for an unknown family, a malformed or taken name,
        or a registry the command cannot edit.
    """
    rules_dir = root / "rules"
    known = families(rules_dir)
    fam = known.get(family.upper())
    if fam is None:
        names = ", ".join(sorted(known)) or "none"
        raise ScaffoldError(f"unknown family {family!r} (families here: {names})")
    if not NAME_RE.match(name):
        raise ScaffoldError(f"rule name {name!r} is not kebab-case, like some-rule")
    module_name = name.replace("-", "_")
    if keyword.iskeyword(module_name) or module_name in (REGISTRY_TUPLE, "hookimpl"):
        raise ScaffoldError(f"rule name {name!r} cannot be a Python module name")

    # Refuse anything that is already there, so a second run changes nothing.
    declared = _declared_rules(root)
    if name in declared:
        where, code = declared[name]
        raise ScaffoldError(
            f"rule {name} already exists as {code} in {_rel(where, root)}; nothing changed"
        )
    module = fam.directory / f"{module_name}.py"
    if module.exists():
        raise ScaffoldError(f"{_rel(module, root)} already exists; nothing changed")
    code = _next_code(fam.prefix, root, declared)
    fixture = root / "testdata" / code
    if fixture.exists():
        raise ScaffoldError(f"{_rel(fixture, root)} already exists; nothing changed")
    registry_text = register(fam.registry.read_text("utf-8"), fam.package, module_name)

    title = title or name.replace("-", " ")
    files = {
        module: rule_module(code, name, title, severity),
        fixture / "go.mod": f"module example.com/{code.lower()}\n\ngo 1.22\n",
        fixture / "bad.go": _bad_go(code, name),
        fixture / "good.go": _good_go(code),
    }
    fixture.mkdir(parents=True)
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    fam.registry.write_text(registry_text, encoding="utf-8")
    return Scaffold(code, module, fixture, fam.registry)


# Editing the registry.


def register(source: str, package: str, module_name: str) -> str:
    """``source`` of a registry module with ``module_name`` imported and its
    ``RULE`` appended to the ``RULES`` tuple; everything else is kept as is.

    :raises ScaffoldError: when the module is already imported or the
        registry has no ``RULES = (...)`` to add to.
    """
    try:
        tree = cst.parse_module(source)
    except cst.ParserSyntaxError as e:
        raise ScaffoldError(f"registry does not parse: {e.message}") from None
    if _imports_name(tree, module_name):
        raise ScaffoldError(
            f"the registry already imports {module_name}; nothing changed"
        )

    body = list(tree.body)
    index = _rules_assignment(body)
    if index is None:
        raise ScaffoldError(
            f"the registry has no {REGISTRY_TUPLE} = (...) tuple to add to"
        )
    body[index] = _append_rule(tree, body[index], f"{module_name}.RULE")

    # The import goes after the last one from the family's package, else
    # after the last import, else just before RULES.
    at = max(
        (i for i, s in enumerate(body) if _imports_from(s, package)),
        default=max(
            (i for i, s in enumerate(body) if _is_import(s)), default=index - 1
        ),
    )
    statement = cst.parse_statement(f"from {package} import {module_name}\n")
    body.insert(at + 1, statement)
    return tree.with_changes(body=body).code


def _append_rule(
    tree: cst.Module, line: cst.BaseStatement, element: str
) -> cst.BaseStatement:
    assign = line.body[0]  # type: ignore[attr-defined]
    value: cst.Tuple = assign.value
    new = cst.Element(cst.parse_expression(element))
    elements = list(value.elements)
    # The whitespace that starts an element's line, if elements have lines.
    separator = None
    for ws in [value.lpar[0].whitespace_after if value.lpar else None] + [
        e.comma.whitespace_after
        for e in elements[:-1]
        if isinstance(e.comma, cst.Comma)
    ]:
        if isinstance(ws, cst.ParenthesizedWhitespace) and elements:
            separator = ws
    code = tree.code_for_node(assign)
    if separator is None and "#" in code:
        raise ScaffoldError(
            f"cannot tell how {REGISTRY_TUPLE} is laid out; add {element} to it by hand"
        )
    if separator is None:
        # No comments and no one-element-a-line layout: write it afresh, on
        # one line, or one element a line when that grows too long.
        items = [tree.code_for_node(e.value) for e in elements] + [element]
        target = tree.code_for_node(assign.targets[0].target)
        one = f"{target} = ({', '.join(items)}{',' if len(items) == 1 else ''})"
        inner = "".join(f"    {item},\n" for item in items)
        split = f"{target} = (\n{inner})"
        for text in (one, split):
            fresh = cst.parse_statement(text + "\n").with_changes(
                leading_lines=line.leading_lines,
                trailing_whitespace=line.trailing_whitespace,  # type: ignore[attr-defined]
            )
            rendered = tree.code_for_node(fresh.with_changes(leading_lines=[]))
            rendered = rendered.splitlines()
            if max(len(r) for r in rendered) <= LINE_LENGTH:
                break
        return fresh

    # One element a line: the newline before ")" (with the last element's
    # comment) moves to after the old last element.
    last = elements[-1]
    rpar = value.rpar[0]
    before_close = rpar.whitespace_before
    if isinstance(before_close, cst.ParenthesizedWhitespace):
        after_last = before_close.with_changes(
            indent=separator.indent, last_line=separator.last_line
        )
        closing = before_close.with_changes(
            first_line=cst.TrailingWhitespace(), empty_lines=[]
        )
    else:  # ")" right after the last element
        after_last, closing = separator, before_close
    trailing = isinstance(last.comma, cst.Comma)
    elements[-1] = last.with_changes(comma=cst.Comma(whitespace_after=after_last))
    elements.append(new.with_changes(comma=cst.Comma()) if trailing else new)
    tuple_ = value.with_changes(
        elements=elements, rpar=[rpar.with_changes(whitespace_before=closing)]
    )
    changed = assign.with_changes(value=tuple_)
    return line.with_changes(body=[changed])  # type: ignore[attr-defined]


def _rules_assignment(body: list[cst.BaseStatement]) -> int | None:
    for i, stmt in enumerate(body):
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            continue
        node = stmt.body[0]
        if (
            isinstance(node, cst.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0].target, cst.Name)
            and node.targets[0].target.value == REGISTRY_TUPLE
            and isinstance(node.value, cst.Tuple)
        ):
            return i
    return None


def _is_import(stmt: cst.BaseStatement) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and any(
        isinstance(n, cst.Import | cst.ImportFrom) for n in stmt.body
    )


def _imports_from(stmt: cst.BaseStatement, package: str) -> bool:
    if not isinstance(stmt, cst.SimpleStatementLine):
        return False
    return any(
        isinstance(node, cst.ImportFrom)
        and node.module is not None
        and _dotted(node.module) == package
        for node in stmt.body
    )


def _imports_name(tree: cst.Module, name: str) -> bool:
    for stmt in tree.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for node in stmt.body:
            if not isinstance(node, cst.ImportFrom) or isinstance(
                node.names, cst.ImportStar
            ):
                continue
            if any(_dotted(a.name) == name for a in node.names):
                return True
    return False


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


# Reading what exists.


def _parse(path: Path) -> ast.Module:
    try:
        return ast.parse(path.read_bytes(), filename=str(path))
    except (OSError, SyntaxError) as e:
        raise ScaffoldError(f"{path}: cannot read: {e}") from None


def _constant(tree: ast.Module, name: str) -> str | None:
    """The string a module assigns to ``name`` at its top level, if any."""
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            return node.value.value
    return None


def _declared_rules(root: Path) -> dict[str, tuple[Path, str]]:
    """``{name: (module, code)}`` for every ``Rule(code=..., name=...)`` in the tree."""
    out: dict[str, tuple[Path, str]] = {}
    for base in (root / "rules", root / "goabilint"):
        for path in sorted(base.rglob("*.py")):
            if b"Rule(" not in path.read_bytes():
                continue  # cheap exit for modules that declare no rule
            for node in ast.walk(_parse(path)):
                if not (isinstance(node, ast.Call) and _call_name(node) == "Rule"):
                    continue
                kw = {
                    k.arg: k.value.value
                    for k in node.keywords
                    if isinstance(k.value, ast.Constant)
                    and isinstance(k.value.value, str)
                }
                if "code" in kw and "name" in kw:
                    out[kw["name"]] = (path, kw["code"])
    return out


def _call_name(call: ast.Call) -> str:
    f = call.func
    return (
        f.id
        if isinstance(f, ast.Name)
        else f.attr
        if isinstance(f, ast.Attribute)
        else ""
    )


def _next_code(prefix: str, root: Path, declared: dict[str, tuple[Path, str]]) -> str:
    """One past the highest number the prefix has in rules, fixtures or docs."""
    taken = [code for _, code in declared.values()]
    taken += [p.name.split("_")[0] for p in (root / "testdata").glob(f"{prefix}*")]
    taken += [p.stem for p in (root / "docs" / "rules").glob(f"{prefix}*.md")]
    numbers = [
        int(c[len(prefix) :])
        for c in taken
        if CODE_RE.match(c) and c.rstrip("0123456789") == prefix
    ]
    n = max(numbers, default=0) + 1
    if n > 999:
        raise ScaffoldError(f"family {prefix} has no free code left")
    return f"{prefix}{n:03d}"


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


# What is written.


def rule_module(code: str, name: str, title: str, severity: Severity) -> str:
    """The source of a new rule module."""
    call = f"{EXAMPLE_PACKAGE}.{EXAMPLE_FUNCTION}"
    doc = textwrap.indent(_doc(code, call), "    ")
    return f'''"""{code} {name}."""

from __future__ import annotations

from goabilint.context import Reporter
from goabilint.rule import Rule, Severity
from goabilint.source import GoFile
from goabilint.syntax import captured

# Written by `goabilint new-rule`: a working rule that reports calls of
# PACKAGE.FUNCTION, to be turned into the check you mean. Change the
# pattern, the doc, the message and the fixture in testdata/{code}/, then
# drop default_enabled=False.
PACKAGE, FUNCTION = "{EXAMPLE_PACKAGE}", "{EXAMPLE_FUNCTION}"

RULE = Rule(
    code="{code}",
    name="{name}",
    title={json.dumps(title)},
    severity=Severity.{severity.name},
    since="{__version__}",
    default_enabled=False,
    needs=(FUNCTION.encode(),),
    doc="""
{doc}    """,
)


@RULE.on_go_file
def check(file: GoFile, report: Reporter) -> None:
    if not file.imports_path(PACKAGE):
        return  # the function cannot be named without its package
    for call in captured("(call_expression) @c", file.root, "c"):
        callee = call.child_by_field_name("function")
        if callee is not None and file.refers_to(callee, PACKAGE, FUNCTION):
            report(
                call,
                f"call of {{PACKAGE}}.{{FUNCTION}}",
                fix="say here what to write instead",
            )
'''


def _doc(code: str, call: str) -> str:
    return f"""\
## What it does
Reports calls of `{call}`. This is the example pattern `goabilint
new-rule` starts every rule with: say here what {code} finds.

## Why is this bad?
Say what goes wrong, for which Go versions, GOOS or GOARCH.

## Example
```go
func quit() {{
    {call}(1)
}}
```

## Use instead
```go
func quit() error {{
    return errQuit
}}
```

## Known problems
None yet: list the cases the rule gets wrong here.

## References
- [{call}](https://pkg.go.dev/{call.replace(".", "#", 1)})
"""


def _bad_go(code: str, name: str) -> str:
    call = f"{EXAMPLE_PACKAGE}.{EXAMPLE_FUNCTION}"
    return f"""\
// Package {code.lower()} shows what {code} {name} reports.
package {code.lower()}

import "{EXAMPLE_PACKAGE}"

// Quit ends the program.
func Quit() {{
\t{call}(1) // want "call of {re.escape(call)}"
}}
"""


def _good_go(code: str) -> str:
    return f"""\
package {code.lower()}

import "errors"

// ErrQuit asks the caller to stop; nothing here is reported.
var ErrQuit = errors.New("quit")
"""
