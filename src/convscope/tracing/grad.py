"""The gradient trace: every number of a convolution's gradients, explained as a sum of products.

Two views of one sum over the forward's multiplications ``input cell × weight``:

- a weight's gradient is the sum, over every output position, of the output's gradient there
  times the input cell that weight touched (the weight view: one weight, every input it meets);
- an input cell's gradient is the sum, over the output cells whose window covered it, of the
  output's gradient times the weight that sat on it: the transposed convolution of the output's
  gradient. A cell copied into the padding (``reflect``, ``replicate``, ``circular``) also
  collects what its copies received.

The numbers come from the engine (:mod:`convscope.grad`); each step's terms are read from the
engine's own padded input and weight, and their sum is checked equal to the engine's number.
The steps themselves are :mod:`convscope.tracing.grad_step`'s data classes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..engine import Problem, prepare
from ..engine._grad_views import source_cells
from ..engine.arrays import as_numeric_array
from ..engine.grad import conv2d_input, conv2d_weight
from ..engine.spec import PaddingArg, Size
from .grad_step import GradStep as GradStep
from .grad_step import GradTerm as GradTerm
from .grad_step import Wrt
from .numbers import jsonable

DEFAULT_MAX_CELLS = 4096


class GradTrace:
    """A convolution's gradients, computed by the engine, explained one number at a time.

    Build it with :func:`trace_grad`. ``grad_input`` and ``grad_weight`` are what
    :func:`convscope.grad.conv2d_input` and :func:`~convscope.grad.conv2d_weight` return;
    :meth:`at` explains one number of the gradient chosen by ``wrt``.
    """

    def __init__(self, problem: Problem, grad_output: NDArray[Any], wrt: Wrt, given: Any):
        self._problem = problem
        self.wrt: Wrt = wrt
        self._given = given
        input_array, weight_array, arguments = given
        self.grad_output: NDArray[Any] = grad_output
        """The output's gradient in canonical ``(N, C_out, H', W')`` shape."""
        caller_grad = grad_output.reshape(grad_output.shape[problem.layout.output_drop :])
        self.grad_input: NDArray[Any] = conv2d_input(
            input_array.shape, weight_array, caller_grad, **arguments
        )
        self.grad_weight: NDArray[Any] = conv2d_weight(
            input_array, weight_array.shape, caller_grad, **arguments
        )
        self._padded = problem.padded_input()
        self._axes = 4 - problem.layout.output_drop

    @property
    def input(self) -> NDArray[Any]:
        """Return the input as the caller gave it."""
        given: NDArray[Any] = self._given[0]
        return given

    @property
    def gradient(self) -> NDArray[Any]:
        """Return the gradient this trace explains: ``grad_weight`` or ``grad_input``."""
        return self.grad_weight if self.wrt == "weight" else self.grad_input

    def at(
        self,
        row: int,
        col: int,
        *,
        n: int | None = None,
        c: int | None = None,
        c_out: int | None = None,
        c_in: int | None = None,
    ) -> GradStep:
        """Return the step behind one gradient number.

        For ``wrt='weight'``: weight ``(row, col)`` of output channel ``c_out`` and input channel
        ``c_in`` (the weight's second axis, within the group). For ``wrt='input'``: input cell
        ``(row, col)`` of image ``n`` and channel ``c``. Unnamed channels are 0.

        Raises
        ------
        ValueError
            When the position is outside the gradient, naming the valid range, or when the
            channels named belong to the other gradient.
        """
        if self.wrt == "weight":
            _refuse_others(("n", n), ("c", c), wrt="weight", wanted="c_out and c_in")
            first, second = c_out or 0, c_in or 0
            names, shape = ("c_out", "c_in"), self._problem.weight.shape
        else:
            _refuse_others(("c_out", c_out), ("c_in", c_in), wrt="input", wanted="n and c")
            first, second = n or 0, c or 0
            names, shape = ("n", "c"), self._problem.input.shape
        positions = ((names[0], first), (names[1], second), ("row", row), ("col", col))
        _check(*positions, shape=shape)
        if self.wrt == "weight":
            return self._weight_step(first, second, row, col)
        return self._input_step(first, second, row, col)

    def steps(self) -> list[GradStep]:
        """Return every step of the chosen gradient, in canonical order."""
        if self.wrt == "weight":
            shape = self._problem.weight.shape
            return [self.at(r, k, c_out=o, c_in=i) for o, i, r, k in np.ndindex(*shape)]
        shape = self._problem.input.shape
        return [self.at(r, k, n=b, c=ch) for b, ch, r, k in np.ndindex(*shape)]

    def _weight_step(self, c_out: int, c_in: int, a: int, b: int) -> GradStep:
        spec, problem = self._problem.spec, self._problem
        k_rows, k_cols = problem.kernel_size
        used = (k_rows - 1 - a, k_cols - 1 - b) if spec.flip else (a, b)
        out_rows, out_cols = problem.output_size
        group = c_out // (problem.weight.shape[0] // spec.groups)
        channel = group * problem.weight.shape[1] + c_in
        top, left = problem.padding[0][0], problem.padding[1][0]
        terms = []
        for n, i, j in np.ndindex(problem.input.shape[0], out_rows, out_cols):
            pr = i * spec.stride[0] + used[0] * spec.dilation[0]
            pc = j * spec.stride[1] + used[1] * spec.dilation[1]
            value = self._padded[n, channel, pr, pc]
            grad = self.grad_output[n, c_out, i, j]
            cell = (pr - top, pc - left)
            terms.append(
                GradTerm(
                    (n, c_out, i, j),
                    (a, b),
                    cell,
                    *self._copied(cell),
                    grad.item(),
                    value.item(),
                    (grad * value).item(),
                )
            )
        canonical = (c_out, c_in, a, b)
        index = _caller_index(canonical, self.grad_weight.shape)
        return self._checked(
            GradStep("weight", index, tuple(terms), self.grad_weight[index].item(), self._axes)
        )

    def _input_step(self, n: int, channel: int, row: int, col: int) -> GradStep:
        spec, problem = self._problem.spec, self._problem
        group_channels = problem.weight.shape[1]
        group, c_in = divmod(channel, group_channels)
        per_group = problem.weight.shape[0] // spec.groups
        oriented = problem.oriented_weight()
        terms = []
        for pr, pc in self._positions_of(row, col):
            for a, b in np.ndindex(*problem.kernel_size):
                i, j = self._output_reached(pr, pc, a, b)
                if i is None or j is None:
                    continue
                for c_out in range(group * per_group, (group + 1) * per_group):
                    weight = oriented[c_out, c_in, a, b]
                    grad = self.grad_output[n, c_out, i, j]
                    terms.append(self._input_term(n, c_out, i, j, a, b, pr, pc, weight, grad))
        terms.sort(key=lambda t: (t.output, t.tap))
        index = _caller_index((n, channel, row, col), self.grad_input.shape)
        return self._checked(
            GradStep("input", index, tuple(terms), self.grad_input[index].item(), self._axes)
        )

    def _input_term(
        self,
        n: int,
        c_out: int,
        i: int,
        j: int,
        a: int,
        b: int,
        pr: int,
        pc: int,
        weight: Any,
        grad: Any,
    ) -> GradTerm:
        k_rows, k_cols = self._problem.kernel_size
        tap = (k_rows - 1 - a, k_cols - 1 - b) if self._problem.spec.flip else (a, b)
        top, left = self._problem.padding[0][0], self._problem.padding[1][0]
        cell = (pr - top, pc - left)
        return GradTerm(
            (n, c_out, i, j),
            tap,
            cell,
            *self._copied(cell),
            grad.item(),
            weight.item(),
            (grad * weight).item(),
        )

    def _positions_of(self, row: int, col: int) -> list[tuple[int, int]]:
        # Where input cell (row, col) sits in the padded grid: its own place and its copies.
        rows, cols = self._problem.input.shape[2], self._problem.input.shape[3]
        (top, bottom), (left, right) = self._problem.padding
        mode = self._problem.spec.padding_mode
        row_sources = source_cells(rows, (top, bottom), mode)
        col_sources = source_cells(cols, (left, right), mode)
        padded_rows = [row + top] if row_sources is None else np.flatnonzero(row_sources == row)
        padded_cols = [col + left] if col_sources is None else np.flatnonzero(col_sources == col)
        return [(int(r), int(c)) for r in padded_rows for c in padded_cols]

    def _output_reached(self, pr: int, pc: int, a: int, b: int) -> tuple[int | None, int | None]:
        spec = self._problem.spec
        out_rows, out_cols = self._problem.output_size
        found: list[int | None] = []
        for position, tap, size, axis in ((pr, a, out_rows, 0), (pc, b, out_cols, 1)):
            start, step = position - tap * spec.dilation[axis], spec.stride[axis]
            ok = start >= 0 and start % step == 0 and start // step < size
            found.append(start // step if ok else None)
        return found[0], found[1]

    def _copied(self, cell: tuple[int, int]) -> tuple[bool, tuple[int, int] | None]:
        # Whether the cell is padding, and which input cell it copies (None for zeros).
        rows, cols = self._problem.input.shape[2], self._problem.input.shape[3]
        inside = 0 <= cell[0] < rows and 0 <= cell[1] < cols
        if inside or self._problem.spec.padding_mode == "zeros":
            return not inside, None
        (top, bottom), (left, right) = self._problem.padding
        mode = self._problem.spec.padding_mode
        row_sources = source_cells(rows, (top, bottom), mode)
        col_sources = source_cells(cols, (left, right), mode)
        assert row_sources is not None and col_sources is not None
        return True, (int(row_sources[cell[0] + top]), int(col_sources[cell[1] + left]))

    def _checked(self, step: GradStep) -> GradStep:
        total = sum(t.product for t in step.terms)
        if isinstance(step.result, int):
            assert total == step.result, (total, step.result)  # integers: exactly the engine's
        else:
            assert np.isclose(total, step.result, rtol=1e-6, atol=1e-9) or not np.isfinite(total)
        return step

    def to_json(self, max_cells: int = DEFAULT_MAX_CELLS) -> dict[str, Any]:
        """Return the gradients, the arguments and every step of the chosen gradient as data.

        Raises
        ------
        ValueError
            When the chosen gradient has more than ``max_cells`` numbers.
        """
        if self.gradient.size > max_cells:
            raise ValueError(
                f"the {self.wrt} gradient has {self.gradient.size:,} numbers (shape "
                f"{self.gradient.shape}), more than max_cells={max_cells:,}; use .at(row, col) "
                "for single steps or pass a larger max_cells"
            )
        spec = self._problem.spec
        return {
            "wrt": self.wrt,
            "spec": {
                "stride": list(spec.stride),
                "padding": [list(side) for side in self._problem.padding],
                "dilation": list(spec.dilation),
                "groups": spec.groups,
                "padding_mode": spec.padding_mode,
                "flip": spec.flip,
            },
            "input": jsonable(self._given[0]),
            "weight": jsonable(self._given[1]),
            "grad_output": jsonable(self.grad_output),
            "grad_input": jsonable(self.grad_input),
            "grad_weight": jsonable(self.grad_weight),
            "steps": [step.to_json() for step in self.steps()],
        }

    def to_text(self) -> str:
        """Return every step of the chosen gradient as plain text, one after another."""
        return "\n\n".join(step.to_text() for step in self.steps())

    def __repr__(self) -> str:
        return f"<GradTrace wrt={self.wrt} shape={self.gradient.shape}>"


def _caller_index(canonical: tuple[int, ...], shape: tuple[int, ...]) -> tuple[int, ...]:
    # The caller's array drops leading axes of length 1 (teaching shapes): keep the last ones.
    full = np.ravel_multi_index(canonical, _canonical_like(canonical, shape))
    return tuple(int(k) for k in np.unravel_index(full, shape))


def _canonical_like(canonical: tuple[int, ...], shape: tuple[int, ...]) -> tuple[int, ...]:
    extra = len(canonical) - len(shape)
    return (1,) * extra + tuple(shape) if extra > 0 else tuple(shape)


def _refuse_others(*given: tuple[str, int | None], wrt: str, wanted: str) -> None:
    named = [name for name, value in given if value is not None]
    if named:
        raise ValueError(
            f"{' and '.join(named)} pick a position in the other gradient; the {wrt} gradient's "
            f"channels are {wanted}"
        )


def _check(*positions: tuple[str, int], shape: tuple[int, ...]) -> None:
    for (name, value), size in zip(positions, shape, strict=True):
        if not isinstance(value, int | np.integer) or isinstance(value, bool):
            raise TypeError(f"{name} must be an int, got {value!r}")
        if not 0 <= value < size:
            raise ValueError(
                f"{name}={value} is outside the gradient: {name} runs from 0 to {size - 1} "
                f"(canonical shape {tuple(shape)})"
            )


def trace_grad(
    input: ArrayLike,
    weight: ArrayLike,
    grad_output: ArrayLike | None = None,
    stride: Size = 1,
    padding: PaddingArg = 0,
    dilation: Size = 1,
    groups: int = 1,
    *,
    padding_mode: str = "zeros",
    flip: bool = False,
    wrt: Wrt = "weight",
) -> GradTrace:
    """Return a :class:`GradTrace` of ``conv2d``'s gradient with respect to ``wrt``.

    Takes :func:`convscope.conv2d`'s arguments plus ``grad_output``, the loss's gradient with
    respect to the output (default: ones, the gradient of the sum of the outputs).

    Examples
    --------
    >>> image = [[1, 2, 3], [4, 5, 6]]
    >>> traced = trace_grad(image, [[1, -1]], [[1, 0], [0, 2]])
    >>> print(traced.at(0, 1).sum_text())
    1×2 + 0×3 + 0×5 + 2×6 = 14
    >>> print(trace_grad(image, [[1, -1]], wrt="input").at(0, 1).sum_text())
    1×(−1) + 1×1 = 0
    """
    if wrt not in ("weight", "input"):
        raise ValueError(f"wrt must be 'weight' or 'input', got {wrt!r}")
    problem = prepare(input, weight, None, stride, padding, dilation, groups, padding_mode, flip)
    out_shape = (problem.input.shape[0], problem.weight.shape[0], *problem.output_size)
    caller_shape = out_shape[problem.layout.output_drop :]
    if grad_output is None:
        grad = np.ones(caller_shape, dtype=problem.dtype)
    else:
        grad = _grad_output_array(grad_output, caller_shape)
    arguments = {
        "stride": stride,
        "padding": padding,
        "dilation": dilation,
        "groups": groups,
        "padding_mode": padding_mode,
        "flip": flip,
    }
    given = (np.asarray(input), np.asarray(weight), arguments)
    return GradTrace(problem, grad.reshape(out_shape), wrt, given)


def _grad_output_array(grad_output: object, shape: tuple[int, ...]) -> NDArray[Any]:
    grad = as_numeric_array(grad_output, "grad_output")
    if grad.shape != shape:
        raise ValueError(
            f"grad_output has shape {grad.shape} but the forward pass with these arguments "
            f"gives an output of shape {shape}; grad_output must have the output's shape"
        )
    return grad
