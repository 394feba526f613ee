"""Numbers written the way a person writes them in a worked calculation.

A hand calculation reads ``−10 + 0 + 30 − 40 = −20``, not ``-10 + 0 + 30 + -40 = -20``: a real
minus sign (U+2212), the sign of a term folded into the operator before it, integers without a
trailing ``.0``, floats with a handful of significant digits, and a thousands separator once a
number has four digits before the point (``1,792``).

Examples
--------
>>> format_number(-1792)
'−1,792'
>>> sum_expression([-10, 0, 30, -40], -20)
'−10 + 0 + 30 − 40 = −20'
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import numpy as np

MINUS = "\N{MINUS SIGN}"
SIGNIFICANT_DIGITS = 6
_SCIENTIFIC_BELOW = 1e-4
_SCIENTIFIC_FROM = 1e15


def format_number(value: Any, *, digits: int = SIGNIFICANT_DIGITS) -> str:
    """Return ``value`` as a person writes it: ``−40``, ``1,792``, ``0.333333``, ``2.5e−7``.

    Parameters
    ----------
    value : int, float or NumPy scalar
        The number to write. Integers are exact; floats keep ``digits`` significant digits,
        trailing zeros dropped (``160.0`` is written ``160``).
    digits : int
        Significant digits for floats.

    Examples
    --------
    >>> format_number(12345)
    '12,345'
    >>> format_number(-0.5)
    '−0.5'
    """
    if isinstance(value, bool | np.bool_):
        raise TypeError(f"format_number takes a number, got {value!r}")
    if isinstance(value, int | np.integer):
        return _signed(f"{abs(int(value)):,}", int(value) < 0)
    number = float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return _signed("∞", number < 0)
    return _signed(_unsigned_float(abs(number), digits), number < 0)


@lru_cache(maxsize=4096)  # a trace writes the same few weights and pixels hundreds of times
def _unsigned_float(number: float, digits: int) -> str:
    if number == 0:
        return "0"
    if _SCIENTIFIC_BELOW <= number < _SCIENTIFIC_FROM:
        text = np.format_float_positional(number, precision=digits, fractional=False, trim="-")
        whole, dot, fraction = text.partition(".")
        return f"{int(whole):,}{dot}{fraction}"
    mantissa, _, exponent = f"{number:.{digits - 1}e}".partition("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{_signed(str(abs(int(exponent))), int(exponent) < 0)}"


def _signed(magnitude: str, negative: bool) -> str:
    # "0" never carries a sign: a person does not write −0.
    return f"{MINUS}{magnitude}" if negative and magnitude != "0" else magnitude


def is_negative(value: Any) -> bool:
    """Return whether ``value`` is written with a minus sign (``-0.0`` and NaN are not)."""
    return format_number(value).startswith(MINUS)


def sum_terms(terms: Iterable[Any]) -> str:
    """Return the terms joined as a person adds them: ``−10 + 0 + 30 − 40``.

    The first term keeps its own sign; each later term's sign becomes the operator before it.

    Examples
    --------
    >>> sum_terms([5, -3, 0.5])
    '5 − 3 + 0.5'
    """
    parts: list[str] = []
    for index, term in enumerate(terms):
        text = format_number(term)
        negative = text.startswith(MINUS)
        if index == 0:
            parts.append(text)
        else:
            parts.append(f"{MINUS if negative else '+'} {text.removeprefix(MINUS)}")
    return " ".join(parts)


def sum_expression(terms: Iterable[Any], total: Any) -> str:
    """Return ``"<terms> = <total>"``, e.g. ``'−10 + 0 + 30 − 40 = −20'``.

    Examples
    --------
    >>> sum_expression([1, 0, 0, 4], 5)
    '1 + 0 + 0 + 4 = 5'
    """
    return f"{sum_terms(terms)} = {format_number(total)}"


def jsonable(value: Any) -> Any:
    """Return ``value`` as plain Python numbers and nested lists, ready for ``json.dumps``.

    NaN and infinities become ``None`` (JSON has no spelling for them); everything else keeps
    its value, integers as ``int`` and floats as ``float``.

    Examples
    --------
    >>> jsonable(np.array([[1.5, np.nan]]))
    [[1.5, None]]
    """
    if value is None:
        return None
    array = np.asarray(value)
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        return _finite_or_none(array.tolist())
    return array.tolist()


def _finite_or_none(value: Any) -> Any:
    if isinstance(value, list):
        return [_finite_or_none(item) for item in value]
    return value if math.isfinite(value) else None


def factor_text(value: int | float) -> str:
    """Return ``value`` as one factor of a written product: negative numbers in brackets.

    Examples
    --------
    >>> factor_text(-2) + "×" + factor_text(3)
    '(−2)×3'
    """
    text = format_number(value)
    return f"({text})" if text.startswith("\N{MINUS SIGN}") else text
