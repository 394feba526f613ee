"""``convscope explain --grad``: a gradient number as its sum, in the terminal."""

from __future__ import annotations

import numpy as np
from typer.testing import CliRunner

from convscope import grad
from convscope.cli import _register, app
from convscope.cli.explain import GRADIENT
from convscope.kernels import get

_register()
runner = CliRunner()


def explain(*args: str) -> str:
    result = runner.invoke(app, ["explain", *args], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.stdout


def fails(*args: str) -> str:
    result = runner.invoke(app, ["explain", *args], env={"COLUMNS": "200"})
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.stderr


def test_weight_gradient_of_the_sum_adds_the_cells_that_weight_touched() -> None:
    shown = explain("--grad", "weight", "--at", "0,2")
    assert "5×5 input ⋆ Sobel X (3×3) → 3×3 output" in shown
    assert "L = Σ output (every ∂L/∂output is 1)" in shown
    assert "∂L/∂weight[0, 2] = 720" in shown
    assert "sum: 30 + 40 + 50 + 60 + 80 + 100 + 90 + 120 + 150" in shown
    assert "input: the cells this weight touched (lit)" in shown
    sobel = get("sobel_x").values
    assert grad.conv2d_weight(GRADIENT, sobel.shape, np.ones((3, 3), int))[0, 2] == 720


def test_input_gradient_with_a_target_is_the_transposed_convolution_of_the_error() -> None:
    zeros = "[[0,0,0],[0,0,0],[0,0,0]]"
    shown = explain("--grad", "input", "--at", "1,1", "--target", zeros, "--format", "text")
    assert shown.splitlines()[0] == "∂L/∂input[1, 1] = −560"
    assert "output[0, 1]: ∂L/∂output 160 × weight[1, 0] at input[1, 1] −2 = −320" in shown
    sobel = get("sobel_x").values
    error = np.asarray([[160, 160, 160], [240, 240, 240], [320, 320, 320]])
    assert grad.conv2d_input((5, 5), sobel, error)[1, 1] == -560


def test_grad_output_given_and_padding_modes() -> None:
    shown = explain(
        "--input",
        "[[1,2,3],[4,5,6]]",
        "--kernel",
        "[[1,-1]]",
        "--grad",
        "weight",
        "--at",
        "0,1",
        "--grad-output",
        "[[1,0,0,0],[0,0,0,2]]",
        "--padding",
        "0,1",
        "--padding-mode",
        "replicate",
        "--format",
        "text",
    )
    assert "∂L/∂weight[0, 1] = 13" in shown
    assert "input[1, 3] (padding, a copy of input[1, 2]) 6 = 12" in shown


def test_all_lists_every_gradient() -> None:
    shown = explain(
        "--input", "[[1,2,3],[4,5,6]]", "--kernel", "[[1,-1]]", "--grad", "input", "--all"
    )
    assert "∂L/∂input[0, 0]: 1×1 = 1" in shown
    assert len(shown.strip().splitlines()) == 6


def test_bad_grad_options_are_refused_in_one_line() -> None:
    assert "--grad must be weight or input" in fails("--grad", "bias")
    assert "not both" in fails("--grad", "weight", "--target", "[[0]]", "--grad-output", "[[0]]")
    assert "--target must have the output's shape (3, 3)" in fails(
        "--grad", "input", "--target", "[[0]]"
    )
    assert "grad_output has shape (1, 1)" in fails("--grad", "input", "--grad-output", "[[0]]")
    assert "row=5 is outside the gradient" in fails("--grad", "weight", "--at", "5,0")
    assert "--bias does not change" in fails("--grad", "weight", "--bias", "1")
