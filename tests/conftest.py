"""Shared fixtures. Builds go to temporary folders: tests never write into the project tree."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_build(*args, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=900)


def manifest(out: Path, name: str) -> dict:
    """The build's cache entry for one notebook: what it read, its key, its files."""
    return json.loads((out / ".build-cache" / "entries" / name / "manifest.json").read_text(encoding="utf-8"))


def record(out: Path, name: str) -> dict:
    """The chapter record a notebook committed in the build's cache."""
    return json.loads((out / ".build-cache" / "entries" / name / "record.json").read_text(encoding="utf-8"))


HISTORY = {"changes.html"}  # says what changed since the previous report: differs between histories by design


def site_files(folder: Path, history: bool = True) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and (history or p.name not in HISTORY)}


@pytest.fixture(scope="session")
def data_copy(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("data") / "data"
    shutil.copytree(ROOT / "data", target)
    return target


@pytest.fixture(scope="session")
def full_build(tmp_path_factory, data_copy) -> Path:
    """The whole report, built once from a copy of the data into a temporary folder."""
    out = tmp_path_factory.mktemp("build")
    result = run_build("--out", out, "--data", data_copy, "--jobs", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    return out
