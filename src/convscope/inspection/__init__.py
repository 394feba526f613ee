"""``convscope inspect``'s logic: a model's layers, their output sizes with the formula filled
in, receptive fields, parameters and multiply-accumulates, for one input size.

Models come as a stack description (:func:`parse_stack`), a PyTorch module
(:func:`torch_layers`) or an ONNX file (:func:`onnx_layers`); :func:`inspect_model` takes any of
them as the command line does. Nothing here prints.
"""

from .from_onnx import onnx_layers
from .from_torch import torch_layers
from .layers import (
    Activation,
    AdaptivePool,
    BatchNorm,
    Conv,
    Flatten,
    Join,
    Layer,
    Linear,
    ModelProblem,
    Pool,
)
from .load import MAX_ONNX_BYTES, MAX_STACK_BYTES, inspect_model, parse_input_size, read_model
from .report import Inspection, Row
from .stack_text import GRAMMAR, parse_stack
from .walk import inspect_layers

__all__ = [
    "GRAMMAR",
    "MAX_ONNX_BYTES",
    "MAX_STACK_BYTES",
    "Activation",
    "AdaptivePool",
    "BatchNorm",
    "Conv",
    "Flatten",
    "Inspection",
    "Join",
    "Layer",
    "Linear",
    "ModelProblem",
    "Pool",
    "Row",
    "inspect_layers",
    "inspect_model",
    "onnx_layers",
    "parse_input_size",
    "parse_stack",
    "read_model",
    "torch_layers",
]
