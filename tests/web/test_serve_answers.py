"""What ``convscope serve`` sends: compressed text, a page for a mistyped lesson, its headers."""

from __future__ import annotations

import gzip
import re

import httpx
import pytest

from convscope.web import create_app
from convscope.web.pages import BUILTIN, warm_up

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True, scope="module")
def _lessons_rendered() -> None:
    warm_up()  # as convscope serve does before it answers, so no page meets the time limit


GZIP = {"Accept-Encoding": "gzip"}
TEXT = [
    ("/", "text/html"),
    ("/lessons/stride-padding-pooling", "text/html"),
    ("/static/widgets/calculator/calculator.js", "text/javascript"),
    ("/static/css/convscope.css", "text/css"),
    ("/api/kernels", "application/json"),
    ("/openapi.json", "application/json"),
]


async def _raw(app: object, path: str, host: str = "127.0.0.1:8000") -> httpx.Response:
    """Return the answer as sent, body still compressed (httpx would undo the gzip)."""
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url=f"http://{host}") as client:
        request = client.build_request("GET", path, headers=GZIP)
        response = await client.send(request, stream=True)
        response._content = b"".join([part async for part in response.aiter_raw()])
        return response


@pytest.mark.parametrize(("path", "kind"), TEXT)
async def test_pages_scripts_styles_and_json_are_sent_gzipped(path: str, kind: str) -> None:
    response = await _raw(create_app(), path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(kind)
    assert response.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["vary"]
    text = gzip.decompress(response.content)
    assert len(response.content) < len(text) / 2
    assert "content-security-policy" in response.headers  # the policy survives compression


async def test_the_lesson_page_shrinks_to_about_a_fifth(client: httpx.AsyncClient) -> None:
    plain = await client.get("/", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    squeezed = await _raw(create_app(), "/")
    assert gzip.decompress(squeezed.content) == plain.content
    assert len(squeezed.content) * 4 < len(plain.content)


async def test_small_answers_and_pictures_are_sent_as_they_are() -> None:
    app = create_app()
    small = await _raw(app, "/api/lessons/version")
    assert small.status_code == 200 and "content-encoding" not in small.headers
    picture = await _raw(app, "/api/gallery/chelsea/box_blur.jpg?side=160")
    assert picture.headers["content-type"] == "image/jpeg"
    assert "content-encoding" not in picture.headers


async def test_a_stranger_host_is_still_refused_with_the_headers() -> None:
    app = create_app(allowed_hosts={"127.0.0.1", "localhost"})
    refused = await _raw(app, "/", host="evil.example:8000")
    assert refused.status_code == 400
    assert "content-security-policy" in refused.headers
    assert (await _raw(app, "/")).headers["content-encoding"] == "gzip"


async def test_a_mistyped_lesson_is_a_page_listing_the_lessons(client: httpx.AsyncClient) -> None:
    response = await client.get("/lessons/nope")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>No lesson called “nope”</h1>" in response.text
    links = re.findall(r'<a href="/lessons/([^"]+)">', response.text)
    assert links == BUILTIN.slugs()
    assert "content-security-policy" in response.headers


async def test_the_api_keeps_answering_json_for_what_it_does_not_have(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api/nope")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
