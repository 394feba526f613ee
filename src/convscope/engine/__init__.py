"""The convolution engine: pure NumPy, no I/O.

Everything here takes a :class:`ConvSpec` or builds one from PyTorch-style arguments.
"""

from .algorithms import ALGORITHMS
from .arithmetic import flop_count, mac_count, param_count
from .conv import Problem, conv1d, conv2d, prepare
from .padding import pad, padding_mask
from .pool import PoolSpec, avg_pool2d, max_pool2d
from .receptive import LayerField, ReceptiveField, path_counts, receptive_field
from .spec import ConvSpec
from .transpose import TransposeSpec, conv_transpose2d

__all__ = [
    "ALGORITHMS",
    "ConvSpec",
    "LayerField",
    "PoolSpec",
    "Problem",
    "ReceptiveField",
    "TransposeSpec",
    "avg_pool2d",
    "conv1d",
    "conv2d",
    "conv_transpose2d",
    "flop_count",
    "mac_count",
    "max_pool2d",
    "pad",
    "padding_mask",
    "param_count",
    "path_counts",
    "prepare",
    "receptive_field",
]
