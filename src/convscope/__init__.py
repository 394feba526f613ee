"""convscope: the 2-D convolution of deep learning, visible and exact.

The engine computes what ``torch.nn.functional.conv2d`` computes, on NumPy arrays; the
tracing layer explains every output number down to its products.

Examples
--------
>>> import convscope
>>> convscope.conv2d([[1, 2], [3, 4]], [[1, 0], [0, 1]])
array([[5]])
"""

from . import kernels
from .engine import ConvSpec, conv1d, conv2d, flop_count, mac_count, pad, param_count
from .tracing import CodeTrace, ConvTrace, trace, trace_code, trace_source

__version__ = "0.1.0"

__all__ = [
    "CodeTrace",
    "ConvSpec",
    "ConvTrace",
    "__version__",
    "conv1d",
    "conv2d",
    "flop_count",
    "kernels",
    "mac_count",
    "pad",
    "param_count",
    "trace",
    "trace_code",
    "trace_source",
]
