"""Text, Markdown, HTML and Rich renderings of one step, against the chapter's worked numbers."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

from rich.console import Console

from convscope import trace

GRADIENT = [
    [10, 20, 30, 40, 50],
    [20, 40, 60, 80, 100],
    [30, 60, 90, 120, 150],
    [40, 80, 120, 160, 200],
    [50, 100, 150, 200, 250],
]
SOBEL_X = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
TINY_RGB = [[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]]
TINY_KERNEL = [[[1, 0], [0, 1]], [[0, 1], [1, 0]], [[1, 1], [1, 1]]]
CHAPTER_SUM = "Sum = −10 + 0 + 30 − 40 + 0 + 120 − 30 + 0 + 90 = 160"


def _rich_text(renderable: object, width: int = 100) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None).print(renderable)
    return buffer.getvalue()


def test_text_shows_window_kernel_products_side_by_side() -> None:
    text = trace(GRADIENT, SOBEL_X).at(0, 0).to_text()
    lines = text.splitlines()
    assert lines[0] == "output[0, 0] = 160   (input rows 0–2; columns 0–2)"
    assert lines[2].split() == ["window", "kernel", "products"]
    assert lines[3].split() == ["10", "20", "30", "−1", "0", "1", "−10", "0", "30"]
    assert lines[4].split() == ["20", "40", "60", "×", "−2", "0", "2", "=", "−40", "0", "120"]
    assert lines[-2:] == [CHAPTER_SUM, "→ output[0, 0] = 160"]


def test_text_grid_columns_are_right_aligned() -> None:
    lines = trace(GRADIENT, SOBEL_X).at(0, 0).to_text().splitlines()[3:6]
    ends = {
        line.rindex(digits) + len(digits)
        for line, digits in zip(lines, ["30", "120", "90"], strict=True)
    }
    assert len(ends) == 1


def test_text_marks_padded_cells_and_explains_the_mark() -> None:
    text = trace(GRADIENT, SOBEL_X, padding=1).at(0, 0).to_text()
    assert "input rows −1 to 1; columns −1 to 1" in text
    assert text.splitlines()[4].split()[:3] == ["0†", "10", "20"]
    assert "† padding: outside the input, filled with 0 (padding_mode='zeros')" in text
    assert "Sum = 0 + 0 + 0 + 0 + 0 + 40 + 0 + 0 + 40 = 80" in text


def test_text_without_padding_has_no_legend() -> None:
    assert "†" not in trace(GRADIENT, SOBEL_X).at(1, 1).to_text()


def test_multichannel_text_gives_channel_sums_then_total_then_bias() -> None:
    lines = trace(TINY_RGB, TINY_KERNEL, bias=-2).at(0, 0).to_text().splitlines()
    assert lines[-6:] == [
        "Channel 0: 1 + 0 + 0 + 4 = 5",
        "Channel 1: 0 + 6 + 7 + 0 = 13",
        "Channel 2: 9 + 10 + 11 + 12 = 42",
        "Sum = 5 + 13 + 42 = 60",
        "Plus bias: 60 − 2 = 58",
        "→ output[0, 0] = 58",
    ]


def test_output_label_follows_the_callers_shape() -> None:
    step = trace([TINY_RGB], [TINY_KERNEL, TINY_KERNEL]).at(0, 0, c_out=1)
    assert step.to_text().splitlines()[-1] == "→ output[0, 1, 0, 0] = 60"


def test_markdown_puts_grids_in_a_text_block_and_bolds_the_result() -> None:
    markdown = trace(GRADIENT, SOBEL_X).at(2, 0).to_markdown()
    assert markdown.startswith("**output[2, 0] = 320** (input rows 2–4; columns 0–2)")
    assert "```text\n" in markdown and "−50    0  150" in markdown
    assert "Sum = −30 + 0 + 90 − 80 + 0 + 240 − 50 + 0 + 150 = 320" in markdown
    assert markdown.rstrip().endswith("→ output[2, 0] = **320**")


class _Cells(HTMLParser):
    """Collects each table cell's classes and text, and any inline style attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[str, str]] = []
        self.styles: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if "style" in attributes:
            self.styles.append(str(attributes["style"]))
        if tag == "td" and "cs-cell" in (attributes.get("class") or ""):
            self._open = str(attributes["class"])
            self.cells.append((self._open, ""))

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            classes, text = self.cells[-1]
            self.cells[-1] = (classes, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._open = None


def test_html_uses_classes_for_sign_and_padding_never_inline_colours() -> None:
    html = trace(GRADIENT, SOBEL_X, padding=1).at(0, 1).to_html()
    parser = _Cells()
    parser.feed(html)
    assert parser.styles == [] and "<style" not in html
    products = parser.cells[18:]  # window, kernel, then products: 9 cells each
    assert products[0] == ("cs-cell cs-zero cs-pad", "0†")
    assert products[3:6] == [
        ("cs-cell cs-neg", "−20"),
        ("cs-cell cs-zero", "0"),
        ("cs-cell cs-pos", "60"),
    ]
    assert parser.cells[9] == ("cs-cell cs-neg", "−1")
    assert "Sum = 0 + 0 + 0 − 20 + 0 + 60 − 20 + 0 + 60 = 80" in html


def test_html_tables_have_captions_and_scoped_headers() -> None:
    html = trace(GRADIENT, SOBEL_X).at(0, 0).to_html()
    assert re.findall(r"<caption>(\w+)</caption>", html) == ["window", "kernel", "products"]
    assert html.count('<th scope="row">') == 9 and html.count('<th scope="col">') == 9
    assert '→ output[0, 0] = <strong class="cs-result-value">160</strong>' in html


def test_repr_html_carries_its_stylesheet_for_notebooks() -> None:
    html = trace(GRADIENT, SOBEL_X).at(0, 0)._repr_html_()
    assert html.lstrip().startswith("<style>") and ".cs-pad" in html


def test_rich_rendering_shows_the_grids_and_the_sum_line() -> None:
    text = _rich_text(trace(GRADIENT, SOBEL_X).at(0, 0))
    assert CHAPTER_SUM in text
    assert "→ output[0, 0] = 160" in text
    assert "│ 10 │ 20 │ 30 │   │ −1 │ 0 │ 1 │   │ −10 │ 0 │  30 │" in text
    assert "│ 20 │ 40 │ 60 │ × │ −2 │ 0 │ 2 │ = │ −40 │ 0 │ 120 │" in text


def test_rich_rendering_marks_padding() -> None:
    text = _rich_text(trace(GRADIENT, SOBEL_X, padding=1, padding_mode="replicate").at(0, 0))
    assert "│ 10† │ 10† │ 20† │" in text
    assert "copied from the nearest edge cell (padding_mode='replicate')" in text


def test_rich_rendering_stacks_the_grids_when_the_terminal_is_narrow() -> None:
    text = _rich_text(trace(GRADIENT, SOBEL_X).at(0, 0), width=40)
    assert "…" not in text
    assert [line.strip() for line in text.splitlines()].count("×") == 1
    assert "│ −40 │ 0 │ 120 │" in text


def test_float_grids_show_four_significant_digits() -> None:
    step = trace(GRADIENT, [[1 / 9] * 3] * 3).at(0, 0)
    assert step.to_text().splitlines()[3].split()[3:6] == ["0.1111", "0.1111", "0.1111"]
    assert step.sum_text().startswith("1.11111 + 2.22222 + 3.33333")
