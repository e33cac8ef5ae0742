"""HTTP006 builtin-context-key."""

from __future__ import annotations

from goabilint.context import Reporter
from goabilint.rule import Rule, Severity
from goabilint.source import GoFile
from goabilint.syntax import Declaration, Node, find_local_declaration, text

RULE = Rule(
    code="HTTP006",
    name="builtin-context-key",
    title="context.WithValue key of a built-in type",
    severity=Severity.WARNING,
    since="0.1.0",
    tags=("http", "context"),
    needs=(b"WithValue",),
    doc="""
    ## What it does
    Reports calls to `context.WithValue` whose key has a predeclared type
    such as `string`, `int` or `bool`: a literal (`"user"`, `42`, `true`),
    an untyped constant, a variable of a built-in type, or a conversion
    such as `string(id)`. The constant or variable must be declared in the
    same file; `golang.org/x/net/context` is treated like `context`.

    ## Why is this bad?
    A context carries values from every layer that handled the request:
    middleware, the router, libraries and your handlers. Lookups compare
    keys by type and value, so two packages that both store a value under
    the string `"user"` read and overwrite each other's value without
    noticing. The documentation of `context.WithValue` asks for keys of a
    type the package defines itself: nobody else can write a value of an
    unexported type, so such keys cannot collide.

    ## Example
    ```go
    func withUser(ctx context.Context, u *User) context.Context {
        return context.WithValue(ctx, "user", u)
    }
    ```

    ## Use instead
    ```go
    type userKey struct{}

    func withUser(ctx context.Context, u *User) context.Context {
        return context.WithValue(ctx, userKey{}, u)
    }
    ```

    ## Known problems
    The key's type is worked out from this file alone, without a type
    checker. A constant or variable declared in another file of the
    package or in another package is not reported, nor is a function's
    result (`fmt.Sprint(id)`), nor a variable of an interface type such as
    `any` that holds a string. Keys of unnamed composite types, such as
    `struct{}{}`, collide too but are not reported.

    A `nil` key is not reported: `context.WithValue` panics with "nil key"
    as soon as the call runs, which any test of the code path shows.

    ## References
    - [context.WithValue](https://pkg.go.dev/context#WithValue)
    - [Go blog: Go Concurrency Patterns: Context](https://go.dev/blog/context)
    """,
)

CONTEXT_PATHS = ("context", "golang.org/x/net/context")

# Predeclared types whose values collide between packages. Interface types
# (any, error) are left out: what collides is the dynamic type inside.
BUILTIN_TYPES = frozenset(
    {
        "bool",
        "string",
        "int",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "uintptr",
        "float32",
        "float64",
        "complex64",
        "complex128",
        "byte",
        "rune",
    }
)

# An untyped constant becomes a value of its default type when it is
# passed as the `any` key.
UNTYPED_DEFAULTS = {
    "untyped bool": "bool",
    "untyped int": "int",
    "untyped rune": "rune",
    "untyped float": "float64",
    "untyped complex": "complex128",
    "untyped string": "string",
}
UNTYPED_NUMERIC = ("untyped int", "untyped rune", "untyped float", "untyped complex")

LITERALS = {
    "interpreted_string_literal": "untyped string",
    "raw_string_literal": "untyped string",
    "int_literal": "untyped int",
    "rune_literal": "untyped rune",
    "float_literal": "untyped float",
    "imaginary_literal": "untyped complex",
}

COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})

# The type of an expression is known not to be built-in (a named type of
# the file, a pointer, a composite literal...).
OTHER = "other"

# Constants may refer to constants; follow at most this many names.
MAX_DEPTH = 8


@RULE.on_go_file
def check(file: GoFile, report: Reporter) -> None:
    if not any(file.import_names(p) for p in CONTEXT_PATHS):
        return  # WithValue is not reachable without importing context
    for call in file.calls_named("WithValue"):
        fn = call.child_by_field_name("function")
        if fn is None or not _is_with_value(file, fn):
            continue  # another function, or a shadowed context
        args = call.child_by_field_name("arguments")
        values = [a for a in args.named_children if a.type != "comment"] if args else []
        if len(values) < 2:
            continue  # not a complete call; the compiler says so
        key = values[1]

        try:
            kind = _type_of(file, key, 0)
        except RecursionError:
            continue  # an expression nested hundreds deep: its type is unknown
        if kind is None or kind == OTHER:
            continue  # unknown, or a type of the program's own
        name = UNTYPED_DEFAULTS.get(kind, kind)  # what the `any` key holds
        report(
            key,
            f"context key {_shorten(text(key))} has built-in type {name}; "
            "keys of built-in types collide across packages",
            fix="declare an unexported key type, such as `type ctxKey struct{}`, "
            "and pass `ctxKey{}` as the key",
        )


def _is_with_value(file: GoFile, fn: Node) -> bool:
    return any(file.refers_to(fn, p, "WithValue") for p in CONTEXT_PATHS)


def _shorten(expr: str) -> str:
    expr = " ".join(expr.split())
    return expr if len(expr) <= 32 else expr[:29] + "..."


def _type_of(file: GoFile, node: Node, depth: int) -> str | None:
    """The type of expression ``node``, as far as this file tells.

    A built-in type name, ``"untyped <kind>"`` for an untyped constant,
    :data:`OTHER` for a type that is not built-in, or None when unknown.
    """
    if depth > MAX_DEPTH:
        return None  # a long chain of names, or a cycle the compiler rejects
    t = node.type
    if t in LITERALS:
        return LITERALS[t]
    if t in ("identifier", "true", "false", "iota", "nil"):
        return _name_type(file, node, depth)
    if t == "parenthesized_expression":
        inner = [c for c in node.named_children if c.type != "comment"]
        return _type_of(file, inner[0], depth) if len(inner) == 1 else None
    if t == "unary_expression":
        return _unary_type(file, node, depth)
    if t == "binary_expression":
        return _binary_type(file, node, depth)
    if t == "call_expression":
        return _conversion_type(file, node, depth)
    if t == "type_conversion_expression":
        return _type_expr(file, node.child_by_field_name("type"), depth + 1)
    if t == "composite_literal":
        return OTHER  # a struct, array, slice or map value, never built-in
    return None


def _unary_type(file: GoFile, node: Node, depth: int) -> str | None:
    op = text(node.child_by_field_name("operator"))
    if op == "&":
        return OTHER  # a pointer
    if op in ("+", "-", "^", "!"):
        return _type_of(file, node.child_by_field_name("operand"), depth)
    return None  # a dereference or a receive: the operand's type is unknown


def _binary_type(file: GoFile, node: Node, depth: int) -> str | None:
    op = text(node.child_by_field_name("operator"))
    if op in COMPARISONS:
        return "untyped bool"
    left = _type_of(file, node.child_by_field_name("left"), depth)
    if op in ("<<", ">>"):
        return left  # a shift has the type of its left operand
    right = _type_of(file, node.child_by_field_name("right"), depth)
    if left is None or right is None:
        return None
    if OTHER in (left, right):
        return OTHER

    # A typed operand gives its type to an untyped one; two untyped numeric
    # constants combine to the later kind of int, rune, float, complex.
    left_untyped, right_untyped = left in UNTYPED_DEFAULTS, right in UNTYPED_DEFAULTS
    if left_untyped and right_untyped:
        if left == right:
            return left
        if left in UNTYPED_NUMERIC and right in UNTYPED_NUMERIC:
            return max(left, right, key=UNTYPED_NUMERIC.index)
        return None  # mismatched kinds: the compiler rejects it
    return right if left_untyped else left


def _conversion_type(file: GoFile, call: Node, depth: int) -> str | None:
    """The type a call converts to, when the call is a conversion."""
    fn = call.child_by_field_name("function")
    while fn is not None and fn.type == "parenthesized_expression":
        fn = fn.named_children[0] if fn.named_children else None
    if fn is None or fn.type != "identifier":
        return None  # a qualified name or a function value: unknown here
    return _type_name(file, fn, depth + 1)


def _name_type(file: GoFile, ident: Node, depth: int) -> str | None:
    """The type of a value named by ``ident``: a constant or a variable."""
    decl = find_local_declaration(ident)
    if decl is not None:
        return _declared_type(file, decl, depth + 1)

    name = text(ident)
    for d in file.decls:
        if d.name == name:
            if d.kind in ("var", "const"):
                return _spec_type(file, d.node, name, depth + 1)
            return None  # a function or type used as a value

    # Not declared in this file: a predeclared name, or one from elsewhere.
    if name in ("true", "false"):
        return "untyped bool"
    if name == "iota":
        return "untyped int"
    return None


def _declared_type(file: GoFile, decl: Declaration, depth: int) -> str | None:
    kind = decl.node.type
    if kind == "parameter_declaration":
        return _type_expr(file, decl.type, depth)
    if kind in ("var_spec", "const_spec"):
        return _spec_type(file, decl.node, text(decl.name), depth)
    if kind == "short_var_declaration" and decl.value is not None:
        return _variable(_type_of(file, decl.value, depth))
    return None  # range, type-switch and receive variables: unknown


def _spec_type(file: GoFile, spec: Node, name: str, depth: int) -> str | None:
    """The type of ``name`` declared by a ``var`` or ``const`` spec."""
    names = [text(n) for n in spec.children_by_field_name("name")]
    if name not in names:
        return None
    index = names.index(name)

    # In a const group a spec without a value repeats the last type and
    # values written above it (`const ( a = iota; b )`).
    source = spec
    if spec.type == "const_spec":
        source = _const_source(spec)
        if source is None:
            return None

    written = source.child_by_field_name("type")
    if written is not None:
        return _type_expr(file, written, depth)
    value = source.child_by_field_name("value")
    values = [v for v in value.named_children if v.type != "comment"] if value else []
    if len(values) != len(names):
        return None  # `a, b = f()`: the types come from a call
    kind = _type_of(file, values[index], depth)
    return kind if spec.type == "const_spec" else _variable(kind)


def _const_source(spec: Node) -> Node | None:
    """The spec whose type and values ``spec`` uses: itself or one above."""
    node: Node | None = spec
    while node is not None:
        if node.type == "const_spec" and node.child_by_field_name("value") is not None:
            return node
        if node.type not in ("const_spec", "comment"):
            return None
        node = node.prev_named_sibling
    return None


def _variable(kind: str | None) -> str | None:
    """A variable initialised with an untyped constant has its default type."""
    return UNTYPED_DEFAULTS.get(kind, kind) if kind is not None else None


def _type_expr(file: GoFile, node: Node | None, depth: int) -> str | None:
    """Whether a written type is built-in: its name, :data:`OTHER` or None."""
    if node is None or depth > MAX_DEPTH:
        return None
    if node.type == "parenthesized_type":
        inner = node.named_children
        return _type_expr(file, inner[0], depth) if inner else None
    if node.type == "type_identifier":
        return _type_name(file, node, depth)
    if node.type == "interface_type":
        return None  # what collides is the dynamic type, unknown here
    return OTHER  # pointers, qualified and generic types, composites


def _type_name(file: GoFile, ident: Node, depth: int) -> str | None:
    """What a type name denotes: a built-in type, an alias of one, or other."""
    decl = find_local_declaration(ident)
    if decl is not None:
        return _declared_type_name(file, decl.node, decl.type, depth)

    name = text(ident)
    for d in file.decls:
        if d.name == name:
            if d.kind == "type":
                written = d.node.child_by_field_name("type")
                return _declared_type_name(file, d.node, written, depth)
            return None  # a function or variable: the call is no conversion
    if name in BUILTIN_TYPES:
        return name
    return None  # any, error, or a name declared in another file


def _declared_type_name(
    file: GoFile, spec: Node, written: Node | None, depth: int
) -> str | None:
    if spec.type == "type_alias":
        return _type_expr(file, written, depth + 1)  # `type key = string`
    if spec.type == "type_spec":
        return OTHER  # a defined type, distinct from every other package's
    return None  # a variable or parameter: not a type at all
