"""The JSON API: one route per widget, the trace of any small convolution, the kernel catalog.

Every number a page shows comes from here (or from the same state builders, run once when the
lesson is rendered). Routes only validate and delegate; the engine and the widgets compute.
"""

import inspect
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
from fastapi import APIRouter
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response

from .. import kernels
from ..lessons.markdown import math_to_mathml
from ..tracing.step import trace
from ..widgets.field_errors import field_error
from ..widgets.refusals import engine_refusals
from ..widgets.registry import WIDGETS, Widget
from .schemas import MAX_TRACE_PRODUCTS, ErrorResponse, KernelInfo, TraceRequest

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse} for status in (400, 413, 422, 500)
}
TRACE_ARGUMENTS = {
    name: name
    for name in ("input", "weight", "bias", "stride", "padding", "dilation", "groups", "flip")
} | {"kernel": "weight", "padding_mode": "padding_mode", "this": "input"}
"""The engine's name for each argument ``/api/trace`` passes on → the request's field (the
trace's own cap on output cells opens "this trace has …")."""


def json_answer(state: dict[str, Any]) -> Response:
    """Return ``state`` as a JSON response, skipping FastAPI's generic encoder when it can.

    The states are plain JSON already; walking them again with ``jsonable_encoder`` took
    about half the time of a trace request under a class's load.
    """
    try:
        return JSONResponse(state)
    except TypeError:  # a value json cannot write as it is (a NumPy number, say)
        return JSONResponse(jsonable_encoder(state))


def _widget_endpoint(widget: Widget) -> Callable[..., Response]:
    def build(inputs: Any) -> Response:
        return json_answer(widget.compute(inputs))

    # FastAPI reads the body's model from the signature, so each widget gets a typed route.
    parameter = inspect.Parameter(
        "inputs", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=widget.inputs
    )
    build.__signature__ = inspect.Signature([parameter])  # type: ignore[attr-defined]
    build.__name__ = f"widget_{widget.name}"
    build.__doc__ = f"Return the ``{widget.name}`` widget's whole state for these inputs."
    return build


def trace_route(request: TraceRequest) -> Response:
    """Return the trace JSON of one convolution (``docs/trace-json.md``): every step explained."""
    with engine_refusals(TRACE_ARGUMENTS):
        conv = trace(
            request.input,
            request.weight,
            request.bias,
            stride=request.stride,
            padding=request.padding,
            dilation=request.dilation,
            groups=request.groups,
            padding_mode=request.padding_mode,
            flip=request.flip,
        )
        _check_products(len(conv), np.shape(request.input), np.shape(request.weight))
        return json_answer(conv.to_json())


def _check_products(
    cells: int, input_shape: tuple[int, ...], weight_shape: tuple[int, ...]
) -> None:
    # Each output cell's step lists every product: the JSON grows as cells × taps, and a
    # 64×64 input with a 32×32 kernel would be 30 MB and seconds of work for one request.
    per_cell = int(np.prod(weight_shape[1:] if len(weight_shape) == 4 else weight_shape))
    if cells * per_cell > MAX_TRACE_PRODUCTS:
        raise field_error(
            "input",
            f"input {input_shape} with weight {weight_shape} gives {cells:,} output cells × "
            f"{per_cell:,} products = {cells * per_cell:,} products; a trace here is limited to "
            f"{MAX_TRACE_PRODUCTS:,}: use a smaller input or kernel",
        )


@cache
def kernels_route() -> list[KernelInfo]:
    """Return the kernel catalog in display order, each formula also rendered as MathML."""
    # The catalog is fixed for the life of the process: its MathML is rendered once.
    return [
        KernelInfo(**kernel.to_json(), formula_mathml=math_to_mathml(kernel.formula, display=True))
        for kernel in kernels.KERNELS.values()
    ]


def api_router() -> APIRouter:
    """Return the router of every ``/api`` route."""
    router = APIRouter(prefix="/api", responses=ERRORS)
    router.add_api_route("/kernels", kernels_route, methods=["GET"], tags=["catalog"])
    router.add_api_route(
        "/trace", trace_route, methods=["POST"], tags=["trace"], response_model=dict[str, Any]
    )
    for widget in WIDGETS.values():
        router.add_api_route(
            f"/widgets/{widget.name}",
            _widget_endpoint(widget),
            methods=["POST"],
            tags=["widgets"],
            response_model=dict[str, Any],
        )
    return router
