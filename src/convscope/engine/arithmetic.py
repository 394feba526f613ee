"""Counting a convolution layer: parameters, multiply-accumulates and floating-point operations."""

from __future__ import annotations

from .spec import ConvSpec, Pair, as_pair


def param_count(
    in_channels: int,
    out_channels: int,
    kernel_size: int | Pair,
    bias: bool = True,
    groups: int = 1,
) -> int:
    """Return the number of learnable numbers in ``nn.Conv2d(in, out, kernel_size)``.

    ``kH × kW × (C_in / groups) × C_out`` weights, plus ``C_out`` biases when ``bias``.

    Examples
    --------
    >>> param_count(3, 64, 3)
    1792
    >>> param_count(64, 128, 3)
    73856
    """
    k_rows, k_cols = as_pair(kernel_size, "kernel_size", minimum=1)
    _check_channels(in_channels, out_channels, groups)
    weights = k_rows * k_cols * (in_channels // groups) * out_channels
    return weights + (out_channels if bias else 0)


def mac_count(
    in_channels: int,
    out_channels: int,
    kernel_size: int | Pair,
    input_size: int | Pair,
    spec: ConvSpec | None = None,
) -> int:
    """Return the multiply-accumulates of one image through the layer (batch of 1).

    Each output cell of each output channel costs ``kH × kW × C_in / groups`` of them.

    Examples
    --------
    >>> mac_count(3, 64, 3, 224, ConvSpec.create(padding=1))
    86704128
    """
    spec = spec or ConvSpec()
    kernel = as_pair(kernel_size, "kernel_size", minimum=1)
    _check_channels(in_channels, out_channels, spec.groups)
    out_rows, out_cols = spec.output_size(as_pair(input_size, "input_size", minimum=1), kernel)
    per_cell = kernel[0] * kernel[1] * (in_channels // spec.groups)
    return out_rows * out_cols * out_channels * per_cell


def flop_count(
    in_channels: int,
    out_channels: int,
    kernel_size: int | Pair,
    input_size: int | Pair,
    spec: ConvSpec | None = None,
) -> int:
    """Return the floating-point operations: two per multiply-accumulate (one ×, one +)."""
    return 2 * mac_count(in_channels, out_channels, kernel_size, input_size, spec)


def _check_channels(in_channels: int, out_channels: int, groups: int) -> None:
    for name, value in (("in_channels", in_channels), ("out_channels", out_channels)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if not isinstance(groups, int) or groups < 1:
        raise ValueError(f"groups must be a positive int, got {groups!r}")
    if in_channels % groups or out_channels % groups:
        raise ValueError(
            f"groups={groups} must divide in_channels={in_channels} and out_channels={out_channels}"
        )
