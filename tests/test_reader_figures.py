"""Figures as files: the CSV of what a chart draws, the phone rendition, SVG and PNG metadata, the slide crop."""
from __future__ import annotations

import csv
import io
import re
import struct

import pandas as pd
import pytest

from pricewar import style


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A small chart with a line, points, a rule and bars, saved once by style.save into a temporary folder."""
    tmp_path = tmp_path_factory.mktemp("figures")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("PRICEWAR_FIGURES_DIR", str(tmp_path))
        monkeypatch.setattr("IPython.display.display", lambda *a, **k: None)
        return _draw(tmp_path)


def _draw(tmp_path):
    fig, axes = style.figure(1, 2, right=0.97)
    days = pd.to_datetime(["2024-05-01", "2024-05-15", "2024-06-01"])
    axes[0].plot(days, [3.0, 2.0, 1.5], label="Qwen-Long", color=style.vendor_color("alibaba"))
    axes[0].scatter(days[:2], [1.0, 2.5], color=style.vendor_color("baidu"))
    axes[0].axvline(pd.Timestamp("2024-05-21"), color="#ff0000")
    axes[0].axhline(1, color=style.GRID)           # decoration: not data
    axes[0].annotate("a label", (days[0], 3.0))     # annotation: not data
    axes[1].barh([0, 1], [10.0, 20.0], color=style.vendor_color("tencent"))
    axes[1].set_yticks([0, 1], ["ERNIE 文心", "Hunyuan"])
    axes[1].set_title("Second panel", loc="left")
    style.titles(fig, "A takeaway title long enough to need two lines on a phone", "What, unit, period",
                 "test source", note="a note")
    plotted = {"line": [(d.date().isoformat(), y) for d, y in zip(days, [3.0, 2.0, 1.5])],
               "points": [(d.date().isoformat(), y) for d, y in zip(days[:2], [1.0, 2.5])]}
    style.save(fig, "test_chart", "A test chart.",
               sources=[{"x": days[1], "y": 2.5, "source_url": "https://example.com/b"}])
    return tmp_path, plotted


def rows(path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_csv_holds_exactly_what_the_chart_draws(saved):
    folder, plotted = saved
    data = rows(folder / "test_chart.csv")
    assert list(data[0]) == style.CSV_COLUMNS
    line = [(r["x"], float(r["y"])) for r in data if r["kind"] == "line"]
    assert line == plotted["line"]
    assert {r["series"] for r in data if r["kind"] == "line"} == {"Qwen-Long"}
    points = [(r["x"], float(r["y"])) for r in data if r["kind"] == "point"]
    assert points == plotted["points"]
    assert {r["series"] for r in data if r["kind"] == "point"} == {"baidu"}  # named by its house colour
    rules = [r for r in data if r["kind"] == "rule"]
    assert [(r["x"], r["y"]) for r in rules] == [("2024-05-21", "")]  # the grid-coloured rule is decoration
    bars = [(r["y_label"], float(r["x"]), r["panel"]) for r in data if r["kind"] == "barh"]
    assert bars == [("ERNIE 文心", 10.0, "Second panel"), ("Hunyuan", 20.0, "Second panel")]
    assert not any("a label" in r.values() for r in data)
    urls = {(r["kind"], r["x"], r["y"]): r["source_url"] for r in data if r["source_url"]}
    assert urls == {("point", "2024-05-15", "2.5"): "https://example.com/b"}


def test_every_plotted_number_is_in_the_csv_of_a_replotted_chart(saved):
    """Rebuild the chart from its CSV alone: the same lines, points and bars come back."""
    import matplotlib.pyplot as plt

    folder, _ = saved
    data = pd.read_csv(folder / "test_chart.csv", keep_default_na=False)
    fig, ax = plt.subplots()
    line = data[data["kind"] == "line"]
    drawn = ax.plot(pd.to_datetime(line["x"]), line["y"].astype(float))[0]
    assert list(drawn.get_ydata()) == [3.0, 2.0, 1.5]
    bars = data[data["kind"] == "barh"]
    assert list(bars["x"].astype(float)) == [10.0, 20.0]
    plt.close(fig)


def test_phone_rendition_is_narrow_tall_and_its_text_readable(saved):
    folder, _ = saved
    phone = (folder / "test_chart.phone.webp").read_bytes()
    assert phone[:4] == b"RIFF" and phone[8:12] == b"WEBP"
    from PIL import Image

    with Image.open(folder / "test_chart.phone.webp") as im:
        width, height = im.size
    inches = width / style.PHONE_DPI
    assert inches in style.PHONE_WIDTHS and height > width  # taller than wide: two panels stacked
    # Shown at PHONE_PX_PER_PT CSS px per point or more, the smallest text (PHONE_MIN_PT) is at least 9 px.
    assert style.PHONE_MIN_PT * style.PHONE_PX_PER_PT >= 9


def test_phone_layout_sets_no_text_below_the_minimum(tmp_path, monkeypatch):
    monkeypatch.setenv("PRICEWAR_FIGURES_DIR", str(tmp_path))
    fig, ax = style.figure()
    ax.plot([1, 2, 3], [1, 4, 9])
    ax.text(2, 4, "tiny", fontsize=6)
    ax.tick_params(labelsize=7)
    style.titles(fig, "Title", "Subtitle", "source")
    renderer = fig.canvas.get_renderer()
    style._Plan(fig, renderer)
    style._bump_fonts(fig)
    from matplotlib.text import Text

    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text()]
    assert min(sizes) >= style.PHONE_MIN_PT
    style.plt.close(fig)


def test_svg_has_title_desc_and_licence(saved):
    folder, _ = saved
    svg = (folder / "test_chart.svg").read_text(encoding="utf-8")
    head = svg[:svg.index("<metadata>")]
    assert '<title id="title">A takeaway title long enough' in head
    assert re.search(r'<desc id="desc">What, unit, period\. A test chart\. Source: test source\. Note: a note\. '
                     r'Licence: CC BY 4\.0\.</desc>', head)
    assert 'aria-labelledby="title desc"' in head and 'role="img"' in head
    assert "<dc:rights>" in svg and "CC BY 4.0" in svg


def test_png_carries_title_and_licence(saved):
    folder, _ = saved
    data = (folder / "test_chart.png").read_bytes()
    chunks, i = {}, 8
    while i < len(data):
        length, kind = struct.unpack(">I4s", data[i:i + 8])
        if kind in (b"tEXt", b"iTXt"):
            key, _, value = data[i + 8:i + 8 + length].partition(b"\0")
            chunks[key.decode()] = value
        i += 12 + length
    assert b"A takeaway title" in chunks["Title"] and b"CC BY 4.0" in chunks["Copyright"]


def test_built_figures_have_csv_phone_and_metadata(full_build):
    figures = full_build / "figures"
    names = sorted(p.stem for p in figures.glob("*.png"))
    assert names
    for name in names:
        data = rows(figures / f"{name}.csv")
        assert data, f"{name}.csv is empty"
        assert (figures / f"{name}.phone.webp").stat().st_size > 1000
        svg = (figures / f"{name}.svg").read_text(encoding="utf-8")
        assert "<title id=" in svg[:3000] and "<desc id=" in svg[:5000], name
        for folder in (figures, full_build / "site" / "figures"):
            assert (folder / f"{name}.csv").exists() and (folder / f"{name}.phone.webp").exists()
