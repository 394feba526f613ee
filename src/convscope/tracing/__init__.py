"""Explanations computed by the engine's own arithmetic.

:func:`trace` explains a convolution step by step: for every output number, the input window,
the kernel, the products and the sums (:class:`ConvTrace`, :class:`Step`).
"""

from .step import ConvTrace, Step, trace

__all__ = [
    "ConvTrace",
    "Step",
    "trace",
]
