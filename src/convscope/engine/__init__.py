"""The convolution engine: pure NumPy, no I/O.

Everything here takes a :class:`ConvSpec` or builds one from PyTorch-style arguments.
"""

from .algorithms import ALGORITHMS
from .arithmetic import flop_count, mac_count, param_count
from .conv import Problem, conv1d, conv2d, prepare
from .padding import pad, padding_mask
from .spec import ConvSpec

__all__ = [
    "ALGORITHMS",
    "ConvSpec",
    "Problem",
    "conv1d",
    "conv2d",
    "flop_count",
    "mac_count",
    "pad",
    "padding_mask",
    "param_count",
    "prepare",
]
