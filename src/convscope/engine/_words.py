"""Small helpers that put numbers into a learner's sentences."""

from __future__ import annotations


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """Return ``number`` with its noun in the right number: ``1 row``, ``3 rows``.

    Examples
    --------
    >>> counted(1, "row"), counted(0, "column"), counted(2, "dimension")
    ('1 row', '0 columns', '2 dimensions')
    """
    word = noun if number == 1 else (plural or noun + "s")
    return f"{number:,} {word}"
