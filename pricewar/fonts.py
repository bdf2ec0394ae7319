"""A CJK font for charts, from a pip-installed OFL font, so Chinese names render as glyphs on a fresh install.

The package ships Noto Sans SC as a variable font whose default instance is Thin (weight 100), and matplotlib
cannot choose a weight inside a variable font. So, once per machine, we cut static Regular and Bold instances
with fontTools and keep them in the user's cache folder (about half a minute; every later build reuses them).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

WEIGHTS = {"Regular": 400, "Bold": 700}


def variable_font() -> Path:
    import justmytype_intl_cjk

    folder = Path(justmytype_intl_cjk.__file__).parent / "fonts" / "ofl" / "notosanssc"
    matches = sorted(folder.glob("NotoSansSC*.ttf"))
    if not matches:
        raise RuntimeError(f"Noto Sans SC not found in {folder}; reinstall requirements.txt")
    return matches[0]


def licence_file() -> Path:
    return variable_font().parent / "OFL.txt"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "pricewar-report" / "fonts"


def static_fonts() -> dict[str, Path]:
    """Paths of the static Regular and Bold instances, creating them if this machine has none yet."""
    source = variable_font()
    stamp = f"{source.stat().st_size}"
    out = {}
    for style, weight in WEIGHTS.items():
        path = cache_dir() / f"NotoSansSC-{style}-{stamp}.ttf"
        if not path.exists():
            _instantiate(source, weight, path)
        out[style] = path
    return out


def _instantiate(source: Path, weight: int, target: Path) -> None:
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    target.parent.mkdir(parents=True, exist_ok=True)
    font = instancer.instantiateVariableFont(TTFont(source), {"wght": weight}, updateFontNames=True)
    # Write then rename: parallel kernels may race to create the same file.
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(fd)
    font.save(tmp)
    os.replace(tmp, target)
