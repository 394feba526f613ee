"""The lesson index's summaries: the first paragraph, cut at a sentence, never mid-word."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from convscope.web.pages import SUMMARY_CHARS, lesson_summary


def _lesson(first_paragraph: str) -> Any:
    return SimpleNamespace(html=f"<h1>Title</h1>\n<p>{first_paragraph}</p>\n<p>Second.</p>")


def test_a_short_first_paragraph_is_kept_whole_without_its_tags() -> None:
    assert lesson_summary(_lesson("A <em>kernel</em> slides.")) == "A kernel slides."


def test_a_long_paragraph_ends_after_its_last_whole_sentence_that_fits() -> None:
    first, second = "One sentence that fits. ", "word " * 60
    summary = lesson_summary(_lesson(first + second))
    assert summary == "One sentence that fits."


def test_a_paragraph_without_a_sentence_end_is_cut_at_a_word_with_an_ellipsis() -> None:
    summary = lesson_summary(_lesson("longword " * 60))
    assert summary.endswith(" …")
    assert len(summary) <= SUMMARY_CHARS + 2
    assert set(summary[:-2].split()) == {"longword"}
