"""A small web font for the pages' Chinese text, so it renders as glyphs on any machine, offline.

Only the characters the pages use are kept (a few hundred out of tens of thousands), cut from the same OFL font
the charts use; the stylesheet tries the reader's own CJK fonts first and falls back to this file.
"""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from ..fonts import FORMAT, cache_dir, cjk_characters, cut, variable_font

__all__ = ["cjk_characters", "subset"]


def subset(characters: str, target: Path) -> None:
    """Write the WOFF subset for these characters to target; kept per character set in the font cache folder."""
    source = variable_font()
    key = hashlib.sha256(f"{FORMAT}|{source.stat().st_size}|{characters}".encode()).hexdigest()[:20]
    kept = cache_dir() / "subsets" / f"{key}.woff"
    if not kept.exists():
        cut(source, 400, characters, kept, flavor="woff")  # zlib: no extra compression library needed
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(kept, target)
