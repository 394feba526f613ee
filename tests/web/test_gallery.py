"""The kernel gallery: pictures filtered on request, uploads checked and answered as data URLs."""

from __future__ import annotations

import base64
import io
from typing import Any

import httpx
import numpy as np
import pytest
from PIL import Image

from convscope import kernels
from convscope.render import images
from convscope.widgets import gallery

pytestmark = pytest.mark.anyio


def png(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def decoded(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("L"), dtype=np.float64)


def from_data_url(url: str) -> np.ndarray:
    assert url.startswith("data:image/jpeg;base64,")
    return decoded(base64.b64decode(url.split(",", 1)[1]))


# a dark left half and a bright right half: one vertical edge down the middle
EDGE = np.zeros((60, 80), dtype=np.uint8)
EDGE[:, 40:] = 200


@pytest.mark.parametrize("name", list(kernels.KERNELS))
def test_how_a_picture_is_shown_matches_the_renderer(name: str) -> None:
    kernel = kernels.KERNELS[name]
    rendered = images.filter_photo(EDGE, kernel.values)
    assert gallery.shown_as(kernel) == rendered.shown


async def test_widget_state_holds_words_formula_and_lazy_picture_addresses(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/api/widgets/gallery", json={"photo": "camera", "kernel": "laplacian"}
    )
    state = response.json()
    assert [k["name"] for k in state["kernels"]] == list(kernels.KERNELS)
    laplacian = next(k for k in state["kernels"] if k["name"] == "laplacian")
    assert laplacian["formula_mathml"].startswith("<math")
    assert laplacian["shown"] == "signed"
    assert state["large"]["filtered"] == "/api/gallery/camera/laplacian.jpg?side=480"
    assert len(state["thumbs"]) == len(kernels.KERNELS)


@pytest.mark.parametrize(("side", "expected"), [(160, (106, 160)), (480, (300, 451))])
async def test_photo_route_serves_a_jpeg_of_the_asked_size(
    client: httpx.AsyncClient, side: int, expected: tuple[int, int]
) -> None:
    response = await client.get(f"/api/gallery/chelsea/sobel_x.jpg?side={side}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    assert decoded(response.content).shape == expected
    assert len(response.content) < (12_000 if side == 160 else 60_000)


async def test_identity_kernel_gives_back_the_photo(client: httpx.AsyncClient) -> None:
    original = decoded((await client.get("/api/gallery/camera/original.jpg")).content)
    identity = decoded((await client.get("/api/gallery/camera/identity.jpg")).content)
    assert np.abs(original - identity).mean() < 2  # equal up to JPEG noise


async def test_upload_is_filtered_by_every_kernel_and_sobel_x_finds_the_edge(
    client: httpx.AsyncClient,
) -> None:
    files = {"image": ("edge.png", png(EDGE), "image/png")}
    response = await client.post("/api/gallery/upload", files=files)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert set(answer["kernels"]) == set(kernels.KERNELS)
    assert answer["size"] == [60, 80]
    sobel = from_data_url(answer["kernels"]["sobel_x"]["large"])
    column_strength = np.abs(sobel - 127.5).mean(axis=0)
    assert int(np.argmax(column_strength)) in (38, 39, 40, 41)
    assert column_strength[5] < 10  # flat areas stay mid-grey (zero response)


UPLOAD_BAD: list[tuple[dict[str, Any], int, str]] = [
    (
        {"image": ("notes.txt", b"not a picture", "text/plain")},
        415,
        "not an image convscope can read",
    ),
    ({"image": ("cut.png", png(EDGE)[:60], "image/png")}, 422, "image"),
    ({"picture": ("edge.png", png(EDGE), "image/png")}, 422, "image is required"),
]


@pytest.mark.parametrize(("files", "status", "words"), UPLOAD_BAD)
async def test_bad_uploads_are_refused_in_the_decoders_words(
    client: httpx.AsyncClient, files: dict[str, Any], status: int, words: str
) -> None:
    response = await client.post("/api/gallery/upload", files=files)
    assert response.status_code == status
    assert response.json()["field"] == "image"
    assert words in response.json()["detail"]


async def test_an_upload_over_the_limit_is_refused_before_reading(
    client: httpx.AsyncClient,
) -> None:
    huge = b"\0" * (images.MAX_UPLOAD_BYTES + 100 * 1024)
    files = {"image": ("huge.png", huge, "image/png")}
    response = await client.post("/api/gallery/upload", files=files)
    assert response.status_code == 413
    assert "MB this address accepts" in response.json()["detail"]


PICTURE_BAD = [
    ("/api/gallery/dog/sobel_x.jpg", "photo"),
    ("/api/gallery/chelsea/sobel_z.jpg", "kernel"),
    ("/api/gallery/chelsea/sobel_x.jpg?side=2000", "side"),
    ("/api/gallery/chelsea/sobel_x.jpg?side=big", "side"),
]


@pytest.mark.parametrize(("path", "field"), PICTURE_BAD)
async def test_bad_picture_addresses_are_refused_naming_the_part(
    client: httpx.AsyncClient, path: str, field: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 422
    assert response.json()["field"] == field


@pytest.mark.parametrize(
    ("inputs", "field"), [({"photo": "dog"}, "photo"), ({"kernel": "blur"}, "kernel")]
)
async def test_bad_gallery_choices_are_refused(
    client: httpx.AsyncClient, inputs: dict[str, str], field: str
) -> None:
    response = await client.post("/api/widgets/gallery", json=inputs)
    assert response.status_code == 422
    assert response.json()["field"] == field
