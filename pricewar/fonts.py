"""The report's one typeface, Noto Sans SC (SIL Open Font License 1.1, pip-installed), for charts as for pages.

Charts set Latin and Chinese alike in Noto Sans SC, so a chart, its page and its slide share one type system; no
other face and no system font is used for text (code on the pages is DejaVu Sans Mono). The package ships the
font as a variable font whose default instance is Thin (weight 100), and matplotlib cannot choose a weight inside a
variable font. So we cut static Regular and Bold instances with fontTools, keeping ASCII and every other character
the project's texts use (data, notebooks, package code) that Noto Sans SC has: about a second, where cutting the
whole font took a minute. The cut is kept in the user's cache folder per character set and is byte-identical on
every machine; the build and a notebook run in Jupyter compute the same set, so they draw with the same font file.
A character the font cannot draw is rejected by validation, naming its file, row and column.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

WEIGHTS = {"Regular": 400, "Bold": 700}
FAMILY = "Noto Sans SC"
FORMAT = "4"  # bump when the way fonts are cut changes (3: every non-ASCII character; 4: one subset, then weights)


def variable_font() -> Path:
    import justmytype_intl_cjk

    folder = Path(justmytype_intl_cjk.__file__).parent / "fonts" / "ofl" / "notosanssc"
    matches = sorted(folder.glob("NotoSansSC*.ttf"))
    if not matches:
        raise RuntimeError(f"Noto Sans SC not found in {folder}; reinstall requirements.txt")
    return matches[0]


def dejavu(name: str) -> Path:
    """A DejaVu font file that matplotlib ships (the pages' code face; the deck's measuring face), found without
    importing matplotlib: publishing does not otherwise need it."""
    import importlib.util

    return Path(importlib.util.find_spec("matplotlib").origin).parent / "mpl-data" / "fonts" / "ttf" / name


def licence_file() -> Path:
    return variable_font().parent / "OFL.txt"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "pricewar-report" / "fonts"


# Typography any page may use though none does yet (the "What changed" list is written after the fonts are cut).
TYPOGRAPHY = "·×–—‘’“”…←→−≥≤±°€£¥«»§¶•′″"


def project_texts(data_dir: Path | None = None, notebooks_dir: Path | None = None) -> list[str]:
    """Every text a chart or a page may show: the data tables (and their addresses as pages display them, escapes
    decoded), the notebooks, the package's own strings and templates, and common typography. The chart fonts cover
    them all, so the page fonts can be cut from the chart fonts."""
    from urllib.parse import unquote

    from . import paths

    data_dir = Path(data_dir or paths.data_dir())
    notebooks_dir = Path(notebooks_dir or paths.notebooks_dir())
    tables = [p.read_text(encoding="utf-8-sig", errors="replace") for p in sorted(data_dir.glob("*.csv"))]
    files = sorted(notebooks_dir.glob("*.ipynb")) + sorted(
        p for p in paths.PACKAGE_DIR.rglob("*") if p.suffix in (".py", ".html", ".j2", ".css"))
    sources = [p.read_text(encoding="utf-8-sig", errors="replace") for p in files]
    return tables + [unquote(t) for t in tables if "%" in t] + sources + [
        escaped_characters(t) for t in sources if "\\" in t or "&#" in t] + [TYPOGRAPHY]


ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})|\\N\{([A-Za-z0-9 -]+)\}|&#x([0-9a-fA-F]+);|&#([0-9]+);")


def escaped_characters(text: str) -> str:
    """The characters that a text writes as escapes: a notebook saved with JSON's \\u escapes, a Python string
    with \\u or \\N{...}, an HTML character reference. A chart shows them as the characters themselves."""
    import unicodedata

    out = []
    for four, eight, name, hex_ref, dec_ref in ESCAPE.findall(text):
        try:
            code = int(four or eight or hex_ref, 16) if (four or eight or hex_ref) else (
                int(dec_ref) if dec_ref else ord(unicodedata.lookup(name)))
            out.append(chr(code))
        except (KeyError, ValueError, OverflowError):
            continue  # not a character: nothing to draw
    return "".join(out)


def chart_characters(texts) -> str:
    """Every character beyond ASCII in these texts that the chart font has (Chinese, accented Latin, symbols)."""
    chars = set()
    for text in texts:
        chars.update(re.findall(r"[^\x00-\x7e]", text))  # a regex: the texts are megabytes
    have = font_cmap()
    return "".join(sorted(c for c in chars if ord(c) in have and c.isprintable()))


cjk_characters = chart_characters  # the earlier name


def static_paths(characters: str) -> dict[str, Path]:
    """Where the static Regular and Bold instances covering `characters` are kept."""
    source = variable_font()
    key = hashlib.sha256(f"{FORMAT}|{source.stat().st_size}|{characters}".encode()).hexdigest()[:16]
    return {style: cache_dir() / f"NotoSansSC-{style}-{key}.ttf" for style in WEIGHTS}


def static_fonts(characters: str | None = None, progress=None) -> dict[str, Path]:
    """Paths of static Regular and Bold instances covering `characters` (default: the project's texts)."""
    if characters is None:
        characters = chart_characters(project_texts())
    out = static_paths(characters)
    missing = {WEIGHTS[style]: path for style, path in out.items() if not path.exists()}
    if missing:
        if progress:
            progress(f"  cutting the chart font: Noto Sans SC {' and '.join(s for s in WEIGHTS if out[s] in missing.values())}"
                     f", ASCII and {len(characters)} other characters")
        cut_weights(variable_font(), missing, characters)
    return out


def cut_in_background(characters: str, progress=None):
    """Start cutting the chart fonts in another process (the build does so while it validates the data); returns
    the process, or None when they are cut already. static_fonts() afterwards finds them, or cuts what is missing."""
    import subprocess
    import sys

    if all(path.exists() for path in static_paths(characters).values()):
        return None
    if progress:
        progress(f"  cutting the chart font: Noto Sans SC Regular and Bold, ASCII and {len(characters)} other "
                 "characters (while the data are checked)")
    code = ("import signal, sys\n"
            "signal.signal(signal.SIGTERM, lambda *a: sys.exit(1))  # an interrupted build: remove the partial file\n"
            "from pricewar import fonts\n"
            "fonts.static_fonts(sys.stdin.read())")
    package_root = str(Path(__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])))
    process = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env=env, text=True, encoding="utf-8")
    process.stdin.write(characters)
    process.stdin.close()
    return process


def cut(source: Path, weight: int, characters: str, target: Path, flavor: str | None = None) -> None:
    """A static instance of `source` at `weight` with only these characters (plus ASCII), saved to target."""
    cut_weights(source, {weight: target}, characters, flavor)


def subset_options():
    """The subsetter's options for every cut of Noto Sans SC (chart fonts, page fonts)."""
    from fontTools import subset as ftsubset

    options = ftsubset.Options()
    # No shaping tables: Chinese needs none here, and decoding them is most of the time.
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False  # same characters, same bytes, on every machine
    return options


def cut_weights(source: Path, targets: dict[int, Path], characters: str, flavor: str | None = None) -> None:
    """Static instances of `source`, one per weight ({weight: target}), with only these characters (plus ASCII).
    The font is subset once for all weights: subsetting the whole font is most of the time."""
    import io

    from fontTools import subset as ftsubset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    options = subset_options()
    font = ftsubset.load_font(str(source), options)
    subsetter = ftsubset.Subsetter(options)
    ascii_ = "".join(chr(c) for c in range(0x20, 0x7F))
    subsetter.populate(text=ascii_ + (characters or "中"))
    subsetter.subset(font)
    subset = io.BytesIO()
    font.save(subset)
    for weight, target in targets.items():
        font = TTFont(io.BytesIO(subset.getvalue()), recalcTimestamp=False)
        font = instancer.instantiateVariableFont(font, {"wght": weight}, updateFontNames=True)
        font.recalcTimestamp = False
        font.flavor = flavor
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename: parallel kernels may race to create the same file.
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        os.close(fd)
        try:
            font.save(tmp)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


def font_cmap() -> frozenset[int]:
    """Code points Noto Sans SC has (read once from the font, then kept in the cache folder)."""
    source = variable_font()
    kept = cache_dir() / f"cmap-noto-{FORMAT}-{source.stat().st_size}.json"
    try:
        return frozenset(json.loads(kept.read_text()))
    except (OSError, ValueError):
        pass
    from fontTools.ttLib import TTFont

    points = sorted(TTFont(str(source), lazy=True).getBestCmap())
    kept.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=kept.parent, suffix=".tmp")
    os.close(fd)
    Path(tmp).write_text(json.dumps(points))
    os.replace(tmp, kept)
    return frozenset(points)


def drawable() -> frozenset[int]:
    """Code points the report's text font can draw: Noto Sans SC's, the one face of charts, pages and slides."""
    return font_cmap()
