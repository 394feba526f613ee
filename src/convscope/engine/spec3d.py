"""The validated hyper-parameters of a 3-D convolution: a depth axis in front of :class:`ConvSpec`.

:class:`ConvSpec` holds pairs (rows, columns) because every 2-D algorithm, trace and widget
reads it that way. A volume adds one axis, depth, which ``conv3d`` folds into the channels
before it hands the rows and columns to the same 2-D algorithms; so :class:`ConvSpec3d` holds
triples ``(depth, rows, columns)`` and gives the 2-D algorithms their :class:`ConvSpec` through
:meth:`ConvSpec3d.plane`. The output-size rule is :func:`~convscope.engine.spec.window_count`,
shared with :class:`ConvSpec`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from ._words import counted
from .spec import (
    PADDING_NAMES,
    ConvSpec,
    PaddingMode,
    PaddingName,
    Pair,
    is_int,
    window_count,
)

Triple: TypeAlias = tuple[int, int, int]
VolumePadding: TypeAlias = tuple[Pair, Pair, Pair]

AXES = ("depth", "rows", "columns")
_PADDING_FORMS = (
    "an int, a triple (depth, rows, columns), ((front, back), (top, bottom), (left, right)) or "
    f"one of {', '.join(repr(n) for n in PADDING_NAMES)}"
)


def as_triple(value: object, name: str, *, minimum: int) -> Triple:
    """Return ``value`` as a ``(depth, rows, columns)`` triple of ints, each at least ``minimum``.

    An int, or a one-element sequence, means all three directions, as PyTorch reads it.

    Examples
    --------
    >>> as_triple(2, "stride", minimum=1)
    (2, 2, 2)
    >>> as_triple([1, 2, 3], "dilation", minimum=1)
    (1, 2, 3)
    """
    if isinstance(value, tuple | list) and len(value) == 1 and is_int(value[0]):
        value = value[0]
    if is_int(value):
        number = int(value)  # type: ignore[call-overload]
        triple = (number, number, number)
    elif isinstance(value, tuple | list) and len(value) == 3 and all(is_int(v) for v in value):
        triple = (int(value[0]), int(value[1]), int(value[2]))
    else:
        raise TypeError(
            f"{name} must be an int or a triple of ints (depth, rows, columns), got {value!r}"
        )
    if min(triple) < minimum:
        raise ValueError(f"{name} must be >= {minimum} in each direction, got {value!r}")
    return triple


def _as_volume_padding(value: object) -> VolumePadding | PaddingName:
    if isinstance(value, str):
        for name in PADDING_NAMES:
            if value == name:
                return name
        raise ValueError(f"padding must be {_PADDING_FORMS}; got {value!r}")
    if (
        isinstance(value, tuple | list)
        and len(value) == 3
        and all(isinstance(side, tuple | list) for side in value)
    ):
        sides: list[Pair] = []
        for axis, side in zip(AXES, value, strict=True):
            pair = tuple(side)
            if len(pair) != 2 or not all(is_int(v) for v in pair):
                raise TypeError(f"padding {axis} must be a pair (before, after), got {side!r}")
            if min(pair) < 0:
                raise ValueError(f"padding {axis} must be >= 0 on each side, got {side!r}")
            sides.append((int(pair[0]), int(pair[1])))
        return (sides[0], sides[1], sides[2])
    try:
        depth, rows, cols = as_triple(value, "padding", minimum=0)
    except TypeError:
        raise TypeError(f"padding must be {_PADDING_FORMS}; got {value!r}") from None
    return ((depth, depth), (rows, rows), (cols, cols))


@dataclass(frozen=True)
class ConvSpec3d:
    """The validated hyper-parameters of a 3-D convolution, as triples ``(depth, rows, columns)``.

    Build it with :meth:`ConvSpec3d.create`, which takes ``torch.nn.functional.conv3d``'s loose
    forms and refuses bad values with the same words as :class:`ConvSpec`.

    Examples
    --------
    >>> spec = ConvSpec3d.create(stride=(1, 2, 2), padding=1)
    >>> spec.output_size((4, 8, 8), (3, 3, 3))
    (4, 4, 4)
    """

    stride: Triple = (1, 1, 1)
    padding: VolumePadding | PaddingName = ((0, 0), (0, 0), (0, 0))
    dilation: Triple = (1, 1, 1)
    groups: int = 1
    padding_mode: PaddingMode = "zeros"
    flip: bool = False

    @classmethod
    def create(
        cls,
        stride: object = 1,
        padding: object = 0,
        dilation: object = 1,
        groups: object = 1,
        padding_mode: object = "zeros",
        flip: object = False,
    ) -> ConvSpec3d:
        """Return a validated spec from PyTorch-style loose arguments."""
        stride_triple = as_triple(stride, "stride", minimum=1)
        volume_padding = _as_volume_padding(padding)
        if volume_padding == "same" and stride_triple != (1, 1, 1):
            raise ValueError(
                f"padding='same' needs stride 1 (as in PyTorch), got stride={stride!r}; "
                "give the padding as numbers instead"
            )
        dilation_triple = as_triple(dilation, "dilation", minimum=1)
        # groups, padding_mode and flip are checked once, by ConvSpec, with its words.
        plane = ConvSpec.create(1, 0, 1, groups, padding_mode, flip)
        return cls(
            stride=stride_triple,
            padding=volume_padding,
            dilation=dilation_triple,
            groups=plane.groups,
            padding_mode=plane.padding_mode,
            flip=plane.flip,
        )

    def plane(self) -> ConvSpec:
        """Return the 2-D spec the algorithms get for the rows and columns of a padded volume.

        The padding is already applied and the kernel already oriented, so the plane has
        neither; depth is folded into the channels, so only ``groups`` carries over.
        """
        return ConvSpec(
            stride=(self.stride[1], self.stride[2]),
            dilation=(self.dilation[1], self.dilation[2]),
            groups=self.groups,
        )

    def resolve_padding(self, kernel_size: Triple) -> VolumePadding:
        """Return the padding as ``((front, back), (top, bottom), (left, right))``.

        The rules are :meth:`ConvSpec.resolve_padding`'s, applied to each axis.
        """
        if isinstance(self.padding, str):
            depth = ConvSpec(padding=self.padding, dilation=(self.dilation[0], 1))
            plane = ConvSpec(padding=self.padding, dilation=(self.dilation[1], self.dilation[2]))
            front_back, _ = depth.resolve_padding((kernel_size[0], 1))
            rows, cols = plane.resolve_padding((kernel_size[1], kernel_size[2]))
            return (front_back, rows, cols)
        return self.padding

    def effective_kernel_size(self, kernel_size: Triple) -> Triple:
        """Return the span of the dilated kernel in input cells: ``d * (k - 1) + 1``."""
        spans = [d * (k - 1) + 1 for d, k in zip(self.dilation, kernel_size, strict=True)]
        return (spans[0], spans[1], spans[2])

    def output_size(self, input_size: Triple, kernel_size: Triple) -> Triple:
        """Return the output ``(depth, rows, cols)``, each ``floor((n + p - d(k-1) - 1) / s) + 1``.

        Raises
        ------
        ValueError
            When the dilated kernel does not fit the padded input.
        """
        padding = self.resolve_padding(kernel_size)
        padded = [n + sum(p) for n, p in zip(input_size, padding, strict=True)]
        span = self.effective_kernel_size(kernel_size)
        if any(s > n for s, n in zip(span, padded, strict=True)):
            raise ValueError(_does_not_fit_message(input_size, kernel_size, span, padding, self))
        sizes = [window_count(n, s, st) for n, s, st in zip(padded, span, self.stride, strict=True)]
        return (sizes[0], sizes[1], sizes[2])


def _by(size: tuple[int, ...]) -> str:
    return "×".join(str(n) for n in size)


def _does_not_fit_message(
    input_size: Triple,
    kernel_size: Triple,
    span: Triple,
    padding: VolumePadding,
    spec: ConvSpec3d,
) -> str:
    kernel = f"kernel {_by(kernel_size)}"
    if span != kernel_size:
        kernel += f" (spanning {_by(span)} with dilation {spec.dilation})"
    padded = tuple(n + sum(p) for n, p in zip(input_size, padding, strict=True))
    needed = [max(0, s - n) for s, n in zip(span, input_size, strict=True)]
    return (
        f"{kernel} does not fit the padded input {_by(padded)} (input {_by(input_size)}, "
        f"padding {padding}); use a smaller kernel or a total padding of at least "
        f"{counted(needed[0], 'slice')}, {counted(needed[1], 'row')} and "
        f"{counted(needed[2], 'column')}"
    )
