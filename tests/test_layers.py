"""The layers of docs/architecture.md hold: no module imports a layer above its own, and the
front doors (web, export, the Jupyter host) never import each other.

Every module under ``src/convscope`` is parsed (``ast``) and each of its imports, relative or
absolute, at the top or inside a function, is resolved to the convscope module it names.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "convscope"

LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("engine", ("convscope.engine", "convscope.grad")),
    ("kernels", ("convscope.kernels",)),
    ("network", ("convscope.network", "convscope.learn")),
    ("inspection", ("convscope.inspection",)),
    ("tracing", ("convscope.tracing",)),
    ("render", ("convscope.render",)),
    ("widgets", ("convscope.widgets",)),
    ("lessons", ("convscope.lessons", "convscope.page_policy")),
    ("front doors", ("convscope.web", "convscope.export", "convscope.jupyter", "convscope.cli")),
]
"""Lowest first; a module may import its own layer and the layers listed before it."""
FRONT_DOORS = ("convscope.web", "convscope.export", "convscope.jupyter")
"""Siblings that never import each other. ``convscope.cli`` launches them, so it imports them."""
PACKAGE_ROOT = "convscope"
"""``convscope/__init__.py``: the public API, re-exporting the engine, kernels and tracing."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            # `from . import x` may name a submodule: judge it by the submodule's name.
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
    return [(line, target) for line, target in found if target.split(".")[0] == "convscope"]


def layer_of(module: str) -> int | None:
    """Return the index in :data:`LAYERS` of ``module``, or None for the package root."""
    for index, (_, prefixes) in enumerate(LAYERS):
        if any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes):
            return index
    return None


def _door(module: str) -> str | None:
    return next((d for d in FRONT_DOORS if module == d or module.startswith(d + ".")), None)


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_belongs_to_a_layer() -> None:
    homeless = [_module_name(p) for p in MODULES if layer_of(_module_name(p)) is None]
    assert homeless == [PACKAGE_ROOT]


@pytest.mark.parametrize("path", MODULES, ids=lambda path: _module_name(path))
def test_no_module_imports_a_higher_layer_or_a_sibling_front_door(path: Path) -> None:
    name = _module_name(path)
    own = layer_of(name) if name != PACKAGE_ROOT else layer_of("convscope.render")
    wrong = []
    for line, target in _imports(path):
        layer = layer_of(target)
        if target == PACKAGE_ROOT or target.startswith(PACKAGE_ROOT + ".__"):
            layer = 0  # `from convscope import __version__`: the package's own metadata
        if own is not None and layer is not None and layer > own:
            wrong.append(f"line {line}: {target} ({LAYERS[layer][0]} above {LAYERS[own][0]})")
        door, other = _door(name), _door(target)
        if door and other and door != other:
            wrong.append(f"line {line}: {target} (front door {door} imports {other})")
    assert not wrong, f"{name} imports above itself:\n" + "\n".join(wrong)


def test_relative_imports_are_resolved_to_the_modules_they_name() -> None:
    targets = [target for _, target in _imports(PACKAGE / "widgets" / "base.py")]
    assert "convscope.tracing.numbers.format_number" in targets
    assert "convscope.widgets.refusals.refusal" in targets
    layers = [layer_of("convscope.widgets.base"), layer_of("convscope.web.app")]
    assert [LAYERS[index][0] for index in layers if index is not None] == [
        "widgets",
        "front doors",
    ]
