"""The JSON API: one route per widget, the trace of any small convolution, the kernel catalog.

Every number a page shows comes from here (or from the same state builders, run once when the
lesson is rendered). Routes only validate and delegate; the engine and the widgets compute.
"""

import inspect
from collections.abc import Callable
from functools import cache
from typing import Any

from fastapi import APIRouter

from .. import kernels
from ..lessons.markdown import math_to_mathml
from ..lessons.widgets import WIDGETS, Widget
from ..tracing.step import trace
from .schemas import ErrorResponse, KernelInfo, TraceRequest

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse} for status in (400, 413, 422)
}


def _widget_endpoint(widget: Widget) -> Callable[..., dict[str, Any]]:
    def build(inputs: Any) -> dict[str, Any]:
        return widget.build(inputs)

    # FastAPI reads the body's model from the signature, so each widget gets a typed route.
    parameter = inspect.Parameter(
        "inputs", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=widget.inputs
    )
    build.__signature__ = inspect.Signature([parameter])  # type: ignore[attr-defined]
    build.__name__ = f"widget_{widget.name}"
    build.__doc__ = f"Return the ``{widget.name}`` widget's whole state for these inputs."
    return build


def trace_route(request: TraceRequest) -> dict[str, Any]:
    """Return the trace JSON of one convolution (``docs/trace-json.md``): every step explained."""
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
    return conv.to_json()


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
    router.add_api_route("/trace", trace_route, methods=["POST"], tags=["trace"])
    for widget in WIDGETS.values():
        router.add_api_route(
            f"/widgets/{widget.name}", _widget_endpoint(widget), methods=["POST"], tags=["widgets"]
        )
    return router
