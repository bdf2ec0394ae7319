"""The no-op receipt: a build that found nothing to do lets the next one say so again in a few milliseconds.

Deciding "up to date" takes the whole engine (hashes, manifests, the publish key); a build that did so writes
<cache>/uptodate.json: its settings, the lines it printed, and the stamp (size, modification and change times,
inode) of every file, and the names in every folder, that the decision read, or a superset of them. The next build
under the same lock repeats those lines, and does nothing else, only if its settings and every stamp and name are
still the same; otherwise it takes the full path, which deletes the receipt before it changes anything. As with
remembered hashes (cache.py), a receipt is written only if every file it stamps was last written more than
SETTLED_NS ago, so two writes within one tick of the file system's clock cannot hide a change.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

from .messages import say, up_to_date

RECEIPT = "uptodate.json"
PACKAGE = Path(__file__).resolve().parents[1]  # the code that would run: another checkout is another build


class _Unstampable(Exception):
    """A symbolic link: where it leads is not a stamp of this tree, so no receipt is written or trusted."""


def settings(args) -> dict:
    return {"args": {k: str(v) for k, v in sorted(vars(args).items())}, "package": str(PACKAGE)}


def _walk(folder: str, stamps: dict) -> None:
    with os.scandir(folder) as it:
        found = list(it)
    stamps[folder] = sorted(e.name for e in found)
    for entry in found:
        if entry.is_symlink():
            raise _Unstampable(entry.path)
        if entry.is_dir():
            if entry.name != "__pycache__":  # compiled code: no input of the build
                _walk(entry.path, stamps)
        else:
            st = entry.stat()
            stamps[entry.path] = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def snapshot(trees: list[str], files: list[str], folders: list[str]) -> dict | None:
    """{path: stamp} of every file under `trees` and of `files`, {folder: names} for those folders and `folders`
    (None where missing); None if a tree holds a symbolic link."""
    stamps: dict = {}
    try:
        for path in folders:
            try:
                stamps[path] = sorted(os.listdir(path))
            except OSError:
                stamps[path] = None
        for root in trees:
            try:
                _walk(root, stamps)
            except (FileNotFoundError, NotADirectoryError):
                stamps[root] = None
        for path in files:
            try:
                st = os.stat(path)
            except OSError:
                stamps[path] = None
            else:
                stamps[path] = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
    except _Unstampable:
        return None
    return stamps


def replay(args, cache_dir: Path, started: float) -> bool:
    """If the receipt still holds, print what the build that wrote it printed, and return True."""
    try:
        receipt = json.loads((Path(cache_dir) / RECEIPT).read_text(encoding="utf-8"))
        lines = receipt["lines"]
        if (receipt["settings"] != settings(args) or not isinstance(lines, list)
                or not all(isinstance(line, str) for line in lines)
                or snapshot(receipt["trees"], receipt["files"], receipt["folders"]) != receipt["stamps"]):
            return False
    except (OSError, ValueError, KeyError, TypeError):
        return False
    for line in lines:
        say(line)
    up_to_date(args.out, started)
    return True


def forget(cache_dir: Path) -> None:
    """Called by a build that takes the full path, before it changes anything."""
    (Path(cache_dir) / RECEIPT).unlink(missing_ok=True)


def write(args, cache_dir: Path, lines: list[str], trees: list, files: list, folders: list) -> None:
    """Note what an up-to-date build printed and what its decision read (skipped if a file is too recent)."""
    from .cache import SETTLED_NS

    trees, files, folders = [str(p) for p in trees], [str(p) for p in files], [str(p) for p in folders]
    try:
        stamps = snapshot(trees, files, folders)
    except OSError:  # a folder it may not read, say: only a speed-up, so the build goes on without one
        return
    settled = time.time_ns() - SETTLED_NS
    if stamps is None or any(isinstance(s[0], int) and max(s[1], s[2]) > settled for s in stamps.values() if s):
        return
    receipt = {"settings": settings(args), "lines": lines, "trees": trees, "files": files, "folders": folders,
               "stamps": stamps}
    path = Path(cache_dir) / RECEIPT
    tmp = path.with_name(f".{RECEIPT}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(receipt, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # only a speed-up: the next build decides in full
