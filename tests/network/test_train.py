"""Training: the bundled weights' accuracy, bit-for-bit reproducibility, and weights files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from convscope.network import (
    PARAMETER_SHAPES,
    TrainingConfig,
    bundled_weights,
    held_out_accuracy,
    load_weights,
    save_weights,
    train,
)
from convscope.network.model import parameter_count
from convscope.network.train import bundled_weights_path, training_config

QUICK = TrainingConfig(max_steps=15)


def test_the_bundled_weights_reach_95_percent_on_the_held_out_split() -> None:
    assert held_out_accuracy() >= 0.95


def test_the_bundled_weights_record_the_default_training() -> None:
    assert training_config(bundled_weights_path()) == TrainingConfig()


def test_a_short_training_gives_the_same_file_twice(tmp_path: Path) -> None:
    first, second = tmp_path / "first.npz", tmp_path / "second.npz"
    save_weights(train(QUICK), first, QUICK)
    save_weights(train(QUICK), second, QUICK)
    assert first.read_bytes() == second.read_bytes()


def test_another_seed_gives_other_weights() -> None:
    ours, other = train(QUICK), train(TrainingConfig(seed=1, max_steps=15))
    assert not np.array_equal(ours["conv1.weight"], other["conv1.weight"])


def test_training_reports_each_step_and_lowers_the_loss() -> None:
    losses: list[float] = []
    train(TrainingConfig(max_steps=60), lambda step, loss: losses.append(loss))
    assert len(losses) == 60
    assert np.mean(losses[-10:]) < 0.5 * np.mean(losses[:10])


def test_weights_survive_a_save_and_load(tmp_path: Path) -> None:
    path = tmp_path / "weights.npz"
    save_weights(bundled_weights(), path, TrainingConfig())
    loaded = load_weights(path)
    for name in PARAMETER_SHAPES:
        np.testing.assert_array_equal(loaded[name], bundled_weights()[name])
    assert parameter_count() == 1898


def test_a_weights_file_of_the_wrong_shape_names_the_parameter(tmp_path: Path) -> None:
    weights = bundled_weights()
    weights["conv2.weight"] = np.zeros((16, 4, 3, 3))
    path = tmp_path / "bad.npz"
    np.savez(path, **weights)
    with pytest.raises(ValueError, match=r"conv2.weight .* shape \(16, 4, 3, 3\), expected .*"):
        load_weights(path)


def test_a_weights_file_holding_nan_is_refused(tmp_path: Path) -> None:
    weights = bundled_weights()
    weights["conv1.bias"][3] = np.nan
    np.savez(tmp_path / "nan.npz", **weights)
    with pytest.raises(ValueError, match=r"conv1\.bias holds NaN or infinity"):
        load_weights(tmp_path / "nan.npz")


def test_a_file_that_is_not_npz_is_named(tmp_path: Path) -> None:
    path = tmp_path / "notes.npz"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(ValueError, match=r"is not a NumPy \.npz file"):
        load_weights(path)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"epochs": 0}, "epochs must be >= 1"),
        ({"max_steps": 0}, "steps must be >= 1"),
        ({"momentum": 1.0}, "momentum in"),
    ],
)
def test_bad_settings_are_refused(settings: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TrainingConfig(**settings)  # type: ignore[arg-type]
