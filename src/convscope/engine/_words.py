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


def byte_size(count: int) -> str:
    """Return a number of bytes as a person reads it: ``8,454,144`` → ``8.1 MB``.

    Examples
    --------
    >>> byte_size(8_454_144), byte_size(262_144), byte_size(900)
    ('8.1 MB', '256 KB', '900 bytes')
    """
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    if count >= 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count} bytes"
