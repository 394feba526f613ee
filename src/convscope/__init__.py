"""convscope: the 2-D convolution of deep learning, visible and exact.

The engine computes what ``torch.nn.functional.conv2d`` computes, on NumPy arrays; the
tracing layer explains every output number down to its products.

Examples
--------
>>> import convscope
>>> convscope.conv2d([[1, 2], [3, 4]], [[1, 0], [0, 1]])
array([[5]])
"""

from . import grad, kernels
from .engine import (
    ConvSpec,
    avg_pool2d,
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
    flop_count,
    mac_count,
    max_pool2d,
    pad,
    param_count,
    receptive_field,
)
from .learn import KernelLearner, LearnHistory, learn_kernel
from .tracing import (
    CodeTrace,
    ConvTrace,
    trace,
    trace_code,
    trace_grad,
    trace_pool,
    trace_pool_grad,
    trace_source,
    trace_transposed,
)

__version__ = "0.1.0"

__all__ = [
    "CodeTrace",
    "ConvSpec",
    "ConvTrace",
    "KernelLearner",
    "LearnHistory",
    "__version__",
    "avg_pool2d",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "flop_count",
    "grad",
    "kernels",
    "learn_kernel",
    "mac_count",
    "max_pool2d",
    "pad",
    "param_count",
    "receptive_field",
    "trace",
    "trace_code",
    "trace_grad",
    "trace_pool",
    "trace_pool_grad",
    "trace_source",
    "trace_transposed",
]
