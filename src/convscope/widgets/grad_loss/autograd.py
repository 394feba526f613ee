"""The same loss and gradients through ``torch.autograd``, when PyTorch is installed.

PyTorch computes the loss and its gradients its own way (float64 tensors, ``backward()``);
the state holds its numbers next to convscope's and the largest difference between them. When
torch does not import, the state says so and holds no PyTorch numbers at all.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ...engine import conv2d
from ...engine.grad import conv2d_input, conv2d_weight
from ...tracing.numbers import format_number
from ..base import text_grid

NOT_INSTALLED = (
    "PyTorch is not installed here, so the check against torch.autograd is off "
    "(pip install torch turns it on); every number above is convscope's own."
)


@cache
def torch_or_none() -> Any:
    """Return the torch module, or None when PyTorch is not installed."""
    try:
        import torch
    except ImportError:
        return None
    return torch


def _autograd(
    image: NDArray[Any], kernel: NDArray[Any], target: NDArray[Any]
) -> tuple[float, NDArray[Any], NDArray[Any]]:
    torch = torch_or_none()
    x = torch.tensor(image, dtype=torch.float64)[None, None].requires_grad_()
    w = torch.tensor(kernel, dtype=torch.float64)[None, None].requires_grad_()
    t = torch.tensor(target, dtype=torch.float64)[None, None]
    loss = 0.5 * ((torch.nn.functional.conv2d(x, w) - t) ** 2).sum()
    loss.backward()
    return float(loss.detach()), w.grad[0, 0].numpy(), x.grad[0, 0].numpy()


def autograd_check(
    image: NDArray[Any], kernel: NDArray[Any], target: NDArray[Any]
) -> dict[str, Any]:
    """Return torch.autograd's loss and gradients beside convscope's, or why there are none."""
    if torch_or_none() is None:
        return {"available": False, "message": NOT_INSTALLED}
    loss, grad_weight, grad_input = _autograd(image, kernel, target)
    errors = conv2d(image, kernel) - target
    ours = (
        0.5 * float((errors.astype(np.float64) ** 2).sum()),
        conv2d_weight(image, kernel.shape, errors),
        conv2d_input(image.shape, kernel, errors),
    )
    gap = max(
        abs(loss - ours[0]),
        float(np.abs(grad_weight - ours[1]).max()),
        float(np.abs(grad_input - ours[2]).max()),
    )
    return {
        "available": True,
        "version": str(torch_or_none().__version__),
        "loss": format_number(loss),
        "grad_weight": text_grid(grad_weight.tolist()),
        "grad_input": text_grid(grad_input.tolist()),
        "largest_difference": format_number(gap),
        "agrees": gap <= 1e-9 * max(1.0, abs(ours[0])),
    }
