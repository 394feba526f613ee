"""Explanations computed by the engine's own arithmetic.

:func:`trace` explains a convolution step by step: for every output number, the input window,
the kernel, the products and the sums (:class:`ConvTrace`, :class:`Step`).
"""

from .pooling import PoolStep, PoolTrace, trace_pool
from .step import ConvTrace, Step, trace
from .transposed import TransposedStep, TransposedTrace, trace_transposed

__all__ = [
    "ConvTrace",
    "PoolStep",
    "PoolTrace",
    "Step",
    "TransposedStep",
    "TransposedTrace",
    "trace",
    "trace_pool",
    "trace_transposed",
]
