"""The lesson index's summaries: the first paragraph, cut at a sentence, never mid-word."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from convscope.lessons.summary import SUMMARY_CHARS, lesson_summary


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


def test_characters_written_as_entities_come_back_as_characters() -> None:
    # The index template escapes the summary once; an entity left in it would show as "&lt;".
    summary = lesson_summary(_lesson("When <code>a &lt; b</code> &amp; b &gt; 0, it fits."))
    assert summary == "When a < b & b > 0, it fits."


def test_the_lesson_index_shows_a_less_than_sign_as_typed(tmp_path: Any) -> None:
    from fastapi.testclient import TestClient

    from convscope.lessons.sources import LessonLibrary
    from convscope.web import create_app

    (tmp_path / "signs.md").write_text("# Signs\n\nA sum & a test: 2 < 3.\n", encoding="utf-8")
    (tmp_path / "other.md").write_text("# Other\n\nNothing.\n", encoding="utf-8")
    page = TestClient(create_app(LessonLibrary.at(tmp_path))).get("/lessons").text
    assert "A sum &amp; a test: 2 &lt; 3." in page
    assert "&amp;lt;" not in page and "&amp;amp;" not in page
