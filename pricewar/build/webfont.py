"""A small web font for the pages' Chinese text, so it renders as glyphs on any machine, offline.

Only the characters the pages use are kept (a few hundred out of tens of thousands), from the same OFL font the
charts use; the stylesheet tries the reader's own CJK fonts first and falls back to this file.
"""
from __future__ import annotations

import re
from pathlib import Path

CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


def cjk_characters(texts) -> str:
    chars = set()
    for text in texts:
        chars.update(CJK.findall(text))
    return "".join(sorted(chars))


def subset(characters: str, target: Path) -> None:
    """Write the subset for these characters to target; kept per character set in the font cache folder."""
    import hashlib
    import shutil

    from ..fonts import cache_dir, static_fonts

    key = hashlib.sha256((characters + str(static_fonts()["Regular"])).encode()).hexdigest()[:20]
    kept = cache_dir() / "subsets" / f"{key}.woff"
    if not kept.exists():
        _subset(characters, kept)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(kept, target)


def _subset(characters: str, target: Path) -> None:
    import os
    import tempfile

    from fontTools import subset as ftsubset

    from ..fonts import static_fonts

    options = ftsubset.Options()
    options.flavor = "woff"           # zlib: no extra compression library needed
    # No GSUB/GPOS: Chinese needs no shaping here, and decoding those tables is most of the time.
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF"]
    options.name_IDs = ["*"]
    options.recalc_timestamp = False  # same characters, same bytes
    font = ftsubset.load_font(str(static_fonts()["Regular"]), options)
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(text=characters or "中")
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(fd)
    ftsubset.save_font(font, tmp, options)
    os.replace(tmp, target)
