"""The slide deck as a presenter meets it: titled slides, nothing shown twice, text that fits, alt text, notes."""
from __future__ import annotations

import re

from pricewar.engine import deck


def slides(full_build):
    from pptx import Presentation

    return Presentation(str(full_build / "figures" / "price-war-charts.pptx"))


def test_each_slide_has_a_title_placeholder_a_picture_and_no_repeated_text(full_build):
    prs = slides(full_build)
    names = sorted(p.stem for p in (full_build / "figures").glob("*.png"))
    assert len(prs.slides) == len(names)
    for slide in prs.slides:
        title = slide.shapes.title
        assert title is not None and title.is_placeholder and title.text_frame.text.strip()
        pictures = [s for s in slide.shapes if s.shape_type == 13]
        assert len(pictures) == 1
        pic = pictures[0]
        # The picture is cropped below its own title and above its own source line, which the slide sets as
        # text, so the title and source line appear once each.
        assert 0.03 < pic.crop_top < 0.2 and 0.02 < pic.crop_bottom < 0.15
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        assert len(texts) == len(set(texts)) <= 2
        assert sum(t.startswith("Source: ") for t in texts) <= 1
        alt = pic._element.nvPicPr.cNvPr.get("descr")
        assert alt and not alt.endswith(".png")
        notes = slide.notes_slide.notes_text_frame.text
        assert title.text_frame.text in notes and "Source: " in notes and alt in notes


def test_titles_and_source_lines_wrap_and_fit_the_slide(full_build):
    prs = slides(full_build)
    for slide in prs.slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0
            assert shape.left + shape.width <= prs.slide_width and shape.top + shape.height <= prs.slide_height
            if not shape.has_text_frame:
                continue
            frame = shape.text_frame
            assert frame.word_wrap is True
            body = frame._txBody.bodyPr
            assert body.find("{http://schemas.openxmlformats.org/drawingml/2006/main}normAutofit") is not None
            size = frame.paragraphs[0].runs[0].font.size.pt
            lines = deck.wrap(frame.text, size, bool(frame.paragraphs[0].runs[0].font.bold),
                              shape.width / deck.EMU_PER_IN - 0.2)
            # Measured in DejaVu Sans (wider than Calibri and its usual substitutes), it fits its box.
            assert len(lines) * size * 1.2 / 72 <= shape.height / deck.EMU_PER_IN, frame.text


def test_the_fit_shrinks_a_long_title():
    short = deck.fit("A short title", deck.TITLE_SIZES, True, 12.4, 0.9, 2)
    long = deck.fit(" ".join(["A much longer takeaway title"] * 4), deck.TITLE_SIZES, True, 12.4, 0.9, 2)
    assert short == deck.TITLE_SIZES[0] and long < short
    assert re.fullmatch(r"\d+", str(long))


def test_an_unchanged_deck_is_copied_and_a_changed_one_made_again(tmp_path, full_build, monkeypatch):
    """The deck is reused only when every figure's text, crop and picture and the as-of date are the same."""
    import shutil

    from pricewar.engine.render import Figure

    folder = tmp_path / "figures"
    folder.mkdir()
    pngs = sorted((full_build / "figures").glob("*.png"))[:2]
    for png in pngs:
        shutil.copyfile(png, folder / png.name)
    figures = [Figure(name=p.stem, title=f"Title {i}", subtitle="Sub", source="A source", alt="Alt",
                      crop={"top": 0.1, "bottom": 0.05}) for i, p in enumerate(pngs)]
    keep, made = tmp_path / "keep", []
    build = deck.build_deck
    monkeypatch.setattr(deck, "build_deck", lambda *a: (made.append(1), build(*a)))

    deck.write_deck(figures, folder, tmp_path / "one.pptx", "2026-01-01", keep)
    deck.write_deck(figures, folder, tmp_path / "two.pptx", "2026-01-01", keep)
    assert len(made) == 1 and (tmp_path / "one.pptx").read_bytes() == (tmp_path / "two.pptx").read_bytes()

    figures[1].title = "Another title"
    deck.write_deck(figures, folder, tmp_path / "three.pptx", "2026-01-01", keep)
    deck.write_deck(figures, folder, tmp_path / "four.pptx", "2026-02-01", keep)
    (folder / pngs[0].name).write_bytes((folder / pngs[1].name).read_bytes())  # another picture, same name
    deck.write_deck(figures, folder, tmp_path / "five.pptx", "2026-02-01", keep)
    assert len(made) == 4
    (keep / "deck.pptx").write_bytes(b"damaged")
    deck.write_deck(figures, folder, tmp_path / "six.pptx", "2026-02-01", keep)
    assert len(made) == 5 and (tmp_path / "six.pptx").read_bytes() == (tmp_path / "five.pptx").read_bytes()
