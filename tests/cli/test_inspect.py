"""``convscope inspect`` as a user would run it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import convscope.cli.inspect  # noqa: F401  (registers the command)
from convscope.cli import app
from convscope.inspection import inspect_model

runner = CliRunner()
STACK = (
    "conv 3 64 7 s2 p3; bn; relu; maxpool 3 s2 p1; conv 64 128 3 s2; gap; flatten; linear 128 10"
)


def test_the_table_shows_formulas_fields_totals_and_the_drop_warning() -> None:
    result = runner.invoke(app, ["inspect", STACK, "--input-size", "224"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "⌊(224 + 2·3 − 7)/2⌋ + 1 = 112" in result.output
    assert "11×11 (4×4)" in result.output  # the max pool's field and jump
    totals = inspect_model(STACK, 224)
    assert "total" in result.output and f"{totals.params:,}" in result.output
    assert f"{totals.macs:,}" in result.output
    assert "warning: conv 64 128 3 s2: the floor division drops the last 1 row and 1 column" in (
        " ".join(result.output.split())
    )


def test_json_prints_the_same_rows_on_stdout() -> None:
    result = runner.invoke(app, ["inspect", STACK, "--input-size", "224,200", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["layers"][0]["output_shape"] == [64, 112, 100]
    assert data["layers"][0]["formulas"][1] == "⌊(200 + 2·3 − 7)/2⌋ + 1 = 100"
    assert data["totals"]["params"] == sum(layer["params"] for layer in data["layers"])


def test_html_writes_a_self_contained_page(tmp_path: Path) -> None:
    page = tmp_path / "net.html"
    result = runner.invoke(app, ["inspect", STACK, "--input-size", "224", "--html", str(page)])
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert "⌊(224 + 2·3 − 7)/2⌋ + 1 = 112" in html and "conv 64 128 3 s2" in html
    assert "http" not in html and "<script" not in html and "<link" not in html


def test_html_escapes_every_name(tmp_path: Path) -> None:
    onnx = pytest.importorskip("onnx")
    import numpy as np

    helper = onnx.helper
    node = helper.make_node(
        "Conv", ["x", "w"], ["y"], name="<script>alert(1)</script>", kernel_shape=[3, 3]
    )
    image = helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 1, 8, 8])
    out = helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, None)
    weights = onnx.numpy_helper.from_array(np.zeros((2, 1, 3, 3), np.float32), "w")
    model = helper.make_model(helper.make_graph([node], "g", [image], [out], [weights]))
    onnx.save(model, str(tmp_path / "evil.onnx"))
    page = tmp_path / "page.html"
    args = ["inspect", str(tmp_path / "evil.onnx"), "--input-size", "8", "--html", str(page)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_torch_factory_is_inspected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("torch")
    (tmp_path / "tiny_net_for_inspect.py").write_text(
        "import torch.nn as nn\n\n"
        "def build():\n"
        "    return nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2))\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        app, ["inspect", "tiny_net_for_inspect:build", "--input-size", "10", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [layer["name"] for layer in data["layers"]] == ["0", "1", "2"]
    assert data["output_shape"] == [4, 4, 4] and data["source"] == "torch"


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["cnov 3 64 3", "--input-size", "32"], "unknown layer 'cnov'; did you mean 'conv'?"),
        (["conv 3 64 9", "--input-size", "4"], "layer 1 (conv 3 64 9): kernel 9×9 does not fit"),
        (["conv 3 8 3", "--input-size", "big"], "--input-size must be N or H,W"),
        (["nowhere/net.onnx", "--input-size", "32"], "no file 'nowhere/net.onnx'"),
    ],
)
def test_bad_input_ends_in_one_line_and_exit_2(arguments: list[str], expected: str) -> None:
    result = runner.invoke(app, ["inspect", *arguments])
    assert result.exit_code == 2
    assert expected in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_html_into_a_missing_folder_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "missing" / "page.html"
    result = runner.invoke(app, ["inspect", STACK, "--input-size", "224", "--html", str(page)])
    assert result.exit_code == 2 and "does not exist" in result.output
