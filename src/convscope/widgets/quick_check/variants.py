"""Generated quick-check questions: numbers drawn from a seed, answers from the engine.

Each generator turns a seed into a :class:`Variant`: the question in words, the answer
computed by convscope's own arithmetic (``ConvSpec.output_size``, ``receptive_field``,
``TransposeSpec.output_size``), and the working written out with the question's numbers. The
same seed always gives the same question, so a page can ask "another one" by sending seed + 1,
and the answer is checked on the server without ever being sent before it is asked for.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...engine import ConvSpec, receptive_field
from ...engine.transpose import TransposeSpec


@dataclass(frozen=True)
class Variant:
    """One generated question.

    Attributes
    ----------
    question : str
        What the learner is asked, with every number in it.
    answer : int
        The right answer, from the engine.
    hint : str
        The rule to use, without the numbers filled in.
    working : str
        The rule with this question's numbers, ending in the answer.
    parameters : dict
        The numbers drawn, by argument name, so a test can recompute the answer elsewhere.
    """

    question: str
    answer: int
    hint: str
    working: str
    parameters: dict[str, Any]


def output_size(seed: int) -> Variant:
    """Return a question about a convolution's output size for ``H, k, s, p, d``."""
    rng = random.Random(f"output_size:{seed}")
    while True:
        h, k = rng.randint(5, 64), rng.choice((1, 2, 3, 5, 7))
        s, p, d = rng.randint(1, 3), rng.randint(0, 3), rng.choice((1, 1, 2))
        if h + 2 * p - d * (k - 1) - 1 >= 0:
            break
    answer = ConvSpec.create(stride=s, padding=p, dilation=d).output_size((h, h), (k, k))[0]
    return Variant(
        question=(
            f"An input with {h} rows goes through a convolution with a {k}×{k} kernel, "
            f"stride {s}, padding {p} and dilation {d}. How many rows does the output have?"
        ),
        answer=answer,
        hint="H_out = ⌊(H + 2p − d(k − 1) − 1) ÷ s⌋ + 1",
        working=f"⌊({h} + 2×{p} − {d}×({k} − 1) − 1) ÷ {s}⌋ + 1 = {answer}",
        parameters={"size": h, "kernel_size": k, "stride": s, "padding": p, "dilation": d},
    )


def receptive(seed: int) -> Variant:
    """Return a question about the receptive field of a stack of 2–4 layers."""
    rng = random.Random(f"receptive:{seed}")
    choices = (
        ("conv 3×3", {"kernel_size": 3}),
        ("conv 5×5", {"kernel_size": 5}),
        ("conv 3×3 with stride 2", {"kernel_size": 3, "stride": 2}),
        ("max pool 2×2 with stride 2", {"kernel_size": 2, "stride": 2}),
        ("conv 3×3 with dilation 2", {"kernel_size": 3, "dilation": 2}),
    )
    stack = [rng.choice(choices) for _ in range(rng.randint(2, 4))]
    field = receptive_field([layer for _, layer in stack])
    steps, size, jump = [], 1, 1
    for (_, layer), after in zip(stack, field.layers, strict=True):
        k_eff = layer.get("dilation", 1) * (layer["kernel_size"] - 1) + 1
        steps.append(f"{size} + ({k_eff} − 1)×{jump} = {after.size[0]}")
        size, jump = after.size[0], after.jump[0]
    return Variant(
        question=(
            "How many input pixels wide is the receptive field of one output cell after "
            f"{', then '.join(name for name, _ in stack)}?"
        ),
        answer=field.size[0],
        hint="each layer adds (k_eff − 1) × jump; the jump is the product of the earlier strides",
        working="; ".join(steps),
        parameters={"layers": [layer for _, layer in stack]},
    )


def transposed_shape(seed: int) -> Variant:
    """Return a question about a transposed convolution's output size."""
    rng = random.Random(f"transposed_shape:{seed}")
    while True:
        h, k, s = rng.randint(2, 16), rng.randint(2, 5), rng.randint(1, 3)
        p, extra = rng.randint(0, 2), rng.randint(0, s - 1)
        if (h - 1) * s - 2 * p + k + extra >= 1:
            break
    answer = TransposeSpec.create(stride=s, padding=p, output_padding=extra).output_size(
        (h, h), (k, k)
    )[0]
    return Variant(
        question=(
            f"A transposed convolution takes a {h}×{h} map, a {k}×{k} kernel, stride {s}, "
            f"padding {p} and output_padding {extra}. How many rows does its output have?"
        ),
        answer=answer,
        hint="H_out = (H − 1)·s − 2p + (k − 1) + output_padding + 1",
        working=f"({h} − 1)×{s} − 2×{p} + ({k} − 1) + {extra} + 1 = {answer}",
        parameters={
            "size": h,
            "kernel_size": k,
            "stride": s,
            "padding": p,
            "output_padding": extra,
        },
    )


GENERATORS: dict[str, Callable[[int], Variant]] = {
    "output_size": output_size,
    "receptive_field": receptive,
    "transposed_shape": transposed_shape,
}
