"""The ``//go:linkname`` pulls and assembly references of a package.

A two-argument ``//go:linkname local target`` *pulls* ``target`` when
``local`` is a body-less function or a variable without an initialiser:
the local name is only a reference. On a function with a body or a
variable with an initialiser the same directive *defines* (pushes)
``target``; the linker never checks definitions. One-argument directives
only mark the package's own symbol, so they are never pulls.

:func:`judged` evaluates a reference for every target Go release and
platform that builds its file, with the model of :mod:`._linker`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from goabilint_rules.linkname import _guards, _linker
from goabilint_rules.linkname._linker import AsmReference, Outcome, Verdict

from goabilint import syntax
from goabilint.constraints import BuildContext, GoVersion
from goabilint.context import Reporter, Targets
from goabilint.source import AsmFile, Decl, Directive, GoFile, Package, SourceFile
from goabilint.syntax import Node

__all__ = [
    "Judged",
    "Pull",
    "Reference",
    "Use",
    "asm_refs",
    "judged",
    "linker_package",
    "pulls",
    "references",
    "skip_package",
    "std_reference",
    "uses",
]

_PULLING = ("//go:linkname ", "//go:linknamestd ")


@dataclass(frozen=True)
class Pull:
    """A body-less declaration that refers to another package's symbol."""

    file: GoFile
    directive: Directive
    local: str
    target: str
    decl: Decl  # the declaration of ``local`` (possibly in another file)

    @property
    def kind(self) -> str:
        """``"func"`` or ``"var"``."""
        return "var" if self.decl.kind == "var" else "func"

    @property
    def node(self) -> Node:
        return self.directive.comment.node


def pulls(package: Package) -> Iterator[Pull]:
    """Every pull in the package's Go files, in file and line order.

    ``local`` is looked up in the directive's own file first, then in the
    package's other files (the compiler resolves it in package scope).
    """
    by_name: dict[str, list[Decl]] = {}
    for f in package.go_files:
        if b"//go:linkname" not in f.data:
            continue
        for d in f.decls:
            if d.kind in ("func", "var"):
                by_name.setdefault(d.name, []).append(d)

    for f in package.go_files:
        if b"//go:linkname" not in f.data:
            continue  # no directive, nothing to parse
        own = {d.name: d for d in f.decls if d.kind in ("func", "var")}
        for d in f.directives:
            if not d.comment.text.startswith(_PULLING) or len(d.args) != 2:
                continue  # one-argument marks or malformed (LNK007)
            local, target = d.args
            decl = own.get(local) or next(iter(by_name.get(local, ())), None)
            if decl is None:
                continue  # the compiler rejects it; not a linker question
            if _defines(decl, local):
                continue  # a push: the linker never checks definitions
            yield Pull(f, d, local, target, decl)


@dataclass(frozen=True)
class Use:
    """A use of a pulled function: its file and the ports that compile it."""

    file: GoFile
    guard: _guards.Cond

    def live_for(self, ctx: BuildContext) -> bool:
        """Whether ``ctx`` compiles this use (and so references the symbol)."""
        return self.file.built_for(ctx) and _guards.holds(self.guard, ctx) is not False


def uses(package: Package, names: set[str]) -> dict[str, tuple[Use, ...] | None]:
    """Where the package uses each of ``names``; None for "everywhere".

    Names nothing uses are left out: a pulled function nothing calls is
    never referenced from the object file, so the linker never checks it.
    Exported names may be called from other packages, so they count as
    used everywhere.
    A use in a branch that ``runtime.GOOS``/``runtime.GOARCH`` rules out
    for a port leaves no reference on that port (see :mod:`._guards`).
    """
    out: dict[str, tuple[Use, ...] | None] = {n: None for n in names if n[:1].isupper()}
    pending = {n for n in names if n not in out}
    found: dict[str, list[Use]] = {}
    for f in package.go_files:
        if not any(n.encode() in f.data for n in pending):
            continue  # cannot mention any of them
        runtime_names = f.import_names("runtime") - {"."}
        for n in f.query("(identifier) @i", "i"):
            name = syntax.text(n)
            if name not in pending or _declares(n):
                continue
            found.setdefault(name, []).append(Use(f, _guards.guard(n, runtime_names)))
    out.update((name, tuple(us)) for name, us in found.items())
    return out


_DECLARING = frozenset({"function_declaration", "var_spec"})


def _declares(ident: Node) -> bool:
    """Whether ``ident`` is the name a function or variable declaration declares."""
    parent = ident.parent
    if parent is None or parent.type not in _DECLARING:
        return False
    return any(c.id == ident.id for c in parent.children_by_field_name("name"))


def _defines(decl: Decl, name: str) -> bool:
    """Whether the declaration gives ``name`` a body or an initial value."""
    if decl.kind == "func":
        return decl.node.child_by_field_name("body") is not None
    return decl.node.child_by_field_name("value") is not None


@dataclass(frozen=True)
class Reference:
    """A reference to a std symbol: a Go pull or an assembly operand."""

    file: GoFile | AsmFile
    name: str
    decl: str  # "func" or "var"
    pull: Pull | None = None  # for Go pulls
    asm: AsmReference | None = None  # for assembly operands
    # Where a pulled function is used; None: referenced wherever it is built.
    uses: tuple[Use, ...] | None = None

    def live_for(self, ctx: BuildContext) -> bool:
        """Whether a build for ``ctx`` references the symbol at all."""
        return self.uses is None or any(u.live_for(ctx) for u in self.uses)

    @property
    def from_asm(self) -> bool:
        return self.asm is not None

    def report(self, report: Reporter, message: str, **kwargs) -> None:
        """Report at the directive or the operand, in the right file."""
        r = report.in_file(self.file)
        if self.pull is not None:
            r(self.pull.node, message, **kwargs)
        else:
            assert self.asm is not None
            a = self.asm
            r.at_line(
                a.line, message, column=a.column, end_column=a.end_column, **kwargs
            )


def judged_references(
    package: Package, targets: Targets
) -> list[tuple[Reference, Judged]]:
    """:func:`references` with their verdicts for ``targets``, computed once
    for the rules LNK002–LNK005, which all ask."""
    return package.shared(
        ("judged-references", targets),
        lambda: [(ref, judge_reference(targets, ref)) for ref in references(package)],
    )


def references(package: Package) -> Iterator[Reference]:
    """The package's references to std symbols, Go pulls then assembly.

    Nothing for std itself (see :func:`skip_package`); pulls of
    third-party or the package's own symbols are never checked by the
    linker and are left out.
    """
    if skip_package(package):
        return  # std may pull what user code may not
    own = _own_definitions(package)
    pushers = _blank_imports_own_module(package)
    found = [p for p in pulls(package) if _checked(p.target, own, pushers)]

    # A function nothing calls never reaches the linker, nor does one
    # called only where runtime.GOOS/GOARCH rule the call out; a variable
    # is emitted, and checked, whether used or not.
    used = uses(package, {p.local for p in found if p.kind == "func"})
    for p in found:
        if p.kind == "var":
            yield Reference(p.file, p.target, p.kind, pull=p)
        elif p.local in used:
            yield Reference(p.file, p.target, p.kind, pull=p, uses=used[p.local])
    for f in package.asm_files:
        for a in asm_refs(f):
            if _checked(a.name, own, pushers):
                yield Reference(f, a.name, "func" if a.call else "var", asm=a)


def _checked(name: str, own: set[str], pushers: bool) -> bool:
    if name in own or not std_reference(name):
        return False  # defined by this package, or not std's
    # A blank import of a package of the same module is how code links in
    # its own pushes into std's namespace (//go:linkname on a function with
    # a body); a name no release defines is most likely one of those.
    return not pushers or _linker.ever_defined(name)


def _blank_imports_own_module(package: Package) -> bool:
    module = package.module.module if package.module is not None else None
    if not module:
        return False
    for f in package.go_files:
        if b'_ "' + module.encode() not in f.data:
            continue  # no blank import of the module: skip the parse
        for i in f.imports:
            if i.name == "_" and (i.path == module or i.path.startswith(module + "/")):
                return True
    return False


def _own_definitions(package: Package) -> set[str]:
    """Std-spelled names the package defines itself.

    Assembly may define ``TEXT runtime·getgp(SB)`` and Go may push
    ``//go:linkname f runtime.f`` onto a function with a body; references
    to those names resolve to the package's own code, which the linker
    does not check.
    """
    out: set[str] = set()
    for f in package.asm_files:
        if "\u00b7".encode() in f.data:
            out.update(_linker.asm_definitions(f.text_lines))
    for f in package.go_files:
        if b"//go:linkname" not in f.data:
            continue
        decls = {d.name: d for d in f.decls if d.kind in ("func", "var")}
        for d in f.directives:
            if (
                len(d.args) == 2
                and d.args[0] in decls
                and _defines(decls[d.args[0]], d.args[0])
            ):
                out.add(d.args[1])
    return out


def asm_refs(file: AsmFile) -> list[AsmReference]:
    """The cross-package symbol operands of an assembly file."""
    if "\u00b7".encode() not in file.data:
        return []
    return _linker.asm_references(file.text_lines)


def std_reference(name: str) -> bool:
    """Whether ``name`` is a standard-library symbol the linker could check."""
    return _linker.std_symbol(name)


@dataclass(frozen=True)
class Judged:
    """A reference's verdicts: for each release with a table, each built port."""

    name: str
    by_version: dict[GoVersion, list[tuple[BuildContext, Verdict]]]
    # Built ports where the compiler drops every use (runtime.GOOS guards):
    # no reference, so they link, and have no verdict of their own.
    dropped: frozenset[tuple[GoVersion, str]] = frozenset()

    def versions(self, *outcomes: Outcome) -> list[GoVersion]:
        """Releases where some built port ends in one of ``outcomes``."""
        return [
            v
            for v, pairs in self.by_version.items()
            if any(verdict.outcome in outcomes for _, verdict in pairs)
        ]

    def verdicts(
        self, *outcomes: Outcome
    ) -> list[tuple[GoVersion, BuildContext, Verdict]]:
        return [
            (v, ctx, verdict)
            for v, pairs in self.by_version.items()
            for ctx, verdict in pairs
            if verdict.outcome in outcomes
        ]

    def ports(self, version: GoVersion, *outcomes: Outcome) -> list[str]:
        return [
            f"{ctx.goos}/{ctx.goarch}"
            for ctx, verdict in self.by_version.get(version, ())
            if verdict.outcome in outcomes
        ]

    def everywhere(self, version: GoVersion, *outcomes: Outcome) -> bool:
        """Whether every built port of ``version`` ends in one of ``outcomes``."""
        pairs = self.by_version.get(version, ())
        if any(v == version for v, _ in self.dropped):
            return False  # those ports link: they reference nothing
        return bool(pairs) and all(v.outcome in outcomes for _, v in pairs)


def judged(
    targets: Targets,
    file: SourceFile,
    name: str,
    *,
    decl: str = "func",
    from_asm: bool = False,
    live=None,
) -> Judged:
    """Evaluate a reference in ``file`` for each target release and platform.

    Releases without a toolchain table and platforms that do not build the
    file are left out, as are those where ``live(ctx)`` (when given) says
    no use of the pull is compiled; a reference in a file no target builds
    has no verdicts at all.
    """
    out: dict[GoVersion, list[tuple[BuildContext, Verdict]]] = {}
    dropped: set[tuple[GoVersion, str]] = set()
    for v in targets.go:
        t = _linker.table(v)
        if t is None:
            continue  # no table for this release: nothing to say about it
        pairs = []
        for ctx in targets.contexts(v):
            if not file.built_for(ctx):
                continue
            if live is not None and not live(ctx):
                dropped.add((v, f"{ctx.goos}/{ctx.goarch}"))
                continue
            verdict = _linker.judge(t, name, ctx, decl=decl, from_asm=from_asm)
            if verdict.outcome is not Outcome.UNSURE:
                pairs.append((ctx, verdict))
        if pairs:
            out[v] = pairs
    return Judged(name, out, frozenset(dropped))


def linker_package(package: Package, file: GoFile | AsmFile) -> str:
    """The package path the linker would print for ``file``'s package."""
    name = file.package_name if isinstance(file, GoFile) else _asm_package(package)
    path = _linker.linker_package(package.module, package.directory, name)
    if name and name.endswith("_test") and path != name:
        return path + "_test"  # an external test package
    return path


def _asm_package(package: Package) -> str | None:
    for f in package.go_files:
        if not f.is_test and f.package_name:
            return f.package_name
    return None


def skip_package(package: Package) -> bool:
    """Whether LNK002–LNK005 stay silent for the whole package: std itself."""
    return _linker.is_std_module(package.module)


def judge_reference(targets: Targets, ref: Reference) -> Judged:
    return judged(
        targets,
        ref.file,
        ref.name,
        decl=ref.decl,
        from_asm=ref.from_asm,
        live=ref.live_for if ref.uses is not None else None,
    )


def only_on(j: Judged, versions: list[GoVersion], *outcomes: Outcome) -> str:
    """`` on linux/arm64`` when ``outcomes`` hold on only some built ports."""
    if all(j.everywhere(v, *outcomes) for v in versions):
        return ""
    ports = sorted({p for v in versions for p in j.ports(v, *outcomes)})
    return " on " + ", ".join(ports)
