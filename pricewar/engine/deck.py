"""The slide deck: one 16:9 slide per figure with its title and source line, byte-identical for unchanged figures.

python-pptx stamps the zip entries and the core properties with the current time; both are fixed here so that a
rebuild of unchanged data changes no byte.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def build_deck(figures: list, folder: Path, target: Path, as_of: str) -> None:
    from pptx import Presentation
    from pptx.util import Emu, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)  # 13.333 x 7.5 in, 16:9
    blank = prs.slide_layouts[6]
    for fig in figures:
        slide = prs.slides.add_slide(blank)
        title = slide.shapes.add_textbox(Emu(457200), Emu(152400), Emu(11277600), Emu(533400))
        title.text_frame.text = fig.title
        title.text_frame.paragraphs[0].runs[0].font.size = Pt(24)
        title.text_frame.paragraphs[0].runs[0].font.bold = True
        # The chart carries its own title, subtitle and source line; it fills the rest of the slide.
        height = Emu(5715000)
        width = Emu(int(height * 16 / 9))
        left = Emu(int((prs.slide_width - width) / 2))
        slide.shapes.add_picture(str(folder / f"{fig.name}.png"), left, Emu(762000), width, height)
        source = slide.shapes.add_textbox(Emu(457200), Emu(6477000), Emu(11277600), Emu(304800))
        source.text_frame.text = f"Source: {fig.source}"
        source.text_frame.paragraphs[0].runs[0].font.size = Pt(10)
        slide.notes_slide.notes_text_frame.text = fig.alt
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
