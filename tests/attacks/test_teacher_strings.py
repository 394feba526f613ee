"""A teacher's hostile strings, served and exported, land on the page as text and nothing else.

The lesson in :mod:`.hostile_lesson` puts a string that would end a ``<script>`` element, open
a comment or add an element into every place a teacher writes: title, prose, formulas,
labels, an own question, its choices and explanation, short names. Each page is judged by
what a browser would build from it, read with the standard library's parser:

- it has exactly the elements and attribute names of the same lesson written with plain words,
  so no ``<script>``, ``<img>`` or ``on…`` handler was added and nothing after the hostile
  text (the later widgets, the last section, the footer) was swallowed;
- no inline ``<script>`` body holds a ``<``: the HTML tokenizer leaves a script element's body
  only at ``<``, so such a body ends at its first ``</script>`` in every browser, as it does
  for the parser here;
- the hostile words are there to read, in the page's text and in the widgets' states.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from convscope.export import export_site
from convscope.lessons import render_lesson_text
from convscope.lessons.sources import LessonLibrary
from convscope.web import create_app

from .hostile_lesson import HOSTILE, QUESTION, lesson

pytestmark = pytest.mark.attack


@dataclass
class Page:
    """What a page is made of: its start tags, its script bodies and its visible text."""

    tags: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    attributes: list[tuple[str, str | None]] = field(default_factory=list)
    scripts: list[tuple[dict[str, str | None], str]] = field(default_factory=list)
    text: str = ""


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._script: dict[str, str | None] | None = None
        self._words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.tags.append((tag, tuple(sorted(name for name, _ in attrs))))
        self.page.attributes.extend(attrs)
        if tag == "script":
            self._script, self._words = dict(attrs), []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.page.scripts.append((self._script, "".join(self._words)))
            self._script, self._words = None, []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._words.append(data)
        else:
            self.page.text += data.replace("\xa0", " ")


def read(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.page


def served(folder: Path, hostile: bool) -> str:
    (folder / "lesson.md").write_text(lesson(hostile), encoding="utf-8")
    transport = httpx.ASGITransport(app=create_app(LessonLibrary.at(folder / "lesson.md")))

    async def get() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            return await client.get("/lessons/lesson")

    answer = asyncio.run(get())
    assert answer.status_code == 200
    return answer.text


def exported(folder: Path, hostile: bool) -> str:
    source = folder / "lessons"
    source.mkdir()
    (source / "lesson.md").write_text(lesson(hostile), encoding="utf-8")
    (source / "next.md").write_text(f"# {HOSTILE['EVIL_TITLE']}\n\nNext.\n", encoding="utf-8")
    export_site(source, folder / "site")
    return (folder / "site" / "lesson.html").read_text(encoding="utf-8")


def rendered(folder: Path, hostile: bool) -> str:
    return render_lesson_text(lesson(hostile), filename="lesson.md").html


PAGES = {"served": served, "exported": exported, "rendered": rendered}


@pytest.fixture(params=sorted(PAGES))
def pages(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Page, Page, str]:
    make = PAGES[request.param]
    (tmp_path / "hostile").mkdir()
    (tmp_path / "plain").mkdir()
    hostile = make(tmp_path / "hostile", True)
    return read(hostile), read(make(tmp_path / "plain", False)), request.param


def test_hostile_strings_add_no_element_and_remove_none(pages: tuple[Page, Page, str]) -> None:
    hostile, plain, _ = pages
    assert hostile.tags == plain.tags
    assert [name for name, _ in hostile.attributes if name.startswith("on")] == []


def test_no_script_body_can_end_anywhere_but_its_own_end_tag(
    pages: tuple[Page, Page, str],
) -> None:
    hostile, _, _ = pages
    inline = [body for attributes, body in hostile.scripts if "src" not in attributes]
    assert inline, "the widgets' states travel in inline script elements"
    assert [body[:80] for body in inline if "<" in body] == []


def test_the_rest_of_the_page_is_still_there(pages: tuple[Page, Page, str]) -> None:
    hostile, _, kind = pages
    widgets = [value for name, value in hostile.attributes if name == "data-widget"]
    assert widgets == ["quiz", "quick_check", "channels"]
    assert "The last section" in hostile.text and "The end of the lesson." in hostile.text
    if kind != "rendered":
        assert "Every number on this page was computed" in hostile.text  # the footer


def test_hostile_words_are_shown_as_text(pages: tuple[Page, Page, str]) -> None:
    hostile, _, kind = pages
    for placeholder in ("EVIL_PROSE", "EVIL_MATH"):
        assert HOSTILE[placeholder] in hostile.text
    if kind != "rendered":  # the title is the page shell's, around the lesson's body
        assert HOSTILE["EVIL_TITLE"] in hostile.text
    states = [
        json.loads(body)
        for attributes, body in hostile.scripts
        if attributes.get("class") == "cs-state"
    ]
    quiz, quick_check, channels = states
    assert quiz["question"] == quick_check["question"] == QUESTION
    assert quiz["choices"][0]["text"] == HOSTILE["EVIL_CHOICE"]
    assert HOSTILE["EVIL_SHORT"] in json.dumps(channels, ensure_ascii=False)


def test_an_exported_explanation_shown_after_an_answer_is_data_too(tmp_path: Path) -> None:
    page = read(exported(tmp_path, True))
    variants = [
        json.loads(body) for attrs, body in page.scripts if attrs.get("class") == "cs-variants"
    ]
    assert HOSTILE["EVIL_EXPLANATION"] in set(strings(variants))


def strings(value: object) -> Iterator[str]:
    """Yield every string inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def test_a_formula_keeps_no_javascript_link_or_style(pages: tuple[Page, Page, str]) -> None:
    hostile, _, _ = pages
    assert [value for _, value in hostile.attributes if "javascript" in (value or "")] == []
