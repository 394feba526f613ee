"""Telling what a MODEL argument names (an ONNX file, a stack file, a PyTorch factory or an
inline stack description) and reading it into layers, with files refused by size first.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..engine.spec import Pair, as_pair
from .from_onnx import onnx_layers
from .from_torch import load_factory, torch_layers
from .layers import Layer, ModelProblem
from .report import Inspection
from .stack_text import parse_stack
from .walk import inspect_layers

MAX_ONNX_BYTES = 100 * 1024 * 1024
"""The largest ONNX file read (ResNet-50 is about 100 MB; the graph alone would be far less)."""
MAX_STACK_BYTES = 1024 * 1024
"""The largest stack description file read."""

_FACTORY = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")


def read_model(model: str) -> tuple[tuple[Layer, ...], str]:
    """Return the layers ``model`` names and a word for where they came from.

    ``model`` is a path to a ``.onnx`` file, a path to a text file holding a stack
    description, ``package.module:factory`` naming a PyTorch module, or a stack description.
    """
    path = Path(model)
    if model.lower().endswith(".onnx"):
        return onnx_layers(_checked_file(path, MAX_ONNX_BYTES)), "onnx"
    if _FACTORY.match(model) and not path.exists():
        return torch_layers(load_factory(model)), "torch"
    if path.is_file():
        try:
            text = _checked_file(path, MAX_STACK_BYTES).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ModelProblem(f"{model!r} is not UTF-8 text; save it as UTF-8") from None
        return parse_stack(text), "stack file"
    return parse_stack(model), "stack"


def _checked_file(path: Path, limit: int) -> Path:
    if not path.is_file():
        raise ModelProblem(f"no file {str(path)!r}")
    size = path.stat().st_size
    if size > limit:
        raise ModelProblem(
            f"{str(path)!r} is {size / 2**20:.0f} MB, over the {limit // 2**20} MB "
            "convscope inspect reads; export the model without its weights, or describe the "
            "stack as text"
        )
    return path


def parse_input_size(text: str) -> Pair:
    """Return ``(H, W)`` from ``"224"`` or ``"224,160"``.

    Examples
    --------
    >>> parse_input_size("224"), parse_input_size("32,48")
    ((224, 224), (32, 48))
    """
    parts = [part.strip() for part in text.replace("x", ",").split(",")]
    if not 1 <= len(parts) <= 2 or not all(part.isdigit() for part in parts):
        raise ModelProblem(f"--input-size must be N or H,W (such as 224 or 32,48), got {text!r}")
    return as_pair(tuple(int(part) for part in parts), "--input-size", minimum=1)


def inspect_model(model: str, input_size: Pair | int, channels: int | None = None) -> Inspection:
    """Return the inspection of ``model`` for one image of ``input_size``.

    Parameters
    ----------
    model : str
        An ONNX path, a stack-description file, ``package.module:factory`` or a stack
        description such as ``"conv 3 64 7 s2 p3; bn; relu; maxpool 3 s2 p1"``.
    input_size : int or (int, int)
        Rows and columns of the input image.
    channels : int, optional
        Input channels; by default the first convolution's.

    Raises
    ------
    ModelProblem
        Naming the layer and what is supported, when the model cannot be read or a layer
        does not fit its input.

    Examples
    --------
    >>> inspect_model("conv 1 8 3; relu; maxpool 2", 28).output_shape
    (8, 13, 13)
    """
    try:
        size = as_pair(input_size, "input_size", minimum=1)
    except (TypeError, ValueError) as error:
        raise ModelProblem(str(error)) from None
    layers, source = read_model(model)
    return inspect_layers(layers, size, channels, source)
