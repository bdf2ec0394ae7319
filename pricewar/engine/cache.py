"""What a notebook's last execution depended on, so an unchanged notebook is not executed again.

A notebook's key is its own source, the shared package code, requirements.txt, the parameters it ran with, and
the content of every file (and folder listing) it actually read, as logged by the data loader during execution.
Only standard-library imports here: a no-op rebuild must stay fast.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

_hashes: dict = {}


def file_hash(path: Path) -> str:
    """Content hash, computed once per build for a file that has not changed since."""
    stat = os.stat(path)
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _hashes:
        _hashes[key] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return _hashes[key]


def tree_hash(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path).encode() + b"\0" + file_hash(path).encode() + b"\0")
    return digest.hexdigest()


def dir_listing_hash(folder: Path) -> str:
    names = sorted(p.name for p in Path(folder).iterdir()) if Path(folder).is_dir() else []
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
            if not Path(path).exists() or file_hash(Path(path)) != old:
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
            self.data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.data = {}
        self.data.setdefault("notebooks", {})

    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(self.path)
