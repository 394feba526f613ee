"""The ``quick_check`` widget: the second lesson's generated questions, in the quiz's shape.

The questions come from :mod:`.variants` (output size, receptive field, transposed-convolution
shape), answered with a whole number and marked on the server. Inputs and state follow the
``quiz`` widget's contract for number answers (``kind``, ``variant``, ``answer``;
``answer_kind``, ``question``, ``result``), so the quiz's browser module can draw them and the
quiz can take these kinds over by calling :func:`variant_state`. The page draws them with the
quiz's own module, ``widgets/quiz/quiz.js``. A directive may ask the teacher's own question instead
(``question = "…"``), sealed as the quiz's are (kind ``own``, see :mod:`.own_question`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field

from ...tracing.numbers import format_number
from ..base import Widget, WidgetInputs
from ..own_question import MAX_SEALED_CHARS, own_state, question_directive
from .variants import GENERATORS

Kind = Literal["output_size", "receptive_field", "transposed_shape", "own"]


class QuickCheckInputs(WidgetInputs):
    """Inputs of the ``quick_check`` widget.

    Attributes
    ----------
    kind : {'output_size', 'receptive_field', 'transposed_shape', 'own'}
        ``own`` is a teacher's question, carried by ``sealed``.
    variant : int 0–1,000,000,000
        Picks the numbers; the same variant always gives the same question.
    answer : int, float, str or None
        The learner's answer, once given: a whole number for the generated questions; for a
        teacher's, a number or a choice id.
    sealed : str or None
        A teacher's question as the lesson sealed it (kind ``own`` only).
    """

    kind: Kind
    variant: Annotated[int, Field(ge=0, le=1_000_000_000)] = 0
    answer: (
        Annotated[int, Field(ge=-1_000_000, le=1_000_000)]
        | float
        | Annotated[str, Field(max_length=40)]
        | None
    ) = None
    sealed: Annotated[str, Field(max_length=MAX_SEALED_CHARS)] | None = None


def variant_state(
    kind: str,
    variant: int,
    answer: int | None,
    generators: Mapping[str, Callable[[int], Any]] = GENERATORS,
) -> dict[str, Any]:
    """Return the question of ``kind``/``variant`` and, once answered, the marked result.

    ``generators`` maps each kind to a function of the variant returning a question with
    ``question``, ``hint``, ``answer`` and ``working``; the lessons' other generated checks
    (``grad_check``, ``network_check``, ``beyond_check``) pass their own.
    """
    question = generators[kind](variant)
    state: dict[str, Any] = {
        "answer_kind": "number",
        "question": question.question,
        "hint": question.hint,
        "result": None,
    }
    if answer is not None:
        state["result"] = {
            "correct": answer == question.answer,
            "answer": format_number(question.answer),
            "answer_text": format_number(question.answer),
            "explanation": question.working,
        }
    return state


class GeneratedCheckInputs(WidgetInputs):
    """Inputs of a lesson's generated number check (``grad_check``, ``network_check``,
    ``beyond_check``); each names its own ``kind`` values.

    Attributes
    ----------
    kind : str
        Which question.
    variant : int 0–1,000,000,000
        0 is the lesson's question; any other number draws new numbers, always the same ones.
    answer : int or None
        The learner's whole-number answer, once given.
    """

    kind: str
    variant: Annotated[int, Field(ge=0, le=1_000_000_000)] = 0
    answer: Annotated[int, Field(ge=-1_000_000_000, le=1_000_000_000)] | None = None


def generated_state(
    inputs: GeneratedCheckInputs, generators: Mapping[str, Callable[[int], Any]]
) -> dict[str, Any]:
    """Return the whole state of a generated number check: the quiz module's contract, the
    answer only once given."""
    kind, variant, answer = inputs.kind, inputs.variant, inputs.answer
    body = variant_state(kind, variant, answer, generators)
    return {"inputs": inputs.model_dump(), "kind": kind, "variant": variant, "own": False, **body}


def build_state(inputs: QuickCheckInputs) -> dict[str, Any]:
    """Return the question and, once answered, whether the answer is right and why.

    Examples
    --------
    >>> state = build_state(QuickCheckInputs(kind="output_size", variant=1))
    >>> state["result"] is None
    True
    """
    if inputs.kind == "own":
        body = own_state(inputs.sealed, inputs.answer)
    elif inputs.sealed is not None:
        raise ValueError(f"sealed goes with kind 'own' only, not {inputs.kind!r}")
    elif inputs.answer is not None and not isinstance(inputs.answer, int):
        raise ValueError(f"answer must be a whole number such as 12, got {inputs.answer!r}")
    else:
        body = variant_state(inputs.kind, inputs.variant, inputs.answer)
    return {"inputs": inputs.model_dump(), "kind": inputs.kind, "variant": inputs.variant, **body}


WIDGET = Widget(
    name="quick_check",
    inputs=QuickCheckInputs,
    build=build_state,
    esm=Path(__file__).parents[1] / "quiz" / "quiz.js",
    css=Path(__file__).parents[1] / "quiz" / "quiz.css",
    directive=question_directive(QuickCheckInputs, build_state),
)
