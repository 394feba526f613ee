"""Gradients of the convolutions and pools, named as ``torch.nn.grad``.

``convscope.grad.conv2d_input(input_size, weight, grad_output, ...)`` and
``convscope.grad.conv2d_weight(input, weight_size, grad_output, ...)`` take the same arguments
as ``torch.nn.grad``'s functions of those names; the bias, ``conv1d``, ``conv3d``,
``conv_transpose2d``, ``max_pool2d`` and ``avg_pool2d`` have counterparts here too. They live in
the engine (:mod:`convscope.engine.grad`, :mod:`convscope.engine.grad3d`,
:mod:`convscope.engine.pool_grad`); this module gathers them.

Examples
--------
>>> from convscope import grad
>>> grad.conv2d_weight([[1, 2, 3]], (1, 2), [[1, 1]])
array([[3, 5]])
"""

from .engine.grad import (
    conv1d_bias,
    conv1d_input,
    conv1d_weight,
    conv2d_bias,
    conv2d_input,
    conv2d_weight,
    conv_transpose2d_bias,
    conv_transpose2d_input,
    conv_transpose2d_weight,
)
from .engine.grad3d import conv3d_bias, conv3d_input, conv3d_weight
from .engine.pool_grad import avg_pool2d_input, max_pool2d_input

__all__ = [
    "avg_pool2d_input",
    "conv1d_bias",
    "conv1d_input",
    "conv1d_weight",
    "conv2d_bias",
    "conv2d_input",
    "conv2d_weight",
    "conv3d_bias",
    "conv3d_input",
    "conv3d_weight",
    "conv_transpose2d_bias",
    "conv_transpose2d_input",
    "conv_transpose2d_weight",
    "max_pool2d_input",
]
