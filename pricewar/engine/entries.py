"""Cache entries: one executed notebook, its figures and its chapter record, committed as one unit.

A notebook runs in a private work folder. When it succeeds, its executed notebook is written there too, then a
manifest with the hash of every file, and the folder is renamed into `entries/<name>` in one step. An entry is
trusted only if its manifest parses and every file it lists is present with that hash, so a build killed at any
moment, a half-deleted cache or garbage in a cached file means "run that notebook again", never a traceback.
Standard-library imports only: a no-op rebuild reads these manifests.
"""
from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

from . import cache

MANIFEST = "manifest.json"
NOTEBOOK = "executed.ipynb"
RECORD = "record.json"


def entries_dir(cache_dir: Path) -> Path:
    return Path(cache_dir) / "entries"


def new_work_dir(cache_dir: Path, name: str) -> Path:
    """A private folder for one execution; a build killed mid-run leaves it for `sweep` to remove."""
    work = Path(cache_dir) / "work" / f"{name}.{os.getpid()}.{uuid.uuid4().hex[:8]}"
    (work / "figures").mkdir(parents=True)
    (work / "chapters").mkdir()
    return work


def sweep(cache_dir: Path) -> None:
    """Remove what killed builds left behind (called under the build lock, so no build is using them)."""
    shutil.rmtree(Path(cache_dir) / "work", ignore_errors=True)
    folder = entries_dir(cache_dir)
    if folder.is_dir():
        for stale in folder.glob(".*"):
            shutil.rmtree(stale, ignore_errors=True)


def commit(cache_dir: Path, name: str, work: Path, key: dict, reads: dict, seconds: float) -> None:
    """Make the work folder the entry for `name`: hash every file, write the manifest last, rename into place."""
    files = {}
    for path in sorted(work.rglob("*")):
        if path.is_file():
            files[path.relative_to(work).as_posix()] = cache.file_hash(path)
    manifest = {"key": key, "reads": reads, "seconds": round(seconds, 2), "files": files}
    tmp = work / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, work / MANIFEST)
    target = entries_dir(cache_dir) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    old = target.parent / f".{name}.old.{uuid.uuid4().hex[:8]}"
    if target.exists():
        target.rename(old)
    work.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def manifest(cache_dir: Path, name: str) -> dict | None:
    """The entry's manifest if the entry is whole (every listed file present with its hash), else None."""
    folder = entries_dir(cache_dir) / name
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = data["files"]
        for rel, digest in files.items():
            if cache.file_hash(folder / rel) != digest:
                return None
        if NOTEBOOK not in files:
            return None
        json.loads((folder / NOTEBOOK).read_text(encoding="utf-8"))
        if RECORD in files:
            json.loads((folder / RECORD).read_text(encoding="utf-8"))
        return data
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def folder(cache_dir: Path, name: str) -> Path:
    return entries_dir(cache_dir) / name


def figure_files(cache_dir: Path, name: str) -> dict[str, Path]:
    figures = folder(cache_dir, name) / "figures"
    return {p.name: p for p in sorted(figures.iterdir())} if figures.is_dir() else {}


def record(cache_dir: Path, name: str) -> dict | None:
    path = folder(cache_dir, name) / RECORD
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def forget(cache_dir: Path, name: str) -> None:
    shutil.rmtree(folder(cache_dir, name), ignore_errors=True)
