"""Where things live. Notebooks run from notebooks/, build.py from the root: both resolve the same folders.

The build overrides each folder through an environment variable, so tests can build into temporary folders.
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


def figures_dir() -> Path:
    return _env_path("PRICEWAR_FIGURES_DIR", REPO_ROOT / "figures")


def chapter_dir() -> Path:
    """Where each notebook records its findings and verdicts (read by the scorecard and the index page)."""
    return _env_path("PRICEWAR_CHAPTER_DIR", REPO_ROOT / ".build-cache" / "chapters")


def read_log() -> Path | None:
    """File the build asks the data loader to append every file it reads to (None outside a build)."""
    value = os.environ.get("PRICEWAR_READ_LOG")
    return Path(value) if value else None
