"""An ONNX file may mark a weight as stored in another file, by path. Reading a model the
learner uploads (the inspector widget) or names (convscope inspect) must never open that path:
checked by its side effect, whether the bytes of a file the model names reach the program."""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from convscope.inspection import inspect_layers, onnx_layers
from convscope.web import create_app

onnx = pytest.importorskip("onnx")
helper = onnx.helper
pytestmark = pytest.mark.attack


def model_reading(secret: Path) -> bytes:
    """A one-Conv model whose weight says its 27 floats are in ``secret``."""
    weight = onnx.TensorProto(name="w", data_type=onnx.TensorProto.FLOAT, dims=[1, 3, 3, 3])
    weight.data_location = onnx.TensorProto.EXTERNAL
    for key, value in (("location", str(secret)), ("offset", "0"), ("length", str(27 * 4))):
        entry = weight.external_data.add()
        entry.key, entry.value = key, value
    node = helper.make_node("Conv", ["x", "w"], ["y"], name="conv1", kernel_shape=[3, 3])
    image = helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 3, 8, 8])
    out = helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, None)
    graph = helper.make_graph([node], "reads", [image], [out], [weight])
    return bytes(helper.make_model(graph).SerializeToString())


def test_a_weight_stored_elsewhere_is_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a relative location, as ONNX's own external data uses
    secret = Path("secret.bin")
    secret.write_bytes(np.full(27, 7.25, dtype=np.float32).tobytes())
    path = tmp_path / "model.onnx"
    path.write_bytes(model_reading(secret))
    inspection = inspect_layers(onnx_layers(path), (8, 8))
    assert inspection.first_filters is None  # the shapes are read; the secret's bytes are not
    assert inspection.rows[0].output_shape == (1, 6, 6)
    assert "data:image/png" not in inspection.to_html()


def test_the_inspector_widget_does_not_read_a_file_an_upload_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    secret = Path("secret.bin")
    secret.write_bytes(np.full(27, 7.25, dtype=np.float32).tobytes())
    secret.chmod(0o600)
    before = secret.stat().st_atime_ns
    encoded = base64.b64encode(model_reading(secret)).decode()
    answer = TestClient(create_app()).post(
        "/api/widgets/inspector", json={"onnx": encoded, "input_size": "8"}
    )
    assert answer.status_code == 200, answer.text
    assert "7.25" not in answer.text
    assert secret.stat().st_atime_ns == before  # not opened for reading (atime unchanged)
