"""What the code tracer learns from the source before running it: loops, in-place changes, and
the sub-expressions worth recording.

``sys.settrace`` only says *which line* runs; the syntax tree says what that line *is*. From it
we take, once per source:

- every ``for``/``while`` loop: its header line, the line range of its body, its enclosing loop
  and its loop variables, so the tracer can cut the run into per-iteration cards;
- the first line of every statement written over several lines, so that Python's line events
  for its continuation lines count as one step;
- the plain names each assignment binds, shown even when the new value is the same object;
- for every line, the names it may change *in place* (``out[i, j] = …``, ``bits.append(b)``,
  ``np.copyto(x, y)``), the only names whose value the tracer re-checks beyond rebinding;
- the sub-expressions to record (``window * kernel`` inside ``np.sum(window * kernel)``), which
  :func:`instrument` wraps in a recorder call, so each value is captured as Python computes it
  (the technique of birdseye) rather than re-evaluated afterwards, which could repeat side effects.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

RECORDER_NAME = "__convscope_record__"
"""The global name the instrumented code calls to hand over a sub-expression's value."""

_DULL_CALLS = frozenset({"range", "len", "print", "enumerate", "zip", "isinstance", "type"})


@dataclass(frozen=True)
class LoopInfo:
    """A ``for`` or ``while`` loop as written: where it is and what it iterates with."""

    index: int
    line: int
    header: str
    body_start: int
    body_end: int
    parent: int | None
    variables: tuple[str, ...]


@dataclass
class SourceMap:
    """The facts about one source that the tracer needs while it runs."""

    loops: list[LoopInfo] = field(default_factory=list)
    headers: dict[int, LoopInfo] = field(default_factory=dict)
    owner: dict[int, int] = field(default_factory=dict)
    mutated: dict[int, tuple[str, ...]] = field(default_factory=dict)
    expressions: dict[int, list[str]] = field(default_factory=dict)
    chosen: list[ast.expr] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    statement_start: dict[int, int] = field(default_factory=dict)
    assigned: dict[int, tuple[str, ...]] = field(default_factory=dict)
    bound: dict[int, tuple[str, ...]] = field(default_factory=dict)
    """Every name the statements starting on a line can bind, for lines where that is known."""


def analyse(
    tree: ast.Module,
    source: str,
    expressions: Mapping[int, Sequence[str]] | None = None,
    *,
    auto_expressions: bool = True,
) -> SourceMap:
    """Return the loops, in-place changes and chosen sub-expressions of a parsed source.

    Parameters
    ----------
    tree, source : ast.Module, str
        The parsed source and its text (to quote headers and expressions as written).
    expressions : mapping of line to expression texts, optional
        Sub-expressions to record on those lines, written as in the source, e.g.
        ``{30: ["window * kernel"]}``; spaces do not matter.
    auto_expressions : bool
        Also record the calls and arithmetic assigned inside loop bodies.
    """
    lines = source.splitlines()
    source_map = SourceMap()
    _collect_loops(tree, lines, source_map, parent=None)
    source_map.mutated = _in_place_candidates(tree)
    wanted = {
        line: {_squash(text) for text in texts} for line, texts in (expressions or {}).items()
    }
    source_map.statement_start = _statement_starts(tree)
    source_map.bound = _bound_names(tree)
    for statement in _simple_statements(tree):
        names = _assigned_names(statement)
        if names:
            source_map.assigned[statement.lineno] = names
        picked = _pick(statement, source, wanted.get(statement.lineno, set()))
        if auto_expressions and statement.lineno in source_map.owner:
            picked += [node for node in _auto_pick(statement) if node not in picked]
        _remember(source_map, statement.lineno, _post_order(statement, picked), source)
    return source_map


def instrument(tree: ast.Module, chosen: Sequence[ast.expr]) -> ast.Module:
    """Return ``tree`` with each chosen node wrapped as ``__convscope_record__(slot, node)``.

    The slot is the node's position in ``chosen``; line numbers are kept, so line events and
    tracebacks still point at the user's lines.
    """
    slots = {id(node): slot for slot, node in enumerate(chosen)}
    wrapped = _Wrapper(slots).visit(tree)
    assert isinstance(wrapped, ast.Module)
    return ast.fix_missing_locations(wrapped)


class _Wrapper(ast.NodeTransformer):
    def __init__(self, slots: dict[int, int]) -> None:
        self.slots = slots

    def generic_visit(self, node: ast.AST) -> ast.AST:
        slot = self.slots.get(id(node))
        node = super().generic_visit(node)
        if slot is None:
            return node
        recorder = ast.Name(id=RECORDER_NAME, ctx=ast.Load())
        value = cast(ast.expr, node)
        call = ast.Call(func=recorder, args=[ast.Constant(slot), value], keywords=[])
        return ast.copy_location(call, node)


def _collect_loops(
    node: ast.AST, lines: list[str], source_map: SourceMap, parent: int | None
) -> None:
    for child in ast.iter_child_nodes(node):
        here = parent
        if isinstance(child, ast.For | ast.AsyncFor | ast.While):
            here = _add_loop(child, lines, source_map, parent)
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            here = None  # a function's loops run in its own frame
        _collect_loops(child, lines, source_map, here)


def _add_loop(
    node: ast.For | ast.AsyncFor | ast.While,
    lines: list[str],
    source_map: SourceMap,
    parent: int | None,
) -> int:
    watched = node.target if isinstance(node, ast.For | ast.AsyncFor) else node.test
    names = tuple(dict.fromkeys(n.id for n in ast.walk(watched) if isinstance(n, ast.Name)))
    body_end = max(getattr(stmt, "end_lineno", stmt.lineno) or stmt.lineno for stmt in node.body)
    info = LoopInfo(
        index=len(source_map.loops),
        line=node.lineno,
        header=lines[node.lineno - 1].strip(),
        body_start=node.body[0].lineno,
        body_end=body_end,
        parent=parent,
        variables=names,
    )
    source_map.loops.append(info)
    source_map.headers[info.line] = info
    for line in range(info.body_start, info.body_end + 1):
        source_map.owner[line] = info.index  # inner loops, visited later, overwrite their lines
    return info.index


def _in_place_candidates(tree: ast.Module) -> dict[int, tuple[str, ...]]:
    found: dict[int, set[str]] = {}
    for node in ast.walk(tree):
        for name_node in _possibly_mutated(node):
            for line in range(node.lineno, (node.end_lineno or node.lineno) + 1):  # type: ignore[attr-defined]
                found.setdefault(line, set()).add(name_node)
    return {line: tuple(sorted(names)) for line, names in found.items()}


def _possibly_mutated(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Subscript | ast.Attribute) and isinstance(
        node.ctx, ast.Store | ast.Del
    ):
        yield from _root_name(node.value)
    elif isinstance(node, ast.AugAssign):
        yield from _root_name(node.target)
    elif isinstance(node, ast.Call):
        if isinstance(node.func, ast.Attribute):
            yield from _root_name(node.func.value)
        for argument in [*node.args, *(keyword.value for keyword in node.keywords)]:
            if isinstance(argument, ast.Name):
                yield argument.id


def _root_name(node: ast.expr) -> Iterator[str]:
    while isinstance(node, ast.Subscript | ast.Attribute):
        node = node.value
    if isinstance(node, ast.Name):
        yield node.id


def _statement_starts(tree: ast.Module) -> dict[int, int]:
    """Map each continuation line of a statement (or of a compound statement's header, such
    as a ``for`` over a list written on several lines) to the statement's first line."""
    starts: dict[int, int] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
            last = body[0].lineno - 1  # the header ends where the body begins
        else:
            last = node.end_lineno or node.lineno
        for line in range(node.lineno + 1, last + 1):
            starts.setdefault(line, node.lineno)
    return starts


_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")
_OWN_SCOPE = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _bound_names(tree: ast.Module) -> dict[int, tuple[str, ...]]:
    """Map the first line of each statement (and ``except``/``case`` line) to the names it can
    bind in its frame: assignment, loop, ``with`` and ``as`` targets, walruses, imports, and
    the names of ``def`` and ``class``. Only a compound statement's header is read (its body's
    statements have their own lines), and never the inside of a nested function or class.

    A line missing from the map (a decorator's, say) is one the recorder cannot vouch for: it
    compares every local there instead.
    """
    found: dict[int, dict[str, None]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt | ast.ExceptHandler | ast.match_case):
            line = node.pattern.lineno if isinstance(node, ast.match_case) else node.lineno
            names = found.setdefault(line, {})
            for name in _header_bindings(node):
                names[name] = None
    return {line: tuple(names) for line, names in found.items()}


def _header_bindings(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.ExceptHandler):
        if node.name:
            yield node.name
    elif isinstance(node, ast.Import | ast.ImportFrom):
        for alias in node.names:
            yield alias.asname or alias.name.split(".")[0]
    for field_name, value in ast.iter_fields(node):
        if field_name in _BODIES or isinstance(node, _OWN_SCOPE):
            continue  # decorators, defaults and bases are read below only for walruses
        parts = value if isinstance(value, list) else [value]
        for part in parts:
            if isinstance(part, ast.AST):
                yield from _stored_names(part)
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        for part in [*node.decorator_list, *_defaults_and_bases(node)]:
            yield from _stored_names(part)


def _defaults_and_bases(
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef,
) -> list[ast.expr]:
    if isinstance(node, ast.ClassDef):
        return [*node.bases, *(keyword.value for keyword in node.keywords)]
    arguments = node.args
    return [*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None)]


def _stored_names(root: ast.AST) -> Iterator[str]:
    """Yield the names ``root`` stores to (targets, walruses, match captures), skipping the
    bodies of lambdas; a comprehension's own targets stay in its scope but are harmless."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Lambda):
            stack.extend([*node.args.defaults, *(d for d in node.args.kw_defaults if d)])
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            yield node.id
        elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name:
            yield node.name
        elif isinstance(node, ast.MatchMapping) and node.rest:
            yield node.rest
        stack.extend(ast.iter_child_nodes(node))


def _assigned_names(statement: ast.stmt) -> tuple[str, ...]:
    """Return the plain names a statement assigns (shown even when the value is unchanged)."""
    if isinstance(statement, ast.Assign):
        targets: list[ast.expr] = statement.targets
    elif isinstance(statement, ast.AugAssign | ast.AnnAssign) and statement.value is not None:
        targets = [statement.target]
    else:
        return ()
    found = (
        node.id
        for target in targets
        for node in ast.walk(target)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    )
    return tuple(dict.fromkeys(found))


def _simple_statements(tree: ast.Module) -> Iterator[ast.stmt]:
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and not hasattr(node, "body"):
            yield node


def _pick(statement: ast.stmt, source: str, wanted: set[str]) -> list[ast.expr]:
    if not wanted:
        return []
    return [
        node
        for node in _wrappable(statement)
        if _squash(ast.get_source_segment(source, node) or ast.unparse(node)) in wanted
    ]


def _auto_pick(statement: ast.stmt) -> list[ast.expr]:
    if not isinstance(statement, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Return):
        return []
    value = statement.value
    if value is None or not _interesting(value):
        return []
    picked = [node for node in _wrappable(value) if _interesting(node) and node is not value]
    targets = statement.targets if isinstance(statement, ast.Assign) else [None]
    if not all(isinstance(target, ast.Name) for target in targets):
        picked.append(value)  # a plain name's new value is shown anyway; a stored one is not
    return picked


def _interesting(node: ast.expr) -> bool:
    if isinstance(node, ast.BinOp):
        return True
    if isinstance(node, ast.Call):
        return not (isinstance(node.func, ast.Name) and node.func.id in _DULL_CALLS)
    return False


def _wrappable(root: ast.AST) -> Iterator[ast.expr]:
    """Yield the expressions under ``root`` that may be replaced by a call around them."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Subscript):
            stack.append(node.value)  # index arithmetic is shown by the slice itself
            continue
        if isinstance(node, ast.Lambda | ast.JoinedStr | ast.comprehension | ast.GeneratorExp):
            continue
        if isinstance(node, ast.ListComp | ast.SetComp | ast.DictComp):
            continue
        if isinstance(node, ast.expr) and _loaded(node):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _loaded(node: ast.expr) -> bool:
    context = getattr(node, "ctx", ast.Load())
    return isinstance(context, ast.Load) and not isinstance(node, ast.Slice | ast.Starred)


def _post_order(statement: ast.stmt, picked: list[ast.expr]) -> list[ast.expr]:
    """Return the picked nodes in the order Python finishes computing them (inner first)."""
    wanted = {id(node) for node in picked}
    ordered: list[ast.expr] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            visit(child)
        if id(node) in wanted:
            ordered.append(node)  # type: ignore[arg-type]

    visit(statement)
    return ordered


def _remember(source_map: SourceMap, line: int, nodes: list[ast.expr], source: str) -> None:
    if not nodes:
        return
    texts = source_map.expressions.setdefault(line, [])
    for node in nodes:
        label = ast.get_source_segment(source, node) or ast.unparse(node)
        source_map.chosen.append(node)
        source_map.labels.append(label)
        texts.append(label)


def _squash(text: str) -> str:
    return "".join(text.split())
