"""The build's store below the notebook level: the drawings of a chart that has not changed, and the results of
pure computations whose inputs have not (memo.py).

Drawing a chart (SVG, slide PNG, phone rendition) is most of a chapter's run time. When a notebook runs again (a
new price row re-runs every chapter) most of its charts come out exactly as before. `style.save` looks the figure
up by its fingerprint, taken before anything draws it (figprint.py), and an unchanged figure gets all three files
of the earlier build without drawing. A new figure, or one that cannot be fingerprinted, is drawn, SVG first; the SVG, the
chart's data and the PNG metadata identify that drawing, and when an earlier build drew the same one, its PNG and
phone rendition are copied instead of drawn again.

Only the build sets PRICEWAR_RENDER_CACHE: a notebook run in Jupyter reads and writes no cache. Entries are
content-addressed folders, written under a temporary name and renamed into place (parallel kernels may race to
write the same one: either copy will do), and every file is checked against the hash recorded with it before use, so a
killed build or a damaged file costs a redraw, never a wrong picture.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from pathlib import Path

INFO = "info.json"
KEEP = 240  # entries kept after a build (several builds' worth of charts and memoised results); least recent go first


def root() -> Path | None:
    value = os.environ.get("PRICEWAR_RENDER_CACHE")
    return Path(value) if value else None


def key(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()[:32]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _load(name: str, entries) -> tuple[dict, dict] | None:
    """({entry: bytes}, recorded info) of entry `name`, every file checked against its recorded hash; else None."""
    base = root()
    if base is None:
        return None
    folder = base / name
    try:
        info = json.loads((folder / INFO).read_text(encoding="utf-8"))
        blobs = {}
        for entry in entries:
            data = (folder / entry).read_bytes()
            if _sha(data) != info["files"][entry]:
                return None
            blobs[entry] = data
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        os.utime(folder)  # recently used: kept by prune()
    except OSError:
        pass
    return blobs, info.get("info", {})


def fetch(name: str, targets: dict[str, Path]) -> dict | None:
    """Copy the cached files of entry `name` to `targets` ({file name in the entry: destination}) and return its
    recorded info; None (and nothing written) when there is no such entry or any file fails its check."""
    found = _load(name, targets)
    if found is None:
        return None
    blobs, info = found
    for entry, target in targets.items():
        target.write_bytes(blobs[entry])
    return info


def fetch_bytes(name: str, entry: str) -> bytes | None:
    """The content of one file of entry `name` (checked), or None."""
    found = _load(name, [entry])
    return None if found is None else found[0][entry]


def store(name: str, files: dict[str, Path], info: dict) -> None:
    """Keep copies of `files` ({file name in the entry: the file written}) and `info` as entry `name`."""
    if root() is None:
        return
    try:
        blobs = {entry: Path(source).read_bytes() for entry, source in files.items()}
    except OSError:
        return
    store_bytes(name, blobs, info)


def store_bytes(name: str, blobs: dict[str, bytes], info: dict) -> None:
    """Keep `blobs` ({file name in the entry: content}) and `info` as entry `name`."""
    base = root()
    if base is None:
        return
    tmp = base / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        tmp.mkdir(parents=True)
        for entry, data in blobs.items():
            (tmp / entry).write_bytes(data)
        hashes = {entry: _sha(data) for entry, data in blobs.items()}
        (tmp / INFO).write_text(json.dumps({"files": hashes, "info": info}, sort_keys=True), encoding="utf-8")
        target = base / name
        if target.exists():  # damaged (fetch refused it) or written meanwhile by a parallel kernel
            shutil.rmtree(target, ignore_errors=True)
        os.rename(tmp, target)
    except OSError:
        pass  # a cache that cannot be written only means the next build computes again
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def prune(folder: Path, keep: int = KEEP) -> None:
    """Remove what killed builds left (temporary folders) and all but the `keep` most recently used entries.
    Called by the build under its lock, while no kernel runs."""
    folder = Path(folder)
    if not folder.is_dir():
        return
    found = []
    for path in folder.iterdir():
        if path.name.startswith("."):
            shutil.rmtree(path, ignore_errors=True)
        elif path.is_dir():
            found.append((path.stat().st_mtime, path.name, path))
    for _, _, path in sorted(found, reverse=True)[keep:]:
        shutil.rmtree(path, ignore_errors=True)
