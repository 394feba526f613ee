"""``convscope export --force`` into a folder prepared with links writes nothing outside it.

Each case plants a symbolic link where the export writes (the ``assets`` folder, a folder
below it, a page, a stylesheet) pointing at a folder or file outside the output folder, runs
the command as a user would, and judges by side effect: the marker file outside is unchanged,
nothing new appeared beside it, and the command said which link it refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from convscope.cli import _register
from convscope.cli import app as cli_app
from convscope.export import files

pytestmark = pytest.mark.attack

MARKER = "written by the person who owns this folder\n"
LESSON = "# Links\n\nA short lesson.\n"


def export(lesson: Path, site: Path) -> tuple[int, str]:
    _register()
    result = CliRunner().invoke(cli_app, ["export", str(lesson), "--out", str(site), "--force"])
    return result.exit_code, " ".join(result.output.split())


@pytest.fixture
def places(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Return a teacher's lesson, an output folder already holding an export, and a folder
    outside it that holds one marker file."""
    lesson, site, outside = tmp_path / "links.md", tmp_path / "site", tmp_path / "outside"
    lesson.write_text(LESSON, encoding="utf-8")
    outside.mkdir()
    (outside / "links.html").write_text(MARKER, encoding="utf-8")
    assert export(lesson, site)[0] == 0
    return lesson, site, outside


def untouched(outside: Path) -> bool:
    return [p.name for p in outside.iterdir()] == ["links.html"] and (
        outside / "links.html"
    ).read_text(encoding="utf-8") == MARKER


@pytest.mark.parametrize(
    ("link", "target"),
    [
        ("assets", "."),
        ("assets/css", "."),
        ("assets/media", "."),
        ("links.html", "links.html"),
        ("index.html", "links.html"),
        ("assets/css/palette.css", "links.html"),
    ],
)
def test_force_refuses_a_link_in_the_output_and_writes_nothing_outside(
    places: tuple[Path, Path, Path], link: str, target: str
) -> None:
    lesson, site, outside = places
    planted = site / link
    if planted.is_dir():  # assets/media exists only when a lesson shows pictures
        for inner in sorted(planted.rglob("*"), reverse=True):
            inner.rmdir() if inner.is_dir() else inner.unlink()
        planted.rmdir()
    planted.unlink(missing_ok=True)
    planted.symlink_to((outside / target).resolve())
    code, words = export(lesson, site)
    assert untouched(outside)
    assert planted.is_symlink(), "the link is the user's: refused, not removed"
    assert code == 2
    assert f"holds a symbolic link at '{link}'" in words and "never through a link" in words


def test_a_link_that_appears_after_the_check_is_not_followed(
    places: tuple[Path, Path, Path],
) -> None:
    # refuse_links ran before this write; a link put in place since must still stop it
    _, site, outside = places
    for inner in sorted((site / "assets").rglob("*"), reverse=True):
        inner.rmdir() if inner.is_dir() else inner.unlink()
    (site / "assets").rmdir()
    (site / "assets").symlink_to(outside)
    with pytest.raises(files.LinkInOutput, match="at 'assets'"):
        files.write_atomic(site, "assets/css/late.css", "body {}")
    with pytest.raises(files.LinkInOutput, match="at 'assets'"):
        files.write_atomic(site, "assets/links.html", "<p>overwritten</p>")
    assert untouched(outside)


def test_force_still_writes_over_an_earlier_export_of_real_files(
    places: tuple[Path, Path, Path],
) -> None:
    lesson, site, outside = places
    (site / "links.html").write_text("stale", encoding="utf-8")
    assert export(lesson, site)[0] == 0
    assert "A short lesson." in (site / "links.html").read_text(encoding="utf-8")
    assert untouched(outside)
