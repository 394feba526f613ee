"""The kernel catalog: names, values, separable factors, words, look-up and the sized Gaussian."""

from __future__ import annotations

import json
import types

import numpy as np
import pytest

import convscope
from convscope import kernels
from convscope.kernels import KERNELS, Kernel, gaussian, get

CATALOG_NAMES = [
    "identity",
    "sobel_x",
    "sobel_y",
    "box_blur",
    "gaussian_blur",
    "sharpen",
    "laplacian",
    "emboss",
    "prewitt_x",
    "prewitt_y",
    "scharr_x",
    "scharr_y",
    "laplacian_of_gaussian",
]

# The chapter's eight, plus the textbook definitions of the others, written out as the check.
EXPECTED_VALUES = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "sobel_x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "sobel_y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "box_blur": np.full((3, 3), 1 / 9),
    "gaussian_blur": np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16,
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "laplacian": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "emboss": [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
    "prewitt_x": [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]],
    "prewitt_y": [[-1, -1, -1], [0, 0, 0], [1, 1, 1]],
    "scharr_x": [[-3, 0, 3], [-10, 0, 10], [-3, 0, 3]],
    "scharr_y": [[-3, -10, -3], [0, 0, 0], [3, 10, 3]],
    "laplacian_of_gaussian": [
        [0, 0, -1, 0, 0],
        [0, -1, -2, -1, 0],
        [-1, -2, 16, -2, -1],
        [0, -1, -2, -1, 0],
        [0, 0, -1, 0, 0],
    ],
}
SEPARABLE = {"identity", "sobel_x", "sobel_y", "prewitt_x", "prewitt_y", "scharr_x", "scharr_y"}
SEPARABLE |= {"box_blur", "gaussian_blur"}
FLOAT_KERNELS = {"box_blur", "gaussian_blur"}


def test_catalog_lists_the_contract_names_in_display_order() -> None:
    assert list(KERNELS) == CATALOG_NAMES


def test_kernels_is_a_module_exported_by_the_package() -> None:
    assert isinstance(convscope.kernels, types.ModuleType)
    assert "kernels" in convscope.__all__
    assert convscope.kernels.get("sobel_x") is KERNELS["sobel_x"]


@pytest.mark.parametrize("name", CATALOG_NAMES)
def test_values_match_the_textbook_definition(name: str) -> None:
    np.testing.assert_array_equal(KERNELS[name].values, EXPECTED_VALUES[name])


@pytest.mark.parametrize("name", CATALOG_NAMES)
def test_integer_kernels_are_int64_and_fractional_ones_float64(name: str) -> None:
    expected = np.float64 if name in FLOAT_KERNELS else np.int64
    assert KERNELS[name].values.dtype == expected


@pytest.mark.parametrize("name", sorted(SEPARABLE))
def test_separable_factors_multiply_back_to_the_values(name: str) -> None:
    kernel = KERNELS[name]
    assert kernel.separable is not None
    column, row = kernel.separable
    assert column.ndim == 1 and row.ndim == 1
    np.testing.assert_array_equal(np.outer(column, row), kernel.values)


@pytest.mark.parametrize("name", sorted(set(CATALOG_NAMES) - SEPARABLE))
def test_kernels_without_factors_really_have_rank_above_one(name: str) -> None:
    kernel = KERNELS[name]
    assert kernel.separable is None
    assert np.linalg.matrix_rank(kernel.values) > 1


def test_separable_kernel_equals_its_two_one_dimensional_passes() -> None:
    image = np.arange(36).reshape(6, 6) ** 2
    column, row = KERNELS["scharr_x"].separable  # type: ignore[misc]
    two_passes = convscope.conv2d(convscope.conv2d(image, column[:, None]), row[None, :])
    np.testing.assert_array_equal(two_passes, convscope.conv2d(image, KERNELS["scharr_x"].values))


@pytest.mark.parametrize("name", CATALOG_NAMES)
def test_every_kernel_has_its_words_and_a_formula_that_renders(name: str) -> None:
    latex2mathml = pytest.importorskip("latex2mathml.converter")
    kernel = KERNELS[name]
    assert kernel.name == name
    for text in (kernel.title, kernel.detects, kernel.deep_learning, kernel.formula):
        assert isinstance(text, str) and len(text) > 3
    assert "<math" in latex2mathml.convert(kernel.formula)


@pytest.mark.parametrize("name", ["sobel_x", "gaussian_blur", "emboss"])
def test_to_json_round_trips_through_json(name: str) -> None:
    data = json.loads(json.dumps(KERNELS[name].to_json()))
    assert data["name"] == name
    np.testing.assert_array_equal(data["values"], KERNELS[name].values)
    assert data["shape"] == list(KERNELS[name].values.shape)
    assert data["dtype"] == str(KERNELS[name].values.dtype)
    assert (data["separable"] is None) == (KERNELS[name].separable is None)


def test_catalog_values_cannot_be_changed_in_place() -> None:
    with pytest.raises(ValueError):
        KERNELS["sobel_x"].values[0, 0] = 99


def test_edge_kernels_and_laplacians_ignore_flat_regions() -> None:
    zero_sum = ["sobel_x", "sobel_y", "prewitt_x", "prewitt_y", "scharr_x", "scharr_y"]
    zero_sum += ["laplacian", "laplacian_of_gaussian"]
    for name in zero_sum:
        assert KERNELS[name].values.sum() == 0, name


def test_sobel_x_gives_the_chapters_first_output() -> None:
    window = [[10, 20, 30], [20, 40, 60], [30, 60, 90]]
    assert convscope.conv2d(window, get("sobel_x").values).tolist() == [[160]]


@pytest.mark.parametrize("spelling", ["sobel_x", "Sobel X", "sobel-x", "  SOBEL_X "])
def test_get_accepts_slug_and_title_spellings(spelling: str) -> None:
    assert get(spelling) is KERNELS["sobel_x"]


def test_get_finds_every_kernel_by_its_title() -> None:
    for kernel in KERNELS.values():
        assert get(kernel.title) is kernel


def test_get_unknown_name_lists_the_catalog() -> None:
    with pytest.raises(ValueError, match="no kernel named 'sobel_z'") as caught:
        get("sobel_z")
    for name in CATALOG_NAMES:
        assert name in str(caught.value)


def test_get_refuses_a_non_string_name() -> None:
    with pytest.raises(TypeError, match="kernel name must be a string"):
        get(3)  # type: ignore[arg-type]


@pytest.mark.parametrize(("size", "sigma"), [(3, 0.5), (5, 1.0), (7, 2.5), (1, 1.0)])
def test_gaussian_is_normalised_symmetric_and_separable(size: int, sigma: float) -> None:
    kernel = gaussian(size, sigma)
    assert isinstance(kernel, Kernel) and kernel.values.shape == (size, size)
    assert kernel.values.dtype == np.float64
    np.testing.assert_allclose(kernel.values.sum(), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(kernel.values, kernel.values.T)
    np.testing.assert_array_equal(kernel.values, kernel.values[::-1, ::-1])
    column, row = kernel.separable  # type: ignore[misc]
    np.testing.assert_array_equal(np.outer(column, row), kernel.values)
    assert kernel.values.argmax() == (size * size) // 2


def test_gaussian_matches_the_bell_curve_formula() -> None:
    offsets = np.arange(-2, 3)
    rows, cols = np.meshgrid(offsets, offsets, indexing="ij")
    bell = np.exp(-(rows**2 + cols**2) / (2 * 1.5**2))
    np.testing.assert_allclose(gaussian(5, 1.5).values, bell / bell.sum(), rtol=1e-12)


def test_gaussian_grows_wider_with_sigma() -> None:
    narrow, wide = gaussian(7, 0.8).values, gaussian(7, 3.0).values
    assert narrow[3, 3] > wide[3, 3]
    assert narrow[0, 0] < wide[0, 0]


@pytest.mark.parametrize(
    ("size", "sigma", "words"),
    [
        (4, 1.0, "size must be a positive odd int"),
        (0, 1.0, "size must be a positive odd int"),
        (3.0, 1.0, "size must be a positive odd int"),
        (True, 1.0, "size must be a positive odd int"),
        (3, 0.0, "sigma must be a positive finite number"),
        (3, -1.0, "sigma must be a positive finite number"),
        (3, float("nan"), "sigma must be a positive finite number"),
        (3, "1", "sigma must be a positive finite number"),
    ],
)
def test_gaussian_refuses_bad_arguments(size: object, sigma: object, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        gaussian(size, sigma)  # type: ignore[arg-type]


def test_module_docstring_example_names_are_public() -> None:
    assert set(kernels.__all__) == {"KERNELS", "Kernel", "gaussian", "get"}


def test_sharpen_is_identity_minus_laplacian() -> None:
    sharpen = get("identity").values - get("laplacian").values
    np.testing.assert_array_equal(get("sharpen").values, sharpen)


def test_emboss_is_identity_plus_a_pure_diagonal_gradient() -> None:
    gradient = get("emboss").values - get("identity").values
    np.testing.assert_array_equal(gradient[::-1, ::-1], -gradient)  # odd under a half turn
    assert gradient[0, 0] < 0 < gradient[2, 2]


@pytest.mark.parametrize("slope", [1, 7, -3])
def test_sobel_x_reads_eight_times_the_slope_of_a_ramp(slope: int) -> None:
    ramp = slope * np.tile(np.arange(6), (5, 1))
    np.testing.assert_array_equal(convscope.conv2d(ramp, get("sobel_x").values), 8 * slope)
    np.testing.assert_array_equal(convscope.conv2d(ramp.T, get("sobel_y").values), 8 * slope)


def test_laplacian_reads_the_second_derivative_of_a_parabola() -> None:
    columns = np.arange(-3, 4)
    parabola = np.tile(columns**2, (5, 1))  # d²/dx² of x² is 2 everywhere
    np.testing.assert_array_equal(convscope.conv2d(parabola, get("laplacian").values), 2)


def test_laplacian_of_gaussian_is_the_positive_centre_mexican_hat() -> None:
    values = get("laplacian_of_gaussian").values
    assert values[2, 2] == values.max() > 0
    np.testing.assert_array_equal(values, values.T)
    np.testing.assert_array_equal(values, values[::-1, ::-1])
