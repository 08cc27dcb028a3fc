"""notebooks/explore.ipynb runs top to bottom, offline, on the venv's own interpreter (nbclient)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"


def test_notebook_is_committed_without_outputs():
    """Outputs are not committed: the file stays small, reviewable and the same on every run."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.outputs == [] and c.execution_count is None for c in code)


@pytest.fixture
def kernel(tmp_path, monkeypatch) -> str:
    """A kernelspec for this interpreter (the venv's), so CI never needs a registered kernel."""
    spec = tmp_path / "kernels" / "lls-graph-test"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "lls-graph", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    return "lls-graph-test"


def _outputs(cell) -> tuple[str, set[str]]:
    """The text of a cell's outputs and the MIME types it produced."""
    text, kinds = [], set()
    for out in cell.outputs:
        if out.output_type == "stream":
            text.append(out.text)
        for mime, value in out.get("data", {}).items():
            kinds.add(mime)
            if mime.startswith("text/"):
                text.append(value)
    return "\n".join(text), kinds


def test_notebook_runs_offline(kernel):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    resources = {"metadata": {"path": str(NOTEBOOK.parent)}}
    NotebookClient(nb, kernel_name=kernel, timeout=300, resources=resources).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    out = {c.id: _outputs(c) for c in code}

    text, kinds = out["catalogue"]
    assert "text/html" in kinds and "cq-01-mind-members" in text and "report-hub-network" in text
    assert "Fondazione Human Technopole" in out["report"][0]
    text, kinds = out["regions"]
    assert "image/png" in kinds and "Lombardy" in text and "71.1" in text
    text, kinds = out["network"]
    assert "<iframe srcdoc=" in text and "lls-data" in text and "nodes, " in text
    assert "betweenness" in out["centrality"][0] and "Assolombarda" in out["centrality"][0]
    text, _ = out["path"]
    assert text.count("Fondazione Human Technopole") == 3 and "Lombardy Region" in text
    text, _ = out["match"]
    assert "Cluster lombardo scienze della vita" in text and "score" in text
