"""The slide deck: one 16:9 slide per figure, byte-identical for unchanged figures.

Text is set in Noto Sans SC, the face of the charts and pages. Each slide uses the "Title Only" layout: its title placeholder holds the chart's takeaway (outline view, slide
navigation and accessibility checkers see a titled slide); the picture is the chart cropped below its own title
and above its own source line, so nothing appears twice; the source line (with the chart's note) is a text box
under the picture. Titles and source lines wrap, and their sizes are chosen by measuring them with DejaVu Sans,
wider than Calibri and the usual substitutes, so they fit whatever font the presenter's machine has; PowerPoint's
shrink-on-overflow is set as well. The picture's alt text is the figure's alt text; the speaker notes hold the
generated title and subtitle, the description, the source and where the data are.

python-pptx stamps the zip entries and the core properties with the current time; both are fixed here so that a
rebuild of unchanged data changes no byte. Because of that, a deck whose inputs are unchanged (every figure's
text, crop and picture, the as-of date and this module) is copied from the build cache rather than made again.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from functools import lru_cache
from pathlib import Path

FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
EMU_PER_IN = 914400
SLIDE_W, SLIDE_H = 13.333, 7.5          # inches, 16:9
MARGIN = 0.35
TITLE_TOP, TITLE_H = 0.2, 1.0
SOURCE_H = 0.55
TITLE_SIZES = (28, 26, 24, 22, 20, 18)  # points, largest that fits in two lines
SOURCE_SIZES = (12, 11, 10, 9)
LAYOUT_TITLE_ONLY = 5                   # in python-pptx's default template


@lru_cache(maxsize=None)
def _measure_font(bold: bool, size: int):
    from PIL import ImageFont

    from ..fonts import dejavu

    return ImageFont.truetype(str(dejavu("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size * 10)


def text_width(text: str, size: int, bold: bool) -> float:
    """Width in inches of text at size points, measured in DejaVu Sans (CJK counted as one em each)."""
    font = _measure_font(bold, size)
    wide = sum(1 for c in text if ord(c) >= 0x2E80)
    narrow = "".join(c for c in text if ord(c) < 0x2E80)
    return (font.getlength(narrow) / 10 + wide * size) / 72


def wrap(text: str, size: int, bold: bool, width_in: float) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and text_width(candidate, size, bold) > width_in:
            lines.append(line)
            line = word
        else:
            line = candidate
    return lines + ([line] if line else [])


def fit(text: str, sizes, bold: bool, width_in: float, height_in: float, max_lines: int) -> int:
    """The largest size at which text, wrapped to width_in, takes at most max_lines lines within height_in."""
    for size in sizes:
        lines = wrap(text, size, bold, width_in)
        if len(lines) <= max_lines and len(lines) * size * 1.2 / 72 <= height_in:
            return size
    return sizes[-1]


def notes_text(fig) -> str:
    parts = [fig.title, fig.subtitle, "", fig.alt, "", f"Source: {fig.source}" if fig.source else ""]
    if getattr(fig, "note", ""):
        parts.append(f"Note: {fig.note}")
    parts += [f"Data: figures/{fig.name}.csv (what the chart plots). Licence: CC BY 4.0."]
    return "\n".join(p for p in parts if p is not None).strip()


def source_text(fig) -> str:
    text = f"Source: {fig.source}" if fig.source else ""
    if getattr(fig, "note", ""):
        text += f"   Note: {fig.note}"
    return text


def _style_text_frame(frame, size: int, bold: bool) -> None:
    from pptx.enum.text import MSO_AUTO_SIZE
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    from ..fonts import FAMILY

    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE  # PowerPoint shrinks it if a font runs wider still
    for paragraph in frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(size)
            run.font.bold = bold
            # The charts' and pages' face, for Latin and East Asian text alike (not the theme's Calibri).
            run.font.name = FAMILY
            latin = run._r.get_or_add_rPr().find(qn("a:latin"))
            for tag in ("a:cs", "a:ea"):
                element = latin.makeelement(qn(tag), {"typeface": FAMILY})
                latin.addnext(element)


def write_deck(figures: list, folder: Path, target: Path, as_of: str, keep: Path | None = None) -> None:
    """build_deck, or a copy of the deck kept in `keep` (a folder of the build cache) when it was made from the same
    inputs; a kept deck is used only if its bytes match the hash recorded with it."""
    import hashlib
    import json

    def sha(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    figs = [dict(vars(f), png=sha((folder / f"{f.name}.png").read_bytes())) for f in figures]
    key = sha(json.dumps([figs, as_of, sha(Path(__file__).read_bytes())], sort_keys=True, default=str).encode())
    if keep is not None:
        try:
            record = json.loads((keep / "deck.json").read_text(encoding="utf-8"))
            data = (keep / "deck.pptx").read_bytes()
            if record == {"key": key, "sha": sha(data)}:
                target.write_bytes(data)
                return
        except (OSError, ValueError):
            pass
    build_deck(figures, folder, target, as_of)
    if keep is not None:
        data = target.read_bytes()
        try:
            keep.mkdir(parents=True, exist_ok=True)
            for name, content in (("deck.pptx", data), ("deck.json", json.dumps({"key": key, "sha": sha(data)}).encode())):
                tmp = keep / f".{name}.tmp"
                tmp.write_bytes(content)
                tmp.replace(keep / name)
        except OSError:
            pass  # not kept: the next build makes it again


def build_deck(figures: list, folder: Path, target: Path, as_of: str) -> None:
    from pptx import Presentation
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Emu, Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)  # 13.333 x 7.5 in, 16:9
    layout = prs.slide_layouts[LAYOUT_TITLE_ONLY]
    inner = SLIDE_W - 2 * MARGIN
    for fig in figures:
        slide = prs.slides.add_slide(layout)
        title = slide.shapes.title
        title.left, title.top, title.width, title.height = (Inches(MARGIN), Inches(TITLE_TOP), Inches(inner),
                                                            Inches(TITLE_H))
        title.text_frame.text = fig.title
        title.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT
        size = fit(fig.title, TITLE_SIZES, True, inner - 0.2, TITLE_H - 0.1, 2)
        _style_text_frame(title.text_frame, size, True)

        # The chart without its own title and source line, which the slide sets as text.
        crop = getattr(fig, "crop", None) or {}
        top, bottom = float(crop.get("top", 0.0)), float(crop.get("bottom", 0.0))
        visible = max(0.2, 1.0 - top - bottom)
        aspect = 1920 / (1080 * visible)
        area_top = TITLE_TOP + TITLE_H + 0.05
        area_h = SLIDE_H - area_top - SOURCE_H - 0.15
        height = min(area_h, inner / aspect)
        width = height * aspect
        left = (SLIDE_W - width) / 2
        pic = slide.shapes.add_picture(str(folder / f"{fig.name}.png"), Inches(left), Inches(area_top),
                                       Inches(width), Inches(height))
        pic.crop_top, pic.crop_bottom = top, bottom
        props = pic._element.nvPicPr.cNvPr
        props.set("descr", fig.alt or fig.title)
        props.set("name", fig.name)

        text = source_text(fig)
        if text:
            box = slide.shapes.add_textbox(Inches(MARGIN), Inches(SLIDE_H - SOURCE_H - 0.1), Inches(inner),
                                           Inches(SOURCE_H))
            box.name = "Source"
            box.text_frame.text = text
            _style_text_frame(box.text_frame, fit(text, SOURCE_SIZES, False, inner - 0.2, SOURCE_H - 0.1, 2),
                              False)
        slide.notes_slide.notes_text_frame.text = notes_text(fig)
    stamp = dt.datetime.fromisoformat(as_of)
    props = prs.core_properties
    props.title, props.author = "China's 2024 LLM price war: charts", "pricewar report"
    props.created = props.modified = stamp
    props.last_modified_by, props.revision = "pricewar report", 1
    buffer = io.BytesIO()
    prs.save(buffer)
    _write_stable_zip(buffer.getvalue(), target)


def _write_stable_zip(data: bytes, target: Path) -> None:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_ZIP_TIME)
            # PNGs are compressed already: storing them saves time and no space.
            stored = item.filename.endswith(".png")
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dest.writestr(info, source.read(item.filename))
    target.write_bytes(out.getvalue())
