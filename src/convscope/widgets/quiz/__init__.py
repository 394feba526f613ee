"""The ``quiz`` widget: a quick check, answered by clicking or typing, marked on the server.

Two kinds of question: which input slice a kernel covers at an output position (``slice``),
and how many parameters a convolution layer has (``params``). Variant 0 is the lesson's own
question; any other variant number seeds new numbers. A directive may instead ask the
teacher's own question (``question = "…"``): its inputs then travel sealed (kind ``own``, see
:mod:`.own_question`). The state holds the correct answer only
once an answer was given, and the explanation is computed by the engine: the slice from the
step trace's rows and columns, the count from :func:`convscope.param_count`. A first wrong
slice gets a hint about what is wrong with it instead of the answer; the answer comes with a
second wrong try, or when the learner asks for it (``reveal``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, ValidationInfo, field_validator

from ...engine import ConvSpec, param_count
from ...tracing.numbers import format_number
from ...tracing.step import trace
from ..base import Widget, WidgetInputs
from ..field_errors import field_error
from ..own_question import MAX_SEALED_CHARS, own_state, question_directive

CHOICE_IDS = ("a", "b", "c", "d")


class QuizInputs(WidgetInputs):
    """Inputs of the ``quiz`` widget.

    Attributes
    ----------
    kind : {'slice', 'params', 'own'}
        Which question; ``own`` is a teacher's, carried by ``sealed``.
    variant : int
        0 for the lesson's numbers; any other number draws new ones (the same number gives
        the same question again).
    answer : str, int or None
        A choice id (``"a"``–``"d"``) for ``slice``, a whole number for ``params``; ``None``
        while unanswered.
    sealed : str or None
        A teacher's question as the lesson sealed it (kind ``own`` only).
    tries : int 0–9
        Wrong answers already given to this question (``slice``): the first wrong one gets a
        hint, a later one the answer.
    reveal : bool
        The learner asked to see the answer (``slice``).
    """

    kind: Literal["slice", "params", "own"]
    variant: Annotated[int, Field(ge=0, le=1_000_000_000)] = 0
    answer: Annotated[str, Field(max_length=40)] | int | float | None = None
    sealed: Annotated[str, Field(max_length=MAX_SEALED_CHARS)] | None = None
    tries: Annotated[int, Field(ge=0, le=9)] = 0
    reveal: bool = False

    @field_validator("answer")
    @classmethod
    def _answer_fits_the_question(cls, answer: str | int | None, info: ValidationInfo) -> Any:
        if answer is None or "kind" not in info.data or "variant" not in info.data:
            return answer
        if info.data["kind"] == "own":
            return answer  # marked against the sealed question, which says what fits
        if info.data["kind"] == "params" and not isinstance(answer, int):
            raise ValueError(f"must be a whole number such as 1792, got {answer!r}")
        if info.data["kind"] == "slice":
            ids = [
                c["id"]
                for c in _slice_choices(_slice_question(info.data["variant"]), info.data["variant"])
            ]
            if answer not in ids:
                raise ValueError(f"must be one of {', '.join(ids)}; got {answer!r}")
        return answer


@dataclass(frozen=True)
class SliceQuestion:
    """A kernel of side ``kernel`` sliding over a ``size × size`` input with ``stride``."""

    size: int
    kernel: int
    stride: int
    position: tuple[int, int]


def _slice_question(variant: int) -> SliceQuestion:
    if variant == 0:
        return SliceQuestion(size=5, kernel=3, stride=1, position=(1, 1))
    rng = np.random.default_rng(variant)
    kernel, stride = int(rng.integers(2, 5)), int(rng.integers(1, 3))
    size = int(rng.integers(kernel + 2, 9))
    out = ConvSpec.create(stride=stride).output_size((size, size), (kernel, kernel))[0]
    i, j = (int(value) for value in rng.integers(0, out, size=2))
    drawn = SliceQuestion(size=size, kernel=kernel, stride=stride, position=(i, j))
    if drawn == _slice_question(0):  # "new numbers" must be new
        return SliceQuestion(size=size, kernel=kernel, stride=stride, position=(0, j))
    return drawn


def _covered(question: SliceQuestion) -> tuple[list[int], list[int]]:
    """Return the input rows and columns under the kernel, as the step trace records them."""
    zeros = np.zeros((question.size, question.size), dtype=np.int64)
    weight = np.ones((question.kernel, question.kernel), dtype=np.int64)
    step = trace(zeros, weight, stride=question.stride).at(*question.position)
    return list(step.rows), list(step.cols)


def _slice_text(top: int, left: int, rows: int, cols: int) -> dict[str, Any]:
    return {
        "code": f"I[{top}:{top + rows}, {left}:{left + cols}]",
        "text": f"rows {top}–{top + rows - 1}, columns {left}–{left + cols - 1}",
    }


def _slice_choices(question: SliceQuestion, variant: int) -> list[dict[str, Any]]:
    rows, cols = _covered(question)
    k, size = question.kernel, question.size
    i, j = question.position
    candidates = [
        (rows[0], cols[0], k, k),  # the right one first; shuffled below
        (rows[0] + 1, cols[0] + 1, k, k),
        (rows[0] - 1, cols[0] - 1, k, k),
        (rows[0], cols[0], k - 1, k - 1),
        (i, j, k, k),
        (rows[0], cols[0], k + 1, k + 1),
        (cols[0], rows[0], k, k),
        (rows[0] + 1, cols[0], k, k),
        (rows[0], cols[0] + 1, k, k),
        (rows[0] - 1, cols[0], k, k),
        (rows[0], cols[0] - 1, k, k),
    ]
    seen: list[tuple[int, int, int, int]] = []
    for top, left, height, width in candidates:
        fits = top >= 0 and left >= 0 and top + height <= size and left + width <= size
        if fits and (top, left, height, width) not in seen and height > 0:
            seen.append((top, left, height, width))
    picked = seen[:4]
    order = np.random.default_rng(variant + 2).permutation(len(picked))
    return [
        {
            "id": CHOICE_IDS[n],
            **_slice_text(*picked[index]),
            "right": index == 0,
            "box": picked[index],
        }
        for n, index in enumerate(int(v) for v in order)
    ]


def _a(number: int) -> str:
    return "an" if str(number).startswith("8") or number in (11, 18) else "a"


def _slice_state(inputs: QuizInputs) -> dict[str, Any]:
    question = _slice_question(inputs.variant)
    choices = _slice_choices(question, inputs.variant)
    i, j = question.position
    k = question.kernel
    state: dict[str, Any] = {
        "answer_kind": "choice",
        "question": (
            f"A {k}×{k} kernel slides over {_a(question.size)} {question.size}×{question.size} "
            f"input I with "
            f"stride {question.stride} and no padding. At output position ({i}, {j}), which "
            "slice of I does it cover?"
        ),
        "choices": [{key: c[key] for key in ("id", "code", "text")} for c in choices],
        "result": None,
    }
    right = next(c for c in choices if c["right"])
    correct = inputs.answer == right["id"]
    if inputs.answer is not None and not correct and inputs.tries == 0 and not inputs.reveal:
        given = next(c for c in choices if c["id"] == inputs.answer)
        state["result"] = {"correct": False, "hint": _slice_hint(question, given)}
    elif inputs.answer is not None or inputs.reveal:
        rows, cols = _covered(question)
        state["result"] = {
            "correct": correct if inputs.answer is not None else None,
            "answer": right["id"],
            "answer_text": f"{right['code']}: {right['text']}",
            "explanation": (
                f"Output ({i}, {j}) starts at input row {i} × stride {question.stride} = "
                f"{rows[0]} and column {j} × stride {question.stride} = {cols[0]}. The kernel "
                f"then covers {k} rows ({', '.join(map(str, rows))}) and {k} columns "
                f"({', '.join(map(str, cols))}). "
                f"A Python slice stops before its end, so that is {right['code']}."
            ),
        }
    return state


def _slice_hint(question: SliceQuestion, given: dict[str, Any]) -> str:
    """Return what is wrong with the chosen slice, without naming the right one."""
    top, left, rows, cols = given["box"]
    first_rows, first_cols = _covered(question)
    i, j = question.position
    k, s = question.kernel, question.stride
    if rows != k or cols != k:
        return (
            f"That slice holds {rows} × {cols} cells, but the kernel is {k}×{k}. A slice "
            "a:b holds b − a cells: it stops just before b."
        )
    if (top, left) != (first_rows[0], first_cols[0]):
        return (
            f"That slice starts at row {top}, column {left}. Where does the window of output "
            f"({i}, {j}) start? Multiply the output position by the stride ({s}) and count "
            "from 0."
        )
    return "Check the order: the first index of I is the row, the second the column."


def _layer(variant: int) -> tuple[int, int, int, bool]:
    if variant == 0:
        return 64, 128, 3, True
    rng = np.random.default_rng(variant)
    c_in = int(rng.choice([1, 3, 16, 32, 64, 128, 256]))
    c_out = int(rng.choice([8, 16, 32, 64, 128, 256, 512]))
    layer = c_in, c_out, int(rng.choice([1, 3, 5, 7])), bool(rng.integers(0, 4) > 0)
    return layer if layer != _layer(0) else (c_in, c_out, 5, True)  # "new numbers" must be new


def _params_state(inputs: QuizInputs) -> dict[str, Any]:
    c_in, c_out, k, bias = _layer(inputs.variant)
    call = f"nn.Conv2d({c_in}, {c_out}, kernel_size={k}" + ("" if bias else ", bias=False") + ")"
    state: dict[str, Any] = {
        "answer_kind": "number",
        "question": f"How many learnable parameters does {call} have?",
        "code": call,
        "result": None,
    }
    if inputs.answer is not None:
        assert isinstance(inputs.answer, int)  # the inputs model made sure
        total = param_count(c_in, c_out, k, bias=bias)
        state["result"] = {
            "correct": inputs.answer == total,
            "answer": format_number(total),
            "answer_text": format_number(total),
            "explanation": _params_explanation(c_in, c_out, k, bias, inputs.answer),
        }
    return state


def _params_explanation(c_in: int, c_out: int, k: int, bias: bool, given: int) -> str:
    per_kernel = param_count(c_in, 1, k, bias=False)
    weights = param_count(c_in, c_out, k, bias=False)
    words = (
        f"Each of the {format_number(c_out)} kernels spans all {format_number(c_in)} input "
        f"channels: {k} × {k} × {format_number(c_in)} = {format_number(per_kernel)} weights. "
        f"Times {format_number(c_out)} kernels: {format_number(weights)} weights"
    )
    if bias:
        words += f", plus one bias per output channel: {format_number(weights + c_out)}."
    else:
        words += "; bias=False adds nothing more."
    if bias and given == weights:
        words += " Your number is the weights alone: the biases were left out."
    elif given == per_kernel:
        words += " Your number counts one kernel only."
    return words


def build_state(inputs: QuizInputs) -> dict[str, Any]:
    """Return the question (and, once answered, the verdict and its explanation).

    Examples
    --------
    >>> build_state(QuizInputs(kind="params", answer=73856))["result"]["correct"]
    True
    """
    if inputs.kind == "own":
        body = own_state(inputs.sealed, inputs.answer)
    elif inputs.sealed is not None:
        raise field_error("sealed", f"goes with kind 'own' only, not {inputs.kind!r}")
    else:
        body = _slice_state(inputs) if inputs.kind == "slice" else _params_state(inputs)
    return {"inputs": inputs.model_dump(), "kind": inputs.kind, "variant": inputs.variant, **body}


WIDGET = Widget(
    name="quiz",
    inputs=QuizInputs,
    build=build_state,
    esm=Path(__file__).with_name("quiz.js"),
    css=Path(__file__).with_name("quiz.css"),
    directive=question_directive(QuizInputs, build_state),
)
