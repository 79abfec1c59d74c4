"""The tutorial notebooks in experiments/ execute top to bottom, warning-free, and are committed clean.

Each notebook runs in a fresh `python3` kernel (the venv's ipykernel) with experiments/ as its working directory,
as JupyterLab would run it. They are short by design (well under two minutes each at their default sizes).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "experiments").glob("*.ipynb"))
CELL_TIMEOUT_S = 300


def test_the_three_tutorials_exist():
    names = [p.name for p in NOTEBOOKS]
    assert names == ["01_quickstart.ipynb", "02_fence_vs_troops.ipynb", "03_inside_the_border.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: clear outputs before committing"
    assert nb.cells[0].cell_type == "markdown", "a notebook opens by saying what it shows"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes_without_errors_or_warnings(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nb = nbformat.read(path, as_version=4)
    # the kernel inherits this environment: the sweep notebook must run its own in-process sweep here
    monkeypatch.delenv("SWEEP_DIR", raising=False)
    client = NotebookClient(
        nb, timeout=CELL_TIMEOUT_S, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    warned = [
        (i, out.get("text", ""))
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "stream" and out.name == "stderr" and "Warning" in out.get("text", "")
    ]
    assert not warned, f"{path.name} printed warnings: {warned}"
    images = sum(
        1 for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs if "image/png" in out.get("data", {})
    )
    assert images > 0, f"{path.name} drew no figure"
