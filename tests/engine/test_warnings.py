"""NaN, infinity and overflow propagate silently in every engine function, as in conv2d and torch.

Each case runs under ``warnings.simplefilter("error")``, so a NumPy RuntimeWarning
(``invalid value encountered in add``, ``overflow encountered in reduce``) fails it; the values
are then checked against torch, so silencing cannot hide a wrong number.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from convscope import avg_pool2d, conv1d, conv2d, conv_transpose2d, max_pool2d

INF, NAN = np.inf, np.nan
ONES = np.ones((1, 1, 2, 2))


def _grid(*values: float, dtype: type = np.float64) -> np.ndarray:
    return np.array(values, dtype=dtype).reshape(1, 1, 2, 2)


# name: (convscope function, torch.nn.functional name, arguments)
CASES: dict[str, tuple[Callable[..., Any], str, tuple[Any, ...], dict[str, Any]]] = {
    "transpose-inf-times-zero": (
        conv_transpose2d,
        "conv_transpose2d",
        (_grid(INF, 1, 1, 1), _grid(0, 1, 1, 1)),
        {},
    ),
    "transpose-inf-minus-inf": (
        conv_transpose2d,
        "conv_transpose2d",
        (_grid(INF, -INF, 1, 1), ONES),
        {},
    ),
    "transpose-nan": (conv_transpose2d, "conv_transpose2d", (_grid(NAN, 1, 1, 1), ONES), {}),
    "transpose-bias-cancels-inf": (
        conv_transpose2d,
        "conv_transpose2d",
        (_grid(INF, 1, 1, 1), ONES, np.array([-INF])),
        {},
    ),
    "transpose-overflow-float64": (
        conv_transpose2d,
        "conv_transpose2d",
        (_grid(1e308, 1e308, 1e308, 1e308), ONES),
        {},
    ),
    "transpose-overflow-float32": (
        conv_transpose2d,
        "conv_transpose2d",
        (_grid(3e38, 3e38, 3e38, 3e38, dtype=np.float32), ONES.astype(np.float32)),
        {},
    ),
    "transpose-overflow-float16": (
        conv_transpose2d,
        "conv_transpose2d",
        (_grid(6e4, 6e4, 6e4, 6e4, dtype=np.float16), ONES.astype(np.float16)),
        {},
    ),
    "avg-inf-minus-inf": (avg_pool2d, "avg_pool2d", (_grid(INF, -INF, 1, 1), 2), {}),
    "avg-nan": (avg_pool2d, "avg_pool2d", (_grid(NAN, 1, 1, 1), 2), {}),
    "avg-overflow-float64": (avg_pool2d, "avg_pool2d", (_grid(1e308, 1e308, 1, 1), 2), {}),
    "avg-overflow-float32": (
        avg_pool2d,
        "avg_pool2d",
        (_grid(3e38, 3e38, 1, 1, dtype=np.float32), 2),
        {},
    ),
    "avg-padding-no-pad-count": (
        avg_pool2d,
        "avg_pool2d",
        (_grid(INF, -INF, NAN, 1), 2),
        {"padding": 1, "count_include_pad": False, "ceil_mode": True},
    ),
    "max-nan-and-minus-inf": (max_pool2d, "max_pool2d", (_grid(NAN, -INF, -INF, -INF), 1), {}),
    "conv-inf-minus-inf": (conv2d, "conv2d", (_grid(INF, -INF, 1, 1), ONES), {}),
    "conv-overflow-float16": (
        conv2d,
        "conv2d",
        (_grid(6e4, 6e4, 6e4, 6e4, dtype=np.float16), ONES.astype(np.float16)),
        {},
    ),
    "conv1d-inf-minus-inf": (
        conv1d,
        "conv1d",
        (np.array([[[INF, -INF, 1.0]]]), np.ones((1, 1, 2))),
        {},
    ),
}


def _run_without_warnings(name: str) -> Any:
    function, _, arguments, options = CASES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return function(*arguments, **options)


@pytest.mark.parametrize("name", list(CASES))
def test_no_numpy_warning_is_printed(name: str) -> None:
    _run_without_warnings(name)


@pytest.mark.parametrize("name", list(CASES))
def test_the_silent_result_equals_torch(torch: ModuleType, name: str) -> None:
    _, torch_name, arguments, options = CASES[name]
    tensors = [torch.tensor(a) if isinstance(a, np.ndarray) else a for a in arguments]
    expected = getattr(torch.nn.functional, torch_name)(*tensors, **options).numpy()
    result = _run_without_warnings(name)
    assert result.dtype == expected.dtype
    np.testing.assert_array_equal(result, expected)
