"""The kernel gallery's pictures: bundled photographs filtered on request, and uploads.

``GET /api/gallery/{photo}/{kernel}.jpg?side=160`` returns a bundled photograph filtered by a
catalog kernel (``original`` for the photo itself) as a JPEG; each picture is computed once per
process. ``POST /api/gallery/upload`` takes a picture (multipart field ``image``), checks it with
:func:`convscope.render.images.decode_upload` and answers with the picture and every filtered
version as ``data:`` URLs: nothing about an upload is kept on the server.

Decoding and filtering an upload takes a few hundred milliseconds of CPU, so it never runs on
the event loop: at most :data:`UPLOAD_WORKERS` uploads are worked on at once per server process,
in threads of their own, while the loop keeps answering every other request. An upload that
cannot get a turn within :data:`UPLOAD_QUEUE_SECONDS` is answered ``503`` (the server is busy),
well inside the documented time limit; a file of another format than PNG, JPEG, GIF, WebP or
BMP gets ``415`` without being decoded.
"""

from __future__ import annotations

import asyncio
import base64
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Any, Literal

import numpy as np
from fastapi import APIRouter, File, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from numpy.typing import NDArray
from pydantic import AfterValidator

from .. import kernels
from ..render.images import (
    MAX_UPLOAD_BYTES,
    ImageError,
    UnsupportedFormat,
    decode_upload,
    encode_jpeg,
    shrink,
)
from ..widgets.gallery import LARGE_SIDE, THUMB_SIDE, PhotoName, filtered, photo_jpeg
from .api import ERRORS
from .errors import error_json

UPLOAD_PATH = "/api/gallery/upload"
UPLOAD_BODY_LIMIT = MAX_UPLOAD_BYTES + 64 * 1024  # the file plus the multipart envelope
SIDES = (THUMB_SIDE, LARGE_SIDE)
KernelName = Literal[("original", *kernels.KERNELS)]  # type: ignore[valid-type]
_ONE_DAY = "public, max-age=86400"
UPLOAD_WORKERS = max(1, min(4, (os.cpu_count() or 2) // 2))
"""Uploads decoded and filtered at once per server process: half the CPUs (at least one, at most
four), so the other half keeps answering everyone else."""
UPLOAD_QUEUE_SECONDS = 5.0
"""Longest wait for an upload's turn before it is told the server is busy (503)."""
BUSY = "the server is busy with other uploads; try again in a few seconds"
_POOL = ThreadPoolExecutor(UPLOAD_WORKERS, thread_name_prefix="convscope-upload")


def _known_side(side: int) -> int:
    if side not in SIDES:
        raise ValueError(f"must be {' or '.join(map(str, SIDES))} pixels, got {side}")
    return side


_SIDE = AfterValidator(_known_side)


def gallery_image(
    photo: Annotated[PhotoName, Path(description="one of the bundled photographs")],
    kernel: Annotated[KernelName, Path(description="a catalog kernel, or 'original'")],
    side: Annotated[
        int, Query(description="longest side in pixels: 160 or 480"), _SIDE
    ] = LARGE_SIDE,
) -> Response:
    """Return a bundled photograph filtered by a catalog kernel, as a JPEG image."""
    body = photo_jpeg(photo, kernel, side)
    return Response(body, media_type="image/jpeg", headers={"cache-control": _ONE_DAY})


def _data_url(pixels: NDArray[np.uint8]) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(encode_jpeg(pixels, quality=80)).decode()


def filtered_upload(content: bytes) -> dict[str, Any]:
    """Return an uploaded picture and its filtered versions as ``data:`` URLs (JSON-ready)."""
    pixels = decode_upload(content)
    large, thumb = shrink(pixels, LARGE_SIDE), shrink(pixels, THUMB_SIDE)
    return {
        "size": list(pixels.shape[:2]),
        "original": _data_url(large),
        "kernels": {
            name: {
                "large": _data_url(filtered(large, name)),
                "thumb": _data_url(filtered(thumb, name)),
            }
            for name in kernels.KERNELS
        },
    }


def _turns(request: Request) -> asyncio.Semaphore:
    # One per app, made on first use so that it belongs to the server's event loop.
    turns: asyncio.Semaphore | None = getattr(request.app.state, "upload_turns", None)
    if turns is None:
        turns = request.app.state.upload_turns = asyncio.Semaphore(UPLOAD_WORKERS)
    return turns


async def _in_pool(turns: asyncio.Semaphore, content: bytes) -> dict[str, Any]:
    """Return :func:`filtered_upload` computed in the pool; the turn is held while it runs.

    The turn is given back when the work ends, not when the request stops waiting for it
    (a time limit cancelling the request cannot stop a thread), so the pool never holds
    more than :data:`UPLOAD_WORKERS` uploads.
    """
    loop = asyncio.get_running_loop()
    work = _POOL.submit(filtered_upload, content)
    work.add_done_callback(lambda _: loop.call_soon_threadsafe(turns.release))
    return await asyncio.wrap_future(work)


async def upload(
    request: Request,
    image: Annotated[UploadFile, File(description="PNG, JPEG, GIF, WebP or BMP")],
) -> Any:
    """Return your picture filtered by every catalog kernel; errors say why it was refused."""
    content = await image.read(MAX_UPLOAD_BYTES + 1)
    turns = _turns(request)
    try:
        await asyncio.wait_for(turns.acquire(), UPLOAD_QUEUE_SECONDS)
    except TimeoutError:
        return error_json(503, BUSY, None)
    try:
        return await _in_pool(turns, content)
    except UnsupportedFormat as error:
        return error_json(415, str(error), "image")
    except ImageError as error:
        return error_json(422, str(error), "image")


def gallery_router() -> APIRouter:
    """Return the router of the gallery's picture routes (under ``/api/gallery``)."""
    router = APIRouter(prefix="/api/gallery", tags=["gallery"], responses=ERRORS)
    router.add_api_route(
        "/upload",
        upload,
        methods=["POST"],
        response_class=JSONResponse,
        responses={
            413: {"description": "the file is over the upload limit"},
            415: {"description": "not a PNG, JPEG, GIF, WebP or BMP file"},
            503: {"description": "the server is busy with other uploads"},
        },
    )
    router.add_api_route(
        "/{photo}/{kernel}.jpg",
        gallery_image,
        methods=["GET"],
        response_class=Response,
        responses={200: {"content": {"image/jpeg": {}}}},
    )
    return router
