"""The arithmetic of ``convscope inspect``: a model's layers walked from its input, each one's
output size, dropped rows and columns, receptive field, parameters and multiply-accumulates.

A layer reads the map the layer before it made, or the maps its ``inputs`` name (a residual
sum, a concatenation); the receptive field is carried from map to map. The result is an
:class:`~convscope.inspection.report.Inspection`, which :mod:`.report` renders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from numpy.typing import NDArray

from ..engine import PoolSpec, mac_count, param_count
from ..engine._words import counted
from ..engine.receptive import LayerField
from ..engine.spec import Pair
from .layers import (
    MODEL_INPUT,
    Activation,
    AdaptivePool,
    BatchNorm,
    Conv,
    Flatten,
    Join,
    Layer,
    Linear,
    ModelProblem,
    Pool,
)
from .report import Inspection, Row, Shape, pair_text, shape_text

_AXES = ("row", "column")


def inspect_layers(
    layers: Sequence[Layer], input_size: Pair, channels: int | None = None, source: str = ""
) -> Inspection:
    """Return the inspection of ``layers`` for one image of ``channels × input_size``.

    ``channels`` defaults to the first convolution's input channels.

    Examples
    --------
    >>> from convscope.inspection import parse_stack
    >>> result = inspect_layers(parse_stack("conv 3 64 7 s2 p3; maxpool 3 s2 p1"), (224, 224))
    >>> result.rows[0].formulas[0], result.output_shape, result.params
    ('⌊(224 + 2·3 − 7)/2⌋ + 1 = 112', (64, 56, 56), 9472)
    """
    start: Shape = (_first_channels(layers, channels), *input_size)
    made: dict[str, tuple[Shape, LayerField | None]] = {MODEL_INPUT: (start, _NO_WINDOW)}
    previous, rows = MODEL_INPUT, []
    first_filters: NDArray[Any] | None = None
    for index, layer in enumerate(layers, start=1):
        sources = layer.inputs or (previous,)
        try:
            read = [_made_by(made, source) for source in sources]
            if isinstance(layer, Join):
                row, field = _join(index, layer, read, sources)
            else:
                if len(read) != 1:
                    raise ValueError(f"reads {len(read)} layers; only a join reads several")
                walk = _Walk(read[0][1])
                row, field = walk.step(index, layer, read[0][0]), walk.field
        except (ValueError, TypeError) as error:
            raise ModelProblem(f"layer {index} ({layer.name}): {error}") from None
        if sources != (previous,):
            row = replace(row, inputs=sources)
        if first_filters is None and isinstance(layer, Conv):
            first_filters = layer.weight
        rows.append(row)
        made[layer.name] = (row.output_shape, field)
        previous = layer.name
    return Inspection(source, start, tuple(rows), first_filters=first_filters)


_NO_WINDOW = LayerField(size=(1, 1), jump=(1, 1), start=(0, 0))
"""The receptive field of the input itself: each cell sees one pixel."""


def _made_by(
    made: dict[str, tuple[Shape, LayerField | None]], source: str
) -> tuple[Shape, LayerField | None]:
    if source not in made:
        raise ValueError(f"reads {source!r}, which no layer before it makes")
    return made[source]


def _join(
    index: int,
    layer: Join,
    read: list[tuple[Shape, LayerField | None]],
    sources: tuple[str, ...],
) -> tuple[Row, LayerField | None]:
    shapes = [shape for shape, _ in read]
    named = " and ".join(
        f"{shape_text(shape)} (from {name})" for shape, name in zip(shapes, sources, strict=True)
    )
    if len(read) < 2:
        raise ValueError(f"a {layer.kind} needs at least two inputs, gets {len(read)}")
    if any(len(shape) != 3 for shape in shapes):
        raise ValueError(f"a {layer.kind} joins feature maps (C×H×W), gets {named}")
    if layer.kind == "add" and len(set(shapes)) != 1:
        raise ValueError(f"adds maps of different shapes: {named}")
    if layer.kind == "concat" and len({shape[1:] for shape in shapes}) != 1:
        raise ValueError(f"stacks maps whose rows and columns differ: {named}")
    channels = shapes[0][0] if layer.kind == "add" else sum(shape[0] for shape in shapes)
    output = (channels, *shapes[0][1:])
    field = _union([field for _, field in read])
    size, jump = (None, None) if field is None else (field.size, field.jump)
    row = Row(index, layer.name, layer.kind, shapes[0], output, field_size=size, field_jump=jump)
    return row, field


def _union(fields: list[LayerField | None]) -> LayerField | None:
    """Return the field of a cell that sums or stacks cells of several branches: the span of
    all their fields; unknown when one is, or when the branches step differently."""
    known = [field for field in fields if field is not None]
    if len(known) != len(fields) or len({field.jump for field in known}) != 1:
        return None
    first = tuple(min(field.start[a] for field in known) for a in (0, 1))
    last = tuple(max(field.start[a] + field.size[a] for field in known) for a in (0, 1))
    return LayerField(
        size=(last[0] - first[0], last[1] - first[1]),
        jump=known[0].jump,
        start=(first[0], first[1]),
    )


def _first_channels(layers: Sequence[Layer], channels: int | None) -> int:
    if channels is not None:
        if channels < 1:
            raise ModelProblem(f"--channels must be at least 1, got {channels}")
        return channels
    first = next((layer for layer in layers if isinstance(layer, Conv | Linear)), None)
    if isinstance(first, Conv):
        return first.in_channels
    raise ModelProblem("the model does not start with a convolution: give --channels")


class _Walk:
    """Takes one layer from the field of the map it reads to the field of the map it makes."""

    def __init__(self, field: LayerField | None) -> None:
        self.field = field  # None once no single field describes the map (after a flatten)

    def step(self, index: int, layer: Layer, shape: Shape) -> Row:
        if isinstance(layer, Conv):
            return self._conv(index, layer, _map(shape, layer))
        if isinstance(layer, Pool):
            return self._pool(index, layer, _map(shape, layer))
        if isinstance(layer, AdaptivePool):
            return self._adaptive(index, layer, _map(shape, layer))
        if isinstance(layer, Linear):
            return self._linear(index, layer, shape)
        if isinstance(layer, Flatten):
            self.field = None
            flat = 1
            for n in shape:
                flat *= n
            return Row(index, layer.name, "flatten", shape, (flat,))
        assert not isinstance(layer, Join)  # joins are walked by inspect_layers
        return self._same_shape(index, layer, shape)

    def _field(
        self, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair
    ) -> tuple[Pair | None, Pair | None]:
        if self.field is None:
            return None, None
        self.field = self.field.then(kernel, stride, padding, dilation)
        return self.field.size, self.field.jump

    def _current_field(self, shape: Shape) -> tuple[Pair | None, Pair | None]:
        if self.field is None or len(shape) != 3:
            return None, None
        return self.field.size, self.field.jump

    def _conv(self, index: int, layer: Conv, shape: Shape) -> Row:
        if shape[0] != layer.in_channels:
            raise ValueError(
                f"expects {layer.in_channels} input channels, gets {shape[0]} "
                f"(the input is {shape_text(shape)})"
            )
        spec, size = layer.spec, (shape[1], shape[2])
        out = spec.output_size(size, layer.kernel)
        pads = spec.resolve_padding(layer.kernel)
        span = spec.effective_kernel_size(layer.kernel)
        formulas = tuple(
            _formula(size[a], pads[a], layer.kernel[a], spec.dilation[a], spec.stride[a], out[a])
            for a in (0, 1)
        )
        dropped, dropped_input = _dropped(size, pads, span, spec.stride)
        field_size, jump = self._field(
            layer.kernel, spec.stride, (pads[0][0], pads[1][0]), spec.dilation
        )
        params = param_count(
            layer.in_channels, layer.out_channels, layer.kernel, layer.bias, spec.groups
        )
        macs = mac_count(layer.in_channels, layer.out_channels, layer.kernel, size, spec)
        return Row(
            index, layer.name, "conv", shape, (layer.out_channels, *out), formulas,
            dropped, dropped_input, field_size, jump, params, macs,
            _drop_warnings(layer.name, size, dropped_input),
        )  # fmt: skip

    def _pool(self, index: int, layer: Pool, shape: Shape) -> Row:
        spec, size = layer.spec, (shape[1], shape[2])
        out = spec.output_size(size)
        pads = ((spec.padding[0],) * 2, (spec.padding[1],) * 2)
        span = (
            spec.dilation[0] * (spec.kernel_size[0] - 1) + 1,
            spec.dilation[1] * (spec.kernel_size[1] - 1) + 1,
        )
        formulas = tuple(_pool_formula(spec, size[a], a, out[a]) for a in (0, 1))
        dropped, dropped_input = (
            ((0, 0), (0, 0)) if spec.ceil_mode else _dropped(size, pads, span, spec.stride)
        )
        field_size, jump = self._field(spec.kernel_size, spec.stride, spec.padding, spec.dilation)
        return Row(
            index, layer.name, f"{layer.kind}pool", shape, (shape[0], *out), formulas,
            dropped, dropped_input, field_size, jump, 0, 0,
            _drop_warnings(layer.name, size, dropped_input),
        )  # fmt: skip

    def _adaptive(self, index: int, layer: AdaptivePool, shape: Shape) -> Row:
        size, out = (shape[1], shape[2]), layer.output
        even = size[0] % out[0] == 0 and size[1] % out[1] == 0
        formulas = tuple(
            f"adaptive {size[a]} → {out[a]}" + (f" (window {size[a] // out[a]})" if even else "")
            for a in (0, 1)
        )
        warnings: tuple[str, ...] = ()
        field_size, jump = None, None
        if even:
            window = (size[0] // out[0], size[1] // out[1])
            field_size, jump = self._field(window, window, (0, 0), (1, 1))
        else:
            self.field = None
            warnings = (
                f"{layer.name}: adaptive pooling from {pair_text(size)} to {pair_text(out)} "
                "uses windows of uneven sizes, so no single receptive field follows it",
            )
        return Row(
            index, layer.name, f"adaptive{layer.kind}pool", shape, (shape[0], *out), formulas,
            field_size=field_size, field_jump=jump, warnings=warnings,
        )  # fmt: skip

    def _linear(self, index: int, layer: Linear, shape: Shape) -> Row:
        if len(shape) != 1:
            raise ValueError(
                f"a linear layer needs a flattened input, gets a {shape_text(shape)} map; "
                "put flatten (or gap; flatten) before it"
            )
        if shape[0] != layer.in_features:
            raise ValueError(f"expects {layer.in_features} features, gets {shape[0]}")
        params = layer.in_features * layer.out_features + (layer.out_features if layer.bias else 0)
        macs = layer.in_features * layer.out_features
        return Row(
            index, layer.name, "linear", shape, (layer.out_features,), params=params, macs=macs
        )

    def _same_shape(self, index: int, layer: BatchNorm | Activation, shape: Shape) -> Row:
        field_size, jump = self._current_field(shape)
        if isinstance(layer, Activation):
            kind, params = layer.function, 0
        else:
            if layer.channels is not None and layer.channels != shape[0]:
                raise ValueError(f"normalises {layer.channels} channels, gets {shape[0]}")
            kind, params = "batchnorm", 2 * shape[0] if layer.affine else 0
        return Row(
            index, layer.name, kind, shape, shape,
            field_size=field_size, field_jump=jump, params=params,
        )  # fmt: skip


def _map(shape: Shape, layer: Layer) -> Shape:
    if len(shape) != 3:
        raise ValueError(
            f"needs a feature map (C×H×W), gets {counted(shape[0], 'feature')} after a flatten"
        )
    return shape


def _padding_terms(pad: Pair) -> str:
    low, high = pad
    if low == high:
        return f" + 2·{low}" if low else ""
    return f" + {low} + {high}"


def _formula(size: int, pad: Pair, kernel: int, dilation: int, stride: int, out: int) -> str:
    span = f"{kernel}" if dilation == 1 else f"{dilation}·({kernel} − 1) − 1"
    return f"⌊({size}{_padding_terms(pad)} − {span})/{stride}⌋ + 1 = {out}"


def _pool_formula(spec: PoolSpec, size: int, axis: int, out: int) -> str:
    kernel, dilation = spec.kernel_size[axis], spec.dilation[axis]
    pad, stride = spec.padding[axis], spec.stride[axis]
    if not spec.ceil_mode:
        return _formula(size, (pad, pad), kernel, dilation, stride, out)
    span = f"{kernel}" if dilation == 1 else f"{dilation}·({kernel} − 1) − 1"
    text = f"⌈({size}{_padding_terms((pad, pad))} − {span})/{stride}⌉ + 1"
    raw = -(-(size + 2 * pad - dilation * (kernel - 1) - 1) // stride) + 1
    if raw != out:
        return f"{text} − 1 = {out} (the last window would start in the padding)"
    return f"{text} = {out}"


def _dropped(size: Pair, pads: tuple[Pair, Pair], span: Pair, stride: Pair) -> tuple[Pair, Pair]:
    left_over = tuple((size[a] + pads[a][0] + pads[a][1] - span[a]) % stride[a] for a in (0, 1))
    real = tuple(max(0, left_over[a] - pads[a][1]) for a in (0, 1))
    return (left_over[0], left_over[1]), (real[0], real[1])


def _drop_warnings(name: str, size: Pair, dropped_input: Pair) -> tuple[str, ...]:
    parts = [counted(dropped_input[a], _AXES[a]) for a in (0, 1) if dropped_input[a]]
    if not parts:
        return ()
    return (
        f"{name}: the floor division drops the last {' and '.join(parts)} of its "
        f"{pair_text(size)} input; no output sees them",
    )
