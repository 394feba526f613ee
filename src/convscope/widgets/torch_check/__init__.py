"""The ``torch_check`` widget: the same convolution through PyTorch, compared live.

When torch imports, the server runs ``torch.nn.functional.conv2d`` on 4-D float32 tensors and
compares its numbers with convscope's; when it does not, the state says so and holds no
PyTorch numbers at all.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from ...engine import conv2d
from ..base import Widget, WidgetInputs, grid, text_grid


class TorchCheckInputs(WidgetInputs):
    """Inputs of the ``torch_check`` widget: a 2-D image and kernel, as in the lesson."""

    image: grid(12, 12)  # type: ignore[valid-type]
    kernel: grid(7, 7)  # type: ignore[valid-type]


@cache
def _torch() -> Any:
    try:
        import torch
    except ImportError:
        return None
    return torch


def _torch_result(image: np.ndarray, kernel: np.ndarray) -> dict[str, Any]:
    torch = _torch()
    if torch is None:
        return {"available": False, "message": "PyTorch is not installed"}
    as_4d = torch.tensor(image, dtype=torch.float32).unsqueeze(0).unsqueeze(0)
    weight = torch.tensor(kernel, dtype=torch.float32).unsqueeze(0).unsqueeze(0)
    out = torch.nn.functional.conv2d(as_4d, weight)
    return {
        "available": True,
        "version": str(torch.__version__),
        "shapes": {
            "input": list(as_4d.shape),
            "weight": list(weight.shape),
            "output": list(out.shape),
        },
        "output": out.squeeze(0).squeeze(0).numpy().astype(np.float64),
    }


def build_state(inputs: TorchCheckInputs) -> dict[str, Any]:
    """Return convscope's output, PyTorch's (when installed) and whether they are equal."""
    image, kernel = np.asarray(inputs.image), np.asarray(inputs.kernel)
    ours = conv2d(image, kernel)
    theirs = _torch_result(image, kernel)
    if theirs["available"]:
        torch_output = theirs.pop("output")
        theirs["output_text"] = text_grid(torch_output.tolist())
        theirs["equal"] = bool(np.array_equal(ours.astype(np.float64), torch_output))
        theirs["max_difference"] = float(np.max(np.abs(ours - torch_output)))
    return {
        "inputs": inputs.model_dump(),
        "convscope": {"dtype": str(ours.dtype), "output_text": text_grid(ours.tolist())},
        "torch": theirs,
    }


WIDGET = Widget(
    name="torch_check",
    inputs=TorchCheckInputs,
    build=build_state,
    esm=Path(__file__).with_name("torch_check.js"),
)
