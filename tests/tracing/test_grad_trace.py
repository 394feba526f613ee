"""The gradient traces: each explained sum equals the engine's gradient number.

Random convolutions and pools (hypothesis) are traced at a random position; the products of
the step must add up to the number ``convscope.grad`` returns there: exactly for integers,
within rounding for floats. Worked examples check the words with the numbers written out.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convscope import avg_pool2d, conv2d, grad, max_pool2d, trace_grad, trace_pool_grad

TRACE_SETTINGS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def traced_cases(draw: st.DrawFn) -> tuple[Any, ...]:
    integer = draw(st.booleans())
    groups = draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    mode = draw(st.sampled_from(["zeros", "reflect", "replicate", "circular"]))
    rows = max(dilation[0] * (kernel[0] - 1) + 1, padding[0] + 1) + draw(st.integers(0, 3))
    cols = max(dilation[1] * (kernel[1] - 1) + 1, padding[1] + 1) + draw(st.integers(0, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    draw_values = (lambda s: rng.integers(-5, 6, s)) if integer else (lambda s: rng.normal(size=s))
    x = draw_values((draw(st.integers(1, 2)), 2 * groups, rows, cols))
    w = draw_values((2 * groups, 2, *kernel))
    kwargs = {
        "stride": stride,
        "padding": padding,
        "dilation": dilation,
        "groups": groups,
        "padding_mode": mode,
        "flip": draw(st.booleans()),
    }
    g = draw_values(conv2d(x, w, **kwargs).shape)
    return x, w, g, kwargs, integer, rng


@TRACE_SETTINGS
@given(traced_cases())
def test_each_weight_gradient_is_its_explained_sum(case: tuple[Any, ...]) -> None:
    x, w, g, kwargs, integer, rng = case
    traced = trace_grad(x, w, g, wrt="weight", **kwargs)
    expected = grad.conv2d_weight(x, w.shape, g, **kwargs)
    np.testing.assert_array_equal(traced.grad_weight, expected)
    c_out, c_in, a, b = (int(rng.integers(size)) for size in w.shape)
    step = traced.at(a, b, c_out=c_out, c_in=c_in)
    assert step.index == (c_out, c_in, a, b)
    _assert_sum(step.terms, expected[c_out, c_in, a, b], integer)
    assert len(step.terms) == g.shape[0] * g.shape[2] * g.shape[3]


@TRACE_SETTINGS
@given(traced_cases())
def test_each_input_gradient_is_its_explained_sum(case: tuple[Any, ...]) -> None:
    x, w, g, kwargs, integer, rng = case
    traced = trace_grad(x, w, g, wrt="input", **kwargs)
    expected = grad.conv2d_input(x.shape, w, g, **kwargs)
    np.testing.assert_array_equal(traced.grad_input, expected)
    n, c, row, col = (int(rng.integers(size)) for size in x.shape)
    step = traced.at(row, col, n=n, c=c)
    _assert_sum(step.terms, expected[n, c, row, col], integer)
    for term in step.terms:  # every product pairs an output's gradient with a weight as given
        assert term.factor == w[term.output[1], c % w.shape[1], term.tap[0], term.tap[1]]
        assert term.grad_output == g[term.output]


def _assert_sum(terms: Any, expected: Any, integer: bool) -> None:
    total = sum(t.product for t in terms)
    if integer:
        assert total == expected
    else:
        assert total == pytest.approx(float(expected), rel=1e-9, abs=1e-9)


def test_weight_view_of_a_small_example_in_words() -> None:
    image = [[1, 2, 3], [4, 5, 6]]
    step = trace_grad(image, [[1, -1]], [[1, 0], [0, 2]]).at(0, 1)
    assert step.result == 14
    assert step.sum_text() == "1×2 + 0×3 + 0×5 + 2×6 = 14"
    text = step.to_text()
    assert text.splitlines()[0] == "∂L/∂weight[0, 1] = 14"
    assert "output[1, 1]: ∂L/∂output 2 × input[1, 2] 6 = 12" in text


def test_input_view_names_the_padding_copies() -> None:
    traced = trace_grad(
        np.arange(9).reshape(3, 3),
        [[1, 2], [3, 4]],
        padding=1,
        padding_mode="replicate",
        wrt="input",
    )
    step = traced.at(0, 0)
    assert (
        step.result
        == grad.conv2d_input(
            (3, 3), [[1, 2], [3, 4]], np.ones((4, 4), int), padding=1, padding_mode="replicate"
        )[0, 0]
    )
    copies = [t for t in step.terms if t.copies is not None]
    assert copies and all(t.copies == (0, 0) for t in copies)
    assert "(padding, a copy of input[0, 0])" in step.to_text()


def test_trace_json_is_plain_data() -> None:
    traced = trace_grad([[1, 2, 3], [4, 5, 6]], [[1, -1]], wrt="input")
    data = json.loads(json.dumps(traced.to_json()))
    assert data["grad_input"] == [[1, 0, -1], [1, 0, -1]]
    assert len(data["steps"]) == 6
    assert data["steps"][0]["sum_text"] == "1×1 = 1"


def test_trace_grad_refuses_what_the_engine_refuses() -> None:
    with pytest.raises(ValueError, match="wrt must be 'weight' or 'input'"):
        trace_grad([[1, 2]], [[1]], wrt="bias")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="grad_output has shape"):
        trace_grad([[1, 2]], [[1]], [[1]])
    with pytest.raises(ValueError, match="row=2 is outside the gradient"):
        trace_grad([[1, 2]], [[1, 1]]).at(2, 0)
    with pytest.raises(ValueError, match="the weight gradient's channels are c_out and c_in"):
        trace_grad([[1, 2]], [[1, 1]]).at(0, 0, n=0)


@TRACE_SETTINGS
@given(st.data())
def test_each_pool_gradient_is_its_explained_sum(data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(["max", "avg"]))
    kernel = data.draw(st.integers(1, 3))
    options = {
        "stride": data.draw(st.integers(1, 3)),
        "padding": data.draw(st.integers(0, kernel // 2)),
        "ceil_mode": data.draw(st.booleans()),
    }
    if kind == "avg":
        options["count_include_pad"] = data.draw(st.booleans())
    rng = np.random.default_rng(data.draw(st.integers(0, 99)))
    x = rng.integers(0, 3, (data.draw(st.integers(3, 6)), data.draw(st.integers(3, 6))))
    out_shape = (max_pool2d if kind == "max" else avg_pool2d)(x, kernel, **options).shape
    g = rng.integers(-3, 4, out_shape)
    traced = trace_pool_grad(x, kind, g, kernel, **options)
    row, col = int(rng.integers(x.shape[0])), int(rng.integers(x.shape[1]))
    step = traced.at(row, col)
    assert sum(w.share for w in step.windows) == pytest.approx(traced.grad_input[row, col])
    assert json.loads(json.dumps(step.to_json()))["cell"] == [row, col]


@pytest.mark.parametrize("module", ["convscope.tracing.grad", "convscope.tracing.pool_grad"])
def test_docstring_examples_run(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_the_documented_gradient_json_is_what_trace_grad_gives() -> None:
    from pathlib import Path

    document = (Path(__file__).parents[2] / "docs" / "trace-json.md").read_text()
    example = json.loads(document.split("```json\n")[2].split("```")[0])
    traced = trace_grad([[1, 2, 3], [4, 5, 6]], [[1, -1]], [[1, 0], [0, 2]])
    assert traced.at(0, 1).to_json() == example


def test_every_rendering_shows_the_products_and_the_sum() -> None:
    import io

    from rich.console import Console

    step = trace_grad([[1, 2, 3], [4, 5, 6]], [[1, -1]], [[1, 0], [0, 2]]).at(0, 1)
    markdown = step.to_markdown()
    assert markdown.startswith("**∂L/∂weight[0, 1] = 14**")
    assert "| output[1, 1] | 2 | input[1, 2] | 6 | 12 |" in markdown
    assert "Sum: 2 + 0 + 0 + 12 = 14" in markdown
    html = step.to_html()
    assert '<td>input[1, 2]</td><td class="cs-cell">6</td><td class="cs-cell">12</td>' in html
    assert "<style>" in step._repr_html_()
    console = Console(file=io.StringIO(), width=100)
    console.print(step)
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert "∂L/∂weight[0, 1] = 14" in shown
    assert "sum: 2 + 0 + 0 + 12 = 14" in shown
