"""The server's own walls, tried from outside against a real ``convscope serve``.

A foreign ``Host`` (DNS rebinding), a chunked body over the limit, pictures in formats nobody
documented, a flood of large uploads, framing and sniffing, and the teacher's quiz key read from
``/proc``. Each test judges by side effects: status codes, headers, a server that keeps
answering and how fast, bytes that must not be in a process's environment.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import html
import io
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from PIL import Image

from convscope.export.site import export_site
from convscope.page_policy import meta_policy, script_hash, served_policy
from convscope.web import create_app
from convscope.web.code_api import OFF_FOR_NETWORK
from convscope.widgets.question_key import KEY_FILE_VARIABLE

from . import servers

pytestmark = pytest.mark.attack

FLOOD = 24
_PR_CAPBSET_DROP = 24  # linux/prctl.h
OWN_QUESTION = """# A teacher's check

```{quiz} Check
question = "A 3×3 kernel, stride 1, no padding, on a 7×7 input: how wide is the output?"
choices = ["7", "5", "4", "3"]
answer = "5"
```
"""


@contextlib.contextmanager
def serving(*options: str, capless: bool = False) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """:func:`.servers.serving`; with ``capless``, as root without capabilities, as an
    ordinary user would run it."""
    preexec = _without_capabilities if capless and os.geteuid() == 0 else None
    with servers.serving(*options, preexec=preexec) as running:
        yield running


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """One server for the tests that only send requests: its base address."""
    with serving("--allowed-host", "class.example") as (_, base):
        yield base


def _encoded(image: Image.Image, form: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, form, **options)
    return buffer.getvalue()


# ---- Host: a page using DNS rebinding names its own domain -------------------------------


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("evil.example", 400),
        ("evil.example:80", 400),
        ("localhost.evil.example", 400),
        ("", 400),
        ("localhost", 200),
        ("LOCALHOST:1234", 200),
        ("127.0.0.1", 200),
        ("class.example", 200),  # named with --allowed-host
    ],
)
def test_only_the_server_s_own_names_are_answered(server: str, host: str, status: int) -> None:
    for path in ("/api/kernels", "/", "/api/code/status"):
        answer = httpx.get(server + path, headers={"host": host}, timeout=10)
        assert answer.status_code == status, (path, answer.text)


def test_a_rebinding_page_cannot_run_code(server: str, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    body = {"source": f"open({str(marker)!r}, 'w').write('x')\n"}
    answer = httpx.post(
        server + "/api/code/run", json=body, headers={"host": "evil.example"}, timeout=30
    )
    assert answer.status_code == 400
    assert not marker.exists()


# ---- headers: what a page may load, and that no one may frame it ---------------------------


@pytest.mark.parametrize("path", ["/", "/lessons/convolution", "/api/kernels", "/nowhere"])
def test_every_answer_carries_the_page_policy(server: str, path: str) -> None:
    headers = httpx.get(server + path, timeout=10).headers
    policy = headers["content-security-policy"]
    assert policy == served_policy()
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"]


# ---- bodies and pictures --------------------------------------------------------------------


def test_a_chunked_body_over_the_limit_gets_413(server: str) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(400):
            yield b" " * 1024

    answer = httpx.post(
        server + "/api/trace",
        content=chunks(),
        headers={"content-type": "application/json"},
        timeout=10,
    )
    assert answer.status_code == 413
    assert httpx.get(server + "/api/kernels", timeout=10).status_code == 200


def _other_formats() -> dict[str, bytes]:
    picture = Image.new("RGB", (8, 8), (200, 30, 30))
    files = {
        name: _encoded(picture, form)
        for name, form in [("tiff", "TIFF"), ("ico", "ICO"), ("pcx", "PCX"), ("tga", "TGA")]
    }
    files["xbm"] = _encoded(picture.convert("1"), "XBM")
    files["eps"] = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 8 8\nshowpage\n"
    return files


@pytest.mark.parametrize(("name", "content"), sorted(_other_formats().items()))
def test_formats_nobody_documented_are_refused_undecoded(
    server: str, name: str, content: bytes
) -> None:
    files = {"image": (f"picture.{name}", content, "image/png")}
    answer = httpx.post(server + "/api/gallery/upload", files=files, timeout=30)
    assert answer.status_code == 415
    assert answer.json()["field"] == "image"


@pytest.mark.parametrize("form", ["PNG", "JPEG", "GIF", "WEBP", "BMP"])
def test_the_five_documented_formats_are_accepted(server: str, form: str) -> None:
    content = _encoded(Image.new("RGB", (6, 4), (10, 120, 240)), form)
    files = {"image": (f"picture.{form.lower()}", content, "application/octet-stream")}
    answer = httpx.post(server + "/api/gallery/upload", files=files, timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.json()["size"] == [4, 6]


def _large_jpeg() -> bytes:
    rows, cols = np.mgrid[0:4096, 0:4096]
    rng = np.random.default_rng(12)
    pixels = ((rows // 8 + cols // 8) % 256).astype(np.int16) + rng.integers(-12, 12, rows.shape)
    grey = np.clip(pixels, 0, 255).astype(np.uint8)
    return _encoded(Image.fromarray(np.dstack([grey, grey[::-1], grey.T])), "JPEG", quality=80)


async def _flood_and_time(base: str, content: bytes) -> tuple[list[int], list[float]]:
    files = {"image": ("large.jpg", content, "image/jpeg")}
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:

        async def one_upload() -> int:
            return (await client.post("/api/gallery/upload", files=files)).status_code

        async def kernels_while_flooded() -> list[float]:
            await asyncio.sleep(0.5)  # the uploads are in by now
            waits = []
            async with httpx.AsyncClient(base_url=base, timeout=30) as other:
                for _ in range(15):
                    started = time.monotonic()
                    assert (await other.get("/api/kernels")).status_code == 200
                    waits.append(time.monotonic() - started)
                    await asyncio.sleep(0.2)
            return waits

        uploads = asyncio.gather(*(one_upload() for _ in range(FLOOD)))
        statuses, waits = await asyncio.gather(uploads, kernels_while_flooded())
    return statuses, waits


def test_a_flood_of_large_uploads_leaves_the_server_answering(server: str) -> None:
    content = _large_jpeg()
    assert 1_000_000 < len(content) < 8 * 1024 * 1024
    statuses, waits = asyncio.run(_flood_and_time(server, content))
    # Each upload is either worked on (200) or told the server is busy (503), never lost.
    assert set(statuses) <= {200, 503} and 200 in statuses, statuses
    assert max(waits) < 1.0, waits  # today's code made /api/kernels wait 16 s
    assert httpx.get(server + "/api/kernels", timeout=5).status_code == 200


# ---- the code box on a network address says why it is off ----------------------------------


async def _code_run_on_a_network_server() -> httpx.Response:
    app = create_app(code_runs=False, listening_on="0.0.0.0")
    transport = httpx.ASGITransport(app=app, client=("192.168.1.20", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://192.168.1.5") as client:
        return await client.post("/api/code/run", json={"source": "x = 1\n"})


def test_a_network_server_tells_learners_why_code_is_off() -> None:
    answer = asyncio.run(_code_run_on_a_network_server())
    assert answer.status_code == 403
    assert answer.json()["detail"] == OFF_FOR_NETWORK


# ---- the teacher's quiz key is in no process's environment ---------------------------------


def _process_tree(root: int) -> list[int]:
    found, frontier = [root], [root]
    while frontier:
        parent = frontier.pop()
        children = Path(f"/proc/{parent}/task/{parent}/children")
        with contextlib.suppress(OSError):
            kids = [int(pid) for pid in children.read_text().split()]
            found += kids
            frontier += kids
    return found


def _environment_seen_by_root(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/environ").read_bytes()
    except PermissionError:  # not root: a non-dumpable server shows no one its environment
        return b""


def _without_capabilities() -> None:
    # What an ordinary process has: root without capabilities reads other processes' /proc
    # files by the same rules as any user (a non-dumpable process stays closed to it).
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in range(64):
        libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0)  # past the last one: EINVAL


def _openable_by_an_ordinary_process(pid: int, path: str) -> bool:
    """Return whether a process of the same user without capabilities can open
    ``/proc/<pid>/<path>`` (for ``mem``, opening is the test: offset 0 is never mapped)."""
    run = subprocess.run(
        ["head", "-c", "0", f"/proc/{pid}/{path}"],
        capture_output=True,
        timeout=30,
        check=False,
        preexec_fn=_without_capabilities,
    )
    return run.returncode == 0


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
def test_the_quiz_key_is_in_no_server_environment_and_no_one_can_read_the_server() -> None:
    # Root reads everything, so everything here runs as root without capabilities: then the
    # kernel's ordinary rules apply (same user, no more capabilities than the target: allowed
    # unless the target is non-dumpable), as between two processes of an ordinary user.
    control = subprocess.Popen(["sleep", "60"], preexec_fn=_without_capabilities)
    try:
        assert _openable_by_an_ordinary_process(control.pid, "environ")  # the probe can see
    finally:
        control.kill()
        control.wait()
    with tempfile.TemporaryDirectory() as folder:
        lesson = Path(folder) / "lesson.md"
        lesson.write_text(OWN_QUESTION, encoding="utf-8")
        with serving(str(lesson), "--workers", "2", capless=True) as (process, base):
            page = httpx.get(base + "/lessons/lesson", timeout=10)
            assert page.status_code == 200 and "sealed" in page.text  # the key is in use
            pids = _server_processes(process.pid)
            key = _key_from_its_file(pids)
            for pid in pids:
                environment = _environment_seen_by_root(pid)
                assert b"CONVSCOPE_QUESTION_KEY=" not in environment, pid
                assert key is None or key not in environment, pid
                if b"resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    continue  # multiprocessing's helper: it holds no key and serves no one
                assert not _openable_by_an_ordinary_process(pid, "environ"), pid
                assert not _openable_by_an_ordinary_process(pid, "mem"), pid


def _key_from_its_file(pids: list[int]) -> bytes | None:
    """Return the key the server shares with its workers, read as root can (else None)."""
    for pid in pids:
        for entry in _environment_seen_by_root(pid).split(b"\0"):
            name, _, value = entry.partition(b"=")
            if name == KEY_FILE_VARIABLE.encode():
                key = Path(value.decode()).read_bytes().strip()
                assert len(key) >= 32
                return key
    return None


def _server_processes(root: int) -> list[int]:
    """Return the server's pid and its two workers' (waiting until both are up)."""
    deadline = time.monotonic() + 30
    pids = _process_tree(root)
    while len(pids) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
        pids = _process_tree(root)
    assert len(pids) >= 3, pids
    return pids


# ---- exported pages carry the same policy in a meta element --------------------------------


def test_exported_pages_carry_the_policy_and_allow_only_their_own_inline_script(
    tmp_path: Path,
) -> None:
    (tmp_path / "lesson.md").write_text(OWN_QUESTION, encoding="utf-8")
    export_site(tmp_path / "lesson.md", tmp_path / "site")
    for page in ("index.html", "lesson.html"):
        text = (tmp_path / "site" / page).read_text(encoding="utf-8")
        policy = html.unescape(
            re.findall(r'http-equiv="Content-Security-Policy" content="([^"]*)"', text)[0]
        )
        inline = re.findall(r"<script type=\"module\">(.*?)</script>", text, re.S)
        assert policy == meta_policy(inline)
        assert "unsafe-inline" not in policy and "frame-ancestors" not in policy
        assert all(script_hash(source) in policy for source in inline)
