"""Where things live. Notebooks run from notebooks/, build.py from the root: both resolve the same folders.

The build sets every output folder through an environment variable. A notebook run outside the build (JupyterLab,
nbconvert, papermill) has none set and writes into `.jupyter-output/`, which the build never reads: nothing done in
Jupyter can change what the build publishes.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).resolve() if value else default


def data_dir() -> Path:
    return _env_path("PRICEWAR_DATA_DIR", REPO_ROOT / "data")


INTERACTIVE_OUTPUT = REPO_ROOT / ".jupyter-output"


def notebooks_dir() -> Path:
    return _env_path("PRICEWAR_NOTEBOOKS_DIR", REPO_ROOT / "notebooks")


def figures_dir() -> Path:
    return _env_path("PRICEWAR_FIGURES_DIR", INTERACTIVE_OUTPUT / "figures")


def chapter_dir() -> Path:
    """Where a notebook writes its record (findings and verdicts)."""
    return _env_path("PRICEWAR_CHAPTER_DIR", INTERACTIVE_OUTPUT / "chapters")


def records_dir() -> Path:
    """Where the scorecard reads the chapters' records: the build's committed ones, or Jupyter's own."""
    return _env_path("PRICEWAR_RECORDS_DIR", chapter_dir())


def read_log() -> Path | None:
    """File the build asks the data loader to append every file it reads to (None outside a build)."""
    value = os.environ.get("PRICEWAR_READ_LOG")
    return Path(value) if value else None
