"""What a notebook's last execution depended on, so an unchanged notebook is not executed again.

A notebook's key is its own source, the shared package code, requirements.txt, the parameters it ran with, and
the content of every file (and folder listing) it actually read, as logged by the data loader during execution.
Only standard-library imports here: a no-op rebuild must stay fast.

Content hashes are remembered between builds (`<cache>/hashes.json`) against each file's size, modification and
change times and inode, so a no-op rebuild reads no large file. Any write to a file changes its change time (which
no program can set back), so a remembered hash is used only for a file that has not been written since. A hash
is remembered only if the file was last written more than SETTLED_NS before it was read (longer than the
coarsest file-system clock tick, FAT's two seconds): a file written twice within one tick, with the same size,
cannot be mistaken for its first version. The one exception is a cache entry's files, hashed as the build commits
them and never written by it again (see file_hash's `final`).
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

MEMO = "hashes.json"
SETTLED_NS = 3_000_000_000

_hashes: dict[str, list] = {}  # path -> [size, mtime_ns, ctime_ns, inode, sha256]
_young: set[str] = set()       # hashed too soon after a write to be trusted by a later build
_memo = {"path": None, "dirty": False}


def _stamp(stat: os.stat_result) -> list:
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


def file_hash(path: Path, final: bool = False) -> str:
    """Content hash; read from the file only if it was written since its hash was last taken.

    `final`: the build wrote the file in its private work folder and will not write it again (a cache entry being
    committed). Its hash is then kept even though the file is young, where the file system's clock has sub-second
    ticks: any later write, a tick or more after the build's last, changes the change time.
    """
    key = os.fspath(path)
    stat = os.stat(key)
    stamp = _stamp(stat)
    known = _hashes.get(key)
    if known is not None and known[:4] == stamp:
        return known[4]
    with open(key, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    _hashes[key] = stamp + [digest]
    fine_clock = stat.st_mtime_ns % 1_000_000_000 or stat.st_ctime_ns % 1_000_000_000
    if time.time_ns() - max(stat.st_mtime_ns, stat.st_ctime_ns) > SETTLED_NS or (final and fine_clock):
        _young.discard(key)
        _memo["dirty"] = True
    else:
        _young.add(key)
    return digest


def moved(old: Path, new: Path) -> None:
    """The files below `old` were renamed to below `new` (a folder renamed in one step): their hashes follow."""
    prefix, target = os.fspath(old) + os.sep, os.fspath(new) + os.sep
    for key in [k for k in _hashes if k.startswith(prefix)]:
        moved_key = target + key[len(prefix):]
        _hashes[moved_key] = _hashes.pop(key)
        if key in _young:
            _young.discard(key)
            _young.add(moved_key)
        _memo["dirty"] = True


def load_memo(cache_dir: Path) -> None:
    """Remembered hashes of the build that used this cache last (none if the file is missing or damaged)."""
    path = Path(cache_dir) / MEMO
    _memo.update(path=path, dirty=False)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, list) and len(value) == 5 and key not in _hashes:
                _hashes[key] = value


def save_memo() -> None:
    """Keep the hashes of settled files for the next build (written then renamed, so never half-written)."""
    path = _memo["path"]
    if path is None or not _memo["dirty"]:
        return
    keep = {k: v for k, v in _hashes.items() if k not in _young and os.path.exists(k)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{MEMO}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(keep, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)
        _memo["dirty"] = False
    except OSError:
        pass  # only a speed-up: the next build hashes again


def tree_hash(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path).encode() + b"\0" + file_hash(path).encode() + b"\0")
    return digest.hexdigest()


def dir_listing_hash(folder: Path) -> str:
    try:
        names = sorted(os.listdir(folder))
    except (FileNotFoundError, NotADirectoryError):
        names = []
    return hashlib.sha256("\n".join(names).encode()).hexdigest()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def parse_read_log(log: Path) -> dict[str, str]:
    """{'F <path>' or 'D <path>': hash} for what the notebook read."""
    reads: dict[str, str] = {}
    if not log.exists():
        return reads
    for line in log.read_text(encoding="utf-8").splitlines():
        kind, _, path = line.partition(" ")
        if not path or line in reads:
            continue
        if kind == "F" and Path(path).exists():
            reads[line] = file_hash(Path(path))
        elif kind == "D":
            reads[line] = dir_listing_hash(Path(path))
    return reads


def reads_unchanged(reads: dict[str, str]) -> bool:
    for entry, old in reads.items():
        kind, _, path = entry.partition(" ")
        if kind == "F":
            try:
                if file_hash(path) != old:
                    return False
            except OSError:
                return False
        elif dir_listing_hash(Path(path)) != old:
            return False
    return True


class State:
    """The cache's memory, in <cache>/state.json."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.path = self.folder / "state.json"
        try:
            text = self.path.read_text(encoding="utf-8")
            self.data, self._saved = json.loads(text), json.loads(text)  # the second copy says what is on disk
            if not isinstance(self.data, dict):
                raise ValueError("not an object")
        except (OSError, ValueError):
            self.data, self._saved = {}, None
        self.data.setdefault("notebooks", {})

    def save(self) -> None:
        """Write the state if it changed (written then renamed: a killed build leaves the old or the new one)."""
        if self.data == self._saved:
            return
        text = json.dumps(self.data, indent=1, sort_keys=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".state.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(self.path)
        self._saved = json.loads(text)
