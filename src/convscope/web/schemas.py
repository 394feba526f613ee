"""The JSON shapes of the API that are not a widget's inputs: trace requests, kernels, errors.

Widget inputs live beside their state builders, one folder per widget under
:mod:`convscope.widgets`, so the lesson and the API validate them with one model.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

MAX_TRACE_NUMBERS = 4096  # input numbers; the trace itself is capped at as many output cells
MAX_WEIGHT_NUMBERS = 1024
MAX_TRACE_PRODUCTS = 65_536  # output cells × products per cell: about 4 MB of JSON at most


def _bounded_array(name: str, limit: int) -> Any:
    def check(value: list[Any]) -> list[Any]:
        try:
            array = np.asarray(value, dtype=np.float64)
        except (ValueError, TypeError):
            raise ValueError(f"{name} must be a rectangular array of numbers") from None
        if not 2 <= array.ndim <= 4:
            raise ValueError(f"{name} must have 2, 3 or 4 axes, got shape {array.shape}")
        if array.size > limit:
            raise ValueError(f"{name} has {array.size:,} numbers; the limit here is {limit:,}")
        if not np.isfinite(array).all():
            raise ValueError(f"{name} holds a value that is not a finite number")
        return value

    return Annotated[list[Any], AfterValidator(check)]


class TraceRequest(BaseModel):
    """The arguments of :func:`convscope.trace`, as JSON (PyTorch's names and meanings)."""

    model_config = ConfigDict(extra="forbid")

    input: _bounded_array("input", MAX_TRACE_NUMBERS)  # type: ignore[valid-type]
    weight: _bounded_array("weight", MAX_WEIGHT_NUMBERS)  # type: ignore[valid-type]
    bias: list[float] | float | None = None
    stride: Annotated[int, Field(ge=1, le=16)] | list[Annotated[int, Field(ge=1, le=16)]] = 1
    padding: (
        Annotated[int, Field(ge=0, le=16)]
        | list[Annotated[int, Field(ge=0, le=16)]]
        | list[list[Annotated[int, Field(ge=0, le=16)]]]
        | Literal["valid", "same", "full"]
    ) = 0
    dilation: Annotated[int, Field(ge=1, le=16)] | list[Annotated[int, Field(ge=1, le=16)]] = 1
    groups: Annotated[int, Field(ge=1, le=64)] = 1
    padding_mode: Literal["zeros", "reflect", "replicate", "circular"] = "zeros"
    flip: bool = False


class ErrorResponse(BaseModel):
    """Every 4xx answer: what went wrong in the engine's words, and the input field it concerns."""

    detail: str
    field: str | None = None


class KernelInfo(BaseModel):
    """One catalog kernel as ``GET /api/kernels`` lists it (``Kernel.to_json()`` plus MathML)."""

    name: str
    title: str
    values: list[list[int | float]]
    dtype: str
    shape: list[int]
    detects: str
    formula: str
    formula_mathml: str
    deep_learning: str
    separable: dict[str, list[int | float]] | None
