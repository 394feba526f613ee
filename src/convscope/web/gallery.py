"""The kernel gallery's pictures: bundled photographs filtered on request, and uploads.

``GET /api/gallery/{photo}/{kernel}.jpg?side=160`` returns a bundled photograph filtered by a
catalog kernel (``original`` for the photo itself) as a JPEG; each picture is computed once per
process. ``POST /api/gallery/upload`` takes a picture (multipart field ``image``), checks it with
:func:`convscope.render.images.decode_upload` and answers with the picture and every filtered
version as ``data:`` URLs: nothing about an upload is kept on the server.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from typing import Annotated, Any, Literal

import numpy as np
from fastapi import APIRouter, File, Path, Query, UploadFile
from fastapi.responses import JSONResponse, Response
from numpy.typing import NDArray
from pydantic import AfterValidator

from .. import kernels
from ..lessons.widgets.gallery import LARGE_SIDE, THUMB_SIDE, PhotoName
from ..render.images import (
    MAX_UPLOAD_BYTES,
    ImageError,
    decode_upload,
    encode_jpeg,
    filter_photo,
    load_photo,
    shrink,
)
from .api import ERRORS
from .errors import error_json

UPLOAD_PATH = "/api/gallery/upload"
UPLOAD_BODY_LIMIT = MAX_UPLOAD_BYTES + 64 * 1024  # the file plus the multipart envelope
SIDES = (THUMB_SIDE, LARGE_SIDE)
KernelName = Literal[("original", *kernels.KERNELS)]  # type: ignore[valid-type]
_ONE_DAY = "public, max-age=86400"


def _known_side(side: int) -> int:
    if side not in SIDES:
        raise ValueError(f"must be {' or '.join(map(str, SIDES))} pixels, got {side}")
    return side


_SIDE = AfterValidator(_known_side)


def _filtered(pixels: NDArray[np.uint8], kernel: str) -> NDArray[np.uint8]:
    if kernel == "original":
        return pixels
    return filter_photo(pixels, kernels.KERNELS[kernel].values).pixels


@lru_cache(maxsize=8)
def _photo(name: str, side: int) -> NDArray[np.uint8]:
    return shrink(load_photo(name), side)


@lru_cache(maxsize=128)
def photo_jpeg(photo: str, kernel: str, side: int) -> bytes:
    """Return bundled ``photo``, longest side ``side`` pixels, filtered by ``kernel``, as JPEG."""
    return encode_jpeg(_filtered(_photo(photo, side), kernel), quality=80)


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
                "large": _data_url(_filtered(large, name)),
                "thumb": _data_url(_filtered(thumb, name)),
            }
            for name in kernels.KERNELS
        },
    }


async def upload(
    image: Annotated[UploadFile, File(description="PNG, JPEG, GIF, WebP or BMP")],
) -> Any:
    """Return your picture filtered by every catalog kernel; errors say why it was refused."""
    content = await image.read(MAX_UPLOAD_BYTES + 1)
    try:
        return filtered_upload(content)
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
        responses={413: {"description": "the file is over the upload limit"}},
    )
    router.add_api_route(
        "/{photo}/{kernel}.jpg",
        gallery_image,
        methods=["GET"],
        response_class=Response,
        responses={200: {"content": {"image/jpeg": {}}}},
    )
    return router
