"""``convscope export``: lessons as a static site that works from ``file://`` and any host.

Each lesson becomes ``<slug>.html`` beside an ``index.html``; the page-wide styles go to
``assets/css/``, each widget's own styles to ``assets/`` under the address the server serves
them at below ``/static/`` (``assets/widgets/params/params.css``), pictures to
``assets/media/``. Nothing is fetched at run time: the widget modules travel inside the page
as ``data:`` URLs (Chromium refuses module files from ``file://``), and every state a widget
may show is computed now, by the same builders the server uses, and written into its
placeholder (see :mod:`.variants`). The page's host shim finds them there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .. import __version__
from ..lessons import Lesson, PlacedWidget
from ..lessons.directives import state_script
from ..lessons.script_json import script_json
from ..lessons.sources import LessonLibrary
from ..lessons.summary import lesson_summary
from ..page_policy import meta_policy
from ..widgets.assets import asset_file
from ..widgets.bundle import STATIC, bundle_file, bundle_module, data_url
from ..widgets.media import MediaFolder
from ..widgets.registry import WIDGETS, Widget
from .files import prepare_folder, refuse_links, write_atomic
from .precomputed import engine_fields, pack, state_table

PALETTE = Path(__file__).resolve().parents[1] / "data" / "palette.css"
STYLESHEETS = [PALETTE, *sorted((STATIC / "css").glob("*.css"))]
WIDGET_STYLESHEETS = sorted({w.stylesheet for w in WIDGETS.values() if w.stylesheet is not None})
"""The addresses of the widgets' own styles, copied to ``assets/`` under the same address."""
OFFLINE_NOTE = (
    '<p class="cs-caption cs-offline-note">Exported page: the menus, buttons, presets and cells '
    "below were worked out ahead of time, one change from the example at a time; a number you "
    "type needs convscope's engine (<code>convscope serve</code>).</p>\n"
)
"""Put before each widget with typed fields: the page cannot answer a number it has not seen."""
_LESSON_LINK = re.compile(r'href="/lessons/(?P<slug>[A-Za-z0-9_.-]+)"')
# The pages extend shell.html, the page shell `convscope serve` shares (convscope/templates/).
SHELL = Path(__file__).resolve().parents[1] / "templates"
_TEMPLATES = Environment(
    loader=FileSystemLoader([Path(__file__).parent / "templates", SHELL]),
    autoescape=select_autoescape(["html"]),
)


@dataclass
class ExportSummary:
    """What an export wrote: the folder, the pages, and how many states and pictures."""

    out: Path
    pages: list[str] = field(default_factory=list)
    states: int = 0
    pictures: int = 0
    mistakes: list[str] = field(default_factory=list)


def export_site(source: Path | None, out: Path, *, force: bool = False) -> ExportSummary:
    """Write the lessons in ``source`` (``None``: the shipped ones) as a static site in ``out``.

    Raises
    ------
    ValueError
        When ``source`` holds no lesson, or ``out`` is not empty and ``force`` is off, or
        (:class:`~.files.LinkInOutput`) a path the export writes is a symbolic link.
    """
    library = LessonLibrary.builtin() if source is None else LessonLibrary.at(source)
    root = prepare_folder(out, force=force)
    summary = ExportSummary(root)
    media = MediaFolder(lambda name, data: write_atomic(root, name, data))
    pages = ["index.html", *(f"{slug}.html" for slug in library.slugs())]
    sheet_files = [f"assets/css/{sheet.name}" for sheet in STYLESHEETS]
    sheet_files += [f"assets/{address}" for address in WIDGET_STYLESHEETS]
    refuse_links(root, [*pages, *sheet_files, media.prefix])
    sheets = _copy_stylesheets(root)
    lessons = [library.render(slug) for slug in library.slugs()]
    for at, lesson in enumerate(lessons):
        neighbours = (
            lessons[at - 1] if at else None,
            lessons[at + 1] if at + 1 < len(lessons) else None,
        )
        page = _lesson_page(lesson, neighbours, sheets, media, summary)
        write_atomic(root, f"{lesson.slug}.html", page)
        summary.pages.append(f"{lesson.slug}.html")
        summary.mistakes.extend(lesson.errors)
    index = _TEMPLATES.get_template("index.html").render(
        entries=[(lesson, lesson_summary(lesson)) for lesson in lessons],
        stylesheets=sheets,
        page_policy=meta_policy(),
        version=__version__,
    )
    write_atomic(root, "index.html", index)
    summary.pages.insert(0, "index.html")
    summary.pictures = sum(1 for name in media.saved.values() if name)
    return summary


def _copy_stylesheets(root: Path) -> list[str]:
    for sheet in STYLESHEETS:
        write_atomic(root, f"assets/css/{sheet.name}", sheet.read_bytes())
    for address in WIDGET_STYLESHEETS:
        write_atomic(root, f"assets/{address}", asset_file(address).read_bytes())
    return [sheet.name for sheet in STYLESHEETS]


def _lesson_page(
    lesson: Lesson,
    neighbours: tuple[Lesson | None, Lesson | None],
    sheets: list[str],
    media: MediaFolder,
    summary: ExportSummary,
) -> str:
    modules: dict[str, str] = {}

    def precompute(placed: PlacedWidget) -> str:
        widget = WIDGETS[placed.name]
        state = placed.state
        table = {
            key: media.localize(widget, _as_exported(widget, value))
            for key, value in state_table(widget, state).items()
        }
        summary.states += sum(1 for value in table.values() if "refused" not in value)
        modules[widget.module] = data_url(bundle_module(widget.module))
        packed = script_json(pack(table))
        return (
            state_script(next(iter(table.values())))
            + f'<script type="application/json" class="cs-variants">{packed}</script>'
        )

    body = _marked(lesson, lesson.html_with(precompute))
    body = _LESSON_LINK.sub(lambda link: f'href="{link["slug"]}.html"', body)
    # The one inline script, allowed by its hash in the page's policy.
    boot = f'import "{data_url(bundle_file(STATIC / "js" / "host.js"))}";'
    return _TEMPLATES.get_template("lesson.html").render(
        lesson=lesson,
        body=body,
        previous=neighbours[0],
        next=neighbours[1],
        stylesheets=sheets,
        modules_json=script_json(modules),
        boot_script=boot,
        page_policy=meta_policy([boot]),
        version=__version__,
    )


def _marked(lesson: Lesson, body: str) -> str:
    """Return ``body`` with a note before each widget that has fields only the engine answers.

    The page knows the states of each pick one step from the example (and each preset); what a
    learner types is new to it, so the note says so before anything is typed.
    """
    for placed in lesson.placed:
        if not engine_fields(WIDGETS[placed.name]):
            continue
        start = f'<div class="cs-widget" id="{placed.element_id}"'
        body = body.replace(start, OFFLINE_NOTE + start, 1)
    return body


def _as_exported(widget: Widget, state: dict[str, Any]) -> dict[str, Any]:
    # A timing says it was measured at export; a refusal is the server's words, kept as is.
    if widget.exported is None or "refused" in state:
        return state
    return widget.exported(state)
