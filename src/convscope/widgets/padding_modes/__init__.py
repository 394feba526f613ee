"""The ``padding_modes`` widget: one small grid padded four ways, and a photograph padded too.

Zeros, reflect, replicate and circular side by side, each drawn from :func:`convscope.pad`
with the padded cells marked by :func:`~convscope.engine.padding_mask`. The padding is a
number of cells or ``'same'`` for a kernel size, resolved by ``ConvSpec.resolve_padding``,
so the asymmetric split of an even kernel shows as one more cell at the bottom and right.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field

from ...engine import ConvSpec, pad, padding_mask
from ...render.images import PHOTOS
from ..base import Widget, WidgetInputs, grid, text_grid
from ..pictures import grey_photo, jpeg_url

MODES = ("zeros", "reflect", "replicate", "circular")
RULES = {
    "zeros": "every border cell is 0",
    "reflect": "mirrors the input at its edge; the edge cell is not repeated",
    "replicate": "repeats the edge cell outwards",
    "circular": "wraps around: the left border shows the right-hand columns",
}
PHOTO_SIDE = 112
PHOTO_BORDER = 24  # pixels of padding on every side of the photograph

PhotoName = Literal["camera", "astronaut", "chelsea", "coffee"]
assert set(PhotoName.__args__) == set(PHOTOS)  # type: ignore[attr-defined]


class PaddingModesInputs(WidgetInputs):
    """Inputs of the ``padding_modes`` widget.

    Attributes
    ----------
    input : grid of at most 6×6 numbers
    padding : int 0–3 or 'same'
        Cells on every side, or the padding that keeps the size at stride 1.
    kernel_size : int 1–7
        The kernel ``'same'`` is resolved for.
    photo : {'camera', 'astronaut', 'chelsea', 'coffee'}
    """

    input: grid(6, 6)  # type: ignore[valid-type]
    padding: Annotated[int, Field(ge=0, le=3)] | Literal["same"] = 2
    kernel_size: Annotated[int, Field(ge=1, le=7)] = 3
    photo: PhotoName = "camera"


def _resolved(inputs: PaddingModesInputs) -> dict[str, Any]:
    size = (inputs.kernel_size, inputs.kernel_size)
    (top, bottom), (left, right) = ConvSpec.create(padding=inputs.padding).resolve_padding(size)
    if inputs.padding == "same":
        words = (
            f"'same' for a {inputs.kernel_size}×{inputs.kernel_size} kernel needs "
            f"{inputs.kernel_size - 1} extra rows and columns: top {top}, bottom {bottom}, "
            f"left {left}, right {right}"
        )
    else:
        words = f"{inputs.padding} cells on every side"
    return {"top": top, "bottom": bottom, "left": left, "right": right, "text": words}


def _padded_grid(values: np.ndarray[Any, Any], sides: dict[str, Any], mode: str) -> dict[str, Any]:
    widths = ((sides["top"], sides["bottom"]), (sides["left"], sides["right"]))
    try:
        padded = pad(values, widths, mode)  # type: ignore[arg-type]
    except ValueError as error:
        return {"mode": mode, "rule": RULES[mode], "error": str(error)}
    mask = padding_mask((values.shape[0], values.shape[1]), widths)
    return {
        "mode": mode,
        "rule": RULES[mode],
        "padded": text_grid(padded.tolist()),
        "mask": mask.tolist(),
        "error": None,
    }


def _photos(name: str) -> list[dict[str, Any]]:
    photo = grey_photo(name, PHOTO_SIDE)
    border = ((PHOTO_BORDER, PHOTO_BORDER), (PHOTO_BORDER, PHOTO_BORDER))
    inset = PHOTO_BORDER / (PHOTO_SIDE + 2 * PHOTO_BORDER)
    return [
        {"mode": mode, "src": jpeg_url(pad(photo, border, mode)), "inset": inset}  # type: ignore[arg-type]
        for mode in MODES
    ]


def build_state(inputs: PaddingModesInputs) -> dict[str, Any]:
    """Return the grid padded in every mode, the resolved padding and the padded photographs.

    Examples
    --------
    >>> state = build_state(PaddingModesInputs(input=[[1, 2, 3]], padding=1))
    >>> state["modes"][1]["padded"][1]
    ['2', '1', '2', '3', '2']
    """
    values = np.asarray(inputs.input)
    sides = _resolved(inputs)
    return {
        "inputs": inputs.model_dump(),
        "input": text_grid(inputs.input),
        "resolved": sides,
        "modes": [_padded_grid(values, sides, mode) for mode in MODES],
        "photos": _photos(inputs.photo),
        "photo_names": list(PHOTOS),
    }


WIDGET = Widget(
    name="padding_modes",
    inputs=PaddingModesInputs,
    build=build_state,
    esm=Path(__file__).with_name("padding_modes.js"),
    css=Path(__file__).with_name("padding_modes.css"),
)
