"""The pages' type: one open-licence family for Latin and Chinese text, one for code, shipped as small subsets.

Text is set in Noto Sans SC (SIL Open Font License 1.1), Regular and Bold, which draws Latin, punctuation and
Chinese alike; code in DejaVu Sans Mono (Bitstream Vera / DejaVu licence, shipped with matplotlib). Only the
characters the pages use are kept (ASCII and a few hundred others), cut from the same Noto Sans SC the charts use,
so the pages look the same on every machine, offline, and never fall back to a system font. Each subset is kept
per character set in the font cache folder; the licences travel with the files.
"""
from __future__ import annotations

import hashlib
import re
import shutil
from html import unescape
from pathlib import Path

from ..fonts import (
    FORMAT,
    TYPOGRAPHY,
    cache_dir,
    cjk_characters,
    cut_weights,
    licence_file,
    subset_options,
    variable_font,
)

__all__ = ["cjk_characters", "page_characters", "subset", "write_fonts", "FACES"]

# file name in site/fonts/ -> (family, CSS weight)
FACES = {"text-regular.woff": ("Report Sans", 400), "text-bold.woff": ("Report Sans", 700),
         "code-regular.woff": ("Report Mono", 400)}


def page_characters(pages: list[str]) -> str:
    """Every character beyond ASCII in the text of these HTML pages (markup removed, entities decoded), and the
    common typographic ones."""
    chars = set(TYPOGRAPHY)
    for page in pages:
        text = unescape(re.sub(r"<[^>]+>", " ", page))
        chars.update(c for c in text if ord(c) > 0x7E)
    chars.discard("\u00a0")
    return "".join(sorted(chars))


def subset(characters: str, targets: dict[int, Path]) -> None:
    """Write the Noto Sans SC subsets for these characters (plus ASCII), one per weight ({weight: target})."""
    source = variable_font()
    kept = {}
    for weight in targets:
        key = hashlib.sha256(f"{FORMAT}|{source.stat().st_size}|{weight}|{characters}".encode()).hexdigest()[:20]
        kept[weight] = cache_dir() / "subsets" / f"{key}.woff"
    missing = {weight: path for weight, path in kept.items() if not path.exists()}
    if missing:
        cut_weights(source, missing, characters, flavor="woff")  # zlib: no extra compression library needed
    for weight, target in targets.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kept[weight], target)


def mono_font() -> Path:
    from ..fonts import dejavu

    return dejavu("DejaVuSansMono.ttf")


def mono_subset(characters: str, target: Path) -> None:
    """DejaVu Sans Mono with ASCII and whichever of these characters it has (the rest falls to Report Sans)."""
    from fontTools import subset as ftsubset
    from fontTools.ttLib import TTFont

    source = mono_font()
    key = hashlib.sha256(f"{FORMAT}|mono-woff|{source.stat().st_size}|{characters}".encode()).hexdigest()[:20]
    kept = cache_dir() / "subsets" / f"{key}.woff"
    if not kept.exists():
        options = ftsubset.Options()
        options.layout_features = []
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "FFTM"]
        options.recalc_timestamp = False
        font = ftsubset.load_font(str(source), options)
        have = set(TTFont(str(source), lazy=True).getBestCmap())
        text = "".join(chr(c) for c in range(0x20, 0x7F)) + "".join(c for c in characters if ord(c) in have)
        subsetter = ftsubset.Subsetter(options)
        subsetter.populate(text=text)
        subsetter.subset(font)
        font.recalcTimestamp = False
        font.flavor = "woff"  # what the stylesheet declares (TTFont.save ignores the subsetter's flavor option)
        kept.parent.mkdir(parents=True, exist_ok=True)
        tmp = kept.with_suffix(".tmp")
        font.save(str(tmp))
        tmp.replace(kept)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(kept, target)


def from_static(statics: dict[int, Path], characters: str, targets: dict[int, Path]) -> bool:
    """The subsets cut from static instances ({weight: file}, the chart fonts) rather than from the variable font:
    a small font, so a fraction of the time. False (nothing written) if they lack any of the characters."""
    from fontTools import subset as ftsubset
    from fontTools.ttLib import TTFont

    if any(set(map(ord, characters)) - set(TTFont(str(statics[w]), lazy=True).getBestCmap()) for w in targets):
        return False
    for weight, target in targets.items():
        static = statics[weight]
        key = hashlib.sha256(f"{FORMAT}|woff|{static.name}|{static.stat().st_size}|{characters}".encode()).hexdigest()[:20]
        kept = cache_dir() / "subsets" / f"static-{key}.woff"
        if not kept.exists():
            options = subset_options()
            font = ftsubset.load_font(str(static), options)
            subsetter = ftsubset.Subsetter(options)
            subsetter.populate(text="".join(chr(c) for c in range(0x20, 0x7F)) + characters)
            subsetter.subset(font)
            font.recalcTimestamp = False
            font.flavor = "woff"  # zlib: no extra compression library needed
            kept.parent.mkdir(parents=True, exist_ok=True)
            tmp = kept.with_name(kept.name + ".tmp")
            font.save(str(tmp))
            tmp.replace(kept)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kept, target)
    return True


def write_fonts(pages: list[str], code: list[str], folder: Path, statics: dict[int, Path] | None = None) -> None:
    """The three faces and their licences into folder (site/fonts). `statics` ({weight: file}): the chart fonts,
    cut from the project's texts, which hold the pages' characters as a rule: the page fonts are cut from them."""
    characters = page_characters(pages)
    targets = {400: folder / "text-regular.woff", 700: folder / "text-bold.woff"}
    if not (statics and from_static(statics, characters, targets)):
        subset(characters, targets)
    mono_subset(page_characters(code), folder / "code-regular.woff")
    # Each font travels with its licence, as the licences ask.
    (folder / "OFL.txt").write_bytes(licence_file().read_bytes())
    (folder / "LICENSE_DEJAVU.txt").write_bytes((mono_font().parent / "LICENSE_DEJAVU").read_bytes())
