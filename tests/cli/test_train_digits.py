"""``convscope train-digits`` as a user would run it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from typer.testing import CliRunner

import convscope.cli.train_digits  # noqa: F401  (registers the command)
from convscope.cli import app
from convscope.network import bundled_weights, load_weights

runner = CliRunner()


def test_evaluate_prints_the_bundled_weights_held_out_accuracy() -> None:
    result = runner.invoke(app, ["train-digits", "--evaluate"])
    assert result.exit_code == 0, result.output
    assert "held-out accuracy: 0.9" in result.output
    assert "/359" in result.output and "seed 0" in result.output


def test_a_few_steps_write_weights_to_out(tmp_path: Path) -> None:
    out = tmp_path / "weights.npz"
    result = runner.invoke(app, ["train-digits", "--steps", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 steps" in result.output and str(out) in result.output.replace("\n", "")
    assert load_weights(out)["conv1.weight"].shape == (8, 1, 3, 3)
    evaluated = runner.invoke(app, ["train-digits", "--evaluate", "--weights", str(out)])
    assert evaluated.exit_code == 0 and "held-out accuracy" in evaluated.output


def test_an_out_folder_that_does_not_exist_is_refused_before_training(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "weights.npz"
    result = runner.invoke(app, ["train-digits", "--out", str(out)])
    assert result.exit_code == 2
    assert "--out: folder" in result.output and "does not exist" in result.output


def test_an_out_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["train-digits", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "is a folder; give a file" in result.output


def test_a_weights_file_of_the_wrong_shape_is_refused(tmp_path: Path) -> None:
    weights = bundled_weights()
    weights["linear.weight"] = np.zeros((10, 32))
    path = tmp_path / "small.npz"
    np.savez(path, **weights)
    result = runner.invoke(app, ["train-digits", "--evaluate", "--weights", str(path)])
    assert result.exit_code == 2
    assert (
        "linear.weight" in result.output and "expected numbers of shape (10, 64)" in result.output
    )


def test_weights_without_evaluate_point_to_out(tmp_path: Path) -> None:
    result = runner.invoke(app, ["train-digits", "--weights", str(tmp_path / "w.npz")])
    assert result.exit_code == 2 and "use --out" in result.output
