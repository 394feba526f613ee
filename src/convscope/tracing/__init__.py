"""Explanations computed by the engine's own arithmetic.

:func:`trace` explains a convolution step by step: for every output number, the input window,
the kernel, the products and the sums (:class:`ConvTrace`, :class:`Step`); :func:`trace_grad`
and :func:`trace_pool_grad` explain every number of the gradients the same way. :func:`trace_code`
and :func:`trace_source` explain Python code line by line (:class:`CodeTrace`).
"""

from .code import CodeTrace, trace_code, trace_source
from .grad import GradStep, GradTerm, GradTrace, trace_grad
from .pool_grad import PoolGradStep, PoolGradTrace, trace_pool_grad
from .pooling import PoolStep, PoolTrace, trace_pool
from .step import ConvTrace, Step, trace
from .transposed import TransposedStep, TransposedTrace, trace_transposed

__all__ = [
    "CodeTrace",
    "ConvTrace",
    "GradStep",
    "GradTerm",
    "GradTrace",
    "PoolGradStep",
    "PoolGradTrace",
    "PoolStep",
    "PoolTrace",
    "Step",
    "TransposedStep",
    "TransposedTrace",
    "trace",
    "trace_code",
    "trace_grad",
    "trace_pool",
    "trace_pool_grad",
    "trace_source",
    "trace_transposed",
]
