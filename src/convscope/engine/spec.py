"""The validated hyper-parameters of one convolution, and the shape arithmetic they imply.

Every other module of the engine takes a :class:`ConvSpec` instead of loose arguments, so a
stride of 0 or a negative padding is refused once, here, with one message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np

from ._words import counted

Pair: TypeAlias = tuple[int, int]
SidePadding: TypeAlias = tuple[Pair, Pair]
PaddingMode: TypeAlias = Literal["zeros", "reflect", "replicate", "circular"]
PaddingName: TypeAlias = Literal["valid", "same", "full"]
Size: TypeAlias = int | Sequence[int]
"""An int for every axis, or one per axis (a one-element sequence means every axis, as PyTorch)."""
PaddingArg: TypeAlias = int | Sequence[int] | Sequence[Sequence[int]] | str
"""Padding as the public functions take it: cells per axis, ``((lo, hi), ...)`` per axis, or a
rule by name (``'valid'``, ``'same'``, ``'full'``; ``conv1d`` also ``'causal'``)."""

PADDING_MODES: tuple[PaddingMode, ...] = ("zeros", "reflect", "replicate", "circular")
PADDING_NAMES: tuple[PaddingName, ...] = ("valid", "same", "full")


def is_int(value: object) -> bool:
    """Return whether ``value`` is an int (Python or NumPy), not a bool."""
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def as_pair(value: object, name: str, *, minimum: int) -> Pair:
    """Return ``value`` as a ``(rows, cols)`` pair of ints, each at least ``minimum``.

    Parameters
    ----------
    value : int or pair of int
        What the caller passed, e.g. ``2`` or ``(2, 1)``. A one-element sequence such as
        ``(2,)`` means both directions, as PyTorch's functional API reads it.
    name : str
        The argument's name, quoted in the error message.
    minimum : int
        The smallest allowed value.

    Examples
    --------
    >>> as_pair(2, "stride", minimum=1)
    (2, 2)
    """
    if isinstance(value, tuple | list) and len(value) == 1 and is_int(value[0]):
        value = value[0]
    if is_int(value):
        pair = (int(value), int(value))  # type: ignore[call-overload]
    elif isinstance(value, tuple | list) and len(value) == 2 and all(is_int(v) for v in value):
        pair = (int(value[0]), int(value[1]))
    else:
        raise TypeError(f"{name} must be an int or a pair of ints, got {value!r}")
    if min(pair) < minimum:
        raise ValueError(f"{name} must be >= {minimum} in each direction, got {value!r}")
    return pair


def _as_side_padding(value: object) -> SidePadding | PaddingName:
    if isinstance(value, str):
        if value not in PADDING_NAMES:
            raise ValueError(
                f"padding must be an int, a pair, ((top, bottom), (left, right)) or one of "
                f"{', '.join(repr(n) for n in PADDING_NAMES)}; got {value!r}"
            )
        return value
    if (
        isinstance(value, tuple | list)
        and len(value) == 2
        and all(isinstance(side, tuple | list) for side in value)
    ):
        rows = as_pair(tuple(value[0]), "padding (top, bottom)", minimum=0)
        cols = as_pair(tuple(value[1]), "padding (left, right)", minimum=0)
        return (rows, cols)
    try:
        rows_cols = as_pair(value, "padding", minimum=0)
    except TypeError:
        raise TypeError(
            "padding must be an int, a pair, ((top, bottom), (left, right)) or one of "
            f"'valid', 'same', 'full'; got {value!r}"
        ) from None
    return ((rows_cols[0], rows_cols[0]), (rows_cols[1], rows_cols[1]))


# Other libraries' names for these modes, so a refusal can say which of ours is meant.
_OTHER_MODE_NAMES = {
    "constant": "NumPy's and SciPy's 'constant' (with 0) is 'zeros' here",
    "mirror": "SciPy's 'mirror' is 'reflect' here",
    "edge": "NumPy's 'edge' is 'replicate' here",
    "nearest": "SciPy's 'nearest' is 'replicate' here",
    "wrap": "NumPy's and SciPy's 'wrap' is 'circular' here",
    "symmetric": (
        "NumPy's 'symmetric' (SciPy's 'reflect') repeats the edge cell, which no PyTorch mode "
        "does; 'reflect' here mirrors without repeating it"
    ),
}


def as_padding_mode(value: object, name: str) -> PaddingMode:
    """Return ``value`` as one of :data:`PADDING_MODES`, or raise naming the modes that work.

    Examples
    --------
    >>> as_padding_mode("reflect", "mode")
    'reflect'
    """
    for mode in PADDING_MODES:
        if isinstance(value, str) and value == mode:
            return mode
    hint = _OTHER_MODE_NAMES.get(value, "") if isinstance(value, str) else ""
    raise ValueError(
        f"{name} must be one of {', '.join(repr(m) for m in PADDING_MODES)}, got {value!r}"
        + (f"; {hint}" if hint else "")
    )


def _same_split(dilation: int, kernel: int) -> Pair:
    # PyTorch puts the odd extra cell of an even kernel's padding at the end (bottom/right).
    total = dilation * (kernel - 1)
    return (total // 2, total - total // 2)


@dataclass(frozen=True)
class ConvSpec:
    """The validated hyper-parameters of a convolution.

    Build it with :meth:`ConvSpec.create`, which accepts the same loose forms as
    ``torch.nn.functional.conv2d`` (ints or pairs) and refuses bad values with a message that
    names the argument. The fields are always normalised pairs.

    Attributes
    ----------
    stride : (int, int)
        Step of the window in rows and columns, each >= 1.
    padding : ((int, int), (int, int)) or {'valid', 'same', 'full'}
        Cells added ``((top, bottom), (left, right))``, or a rule resolved against the kernel
        size by :meth:`resolve_padding`.
    dilation : (int, int)
        Spacing between kernel taps, each >= 1.
    groups : int
        Number of channel groups, >= 1.
    padding_mode : {'zeros', 'reflect', 'replicate', 'circular'}
        What the padded cells hold, as in ``torch.nn.Conv2d``.
    flip : bool
        ``True`` for true (flipped-kernel) convolution, ``False`` for the cross-correlation
        deep-learning libraries compute.

    Examples
    --------
    >>> spec = ConvSpec.create(stride=2, padding=1)
    >>> spec.output_size((5, 5), (3, 3))
    (3, 3)
    """

    stride: Pair = (1, 1)
    padding: SidePadding | PaddingName = ((0, 0), (0, 0))
    dilation: Pair = (1, 1)
    groups: int = 1
    padding_mode: PaddingMode = "zeros"
    flip: bool = False

    def __post_init__(self) -> None:
        """Refuse a spec built directly with values :meth:`create` would refuse.

        The fields must already be in their normal form (pairs, a side padding or a name);
        :meth:`create` is the way in from PyTorch's loose forms.
        """
        for name in ("stride", "dilation"):
            value = getattr(self, name)
            if as_pair(value, name, minimum=1) != value or not isinstance(value, tuple):
                raise TypeError(f"{name} must be a (rows, cols) pair of ints, got {value!r}")
        if isinstance(self.padding, str):
            if self.padding not in PADDING_NAMES:
                _as_side_padding(self.padding)  # raises, naming the rules that exist
        elif _as_side_padding(self.padding) != self.padding:
            raise TypeError(
                f"padding must be ((top, bottom), (left, right)) of ints, got {self.padding!r}"
            )
        if self.padding == "same" and self.stride != (1, 1):
            raise ValueError(
                f"padding='same' needs stride 1 (as in PyTorch), got stride={self.stride!r}; "
                "give the padding as numbers instead"
            )
        if not is_int(self.groups) or self.groups < 1:
            raise ValueError(f"groups must be a positive int, got {self.groups!r}")
        as_padding_mode(self.padding_mode, "padding_mode")
        if not isinstance(self.flip, bool):
            raise TypeError(f"flip must be True or False, got {self.flip!r}")

    @classmethod
    def create(
        cls,
        stride: object = 1,
        padding: object = 0,
        dilation: object = 1,
        groups: object = 1,
        padding_mode: object = "zeros",
        flip: object = False,
    ) -> ConvSpec:
        """Return a validated spec from PyTorch-style loose arguments."""
        stride_pair = as_pair(stride, "stride", minimum=1)
        side_padding = _as_side_padding(padding)
        if not is_int(groups):
            raise TypeError(f"groups must be a positive int, got {groups!r}")
        if int(groups) < 1:  # type: ignore[call-overload]
            raise ValueError(f"groups must be a positive int, got {groups!r}")
        mode = as_padding_mode(padding_mode, "padding_mode")
        if not isinstance(flip, bool):
            raise TypeError(f"flip must be True or False, got {flip!r}")
        return cls(
            stride=stride_pair,
            padding=side_padding,
            dilation=as_pair(dilation, "dilation", minimum=1),
            groups=int(groups),  # type: ignore[call-overload]
            padding_mode=mode,
            flip=flip,
        )

    def resolve_padding(self, kernel_size: Pair) -> SidePadding:
        """Return the padding as ``((top, bottom), (left, right))`` for this kernel size.

        ``'valid'`` is no padding; ``'same'`` keeps the size at stride 1, putting the extra
        cell of an even kernel at the bottom/right as PyTorch does; ``'full'`` lets the kernel
        touch every input cell with at least one tap.
        """
        if self.padding == "valid":
            return ((0, 0), (0, 0))
        if self.padding == "same":
            return (
                _same_split(self.dilation[0], kernel_size[0]),
                _same_split(self.dilation[1], kernel_size[1]),
            )
        if self.padding == "full":
            rows = self.dilation[0] * (kernel_size[0] - 1)
            cols = self.dilation[1] * (kernel_size[1] - 1)
            return ((rows, rows), (cols, cols))
        return self.padding

    def effective_kernel_size(self, kernel_size: Pair) -> Pair:
        """Return the span of the dilated kernel in input cells: ``d * (k - 1) + 1``."""
        return (
            self.dilation[0] * (kernel_size[0] - 1) + 1,
            self.dilation[1] * (kernel_size[1] - 1) + 1,
        )

    def output_size(self, input_size: Pair, kernel_size: Pair) -> Pair:
        """Return the output ``(rows, cols)``: ``floor((n + p_lo + p_hi - d(k-1) - 1) / s) + 1``.

        Raises
        ------
        ValueError
            When the dilated kernel does not fit the padded input.
        """
        (top, bottom), (left, right) = self.resolve_padding(kernel_size)
        padded = (input_size[0] + top + bottom, input_size[1] + left + right)
        span = self.effective_kernel_size(kernel_size)
        if span[0] > padded[0] or span[1] > padded[1]:
            raise ValueError(_does_not_fit_message(input_size, kernel_size, span, padded, self))
        return self.windows_over(padded, kernel_size)

    def windows_over(self, padded_size: tuple[int, ...], kernel_size: tuple[int, ...]) -> Pair:
        """Return the output ``(rows, cols)`` over an input that is already padded.

        The algorithms call this after padding; :meth:`output_size` is the same rule from
        the unpadded size, with the check that the kernel fits.

        Examples
        --------
        >>> ConvSpec.create(stride=2).windows_over((7, 7), (3, 3))
        (3, 3)
        """
        span = self.effective_kernel_size((kernel_size[0], kernel_size[1]))
        return (
            window_count(padded_size[0], span[0], self.stride[0]),
            window_count(padded_size[1], span[1], self.stride[1]),
        )


def window_count(padded: int, span: int, stride: int) -> int:
    """Return how many windows of ``span`` cells fit ``padded`` cells: ``(n - span) // s + 1``.

    ``span`` is the dilated kernel, ``d * (k - 1) + 1``; the one output-size rule of every
    convolution here, along one axis.

    Examples
    --------
    >>> window_count(7, 3, 2)
    3
    """
    return (padded - span) // stride + 1


def _does_not_fit_message(
    input_size: Pair, kernel_size: Pair, span: Pair, padded: Pair, spec: ConvSpec
) -> str:
    kernel = f"kernel {kernel_size[0]}×{kernel_size[1]}"
    if span != kernel_size:
        kernel += f" (spanning {span[0]}×{span[1]} with dilation {spec.dilation})"
    (top, bottom), (left, right) = spec.resolve_padding(kernel_size)
    need_rows = max(0, span[0] - input_size[0])
    need_cols = max(0, span[1] - input_size[1])
    return (
        f"{kernel} does not fit the padded input {padded[0]}×{padded[1]} "
        f"(input {input_size[0]}×{input_size[1]}, padding {((top, bottom), (left, right))}); "
        f"use a smaller kernel or a total padding of at least {counted(need_rows, 'row')} and "
        f"{counted(need_cols, 'column')}"
    )
