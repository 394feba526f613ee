"""``convscope export``: the static site's files, its refusal of a non-empty folder, its states."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from convscope.cli import _register, app
from convscope.export import export_site, files
from convscope.export.files import write_atomic
from convscope.export.precomputed import canonical, field_values, state_table, unpack
from convscope.widgets.bundle import bundle_module
from convscope.widgets.registry import WIDGETS

STEP_LESSON = """# Mine

```{step} One cell
input = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
kernel = [[1, 0], [0, 1]]
position = [0, 0]
```

```{gallery} Photos
photo = "camera"
kernel = "sharpen"
```
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lessons = tmp_path_factory.mktemp("lessons")
    (lessons / "mine.md").write_text(STEP_LESSON, encoding="utf-8")
    out = tmp_path_factory.mktemp("out") / "site"
    export_site(lessons, out)
    return out


def states_in(page: str) -> list[dict[str, dict[str, object]]]:
    found = re.findall(r'<script type="application/json" class="cs-variants">(.*?)</script>', page)
    return [unpack(json.loads(text.replace("<\\/", "</"))) for text in found]


def test_site_has_index_page_styles_and_pictures(site: Path) -> None:
    names = {path.relative_to(site).as_posix() for path in site.rglob("*") if path.is_file()}
    assert {
        "index.html",
        "mine.html",
        "assets/css/palette.css",
        "assets/css/convscope.css",
    } <= names
    assert any(name.startswith("assets/media/") and name.endswith(".jpg") for name in names)
    assert not [name for name in names if name.endswith(".part")]


def test_pages_name_nothing_outside_their_folder(site: Path) -> None:
    for page in ("index.html", "mine.html"):
        text = (site / page).read_text(encoding="utf-8")
        absolute = re.findall(r'(?:src|href)="(/[^"]*|https?:[^"]*)"', text)
        assert absolute == [], page
        assert '"/api/' not in text and '"/static/' not in text


def test_every_cell_of_the_step_widget_is_precomputed_with_the_engines_sums(site: Path) -> None:
    step, _gallery = states_in((site / "mine.html").read_text(encoding="utf-8"))
    sums = {}
    for key, state in step.items():
        if "refused" not in state:
            position = json.loads(key)["position"]
            sums[tuple(position)] = state
    assert set(sums) == {(0, 0), (0, 1), (1, 0), (1, 1)}
    refused = [state["refused"] for state in step.values() if "refused" in state]
    assert refused and all(r["detail"] for r in refused)


def test_gallery_states_point_at_pictures_saved_in_the_folder(site: Path) -> None:
    _step, gallery = states_in((site / "mine.html").read_text(encoding="utf-8"))
    laplacian = gallery[canonical({"photo": "camera", "kernel": "laplacian"})]
    assert isinstance(laplacian, dict)
    large = laplacian["large"]
    assert isinstance(large, dict)
    assert (site / str(large["filtered"])).is_file()
    upload = laplacian["upload"]
    assert isinstance(upload, dict) and upload["url"] is None  # no server to upload to


def test_export_refuses_a_non_empty_folder_unless_forced(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    lesson = tmp_path / "l.md"
    lesson.write_text("# Tiny\n\nNo widgets.\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"not empty.*--force"):
        export_site(lesson, tmp_path)
    export_site(lesson, tmp_path, force=True)
    assert (tmp_path / "l.html").is_file()
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_cli_export_reports_a_non_empty_folder_with_exit_2(tmp_path: Path) -> None:
    _register()
    (tmp_path / "x").write_text("", encoding="utf-8")
    result = CliRunner().invoke(app, ["export", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "not empty" in result.output


def test_cli_export_writes_a_teachers_lesson_and_lists_its_mistakes(tmp_path: Path) -> None:
    _register()
    lesson = tmp_path / "broken.md"
    lesson.write_text("# B\n\n```{nope} x\na = 1\n```\n\nText.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["export", str(lesson), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "broken.md, line 3" in result.output
    assert "cs-directive-error" in (tmp_path / "out" / "broken.html").read_text(encoding="utf-8")


def test_an_interrupted_write_leaves_no_file_under_the_final_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*names: object, **folders: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path, "page.html", "half")
    assert list(tmp_path.iterdir()) == []


def test_write_atomic_replaces_and_is_readable_by_others(tmp_path: Path) -> None:
    write_atomic(tmp_path, "a/b.txt", "one")
    path = write_atomic(tmp_path, "a/b.txt", "two")
    assert path.read_text(encoding="utf-8") == "two"
    assert path.stat().st_mode & 0o044 == 0o044


def test_bundled_module_has_no_relative_imports_left() -> None:
    for widget in WIDGETS.values():
        text = bundle_module(widget.module)
        assert not re.search(r"""from\s*["']\.""", text), widget.name
        assert "export default" in text


def test_field_values_enumerate_literals_small_ranges_and_positions() -> None:
    calculator = WIDGETS["calculator"].inputs.model_fields
    assert field_values(calculator["stride"]) == [1, 2, 3, 4]
    assert field_values(calculator["padding_mode"]) == ["zeros", "reflect", "replicate", "circular"]
    assert field_values(calculator["input"]) == []
    positions = field_values(WIDGETS["step"].inputs.model_fields["position"])
    assert [0, 0] in positions and [11, 11] in positions


def test_state_table_holds_the_example_first_and_each_single_change() -> None:
    widget = WIDGETS["calculator"]
    example = {"input": [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "kernel": [[1, 1], [1, 1]]}
    state = widget.state(example)
    table = state_table(widget, state)
    assert next(iter(table.values())) is state
    stride_two = table[canonical({**state["inputs"], "stride": 2})]
    assert stride_two["trace"]["output"] == [["12"]]  # 1 + 2 + 4 + 5, the only window
    assert "refused" in table[canonical({**state["inputs"], "dilation": 3})]


def test_canonical_matches_javascripts_number_printing() -> None:
    assert canonical({"b": 1.0, "a": [0.5, -2.0]}) == '{"a":[0.5,-2],"b":1}'


JS_PRINTED = {  # what JavaScript's JSON.stringify writes for each double
    0.1: "0.1", 1e-7: "1e-7", 1.5e-7: "1.5e-7", 1e16: "10000000000000000", 1e21: "1e+21",
    1.2345e21: "1.2345e+21", 5e-324: "5e-324", 1e-6: "0.000001", 9.999e-7: "9.999e-7",
    -2.5: "-2.5", 100.0: "100", 123.456: "123.456", 1e20: "100000000000000000000",
    float("nan"): "null", float("inf"): "null", -0.0: "0",
}  # fmt: skip


def test_numbers_are_keyed_as_javascript_prints_them() -> None:
    from convscope.export.precomputed import js_number

    for value, printed in JS_PRINTED.items():
        assert js_number(value) == printed, value


def test_keys_equal_nodes_json_stringify_on_random_numbers() -> None:
    import json
    import random
    import shutil
    import subprocess

    from convscope.export.precomputed import js_number

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed; JS_PRINTED holds the same rules")
    generator = random.Random(7)
    values = [generator.uniform(-1e6, 1e6) for _ in range(200)]
    values += [10 ** generator.uniform(-12, 25) for _ in range(300)]
    script = "const v = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
    script += "console.log(JSON.stringify(v.map((x) => JSON.stringify(x))));"
    run = subprocess.run(
        [node, "-e", script], input=json.dumps(values), capture_output=True, text=True, check=True
    )
    assert [js_number(v) for v in values] == json.loads(run.stdout)
