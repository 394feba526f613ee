"""Explanations computed by the engine's own arithmetic.

:func:`trace` explains a convolution step by step: for every output number, the input window,
the kernel, the products and the sums (:class:`ConvTrace`, :class:`Step`). :func:`trace_code`
and :func:`trace_source` explain Python code line by line (:class:`CodeTrace`).
"""

from .code import CodeTrace, trace_code, trace_source
from .pooling import PoolStep, PoolTrace, trace_pool
from .step import ConvTrace, Step, trace
from .transposed import TransposedStep, TransposedTrace, trace_transposed

__all__ = [
    "CodeTrace",
    "ConvTrace",
    "PoolStep",
    "PoolTrace",
    "Step",
    "TransposedStep",
    "TransposedTrace",
    "trace",
    "trace_code",
    "trace_pool",
    "trace_source",
    "trace_transposed",
]
