"""A teacher's own quick check: their question, choices or a number, and their explanation.

A ``quiz`` or ``quick_check`` directive that says ``question = "…"`` asks it instead of a
generated one, with ``choices`` and ``answer`` (the right choice's index, 0 for the first, or
its text), or a numeric ``answer`` and an optional ``tolerance``, plus an ``explanation``.

Why a sealed token: the quick checks are stateless — the page sends its inputs back with the
learner's answer and the server re-derives the right answer from them. The generated questions'
inputs (``kind``, ``variant``) hold no answer; a teacher's question is the answer, so its inputs
travel as one opaque ``sealed`` string, encrypted and authenticated with a key only the server
has (:func:`seal`): the page cannot read the answer before answering, nor forge another one. No
lesson lookup is needed, so it works the same for every worker process, for ``convscope
export`` (which marks each choice ahead of time) and in a notebook.

The key is the teacher's ``CONVSCOPE_QUESTION_KEY``, or is drawn at random on first use; it is
held in memory only and reaches worker processes without passing through any environment
(:mod:`.question_key`). A page sealed by an earlier run of the server is told to reload.

Examples
--------
>>> token = seal_question({"question": "2 + 2?", "answer": 4})
>>> own_state(token, 4)["result"]["correct"]
True
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import Field, model_validator

from ..tracing.numbers import format_number
from .base import DirectiveSite, WidgetInputs
from .question_key import question_secret

CHOICE_IDS = "abcdefgh"
MAX_SEALED_CHARS = 32_000
"""Room for the longest question, choices and explanation sealed, even in 4-byte characters,
while a request escaping each character still fits the API's body limit."""
_PREFIX = "v1."
_TAG_BYTES = 16
STALE = (
    "sealed: this question was sealed by another run of the server (or altered); reload the "
    "page to get it again"
)

Text = Annotated[str, Field(min_length=1, max_length=200)]


class TeacherQuestion(WidgetInputs):
    """A question as a lesson directive writes it.

    Attributes
    ----------
    question : str
        What the learner is asked.
    choices : list of str or None
        Two to eight answers to click; ``None`` for a typed number.
    answer : int, float or str
        With ``choices``: the right one's index (0 for the first) or its text. Without: the
        number.
    tolerance : int or float or None
        How far a typed number may be from ``answer`` and still count (numbers only).
    explanation : str
        Shown once the learner has answered, right or wrong.
    """

    question: Annotated[str, Field(min_length=1, max_length=1000)]
    choices: Annotated[list[Text], Field(min_length=2, max_length=len(CHOICE_IDS))] | None = None
    answer: int | float | str
    tolerance: Annotated[int | float, Field(ge=0)] | None = None
    explanation: Annotated[str, Field(max_length=2000)] = ""

    @model_validator(mode="after")
    def _answer_fits(self) -> TeacherQuestion:
        if self.choices is None:
            if isinstance(self.answer, str) or not math.isfinite(self.answer):
                raise ValueError(
                    f"answer must be a number when no choices are given, got {self.answer!r}; "
                    "add choices = [...] for a question answered by clicking"
                )
            return self
        if self.tolerance is not None:
            raise ValueError("tolerance goes with a numeric answer; a chosen answer is exact")
        if len(set(self.choices)) != len(self.choices):
            raise ValueError(f"choices must differ from each other, got {self.choices!r}")
        self.right_choice()  # raises when the answer names no choice
        return self

    def right_choice(self) -> int:
        """Return the index of the right choice (the question must have choices)."""
        assert self.choices is not None
        count = len(self.choices)
        if isinstance(self.answer, str):
            if self.answer.strip() in self.choices:
                return self.choices.index(self.answer.strip())
            raise ValueError(f"answer {self.answer!r} is none of the choices {self.choices!r}")
        if isinstance(self.answer, int) and 0 <= self.answer < count:
            return self.answer
        raise ValueError(
            f"answer must be a choice's index, 0 to {count - 1} (0 is the first), or its text; "
            f"got {self.answer!r}"
        )


def seal_question(raw: dict[str, Any]) -> str:
    """Return the sealed token of a directive's question (validated first; errors name keys)."""
    asked = TeacherQuestion.model_validate(raw)
    payload = asked.model_dump()
    if asked.choices is not None:
        payload["answer"] = asked.right_choice()
    return seal(payload)


def question_directive(
    inputs: type[Any], build: Callable[[Any], dict[str, Any]]
) -> Callable[[dict[str, Any], DirectiveSite], dict[str, Any]]:
    """Return a question widget's directive reader: a teacher's own question (a ``question``
    key) is sealed into ``kind="own"`` inputs; anything else is the widget's own inputs."""

    def directive_state(raw: dict[str, Any], site: DirectiveSite) -> dict[str, Any]:
        if "question" in raw:
            return build(inputs(kind="own", sealed=seal_question(raw)))
        return build(inputs.model_validate(raw))

    return directive_state


def own_state(sealed: str | None, answer: Any) -> dict[str, Any]:
    """Return the quick check's state for a sealed teacher's question and the learner's answer.

    Raises
    ------
    ValueError
        When ``sealed`` is missing or was not sealed by this server's key, or the answer does
        not fit the question (an unknown choice, text for a number).
    """
    if not sealed:
        raise ValueError("sealed is required for kind 'own': the question as the lesson sealed it")
    asked = unseal(sealed)
    state: dict[str, Any] = {"question": asked["question"], "result": None, "own": True}
    choices = asked["choices"]
    if choices is not None:
        state["answer_kind"] = "choice"
        state["choices"] = [{"id": CHOICE_IDS[n], "text": text} for n, text in enumerate(choices)]
    else:
        state["answer_kind"] = "number"
    if answer is not None:
        state["result"] = _marked(asked, answer)
    return state


def _marked(asked: dict[str, Any], answer: Any) -> dict[str, Any]:
    if asked["choices"] is not None:
        ids = list(CHOICE_IDS[: len(asked["choices"])])
        if answer not in ids:
            raise ValueError(f"answer must be one of {', '.join(ids)}; got {answer!r}")
        right = ids[asked["answer"]]
        text = asked["choices"][asked["answer"]]
        return _result(answer == right, right, text, asked["explanation"])
    if isinstance(answer, bool) or not isinstance(answer, int | float):
        raise ValueError(f"answer must be a number such as 12 or 0.5, got {answer!r}")
    number, tolerance = asked["answer"], asked["tolerance"]
    slack = tolerance if tolerance is not None else 1e-9 * max(1.0, abs(number))
    shown = format_number(number)
    if tolerance:
        shown += f" (give or take {format_number(tolerance)})"
    # "answer" keeps every digit: an exported page's probe reads the right number from it
    return _result(abs(answer - number) <= slack, repr(number), shown, asked["explanation"])


def _result(correct: bool, answer: str, text: str, explanation: str) -> dict[str, Any]:
    return {"correct": correct, "answer": answer, "answer_text": text, "explanation": explanation}


# ---- sealing: encrypt-then-MAC with HMAC-SHA256 as the keystream, all from the standard library


def _keys() -> tuple[bytes, bytes]:
    """Return the encryption and authentication keys, drawing the secret on first use."""
    root = hashlib.sha256(question_secret().encode()).digest()
    return _mac(root, b"encrypt"), _mac(root, b"authenticate")


def _mac(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.sha256).digest()


def _stream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = (_mac(key, nonce + count.to_bytes(4, "big")) for count in range(length // 32 + 1))
    return b"".join(blocks)[:length]


def seal(payload: dict[str, Any]) -> str:
    """Return ``payload`` as an opaque token: encrypted, authenticated, URL-safe text.

    The same payload gives the same token while the key stays (the nonce is derived from the
    payload), so a learner's answer remembered across a reload still fits.
    """
    encrypt, authenticate = _keys()
    plain = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    nonce = _mac(authenticate, b"nonce" + plain)[:16]
    cipher = bytes(a ^ b for a, b in zip(plain, _stream(encrypt, nonce, len(plain)), strict=True))
    tag = _mac(authenticate, nonce + cipher)[:_TAG_BYTES]
    return _PREFIX + base64.urlsafe_b64encode(nonce + cipher + tag).decode().rstrip("=")


def unseal(token: str) -> dict[str, Any]:
    """Return the payload :func:`seal` turned into ``token``.

    Raises
    ------
    ValueError
        When the token was altered or sealed with another key.
    """
    encrypt, authenticate = _keys()
    body = token.removeprefix(_PREFIX)
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError:
        raise ValueError(STALE) from None
    nonce, cipher, tag = raw[:16], raw[16:-_TAG_BYTES], raw[-_TAG_BYTES:]
    expected = _mac(authenticate, nonce + cipher)[:_TAG_BYTES]
    if not token.startswith(_PREFIX) or len(raw) < 33 or not hmac.compare_digest(tag, expected):
        raise ValueError(STALE)
    plain = bytes(a ^ b for a, b in zip(cipher, _stream(encrypt, nonce, len(cipher)), strict=True))
    payload: dict[str, Any] = json.loads(plain)
    return payload
