"""A notebook opened in Jupyter runs top to bottom from its own folder, with the same results as in the build."""
from __future__ import annotations

import os

import nbformat
from conftest import ROOT
from nbclient import NotebookClient


def test_notebook_runs_like_in_jupyter(full_build, tmp_path, monkeypatch):
    # As in Jupyter: working folder notebooks/, default data folder, no build parameters injected.
    for var in ("PRICEWAR_DATA_DIR", "PRICEWAR_READ_LOG"):
        monkeypatch.delenv(var, raising=False)
    env = dict(os.environ, PRICEWAR_FIGURES_DIR=str(tmp_path / "figures"),
               PRICEWAR_CHAPTER_DIR=str(tmp_path / "chapters"))
    nb = nbformat.read(ROOT / "notebooks" / "01_timeline.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute(env=env)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    made = sorted(p.name for p in (tmp_path / "figures").iterdir())
    assert made
    for name in made:
        assert (tmp_path / "figures" / name).read_bytes() == (full_build / "figures" / name).read_bytes(), name
