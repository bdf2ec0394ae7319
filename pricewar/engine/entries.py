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
from pathlib import Path

from . import cache
from .interrupts import Interrupted, critical, on_signal  # noqa: F401 (used here, and by callers as entries.*)

MANIFEST = "manifest.json"
NOTEBOOK = "executed.ipynb"
RECORD = "record.json"

_manifests: dict[Path, dict | None] = {}  # checked once per build; commit and forget drop the entry's


def token() -> str:
    return os.urandom(4).hex()


def entries_dir(cache_dir: Path) -> Path:
    return Path(cache_dir) / "entries"


def work_root(cache_dir: Path) -> Path:
    return Path(cache_dir) / "work"


def new_work_dir(cache_dir: Path, name: str) -> Path:
    """A private folder for one execution; a build killed mid-run leaves it for `sweep` to remove."""
    work = work_root(cache_dir) / f"{name}.{os.getpid()}.{token()}"
    (work / "figures").mkdir(parents=True)
    (work / "chapters").mkdir()
    return work


def discard_work(cache_dir: Path) -> None:
    """Remove this build's own work folders (after an interrupt or a failure)."""
    import shutil
    root = work_root(cache_dir)
    if root.is_dir():
        for work in root.glob(f"*.{os.getpid()}.*"):
            shutil.rmtree(work, ignore_errors=True)


def drop_work_root(cache_dir: Path) -> None:
    """Remove the work folder once it is empty (every execution committed or discarded), so that the next build's
    sweep finds nothing to do."""
    try:
        os.rmdir(work_root(cache_dir))
    except OSError:  # missing, or holding what a killed build left: sweep's to remove
        pass


def sweep(cache_dir: Path) -> None:
    """Remove what killed builds left behind (called under the cache's lock, so no build is using them)."""
    drop_work_root(cache_dir)
    root = work_root(cache_dir)
    folder = entries_dir(cache_dir)
    stale = [folder / n for n in (os.listdir(folder) if folder.is_dir() else []) if n.startswith(".")]
    if root.exists() or stale:
        import shutil

        shutil.rmtree(root, ignore_errors=True)
        for path in stale:
            shutil.rmtree(path, ignore_errors=True)
        _manifests.clear()


def commit(cache_dir: Path, name: str, work: Path, key: dict, reads: dict, seconds: float) -> None:
    """Make the work folder the entry for `name`: hash every file, write the manifest last, rename into place."""
    import shutil
    files = {}
    for path in sorted(work.rglob("*")):
        if path.is_file():
            files[path.relative_to(work).as_posix()] = cache.file_hash(path, final=True)
    manifest = {"key": key, "reads": reads, "seconds": round(seconds, 2), "files": files}
    tmp = work / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, work / MANIFEST)
    target = entries_dir(cache_dir) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    old = target.parent / f".{name}.old.{token()}"
    _manifests.pop(target, None)
    with critical():  # a SIGKILL between the renames leaves no entry: that notebook simply runs again
        if target.exists():
            target.rename(old)
        work.rename(target)
    cache.moved(work, target)
    shutil.rmtree(old, ignore_errors=True)


def manifest(cache_dir: Path, name: str) -> dict | None:
    """The entry's manifest if the entry is whole (every listed file present with its hash), else None.

    A file whose content has the hash recorded when the build wrote it is what the build wrote: it needs no
    further check (cache.file_hash reads it only if it was written since).
    """
    folder = entries_dir(cache_dir) / name
    if folder in _manifests:
        return _manifests[folder]
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = data["files"]
        if NOTEBOOK not in files or not isinstance(data["key"], dict) or not isinstance(data["reads"], dict):
            data = None
        else:
            for rel, digest in files.items():
                if cache.file_hash(folder / rel) != digest:
                    data = None
                    break
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        data = None
    _manifests[folder] = data
    return data


def folder(cache_dir: Path, name: str) -> Path:
    return entries_dir(cache_dir) / name


def figure_files(cache_dir: Path, name: str) -> dict[str, Path]:
    figures = folder(cache_dir, name) / "figures"
    return {p.name: p for p in sorted(figures.iterdir())} if figures.is_dir() else {}


def record(cache_dir: Path, name: str) -> dict | None:
    path = folder(cache_dir, name) / RECORD
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def forget(cache_dir: Path, name: str) -> None:
    import shutil
    _manifests.pop(folder(cache_dir, name), None)
    shutil.rmtree(folder(cache_dir, name), ignore_errors=True)
