"""Generated questions about convolution gradients: numbers from a seed, answers from the engine.

Three kinds, each a :class:`~convscope.widgets.quick_check.variants.Variant` answered with a
whole number: one weight's gradient on a 4×4 input with a 2×2 kernel (``weight_gradient``),
how large an input cell's gradient is when every weight is 1 (``input_gradient``: the cells
covered by the most windows get the most), and how many numbers a gradient holds
(``gradient_shape``: each gradient has the shape of what it is the gradient of).
"""

from __future__ import annotations

import random
from collections.abc import Callable

import numpy as np

from ...engine import conv2d
from ...engine.grad import conv2d_input, conv2d_weight
from ...tracing.grad import trace_grad
from ..quick_check.variants import Variant

__all__ = ["GENERATORS", "gradient_shape", "input_gradient", "weight_gradient"]


def _rows(grid: list[list[int]]) -> str:
    return "[" + ", ".join("[" + ", ".join(str(v) for v in row) + "]" for row in grid) + "]"


def weight_gradient(seed: int) -> Variant:
    """Return a question asking one weight's gradient when the loss is the sum of the outputs."""
    rng = random.Random(f"weight_gradient:{seed}")
    image = [[rng.randint(0, 4) for _ in range(4)] for _ in range(4)]
    kernel = [[rng.randint(-2, 2) for _ in range(2)] for _ in range(2)]
    a, b = rng.randint(0, 1), rng.randint(0, 1)
    ones = np.ones((3, 3), dtype=np.int64)
    answer = int(conv2d_weight(image, (2, 2), ones)[a, b])
    step = trace_grad(image, kernel).at(a, b)
    return Variant(
        question=(
            f"x = {_rows(image)} (4×4) and w = {_rows(kernel)} (2×2), stride 1, no padding. "
            f"The loss L is the sum of the 3×3 output. What is ∂L/∂w[{a}, {b}]?"
        ),
        answer=answer,
        hint="Every ∂L/∂y is 1, so add up the input cells this weight sat on, one per output.",
        working=(
            f"w[{a}, {b}] sat on x[{a}..{a + 2}, {b}..{b + 2}]: {step.sum_text()}. The weight's "
            "own value does not appear: how much the loss moves depends on what it multiplied."
        ),
        parameters={"image": image, "kernel": kernel, "position": (a, b)},
    )


def input_gradient(seed: int) -> Variant:
    """Return a question asking an input cell's gradient when every weight and ∂L/∂y is 1."""
    rng = random.Random(f"input_gradient:{seed}")
    size, k = rng.choice(((5, 3), (6, 3), (5, 2), (6, 4)))
    r, c = rng.randrange(size), rng.randrange(size)
    kernel = np.ones((k, k), dtype=np.int64)
    out = size - k + 1
    answer = int(conv2d_input((size, size), kernel, np.ones((out, out), dtype=np.int64))[r, c])
    rows = min(r, out - 1) - max(0, r - k + 1) + 1
    cols = min(c, out - 1) - max(0, c - k + 1) + 1
    return Variant(
        question=(
            f"A {k}×{k} kernel of ones slides over a {size}×{size} input (stride 1, no padding) "
            f"and L is the sum of the outputs. What is ∂L/∂x[{r}, {c}]?"
        ),
        answer=answer,
        hint=(
            "Each window covering the cell adds ∂L/∂y × the weight on it = 1 × 1: count the "
            "windows that cover it."
        ),
        working=(
            f"Windows covering x[{r}, {c}]: {rows} × {cols} (their row and column positions) = "
            f"{answer}. Cells near the middle are covered by the most windows, so they get the "
            "largest gradients; corners by one."
        ),
        parameters={"size": size, "kernel_size": k, "cell": (r, c)},
    )


def gradient_shape(seed: int) -> Variant:
    """Return a question asking how many numbers ∂L/∂w or ∂L/∂y holds."""
    rng = random.Random(f"gradient_shape:{seed}")
    size, k, stride = rng.randint(6, 32), rng.choice((2, 3, 5)), rng.randint(1, 2)
    out = int(conv2d(np.zeros((size, size)), np.zeros((k, k)), stride=stride).shape[0])
    if seed % 2 == 0:
        return Variant(
            question=(
                f"A {k}×{k} kernel with stride {stride} slides over a {size}×{size} image. How "
                "many numbers does ∂L/∂w hold?"
            ),
            answer=k * k,
            hint="A gradient has the shape of what it is the gradient of.",
            working=f"∂L/∂w has the kernel's shape, {k}×{k} = {k * k}, whatever the image size.",
            parameters={"size": size, "kernel_size": k, "stride": stride, "of": "weight"},
        )
    return Variant(
        question=(
            f"A {k}×{k} kernel with stride {stride} slides over a {size}×{size} image. How many "
            "numbers does ∂L/∂y, the gradient at the output, hold?"
        ),
        answer=out * out,
        hint="∂L/∂y has the output's shape: ⌊(I − K) / S⌋ + 1 on each side.",
        working=(
            f"The output is ⌊({size} − {k}) / {stride}⌋ + 1 = {out} on each side: "
            f"{out}×{out} = {out * out}."
        ),
        parameters={"size": size, "kernel_size": k, "stride": stride, "of": "output"},
    )


GENERATORS: dict[str, Callable[[int], Variant]] = {
    "weight_gradient": weight_gradient,
    "input_gradient": input_gradient,
    "gradient_shape": gradient_shape,
}
"""Each kind of question, by name."""
