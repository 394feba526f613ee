"""The step trace: every output number of a convolution, explained down to its products.

:func:`trace` validates its arguments exactly as :func:`convscope.conv2d` does (it uses the
engine's own :func:`~convscope.engine.prepare`), computes the output with one ``conv2d`` call and
then builds a :class:`Step` only when one is asked for, so tracing a photograph costs about what
convolving it costs, and explaining one pixel is instant.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..engine import ConvSpec, Problem, conv2d, padding_mask, prepare
from ..engine.spec import PaddingArg, Size
from . import step_views as views
from .numbers import format_number, jsonable

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

JSON_VERSION = 1
DEFAULT_MAX_CELLS = 4096


@dataclass(frozen=True, eq=False)
class Step:
    """One output number and everything that made it: window, kernel, products, sums.

    Attributes
    ----------
    n, c_out, i, j : int
        The output position in canonical ``(N, C_out, H', W')`` coordinates.
    rows, cols : list of int
        The input rows and columns the kernel taps meet, in the original input's coordinates:
        negative or past the edge where a tap falls in the padding.
    window : ndarray, shape (C_g, kH, kW)
        The input values under the taps; padded cells hold what ``padding_mode`` put there.
    is_padding : ndarray of bool, shape (kH, kW)
        ``True`` where a tap falls in the padding.
    kernel : ndarray, shape (C_g, kH, kW)
        The weights as used, i.e. rotated 180° when ``flip=True``.
    products : ndarray, shape (C_g, kH, kW)
        ``window * kernel``, element by element.
    channel_sums : ndarray, shape (C_g,)
        The sum of the products of each input channel of the group.
    bias : int, float or None
        The bias of output channel ``c_out``.
    result : int or float
        The convolution's output at this position, taken from the output itself (so in
        float32 it can differ from ``sum(channel_sums) + bias`` summed in another order by a
        rounding step; it never differs from ``conv2d``'s number).
    index : tuple of int
        The position in the caller's output array, e.g. ``(0, 0)`` for a 2-D output.
    channels : tuple of int
        The input channels the window is taken from (one group's channels).
    padding_mode : str
        What filled the padded cells, for the legend of a rendering.
    """

    n: int
    c_out: int
    i: int
    j: int
    rows: list[int]
    cols: list[int]
    window: NDArray[Any]
    is_padding: NDArray[np.bool_]
    kernel: NDArray[Any]
    products: NDArray[Any]
    channel_sums: NDArray[Any]
    bias: int | float | None
    result: int | float
    index: tuple[int, ...]
    channels: tuple[int, ...]
    padding_mode: str

    @property
    def label(self) -> str:
        """Return where this number lands in the caller's output, e.g. ``'output[0, 0]'``."""
        return f"output[{', '.join(str(k) for k in self.index)}]"

    def sum_text(self) -> str:
        """Return the addition that gives the sum before bias.

        With one input channel its terms are the products, e.g.
        ``'−10 + 0 + 30 − 40 + 0 + 120 − 30 + 0 + 90 = 160'``; with several they are the channel
        sums, e.g. ``'5 + 13 + 42 = 60'``.
        """
        return views.sum_expression_of(self)

    def channel_sum_texts(self) -> list[str]:
        """Return one ``'1 + 0 + 0 + 4 = 5'`` line per input channel of the window."""
        return views.channel_expressions(self)

    def bias_text(self) -> str | None:
        """Return ``'60 + 1 = 61'`` (sum plus bias equals result), or ``None`` without bias."""
        return views.bias_expression(self)

    def to_text(self) -> str:
        """Return the worked calculation as plain text, grids side by side."""
        return views.to_text(self)

    def to_markdown(self) -> str:
        """Return the worked calculation as a Markdown fragment."""
        return views.to_markdown(self)

    def to_html(self) -> str:
        """Return the worked calculation as an HTML fragment styled only by ``cs-*`` classes."""
        return views.to_html(self)

    def _repr_html_(self) -> str:
        return views.to_html(self, with_style=True)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from .rich_view import step_renderables

        yield from step_renderables(self, console, options)

    def to_json(self) -> dict[str, Any]:
        """Return this step as plain JSON-able data (the ``steps`` entries of the trace JSON)."""
        return {
            "n": self.n,
            "c_out": self.c_out,
            "i": self.i,
            "j": self.j,
            "index": list(self.index),
            "channels": list(self.channels),
            "rows": self.rows,
            "cols": self.cols,
            "window": jsonable(self.window),
            "is_padding": self.is_padding.tolist(),
            "kernel": jsonable(self.kernel),
            "products": jsonable(self.products),
            "channel_sums": jsonable(self.channel_sums),
            "bias": jsonable(self.bias),
            "result": jsonable(self.result),
            "sum_text": self.sum_text(),
            "channel_sum_texts": self.channel_sum_texts(),
            "bias_text": self.bias_text(),
        }

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return f"<Step {self.label} = {format_number(self.result)}>"


class ConvTrace:
    """A convolution's output plus, on demand, the :class:`Step` behind each output number.

    Build it with :func:`trace`. Construction computes only the output (one ``conv2d`` call);
    the padded input, the mask of padded cells and each step are computed the first time they
    are asked for.
    """

    def __init__(self, problem: Problem, output: NDArray[Any], given: tuple[Any, Any]) -> None:
        self._problem = problem
        self.output: NDArray[Any] = output
        """The convolution's result in the caller's shape, exactly what ``conv2d`` returns."""
        self._given = given
        self._step_cache: dict[tuple[int, int, int, int], Step] = {}

    @property
    def spec(self) -> ConvSpec:
        """Return the validated hyper-parameters."""
        return self._problem.spec

    @property
    def output_shape(self) -> tuple[int, int, int, int]:
        """Return the canonical output shape ``(N, C_out, H', W')``."""
        batch, out_channels = self._problem.input.shape[0], self._problem.weight.shape[0]
        return (batch, out_channels, *self._problem.output_size)

    @property
    def padding(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """Return the resolved padding ``((top, bottom), (left, right))``, e.g. for ``'same'``."""
        return self._problem.padding

    @property
    def pad_offset(self) -> tuple[int, int]:
        """Return ``(top, left)``: where input cell ``(0, 0)`` sits in the padded input."""
        return (self._problem.padding[0][0], self._problem.padding[1][0])

    @cached_property
    def padded_input(self) -> NDArray[Any]:
        """Return the canonical ``(N, C, Hp, Wp)`` input with its padding cells filled."""
        return self._problem.padded_input()

    @cached_property
    def kernel_used(self) -> NDArray[Any]:
        """Return the ``(C_out, C_g, kH, kW)`` weight as applied: rotated 180° when flipping."""
        return self._problem.oriented_weight()

    @cached_property
    def padding_mask(self) -> NDArray[np.bool_]:
        """Return the ``(Hp, Wp)`` grid that is ``True`` on padded cells."""
        input_size = self._problem.input.shape[2:]
        return padding_mask((input_size[0], input_size[1]), self._problem.padding)

    def __len__(self) -> int:
        return int(np.prod(self.output_shape))

    def at(self, i: int, j: int, *, n: int = 0, c_out: int = 0) -> Step:
        """Return the :class:`Step` behind output ``(n, c_out, i, j)``, computing it once.

        Raises
        ------
        ValueError
            When the position is outside the output, naming the valid range.
        """
        position = (n, c_out, i, j)
        _check_position(position, self.output_shape)
        key = (int(n), int(c_out), int(i), int(j))
        if key not in self._step_cache:
            self._step_cache[key] = self._build(*key)
        return self._step_cache[key]

    def steps(self) -> Iterator[Step]:
        """Yield every step in the order ``n, c_out, i, j`` (built as they are reached)."""
        for n, c_out, i, j in np.ndindex(*self.output_shape):
            yield self._step_cache.get((n, c_out, i, j)) or self._build(n, c_out, i, j)

    def to_json(self, max_cells: int = DEFAULT_MAX_CELLS) -> dict[str, Any]:
        """Return the whole trace as JSON-able data, as documented in ``docs/trace-json.md``.

        Raises
        ------
        ValueError
            When the output has more than ``max_cells`` numbers, each of which would become a
            step in the JSON.
        """
        if len(self) > max_cells:
            raise ValueError(
                f"this trace has {len(self):,} output cells (shape {self.output_shape}), more "
                f"than max_cells={max_cells:,}; use .at(i, j) for single steps or pass a larger "
                "max_cells"
            )
        return self._header() | {"steps": [step.to_json() for step in self.steps()]}

    def _header(self) -> dict[str, Any]:
        spec, problem = self.spec, self._problem
        return {
            "version": JSON_VERSION,
            "dtype": str(problem.dtype),
            "spec": {
                "stride": list(spec.stride),
                "padding": [list(side) for side in self.padding],
                "dilation": list(spec.dilation),
                "groups": spec.groups,
                "padding_mode": spec.padding_mode,
                "flip": spec.flip,
            },
            "input": jsonable(self._given[0]),
            "weight": jsonable(self._given[1]),
            "output": jsonable(self.output),
            "padded_input": jsonable(self.padded_input),
            "padding_mask": self.padding_mask.tolist(),
            "pad_offset": list(self.pad_offset),
            "kernel_used": jsonable(self.kernel_used),
            "bias": None if problem.bias is None else jsonable(problem.bias),
            "output_shape": list(self.output_shape),
        }

    def _build(self, n: int, c_out: int, i: int, j: int) -> Step:
        problem, spec = self._problem, self.spec
        kernel = self.kernel_used[c_out]
        group_channels, k_rows, k_cols = kernel.shape
        group = c_out // (self.output_shape[1] // spec.groups)
        channels = tuple(range(group * group_channels, (group + 1) * group_channels))
        padded_rows = i * spec.stride[0] + spec.dilation[0] * np.arange(k_rows)
        padded_cols = j * spec.stride[1] + spec.dilation[1] * np.arange(k_cols)
        taps = np.ix_(padded_rows, padded_cols)
        group_input = self.padded_input[n, channels[0] : channels[-1] + 1]
        window = group_input[:, taps[0], taps[1]]
        products = window * kernel
        channel_sums = products.sum(axis=(1, 2))
        bias = None if problem.bias is None else problem.bias[c_out]
        top, left = self.pad_offset
        return Step(
            n=n,
            c_out=c_out,
            i=i,
            j=j,
            rows=[int(r) - top for r in padded_rows],
            cols=[int(c) - left for c in padded_cols],
            window=window,
            is_padding=self.padding_mask[taps],
            kernel=kernel,
            products=products,
            channel_sums=channel_sums,
            bias=None if bias is None else bias.item(),
            result=self.output.reshape(self.output_shape)[n, c_out, i, j].item(),
            index=(n, c_out, i, j)[problem.layout.output_drop :],
            channels=channels,
            padding_mode=spec.padding_mode,
        )

    def __repr__(self) -> str:
        return f"<ConvTrace output_shape={self.output_shape} dtype={self._problem.dtype}>"


def _check_position(position: tuple[int, int, int, int], shape: tuple[int, ...]) -> None:
    for name, value, size in zip(("n", "c_out", "i", "j"), position, shape, strict=True):
        if not isinstance(value, int | np.integer) or isinstance(value, bool):
            raise TypeError(f"{name} must be an int, got {value!r}")
        if not 0 <= value < size:
            raise ValueError(
                f"{name}={value} is outside the output: {name} runs from 0 to {size - 1} "
                f"(output shape (N, C_out, H', W') = {shape})"
            )


def trace(
    input: ArrayLike,
    weight: ArrayLike,
    bias: ArrayLike | None = None,
    stride: Size = 1,
    padding: PaddingArg = 0,
    dilation: Size = 1,
    groups: int = 1,
    *,
    padding_mode: str = "zeros",
    flip: bool = False,
) -> ConvTrace:
    """Return a :class:`ConvTrace`: ``conv2d``'s output plus the steps behind each number.

    Takes exactly :func:`convscope.conv2d`'s arguments and refuses bad ones with the same
    errors. ``trace(...).output`` is ``conv2d(...)``'s result; ``trace(...).at(i, j)`` explains
    output ``[i, j]`` (``n=`` and ``c_out=`` pick the image and output channel).

    Examples
    --------
    >>> image = [[10, 20, 30], [20, 40, 60], [30, 60, 90]]
    >>> sobel_x = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
    >>> print(trace(image, sobel_x).at(0, 0).sum_text())
    −10 + 0 + 30 − 40 + 0 + 120 − 30 + 0 + 90 = 160
    """
    problem = prepare(input, weight, bias, stride, padding, dilation, groups, padding_mode, flip)
    output = conv2d(
        input, weight, bias, stride, padding, dilation, groups, padding_mode=padding_mode, flip=flip
    )
    return ConvTrace(problem, output, (np.asarray(input), np.asarray(weight)))
