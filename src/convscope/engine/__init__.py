"""The convolution engine: pure NumPy, no I/O.

Everything here takes a :class:`ConvSpec` or builds one from PyTorch-style arguments.
"""

from .algorithms import ALGORITHMS
from .arithmetic import flop_count, mac_count, param_count
from .conv import Problem, conv1d, conv2d, prepare
from .conv3d import conv3d
from .padding import pad, padding_mask
from .pool import PoolSpec, avg_pool2d, max_pool2d
from .receptive import LayerField, ReceptiveField, path_counts, receptive_field
from .spec import ConvSpec
from .spec3d import ConvSpec3d
from .transpose import TransposeSpec, conv_transpose2d
from .transpose3d import TransposeSpec3d, conv_transpose1d, conv_transpose3d

__all__ = [
    "ALGORITHMS",
    "ConvSpec",
    "ConvSpec3d",
    "LayerField",
    "PoolSpec",
    "Problem",
    "ReceptiveField",
    "TransposeSpec",
    "TransposeSpec3d",
    "avg_pool2d",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
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
