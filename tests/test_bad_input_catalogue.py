"""Every row of ``docs/bad-input.md`` is a test: the case runs, and the user gets what it says.

Each case below returns what the user really got as one line of text (an exception's type and
message; an HTTP answer's status, ``field=`` and detail; a command's exit code and output).
The test checks that each `quoted` part of the row's last column appears in it, so the
catalogue cannot drift from the code, and that rows and cases match one to one.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import re
import socket
import struct
import sys
import time
import zlib
from collections.abc import AsyncIterator, Callable
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from fastapi import FastAPI
from PIL import Image
from typer.testing import CliRunner

from convscope import (
    avg_pool2d,
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
    kernels,
    learn_kernel,
    max_pool2d,
    pad,
)
from convscope.cli import _register
from convscope.cli import app as cli_app
from convscope.lessons.sources import LessonLibrary
from convscope.render.images import MAX_UPLOAD_BYTES
from convscope.web import create_app, gallery
from convscope.web.hosts import allowed_hosts
from convscope.web.limits import TimeLimit

CATALOGUE = Path(__file__).resolve().parents[1] / "docs" / "bad-input.md"
CASES: dict[str, Callable[[], str]] = {}
X = np.ones((1, 1, 4, 4))
W = np.ones((1, 1, 3, 3))
X5 = np.ones((1, 1, 4, 4, 4))
W5 = np.ones((1, 1, 3, 3, 3))
I3 = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]
EYE = [[1.0, 0.0], [0.0, 1.0]]


def case(name: str) -> Callable[[Callable[[], str]], Callable[[], str]]:
    def register(function: Callable[[], str]) -> Callable[[], str]:
        CASES[name] = function
        return function

    return register


def rows() -> dict[str, str]:
    """Return each catalogue row's id and its last column (what the user gets)."""
    found = {}
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| ") and cells[0] not in {"id", "---"}:
            found[cells[0]] = cells[-1]
    return found


def flat(text: str) -> str:
    # Typer draws errors in a box and wraps them: read them as one line.
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


# ---- the engine --------------------------------------------------------------------------


def raised(call: Callable[[], Any]) -> str:
    try:
        call()
    except (ValueError, TypeError) as error:
        return f"{type(error).__name__}: {error}"
    return "no error"


ENGINE: dict[str, Callable[[], Any]] = {
    "engine-stride-zero": lambda: conv2d(X, W, stride=0),
    "engine-stride-float": lambda: conv2d(X, W, stride=1.5),
    "engine-padding-negative": lambda: conv2d(X, W, padding=-1),
    "engine-padding-word": lambda: conv2d(X, W, padding="half"),
    "engine-same-with-stride": lambda: conv2d(X, W, padding="same", stride=2),
    "engine-dilation-zero": lambda: conv2d(X, W, dilation=0),
    "engine-groups": lambda: conv2d(np.ones((1, 3, 4, 4)), np.ones((2, 3, 3, 3)), groups=2),
    "engine-channels": lambda: conv2d(np.ones((1, 3, 4, 4)), np.ones((2, 2, 3, 3))),
    "engine-kernel-too-big": lambda: conv2d(X, np.ones((1, 1, 5, 5))),
    "engine-padding-mode": lambda: conv2d(X, W, padding=1, padding_mode="mirror"),
    "engine-reflect-too-wide": lambda: conv2d(X, W, padding=4, padding_mode="reflect"),
    "engine-text": lambda: conv2d(np.array([["a"]]), W),
    "engine-complex": lambda: conv2d(X.astype(complex), W),
    "engine-shapes": lambda: conv2d(np.ones(4), W),
    "engine-bias-shape": lambda: conv2d(X, W, bias=np.ones(3)),
    "engine-none": lambda: conv2d(None, W),
    "engine-empty-axis": lambda: conv2d(np.ones((1, 1, 0, 4)), W),
    "engine-flip-word": lambda: conv2d(X, W, flip="yes"),
    "engine-beyond-int64": lambda: conv2d([[2**70, 1], [1, 1]], [[1]]),
    "engine-ragged": lambda: conv2d([[1, 2], [3]], [[1]]),
    "engine-algorithm": lambda: conv2d(X, W, algorithm="magic"),
    "engine-conv1d-pair": lambda: conv1d(np.ones(5), np.ones(3), stride=(1, 2)),
    "engine-pad-mode": lambda: pad(X, 1, "mirror"),  # type: ignore[arg-type]
    "engine-pad-flat-pair": lambda: pad(X, (1, 2)),  # type: ignore[arg-type]
    "engine-pad-negative": lambda: pad(X, ((-1, 1), (0, 0))),
    "engine-pad-one-axis": lambda: pad([1, 2, 3], 1),
    "engine-pool-padding": lambda: max_pool2d(X, 2, padding=2),
    "engine-pool-too-big": lambda: max_pool2d(np.ones((1, 4)), 2),
    "engine-pool-divisor": lambda: avg_pool2d(X, 2, divisor_override=0),
    "engine-transpose-output-padding": lambda: conv_transpose2d(X, W, output_padding=1),
    "engine-transpose-too-small": lambda: conv_transpose2d(np.ones((1, 1)), [[1]], padding=1),
    "engine-transpose-named-padding": lambda: conv_transpose2d(X, W, padding="same"),
    "engine-conv3d-stride-pair": lambda: conv3d(X5, W5, stride=(1, 2)),
    "engine-conv3d-padding-word": lambda: conv3d(X5, W5, padding="half"),
    "engine-conv3d-shapes": lambda: conv3d(np.ones((4, 4)), np.ones((3, 3))),
    "engine-conv3d-too-big": lambda: conv3d(np.ones((2, 4, 4)), np.ones((3, 3, 3))),
    "engine-conv3d-reflect-depth": lambda: conv3d(
        np.ones((1, 1, 2, 5, 5)), W5, padding=2, padding_mode="reflect"
    ),
    "engine-conv3d-teaching-groups": lambda: conv3d(np.ones((4, 4, 4)), W5[0, 0], groups=2),
    "engine-conv1d-padding-word": lambda: conv1d(np.ones(5), np.ones(3), padding="causl"),
    "engine-transpose3d-output-padding": lambda: conv_transpose3d(
        X5, W5, stride=(1, 2, 2), output_padding=1
    ),
    "engine-transpose3d-shapes": lambda: conv_transpose3d(np.ones((2, 2)), np.ones((2, 2))),
    "engine-transpose1d-pair": lambda: conv_transpose1d(np.ones(3), np.ones(2), stride=(1, 2)),
    "engine-transpose1d-output-padding": lambda: conv_transpose1d(
        np.ones(3), np.ones(2), output_padding=1
    ),
    "engine-kernel-name": lambda: kernels.get("nope"),
    "engine-gaussian-size": lambda: kernels.gaussian(4),
    "learn-kernel-name": lambda: learn_kernel("nope"),
    "learn-kernel-too-big": lambda: learn_kernel(np.ones((9, 9))),
    "learn-rate": lambda: learn_kernel(learning_rate=0),
    "learn-steps": lambda: learn_kernel(steps=0),
    "learn-image-1d": lambda: learn_kernel(image=[1, 2, 3]),
}
for _name, _call in ENGINE.items():
    CASES[_name] = lambda call=_call: raised(call)


# ---- the JSON API -------------------------------------------------------------------------


@cache
def served(code_runs: bool = False) -> FastAPI:
    return create_app(code_runs=code_runs)


def answer(method: str, url: str, app: Any = None, **options: Any) -> httpx.Response:
    async def ask() -> httpx.Response:
        transport = httpx.ASGITransport(app=app or served())
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            return await client.request(method, url, **options)

    return asyncio.run(ask())


def said(response: httpx.Response) -> str:
    if response.headers.get("content-type", "").startswith("text/html"):  # a page, for people
        words = " ".join(re.sub(r"<[^>]+>", " ", response.text).split())
        return f"{response.status_code} page: {words}"
    body = response.json()
    return f"{response.status_code} field={body.get('field')}: {body.get('detail')}"


def asked(method: str, url: str, **options: Any) -> Callable[[], str]:
    return lambda: said(answer(method, url, **options))


def trace_with(**fields: Any) -> Callable[[], str]:
    return asked("POST", "/api/trace", json={"input": I3, "weight": EYE, **fields})


JSON = {"content-type": "application/json"}
CASES.update(
    {
        "api-stride-zero": trace_with(stride=0),
        "api-stride-text": trace_with(stride="two"),
        "api-not-finite": asked(
            "POST", "/api/trace", content=b'{"input": [[NaN, 1]], "weight": [[1]]}', headers=JSON
        ),
        "api-ragged": trace_with(input=[[1, 2], [3]]),
        "api-trace-too-big": trace_with(input=[[1.0] * 64] * 64, weight=[[1.0] * 32] * 32),
        "api-too-many-numbers": trace_with(input=[[1] * 65] * 65),
        "api-unknown-field": trace_with(colour="red"),
        "api-missing-field": asked("POST", "/api/trace", json={"input": I3}),
        "api-padding-mode": trace_with(padding_mode="mirror"),
        "api-not-json": asked("POST", "/api/trace", content=b'{"input": [[1, 2]', headers=JSON),
        "api-body-too-big": asked(
            "POST", "/api/trace", content=b"[" + b"1," * 200_000 + b"1]", headers=JSON
        ),
        "api-engine-rule": asked(
            "POST",
            "/api/widgets/calculator",
            json={"input": [[1, 2], [3, 4]], "kernel": [[1] * 3] * 3},
        ),
        "api-unknown-photo": asked("POST", "/api/widgets/gallery", json={"photo": "moon"}),
        "api-picture-side": asked("GET", "/api/gallery/chelsea/sobel_x.jpg?side=100"),
        "api-answer-too-long": asked(
            "POST", "/api/widgets/quiz", json={"kind": "slice", "answer": "x" * 41}
        ),
        "api-unknown-lesson": asked("GET", "/lessons/nope"),
        "api-unknown-route": asked("GET", "/api/nothing"),
        "api-wrong-method": asked("GET", "/api/trace"),
        "api-code-off": asked("POST", "/api/code/run", json={"source": "x = 1\n"}),
        "api-code-too-long": asked("POST", "/api/code/run", json={"source": "x" * 20_001}),
    }
)


@case("api-receptive-only-padding")
def _receptive_only_padding() -> str:
    layer = {"kind": "conv", "kernel_size": 3, "stride": 1, "padding": 3, "dilation": 1}
    inputs = {"input_size": 12, "layers": [layer], "cell": [0, 0]}
    response = answer("POST", "/api/widgets/receptive", json=inputs)
    return f"{response.status_code}: {response.json()['maps'][0]['region']}"


@case("api-code-off-network")
def _code_off_network() -> str:
    network = create_app(code_runs=False, listening_on="0.0.0.0")
    return said(answer("POST", "/api/code/run", app=network, json={"source": "x = 1\n"}))


@case("api-wrong-host")
def _wrong_host() -> str:
    checked = create_app(allowed_hosts=allowed_hosts("127.0.0.1"), listening_on="127.0.0.1")
    refused = answer("GET", "/api/kernels", app=checked, headers={"host": "evil.example"})
    return f"{refused.status_code} ({refused.headers['content-type']}): {refused.text}"


@case("api-body-chunked-too-big")
def _body_chunked_too_big() -> str:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(400):
            yield b" " * 1024

    return said(answer("POST", "/api/trace", content=chunks(), headers=JSON))


@case("api-too-slow")
def _too_slow() -> str:
    slow = FastAPI()

    @slow.get("/slow")
    def wait() -> None:
        time.sleep(1.0)

    return said(answer("GET", "/slow", app=TimeLimit(slow, seconds=0.2)))


@case("api-code-attack")
def _code_attack() -> str:
    if sys.platform == "win32":
        pytest.skip("the sandbox needs POSIX limits")
    source = {"source": "import os\nos.system('true')\n"}
    response = answer("POST", "/api/code/run", app=served(True), json=source)
    return f"{response.status_code}: {response.json()['error']['message']}"


# ---- uploads ------------------------------------------------------------------------------


def encoded(image: Image.Image, fmt: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))


def uploaded(content: bytes) -> httpx.Response:
    return answer("POST", "/api/gallery/upload", files={"image": ("mine.png", content)})


def upload_said(content: bytes) -> str:
    response = uploaded(content)
    if response.status_code != 200:
        return said(response)
    rows, cols = response.json()["size"]
    return f"200: size {rows}×{cols}"


def _gif() -> bytes:
    frames = [Image.new("L", (4, 3), 10), Image.new("L", (4, 3), 200)]
    return encoded(frames[0], "GIF", save_all=True, append_images=frames[1:])


def _rotated_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: turn 90° clockwise to display
    return encoded(Image.new("RGB", (6, 2), (255, 0, 0)), "JPEG", exif=exif.tobytes())


def _transparent_png() -> bytes:
    image = Image.new("RGBA", (2, 1), (0, 0, 0, 0))
    image.putpixel((1, 0), (0, 0, 0, 255))
    return encoded(image, "PNG")


def _truncated_png() -> bytes:
    noise = np.random.default_rng(1).integers(0, 256, (64, 64), dtype=np.uint8)
    whole = encoded(Image.fromarray(noise), "PNG")
    return whole[: len(whole) // 2]


REFUSED_UPLOADS = {
    "upload-empty": b"",
    "upload-not-an-image": b"def f():\n    return 1\n",
    "upload-over-file-cap": b"x" * (MAX_UPLOAD_BYTES + 1),
    "upload-bomb": png_claiming(40_000, 40_000),
    "upload-truncated": _truncated_png(),
    "upload-other-format": encoded(Image.new("RGB", (4, 3)), "TIFF"),
}
HANDLED_UPLOADS = {
    "upload-16-bit": encoded(Image.fromarray(np.array([[0, 65535]], dtype=np.uint16)), "PNG"),
    "upload-cmyk": encoded(Image.new("CMYK", (5, 4), (0, 0, 0, 0)), "JPEG"),
    "upload-exif-rotation": _rotated_jpeg(),
    "upload-alpha": _transparent_png(),
}
for _name, _content in {**REFUSED_UPLOADS, **HANDLED_UPLOADS}.items():
    CASES[_name] = lambda content=_content: upload_said(content)
CASES["upload-no-file"] = asked("POST", "/api/gallery/upload")
CASES["upload-over-body-cap"] = lambda: said(uploaded(b"x" * 9 * 1024 * 1024))


@case("upload-busy")
def _busy() -> str:
    async def ask_with_every_turn_taken() -> httpx.Response:
        app = create_app()
        app.state.upload_turns = asyncio.Semaphore(0)  # every turn taken
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            files = {"image": ("mine.png", encoded(Image.new("RGB", (4, 3)), "PNG"))}
            return await client.post("/api/gallery/upload", files=files)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(gallery, "UPLOAD_QUEUE_SECONDS", 0.1)  # 5 s in the catalogue's words
        return said(asyncio.run(ask_with_every_turn_taken()))


@case("upload-animated-gif")
def _animated_gif() -> str:
    response = uploaded(_gif())
    original = response.json()["original"].split(",", 1)[1]
    brightest = int(np.asarray(Image.open(io.BytesIO(base64.b64decode(original)))).max())
    frame = "first frame" if brightest < 100 else "a later frame"  # frame 1 is dark, frame 2 light
    return f"{upload_said(_gif())}, {frame}"


@case("upload-server-keeps-serving")
def _keeps_serving() -> str:
    statuses = {uploaded(content).status_code for content in REFUSED_UPLOADS.values()}
    after = answer("POST", "/api/trace", json={"input": I3, "weight": EYE})
    kept = after.status_code == 200 and statuses <= {413, 415, 422}
    return f"{after.status_code}: {'others still served' if kept else 'broken'}"


# ---- lesson files -------------------------------------------------------------------------


def lesson_mistakes(directive: str, tmp: Path) -> str:
    (tmp / "mine.md").write_text(f"# Mine\n\n{directive}\n", encoding="utf-8")
    return "; ".join(LessonLibrary.at(tmp).render("mine").errors)


def in_a_folder(run: Callable[[Path], str]) -> Callable[[], str]:
    def call() -> str:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            return run(Path(folder))

    return call


def directive(body: str) -> Callable[[], str]:
    return in_a_folder(lambda tmp: lesson_mistakes(body, tmp))


CASES.update(
    {
        "lesson-unknown-widget": directive("```{nosuch} x\n```"),
        "lesson-bad-toml": directive("```{calculator} c\ninput = [[1, 2]\n```"),
        "lesson-unknown-key": directive(
            '```{calculator} c\ninput = [[1, 2], [3, 4]]\nkernel = [[1]]\ncolour = "red"\n```'
        ),
        "lesson-engine-rule": directive(
            "```{calculator} c\ninput = [[1, 2], [3, 4]]\nkernel = [[1, 1, 1]]\n```"
        ),
        "lesson-empty-folder": in_a_folder(lambda tmp: raised(lambda: LessonLibrary.at(tmp))),
    }
)


@case("lesson-not-markdown")
@in_a_folder
def _not_markdown(tmp: Path) -> str:
    (tmp / "lesson.py").write_text("x = 1\n", encoding="utf-8")
    return raised(lambda: LessonLibrary.at(tmp / "lesson.py"))


@case("lesson-never-written")
@in_a_folder
def _never_written(tmp: Path) -> str:
    (tmp / "mine.md").write_text("# Mine\n\n```{nosuch}\n```\n", encoding="utf-8")
    before = {path: path.stat().st_mtime_ns for path in tmp.iterdir()}
    app = create_app(LessonLibrary.at(tmp), code_runs=False)
    statuses = {answer("GET", path, app=app).status_code for path in ("/", "/lessons/mine")}
    after = {path: path.stat().st_mtime_ns for path in tmp.iterdir()}
    return "files unchanged" if before == after and statuses == {200} else "files changed"


# ---- the command line ---------------------------------------------------------------------


def command(*arguments: str) -> str:
    _register()
    result = CliRunner().invoke(cli_app, list(arguments))
    return flat(f"exit {result.exit_code}: {result.output}")


@case("cli-trace-missing-file")
@in_a_folder
def _trace_missing(tmp: Path) -> str:
    return command("trace", str(tmp / "nope.py"))


@case("cli-trace-not-utf8")
@in_a_folder
def _trace_not_utf8(tmp: Path) -> str:
    (tmp / "latin.py").write_bytes(b"name = '\xe9'\n")
    return command("trace", str(tmp / "latin.py"))


@case("cli-trace-html-folder")
@in_a_folder
def _trace_html_folder(tmp: Path) -> str:
    (tmp / "ok.py").write_text("x = 1\n", encoding="utf-8")
    return command("trace", str(tmp / "ok.py"), "--html", str(tmp / "missing" / "page.html"))


@case("cli-trace-sandboxed-attack")
@in_a_folder
def _trace_sandboxed(tmp: Path) -> str:
    (tmp / "attack.py").write_text("import os\nos.system('true')\n", encoding="utf-8")
    return command("trace", str(tmp / "attack.py"), "--sandbox", "--json")


@case("cli-serve-port-taken")
def _port_taken() -> str:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        return command("serve", "--no-open", "--port", str(listener.getsockname()[1]))


CASES["cli-serve-workers-zero"] = lambda: command("serve", "--no-open", "--workers", "0")
CASES["cli-serve-port-range"] = lambda: command("serve", "--no-open", "--port", "70000")


@case("cli-export-link")
@in_a_folder
def _export_through_a_link(tmp: Path) -> str:
    (tmp / "lesson.md").write_text("# Linked\n", encoding="utf-8")
    (tmp / "elsewhere").mkdir()
    (tmp / "site").mkdir()
    (tmp / "site" / "assets").symlink_to(tmp / "elsewhere")
    said = command("export", str(tmp / "lesson.md"), "--out", str(tmp / "site"), "--force")
    return said if not any((tmp / "elsewhere").iterdir()) else "wrote through the link"


@case("cli-train-digits-out-folder")
@in_a_folder
def _train_digits_out_folder(tmp: Path) -> str:
    return command("train-digits", "--out", str(tmp / "missing" / "weights.npz"))


@case("cli-train-digits-wrong-shape")
@in_a_folder
def _train_digits_wrong_shape(tmp: Path) -> str:
    from convscope.network import bundled_weights

    weights = {**bundled_weights(), "linear.weight": np.zeros((10, 32))}
    np.savez(tmp / "small.npz", **weights)
    return command("train-digits", "--evaluate", "--weights", str(tmp / "small.npz"))


@case("cli-train-digits-not-npz")
@in_a_folder
def _train_digits_not_npz(tmp: Path) -> str:
    (tmp / "notes.npz").write_text("hello", encoding="utf-8")
    return command("train-digits", "--evaluate", "--weights", str(tmp / "notes.npz"))


CASES["cli-inspect-typo"] = lambda: command("inspect", "cnov 3 64 3", "--input-size", "32")
CASES["cli-inspect-does-not-fit"] = lambda: command(
    "inspect", "conv 3 8 3; conv 8 8 9", "--input-size", "8"
)
TORCH_MODULE = """
import torch.nn as nn

class Branching(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(8, 8, 3, padding=1)

    def forward(self, x):
        return self.conv(x) if x.sum() > 0 else x

def with_lstm():
    return nn.Sequential(nn.Conv2d(3, 8, 3), nn.LSTM(8, 8))

def with_branch():
    return nn.Sequential(nn.Conv2d(3, 8, 3), Branching())
"""


def torch_factory(name: str) -> Callable[[], str]:
    @in_a_folder
    def call(tmp: Path) -> str:
        module = f"inspect_case_{name}"
        (tmp / f"{module}.py").write_text(TORCH_MODULE, encoding="utf-8")
        with contextlib.chdir(tmp):
            return command("inspect", f"{module}:{name}", "--input-size", "16")

    return call


CASES["cli-inspect-torch-unsupported"] = torch_factory("with_lstm")
CASES["cli-inspect-torch-data-dependent"] = torch_factory("with_branch")


@case("cli-inspect-too-big")
@in_a_folder
def _inspect_too_big(tmp: Path) -> str:
    with (tmp / "huge.onnx").open("wb") as handle:
        handle.truncate(200 * 2**20)  # sparse: no disk is used
    return command("inspect", str(tmp / "huge.onnx"), "--input-size", "224")


def onnx_chain(op_type: str, name: str) -> bytes:
    import onnx

    helper = onnx.helper
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], name="conv1", kernel_shape=[3, 3]),
        helper.make_node(op_type, ["c"], ["y"], name=name),
    ]
    image = helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 3, 8, 8])
    out = helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, None)
    weight = onnx.numpy_helper.from_array(np.zeros((4, 3, 3, 3), np.float32), "w")
    graph = helper.make_graph(nodes, "chain", [image], [out], [weight])
    return bytes(helper.make_model(graph).SerializeToString())


@case("cli-inspect-truncated-onnx")
@in_a_folder
def _inspect_truncated(tmp: Path) -> str:
    (tmp / "cut.onnx").write_bytes(onnx_chain("Relu", "relu")[:120])
    return command("inspect", str(tmp / "cut.onnx"), "--input-size", "8")


@case("cli-inspect-onnx-operator")
@in_a_folder
def _inspect_onnx_operator(tmp: Path) -> str:
    (tmp / "soft.onnx").write_bytes(onnx_chain("Softmax", "probabilities"))
    return command("inspect", str(tmp / "soft.onnx"), "--input-size", "8")


def photo_in(folder: Path) -> Path:
    Image.new("RGB", (8, 6), (200, 40, 90)).save(folder / "photo.png")
    return folder / "photo.png"


def apply_kernel(kernel: str) -> Callable[[], str]:
    @in_a_folder
    def call(tmp: Path) -> str:
        return command("apply", str(photo_in(tmp)), "--kernel", kernel, "--out", str(tmp / "o"))

    return call


CASES.update(
    {
        "cli-apply-kernel-name": apply_kernel("sobelx"),
        "cli-apply-kernel-text": apply_kernel("[[1, 'a']]"),
        "cli-apply-kernel-ragged": apply_kernel("[[1, 2], [3]]"),
        "cli-apply-kernel-empty": apply_kernel("[[]]"),
        "cli-apply-kernel-huge": apply_kernel(str([[1] * 65])),
        "cli-apply-kernel-code": apply_kernel("[[__import__('os')]]"),
    }
)


@case("cli-apply-kernel-npy-3d")
@in_a_folder
def _apply_kernel_npy_3d(tmp: Path) -> str:
    np.save(tmp / "cube.npy", np.ones((2, 2, 2)))
    return command("apply", str(photo_in(tmp)), "--kernel", str(tmp / "cube.npy"), "--out", "o")


@case("cli-apply-exists")
@in_a_folder
def _apply_exists(tmp: Path) -> str:
    (tmp / "o").mkdir()
    (tmp / "o" / "photo.png").write_bytes(b"mine")
    said = command("apply", str(photo_in(tmp)), "--kernel", "sharpen", "--out", str(tmp / "o"))
    return said if (tmp / "o" / "photo.png").read_bytes() == b"mine" else "overwritten"


@case("cli-apply-over-source")
@in_a_folder
def _apply_over_source(tmp: Path) -> str:
    return command("apply", str(photo_in(tmp)), "--kernel", "sharpen", "--out", str(tmp), "--force")


@case("cli-apply-unreadable")
@in_a_folder
def _apply_unreadable(tmp: Path) -> str:
    (tmp / "in").mkdir()
    photo_in(tmp / "in")
    (tmp / "in" / "broken.png").write_bytes(_truncated_png())
    (tmp / "in" / "notes.txt").write_text("a note\n", encoding="utf-8")
    return command("apply", str(tmp / "in"), "--kernel", "sharpen", "--out", str(tmp / "o"))


# ---- the checks ---------------------------------------------------------------------------


def test_the_catalogue_has_at_least_30_classes_each_with_a_case() -> None:
    assert len(rows()) >= 30
    assert sorted(rows()) == sorted(CASES)


@pytest.mark.parametrize(("name", "expected"), sorted(rows().items()), ids=sorted(rows()))
def test_the_user_gets_what_the_catalogue_says(name: str, expected: str) -> None:
    got = CASES[name]()
    for part in re.findall(r"`([^`]+)`", expected):
        assert flat(part) in got, f"{name}: expected {part!r} in {got!r}"
