"""One type system: charts, pages and slides set Latin and Chinese alike in Noto Sans SC; code alone in DejaVu Sans
Mono. The chart font is cut with every character the project uses that Noto Sans SC has, byte-stable."""
from __future__ import annotations

import hashlib

from pricewar import fonts, schema, style


def test_the_chart_font_keeps_latin_symbols_and_chinese_and_only_what_the_face_has():
    chars = fonts.chart_characters(["plain ascii", "café × 1 → 2 ▼ “quoted” 字節", "\U0001F600"])
    assert set("é×→▼“”字節") <= set(chars)
    assert not any(c.isascii() for c in chars)
    assert "\U0001F600" not in chars  # Noto Sans SC has no emoji: validation rejects it instead
    used = fonts.chart_characters(fonts.project_texts())
    assert {"×", "→", "–", "é"} & set(used), "the project's non-Chinese characters are cut into the font too"


def test_charts_use_noto_sans_sc_for_every_text():
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    style.setup()
    assert plt.rcParams["font.family"] == [fonts.FAMILY]
    regular = fonts.static_fonts()["Regular"]
    for weight in ("normal", "bold"):
        found = font_manager.findfont(font_manager.FontProperties(family=plt.rcParams["font.family"],
                                                                  weight=weight), fallback_to_default=False)
        assert "NotoSansSC" in found and found.startswith(str(regular.parent)), found


def test_validation_checks_against_the_font_really_used():
    from fontTools.ttLib import TTFont
    from matplotlib import font_manager

    assert fonts.drawable() == fonts.font_cmap()
    dejavu = set(TTFont(font_manager.findfont("DejaVu Sans"), lazy=True).getBestCmap())
    only_dejavu = chr(min(c for c in dejavu - fonts.drawable() if c > 0x7F and chr(c).isprintable()))
    problems = schema._text_problems("data/x.csv", f"name\nA{only_dejavu}\n中文 × é\n")
    assert [p.row for p in problems] == [2], problems  # the DejaVu-only character, not Chinese or Latin-1


def test_the_cut_is_byte_stable(tmp_path):
    chars = fonts.chart_characters(["é×→▼字節"])
    for name in ("a.ttf", "b.ttf"):
        fonts.cut(fonts.variable_font(), 400, chars, tmp_path / name)
    digest = {hashlib.sha256((tmp_path / n).read_bytes()).hexdigest() for n in ("a.ttf", "b.ttf")}
    assert len(digest) == 1


def test_slide_text_is_set_in_the_report_face(full_build):
    from pptx import Presentation
    from pptx.oxml.ns import qn

    prs = Presentation(str(full_build / "figures" / "price-war-charts.pptx"))
    runs = [r for slide in prs.slides for shape in slide.shapes if shape.has_text_frame
            for p in shape.text_frame.paragraphs for r in p.runs]
    assert runs
    for run in runs:
        rpr = run._r.find(qn("a:rPr"))
        faces = {tag: rpr.find(qn(tag)).get("typeface") for tag in ("a:latin", "a:ea", "a:cs")}
        assert set(faces.values()) == {fonts.FAMILY}, faces


def test_the_page_fonts_are_woff_files_holding_every_character_of_the_pages(full_build):
    """What the stylesheet declares as format('woff') is a WOFF file (its signature), and each text face draws
    every character the pages use."""
    from fontTools.ttLib import TTFont

    from pricewar.engine import webfont

    site = full_build / "site"
    shipped = sorted((site / "fonts").glob("*.woff"))
    assert len(shipped) == 3
    for path in shipped:
        assert path.read_bytes()[:4] == b"wOFF", f"{path.name} is not a WOFF file"
    used = set(map(ord, webfont.page_characters([p.read_text(encoding="utf-8") for p in site.glob("*.html")])))
    for name in ("text-regular.woff", "text-bold.woff"):
        have = set(TTFont(str(site / "fonts" / name)).getBestCmap())
        assert not used - have, f"{name} lacks {sorted(chr(c) for c in used - have)[:10]}"


def test_characters_written_as_escapes_are_in_the_cut(tmp_path):
    """A notebook saved with JSON's \\u escapes (json.dump's default, as some tools write) or a Python string with
    \\N{...} shows the characters themselves in its charts: the font cut must hold them, as for literal text."""
    import json
    import shutil

    from conftest import ROOT

    notebooks = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", notebooks, ignore=shutil.ignore_patterns(".*"))
    literal = fonts.chart_characters(fonts.project_texts(ROOT / "data", notebooks))
    for path in notebooks.glob("*.ipynb"):
        path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8"))), encoding="utf-8")
    assert all(p.read_text(encoding="utf-8").isascii() for p in notebooks.glob("*.ipynb"))
    assert fonts.chart_characters(fonts.project_texts(ROOT / "data", notebooks)) == literal
    assert fonts.escaped_characters(r'"\u25cb" "\N{BLACK CIRCLE}" &#x2191; &#8595; "\N{NO SUCH NAME}"') == "○●↑↓"
