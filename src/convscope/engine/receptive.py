"""Receptive fields: which input pixels an output cell of a layer stack can see."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .spec import ConvSpec, Pair, as_pair
from .transpose import conv_transpose2d

_KEYS = ("kernel_size", "stride", "padding", "dilation")
_DEFAULTS = {"stride": 1, "padding": 0, "dilation": 1}


@dataclass(frozen=True)
class LayerField:
    """The receptive field after one layer, in input pixels.

    Attributes
    ----------
    size : (int, int)
        Rows and columns of input one output cell of this layer depends on.
    jump : (int, int)
        Input pixels between two neighbouring output cells of this layer.
    start : (int, int)
        Input row and column where output cell ``(0, 0)``'s field begins (negative when it
        reaches into padding).
    """

    size: Pair
    jump: Pair
    start: Pair

    def then(self, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair) -> LayerField:
        """Return the field after one more window layer (``padding`` is the top/left side's).

        Examples
        --------
        >>> LayerField((1, 1), (1, 1), (0, 0)).then((3, 3), (2, 2), (1, 1), (1, 1))
        LayerField(size=(3, 3), jump=(2, 2), start=(-1, -1))
        """
        return _next_field(self, kernel, stride, padding, dilation)


@dataclass(frozen=True)
class ReceptiveField:
    """The receptive field of the last layer of a stack, and of every layer before it."""

    layers: tuple[LayerField, ...]

    @property
    def size(self) -> Pair:
        """Return the last layer's field size ``(rows, cols)`` in input pixels."""
        return self.layers[-1].size

    @property
    def jump(self) -> Pair:
        """Return the last layer's jump ``(rows, cols)``: its cumulative stride."""
        return self.layers[-1].jump

    def region(self, i: int, j: int) -> tuple[int, int, int, int]:
        """Return ``(row_start, row_stop, col_start, col_stop)`` of input cell ``(i, j)`` sees.

        Stops are exclusive and nothing is clipped, so a region reaching into padding has
        negative starts or stops past the input's size.
        """
        last = self.layers[-1]
        row = last.start[0] + i * last.jump[0]
        col = last.start[1] + j * last.jump[1]
        return (row, row + last.size[0], col, col + last.size[1])


def receptive_field(layers: Sequence[Mapping[str, object]]) -> ReceptiveField:
    """Return the receptive field of a stack of convolution or pooling layers.

    Each layer is a mapping with ``kernel_size`` and optionally ``stride``, ``padding`` and
    ``dilation`` (int or pair; missing keys default as in ``nn.Conv2d``). Per layer ``l``,
    with ``k' = d(k − 1) + 1``: ``size_l = size_{l-1} + (k' − 1)·jump_{l-1}``,
    ``jump_l = jump_{l-1}·s`` and ``start_l = start_{l-1} − p·jump_{l-1}``.

    Examples
    --------
    >>> field = receptive_field([{"kernel_size": 3}, {"kernel_size": 3}])
    >>> field.size, field.jump, field.region(0, 0)
    ((5, 5), (1, 1), (0, 5, 0, 5))
    """
    if isinstance(layers, Mapping) or not isinstance(layers, Sequence) or not layers:
        raise ValueError(f"layers must be a non-empty sequence of mappings, got {layers!r}")
    field = LayerField(size=(1, 1), jump=(1, 1), start=(0, 0))
    fields = []
    for index, layer in enumerate(layers):
        field = _next_field(field, *_layer_values(layer, index))
        fields.append(field)
    return ReceptiveField(layers=tuple(fields))


def path_counts(
    layers: Sequence[Mapping[str, object]], input_size: object, i: int, j: int
) -> NDArray[np.int64]:
    """Return, for every input pixel, how many paths lead from it to output cell ``(i, j)``.

    Each layer is treated as a convolution with a kernel of ones, so this is the gradient of
    that output cell with respect to the input — the pattern behind the receptive field, with
    the centre counted most. Computed by running the stack backwards with
    :func:`~convscope.engine.transpose.conv_transpose2d`.

    Examples
    --------
    >>> path_counts([{"kernel_size": 2}, {"kernel_size": 2}], 3, 0, 0)
    array([[1, 2, 1],
           [2, 4, 2],
           [1, 2, 1]])
    """
    receptive_field(layers)  # validates the layers
    values = [_layer_values(layer, index) for index, layer in enumerate(layers)]
    sizes = [as_pair(input_size, "input_size", minimum=1)]
    for kernel, stride, padding, dilation in values:
        spec = ConvSpec.create(stride=stride, padding=padding, dilation=dilation)
        sizes.append(spec.output_size(sizes[-1], kernel))
    last = sizes[-1]
    if not (0 <= i < last[0] and 0 <= j < last[1]):
        raise ValueError(f"cell ({i}, {j}) is outside the last layer's {last[0]}×{last[1]} output")
    counts = np.zeros(last, dtype=np.int64)
    counts[i, j] = 1
    for (kernel, stride, padding, dilation), size in zip(values[::-1], sizes[-2::-1], strict=True):
        counts = _back_one_layer(counts, kernel, stride, padding, dilation, size)
    return counts


def _back_one_layer(
    counts: NDArray[np.int64], kernel: Pair, stride: Pair, padding: Pair, dilation: Pair, size: Pair
) -> NDArray[np.int64]:
    reached = tuple(
        (counts.shape[a] - 1) * stride[a] - 2 * padding[a] + dilation[a] * (kernel[a] - 1) + 1
        for a in (0, 1)
    )
    # cells a strided layer dropped at the bottom/right come back as output_padding (all < s)
    extra = (size[0] - reached[0], size[1] - reached[1])
    back = conv_transpose2d(
        counts,
        np.ones(kernel, dtype=np.int64),
        stride=stride,
        padding=padding,
        output_padding=extra,
        dilation=dilation,
    )
    return np.asarray(back, dtype=np.int64)


def _next_field(
    previous: LayerField, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair
) -> LayerField:
    size, jump, start = previous.size, previous.jump, previous.start
    return LayerField(
        size=(
            size[0] + dilation[0] * (kernel[0] - 1) * jump[0],
            size[1] + dilation[1] * (kernel[1] - 1) * jump[1],
        ),
        jump=(jump[0] * stride[0], jump[1] * stride[1]),
        start=(start[0] - padding[0] * jump[0], start[1] - padding[1] * jump[1]),
    )


def _layer_values(layer: Mapping[str, object], index: int) -> tuple[Pair, Pair, Pair, Pair]:
    if not isinstance(layer, Mapping):
        raise TypeError(
            f"layers[{index}] must be a mapping like {{'kernel_size': 3}}, got {layer!r}"
        )
    unknown = set(layer) - set(_KEYS)
    if unknown:
        raise ValueError(
            f"layers[{index}] has unknown keys {sorted(unknown)}; use {', '.join(_KEYS)}"
        )
    if "kernel_size" not in layer:
        raise ValueError(f"layers[{index}] needs a kernel_size, got {dict(layer)!r}")
    minimums = {"kernel_size": 1, "stride": 1, "padding": 0, "dilation": 1}
    values = [
        as_pair(layer.get(key, _DEFAULTS.get(key)), f"layers[{index}].{key}", minimum=minimums[key])
        for key in _KEYS
    ]
    return values[0], values[1], values[2], values[3]
