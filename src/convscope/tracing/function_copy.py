"""A copy of an existing function, recompiled with its chosen sub-expressions recorded.

:func:`~convscope.tracing.code.trace_code` gets a function that is already compiled, so its
sub-expressions cannot hand their values over. When the function's source is available and it
closes over nothing, we compile its ``def`` again (same file name, same line numbers) with the
chosen expressions wrapped, in a copy of its module's globals, and call that copy instead.
Defaults and annotations are not evaluated again: the copy takes the original's defaults, and
the copy has no annotations. When a copy cannot be made, the caller traces the original.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from types import FunctionType
from typing import Any

from .source_map import RECORDER_NAME, SourceMap, instrument


def recorded_copy(
    func: Callable[..., Any], tree: ast.Module, source_map: SourceMap, recorder: object
) -> Callable[..., Any] | None:
    """Return ``func`` recompiled with ``source_map``'s chosen expressions wrapped, or ``None``.

    ``tree`` is the parsed source of ``func``'s whole file (the tree ``source_map`` was built
    from); ``recorder`` is the function the wrapped expressions call.
    """
    if not isinstance(func, FunctionType) or func.__closure__:
        return None
    definition = _find_definition(tree, func)
    if definition is None or not _chosen_inside(definition, source_map):
        return None
    module = ast.Module(body=[_bare(definition)], type_ignores=[])
    namespace = dict(func.__globals__)
    namespace[RECORDER_NAME] = recorder
    try:
        code = compile(
            instrument(module, source_map.chosen),
            func.__code__.co_filename,
            "exec",
            dont_inherit=True,
        )
        exec(code, namespace)
    except Exception:  # the copy is a bonus: when it cannot be built, trace the original
        return None
    copy = namespace[definition.name]
    copy.__defaults__, copy.__kwdefaults__ = func.__defaults__, func.__kwdefaults__
    copy.__name__, copy.__qualname__ = func.__name__, func.__qualname__
    end = definition.end_lineno or definition.lineno
    source_map.expressions = {
        line: texts
        for line, texts in source_map.expressions.items()
        if definition.lineno <= line <= end
    }
    return copy if isinstance(copy, FunctionType) else None


def _find_definition(tree: ast.Module, func: FunctionType) -> ast.FunctionDef | None:
    first_line = func.__code__.co_firstlineno
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == func.__code__.co_name:
            starts = [node.lineno, *(decorator.lineno for decorator in node.decorator_list)]
            if first_line in starts:
                return node
    return None


def _chosen_inside(definition: ast.FunctionDef, source_map: SourceMap) -> bool:
    inside = {id(node) for node in ast.walk(definition)}
    return any(id(node) in inside for node in source_map.chosen)


def _bare(definition: ast.FunctionDef) -> ast.FunctionDef:
    """Strip what ``def`` would evaluate again: decorators, defaults and annotations."""
    definition.decorator_list = []
    definition.returns = None
    arguments = definition.args
    arguments.defaults = []
    arguments.kw_defaults = [None] * len(arguments.kwonlyargs)
    for argument in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
        argument.annotation = None
    for extra in (arguments.vararg, arguments.kwarg):
        if extra is not None:
            extra.annotation = None
    return definition
