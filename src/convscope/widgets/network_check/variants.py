"""Generated questions on the digits network's shapes and parameter counts, answered by the engine.

Variant 0 asks about the lesson's own network (8×8 input, 8 then 16 channels, 10 digits); any
other seed draws a network of the same shape with other sizes, the same ones every time.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from ...engine import ConvSpec, param_count
from ...network.model import PADDING, POOL
from ...tracing.numbers import format_number
from ..quick_check.variants import Variant


def _sizes(seed: int) -> tuple[int, int, int, int]:
    """Return (image side, conv1 channels, conv2 channels, classes) of variant ``seed``."""
    if seed == 0:
        return 8, 8, 16, 10
    rng = random.Random(f"network:{seed}")
    return (
        rng.choice((8, 12, 16, 20, 28, 32)),
        rng.choice((4, 6, 8, 12)),
        rng.choice((8, 16, 24, 32)),
        rng.choice((2, 5, 10, 26)),
    )


def _pooled_side(side: int) -> int:
    """Return the side of the second pool's maps, through the engine's output-size rule."""
    conv = ConvSpec.create(padding=PADDING)
    pool = ConvSpec.create(stride=POOL)
    for _ in range(2):
        side = pool.output_size(conv.output_size((side, side), (3, 3)), (POOL, POOL))[0]
    return int(side)


def conv2_params(seed: int) -> Variant:
    """Return a question on the number of learned numbers in the second convolution."""
    _, first, second, _ = _sizes(seed)
    answer = param_count(first, second, 3)
    return Variant(
        question=(
            f"The second convolution takes the {first} pooled maps of the first layer and gives "
            f"{second} maps, with 3×3 kernels and one bias per output map. "
            "How many numbers does it learn?"
        ),
        answer=answer,
        hint="each output map has one 3×3 kernel per input map, plus its bias",
        working=f"{second} × ({first} × 3 × 3) + {second} = {format_number(answer)}",
        parameters={"in_channels": first, "out_channels": second},
    )


def flatten_size(seed: int) -> Variant:
    """Return a question on how many numbers reach the linear layer."""
    side, _, second, _ = _sizes(seed)
    pooled = _pooled_side(side)
    answer = second * pooled * pooled
    return Variant(
        question=(
            f"A {side}×{side} image goes through conv 3×3 (padding 1), a 2×2 max pool, conv 3×3 "
            f"(padding 1) with {second} output maps and another 2×2 max pool. How many numbers "
            "does the flattened vector that enters the linear layer hold?"
        ),
        answer=answer,
        hint="padding 1 keeps a 3×3 convolution's size; each 2×2 pool halves it (rounding down)",
        working=(
            f"{side} → {side // 2} → {pooled} per side: "
            f"{second} × {pooled} × {pooled} = {format_number(answer)}"
        ),
        parameters={"side": side, "channels": second},
    )


def linear_params(seed: int) -> Variant:
    """Return a question on the number of learned numbers in the final linear layer."""
    side, _, second, classes = _sizes(seed)
    pooled = _pooled_side(side)
    features = second * pooled * pooled
    answer = features * classes + classes
    return Variant(
        question=(
            f"The linear layer turns {features} numbers ({second} maps of {pooled}×{pooled}) into "
            f"one score for each of {classes} classes, with a bias per class. "
            "How many numbers does it learn?"
        ),
        answer=answer,
        hint="one weight per input number for each class, plus one bias per class",
        working=f"{classes} × {features} + {classes} = {format_number(answer)}",
        parameters={"features": features, "classes": classes},
    )


GENERATORS: dict[str, Callable[[int], Variant]] = {
    "conv2_params": conv2_params,
    "flatten_size": flatten_size,
    "linear_params": linear_params,
}
