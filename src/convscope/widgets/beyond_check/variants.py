"""Generated questions for the "Beyond the image" lesson, answered by the engine.

Each generator turns a seed into a :class:`~convscope.widgets.quick_check.variants.Variant`
(the question, the engine's answer, the rule and the working with the question's numbers).
Variant 0 is the lesson's own question; any other seed draws new numbers, the same ones every
time.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import numpy as np

from ...engine import conv1d, param_count
from ...engine.spec3d import ConvSpec3d
from ...tracing.numbers import format_number
from ..quick_check.variants import Variant


def causal_length(seed: int) -> Variant:
    """Return a question on the output length of a stack of dilated 1-D layers."""
    rng = random.Random(f"causal_length:{seed}")
    if seed == 0:
        length, taps, dilations, padding = 64, 2, [1, 2, 4, 8], "valid"
    else:
        taps = rng.choice((2, 3))
        dilations = [2**n for n in range(rng.randint(2, 4))]
        length = rng.randint(2 * taps * sum(dilations), 100)
        padding = rng.choice(("valid", "causal"))
    samples = np.zeros(length, dtype=np.int64)
    for d in dilations:
        samples = conv1d(samples, np.ones(taps, dtype=np.int64), padding=padding, dilation=d)
    answer = len(samples)
    described = "with no padding" if padding == "valid" else "each with causal padding"
    reach = " + ".join(str(d) for d in dilations)
    working = (
        f"each layer removes d × ({taps} − 1) samples: "
        f"{length} − ({taps} − 1) × ({reach}) = {answer}"
        if padding == "valid"
        else f"each layer pads d × ({taps} − 1) zeros on the left, so the length stays {answer}"
    )
    return Variant(
        question=(
            f"A signal of {length} samples goes through {len(dilations)} conv1d layers of "
            f"{taps} taps, {described}, with dilations {', '.join(map(str, dilations))}. "
            "How many samples long is the last layer's output?"
        ),
        answer=answer,
        hint=(
            "a layer with no padding shortens the signal by d × (k − 1); causal padding puts "
            "that many zeros back"
        ),
        working=working,
        parameters={"length": length, "taps": taps, "dilations": dilations, "padding": padding},
    )


def separable_params(seed: int) -> Variant:
    """Return a question on the parameters of a depthwise-separable block (with biases)."""
    rng = random.Random(f"separable_params:{seed}")
    c_in, c_out, k = (
        (32, 64, 3)
        if seed == 0
        else (
            rng.choice((8, 16, 24, 32, 64)),
            rng.choice((16, 32, 64, 128)),
            rng.choice((3, 5)),
        )
    )
    depthwise = param_count(c_in, c_in, k, groups=c_in)
    pointwise = param_count(c_in, c_out, 1)
    answer = depthwise + pointwise
    return Variant(
        question=(
            f"A depthwise-separable block takes {c_in} channels to {c_out}: a depthwise "
            f"{k}×{k} convolution (groups = {c_in}) and then a 1×1 convolution, both with a "
            "bias. How many parameters does the block have?"
        ),
        answer=answer,
        hint="depthwise: k×k×1×C_in + C_in; pointwise: 1×1×C_in×C_out + C_out",
        working=(
            f"{k}×{k}×1×{c_in} + {c_in} = {format_number(depthwise)}, "
            f"1×1×{c_in}×{c_out} + {c_out} = {format_number(pointwise)}; "
            f"together {format_number(answer)}"
        ),
        parameters={"in_channels": c_in, "out_channels": c_out, "kernel_size": k},
    )


def frames_3d(seed: int) -> Variant:
    """Return a question on a 3-D convolution's output size: how many output values."""
    rng = random.Random(f"frames_3d:{seed}")
    if seed == 0:
        depth, side, k, stride, padding = 16, 112, 3, 1, 1
    else:
        depth, side = rng.choice((8, 16, 32)), rng.choice((28, 56, 64, 112))
        k, stride, padding = rng.choice((3, 5)), rng.choice((1, 2)), rng.choice((0, 1))
    spec = ConvSpec3d.create(stride=stride, padding=padding)
    out_d, out_h, out_w = spec.output_size((depth, side, side), (k, k, k))
    answer = out_d
    return Variant(
        question=(
            f"A clip of {depth} frames, each {side}×{side}, goes through conv3d with a "
            f"{k}×{k}×{k} kernel, stride {stride} and padding {padding}. How many frames "
            "deep is the output?"
        ),
        answer=answer,
        hint="each axis follows the 2-D rule: ⌊(D + 2p − k) ÷ s⌋ + 1",
        working=(
            f"⌊({depth} + 2×{padding} − {k}) ÷ {stride}⌋ + 1 = {answer} frames; the output is "
            f"{out_d}×{out_h}×{out_w} per channel"
        ),
        parameters={
            "depth": depth,
            "side": side,
            "kernel_size": k,
            "stride": stride,
            "padding": padding,
        },
    )


GENERATORS: dict[str, Callable[[int], Variant]] = {
    "causal_length": causal_length,
    "separable_params": separable_params,
    "frames_3d": frames_3d,
}
