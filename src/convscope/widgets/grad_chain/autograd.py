"""The chain conv → ReLU → pool through ``torch.autograd``, when PyTorch is installed."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ...engine import conv2d
from ...engine.grad import conv2d_weight
from ...engine.pool_grad import avg_pool2d_input, max_pool2d_input
from ...tracing.numbers import format_number
from ..grad_loss.autograd import NOT_INSTALLED, torch_or_none


def _ours(image: NDArray[Any], kernel: NDArray[Any], kind: str, grad_p: NDArray[Any]) -> Any:
    pre = conv2d(image, kernel)
    activation = np.maximum(pre, 0)
    if kind == "max":
        grad_a = max_pool2d_input(activation, grad_p, 2, 2)
    else:
        grad_a = avg_pool2d_input(activation.shape, grad_p, 2, 2)
    return conv2d_weight(image, kernel.shape, np.where(pre > 0, grad_a, 0 * grad_a))


def chain_check(
    image: NDArray[Any], kernel: NDArray[Any], kind: str, grad_p: NDArray[Any]
) -> dict[str, Any]:
    """Return whether torch.autograd's ``∂L/∂w`` equals convscope's, or why there is no check."""
    torch = torch_or_none()
    if torch is None:
        return {"available": False, "message": NOT_INSTALLED}
    functional = torch.nn.functional
    x = torch.tensor(image, dtype=torch.float64)[None, None]
    w = torch.tensor(kernel, dtype=torch.float64)[None, None].requires_grad_()
    activation = torch.relu(functional.conv2d(x, w))
    pool = functional.max_pool2d if kind == "max" else functional.avg_pool2d
    pooled = pool(activation, 2, 2)
    (pooled * torch.tensor(grad_p, dtype=torch.float64)[None, None]).sum().backward()
    theirs = w.grad[0, 0].numpy()
    gap = float(np.abs(theirs - _ours(image, kernel, kind, grad_p)).max())
    return {
        "available": True,
        "version": str(torch.__version__),
        "largest_difference": format_number(gap),
        "agrees": gap <= 1e-9 * max(1.0, float(np.abs(theirs).max())),
    }
