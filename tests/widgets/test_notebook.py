"""``examples/widgets.ipynb`` runs headless, and each widget in it holds the engine's numbers."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("anywidget")

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "widgets.ipynb"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


@pytest.fixture(scope="module")
def executed() -> Any:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        store_widget_state=True,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.kernel_manager_class = _kernel_here()
    client.execute()
    return notebook


def _kernel_here() -> Any:
    # The kernel runs this very interpreter, so it imports the convscope under test.
    from jupyter_client.manager import KernelManager

    class HereKernelManager(KernelManager):  # type: ignore[misc]
        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            command: list[str] = super().format_kernel_cmd(extra_arguments)
            return [sys.executable, *command[1:]]

    return HereKernelManager


def printed(notebook: Any) -> list[str]:
    return [
        output["text"].strip()
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("name") == "stdout"
    ]


def widget_states(notebook: Any) -> dict[str, dict[str, Any]]:
    models = notebook.metadata["widgets"][WIDGET_STATE]["state"]
    return {
        model["state"]["_anywidget_id"]: model["state"]
        for model in models.values()
        if "_anywidget_id" in model["state"]
    }


def test_notebook_runs_without_errors_and_prints_the_chapters_numbers(executed: Any) -> None:
    errors = [
        output
        for cell in executed.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert errors == []
    lines = printed(executed)
    assert lines[0] == "[[160, 160, 160], [240, 240, 240], [320, 320, 320]]"
    assert lines[1] == "[[160, 160], [320, 320]]"  # after calc.stride = 2
    assert lines[2] == "False 10"  # the quick check's right answer, from the engine


def test_every_widget_is_displayed_with_its_state_in_the_notebook(executed: Any) -> None:
    states = widget_states(executed)
    names = {key.rsplit(".", 1)[1] for key in states}
    assert {"Calculator", "Gallery", "Channels", "CodeTrace", "Quiz", "QuickCheck"} <= names
    calculator = states["convscope.widgets.Calculator"]["state"]
    assert calculator["inputs"]["stride"] == 2
    assert calculator["trace"]["output"] == [["160", "160"], ["320", "320"]]
    channels = states["convscope.widgets.Channels"]["state"]
    assert channels["outputs"] == [[["60"]]]  # 5 + 13 + 42, the one output number
    gallery = states["convscope.widgets.Gallery"]["state"]
    assert gallery["large"]["filtered"].startswith("data:image/jpeg;base64,")
    trace = states["convscope.widgets.CodeTrace"]["state"]
    assert trace["inputs"]["line"] == 30
