"""Nothing typed that the data can change: after one new price row dated later than all data, every figure text
that named the data's last month (alt text, caption, SVG title and description, slide notes) names the new one.

Two builds: the shared full build, and one of a copy of the data with one more row. The new row is dated in
January of the year after the newest date in the data, so a typed year ("2023 to 2026") and a typed month both
show up as stale.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
from html import unescape
from pathlib import Path

import pytest
from conftest import run_build

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
_MON = "|".join(m[:3] + (f"(?:{m[3:]})?" if m[3:] else "") for m in MONTHS)
_DATE = rf"(?:(?:\d{{1,2}} )?(?P<mon>{_MON})\.? )?(?P<year>(?:19|20)\d\d)\b"
# The end of a period: "... to June 2026", "until 2026", "2023-2026", "May–June 2024".
PERIOD_END = re.compile(rf"(?:\bto|\buntil|\bthrough|–|\b(?:19|20)\d\d-)\s*(?:the )?{_DATE}")


def period_ends(text: str) -> list[tuple[int, int | None, str]]:
    """(year, month or None, the words) of every period end the text names."""
    out = []
    for m in PERIOD_END.finditer(text):
        mon = m.group("mon")
        month = next((i + 1 for i, name in enumerate(MONTHS) if mon and name.startswith(mon[:3])), None)
        out.append((int(m.group("year")), month, m.group(0)))
    return out


def figure_texts(out: Path) -> dict[str, dict[str, str]]:
    """{figure: {kind: text}} for every figure: the page's image alt and caption, the SVG's title and description,
    and the slide's speaker notes."""
    from pptx import Presentation

    found: dict[str, dict[str, str]] = {}
    for page in sorted((out / "site").glob("[0-9]*.html")):
        html = page.read_text(encoding="utf-8")
        for m in re.finditer(r'<figure id="fig-([^"]+)" class="chart">(.*?)</figure>', html, re.S):
            name, block = m.groups()
            alt = unescape(re.search(r'<img [^>]*alt="([^"]*)"', block).group(1))
            caption = re.search(r"<figcaption>(.*?)</figcaption>", block, re.S).group(1)
            caption = re.sub(r'<span class="downloads">.*?</span>', "", caption, flags=re.S)
            found[name] = {"alt": alt, "caption": unescape(re.sub(r"<[^>]+>", "", caption))}
    for name, kinds in found.items():
        svg = (out / "figures" / f"{name}.svg").read_text(encoding="utf-8")
        kinds["svg"] = unescape(re.search(r"<title[^>]*>(.*?)</title>", svg, re.S).group(1) + " "
                                + re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S).group(1))
    for slide in Presentation(str(out / "figures" / "price-war-charts.pptx")).slides:
        pic = next(s for s in slide.shapes if s.shape_type == 13)
        found[pic._element.nvPicPr.cNvPr.get("name")]["notes"] = slide.notes_slide.notes_text_frame.text
    return found


def newest_date(data: Path) -> dt.date:
    days = []
    for table in sorted(data.glob("*.csv")):
        for row in csv.DictReader(io.StringIO(table.read_text(encoding="utf-8-sig"))):
            value = (row.get("date") or "").strip()
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                days.append(dt.date.fromisoformat(value))
    return max(days)


def append_later_row(data: Path) -> dt.date:
    """One more valid price row: the last cut-free launch row of a model still on sale, copied as a cut to 80% of
    its price in January of the next year, with a reworded note and no announcement."""
    path = data / "price_changes.csv"
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    fields = list(rows[0])
    retired = {(r["vendor"], r["model"]) for r in csv.DictReader(io.StringIO(
        (data / "models.csv").read_text(encoding="utf-8-sig"))) if r["retired"].strip()}
    base = next(r for r in reversed(rows) if r["event"] == "launch" and r["direction"] == "input" and not r["variant"]
                and r["price_after"]
                and (r["vendor"], r["model"]) not in retired and not r["unit"].startswith("USD"))
    day = dt.date(newest_date(data).year + 1, 1, 15)
    row = dict(base, date=day.isoformat(), date_precision="day", event="cut", announcement_id="",
               price_before=base["price_after"], price_after=f"{float(base['price_after']) * 0.8:g}",
               source_note=f"A test page reports {base['model']} {base['direction']} cut to 80% of its price "
                           f"on {day:%d %B %Y}.")
    buffer = io.StringIO()
    csv.DictWriter(buffer, fields, lineterminator="\n").writerow(row)
    path.write_text(text.rstrip("\n") + "\n" + buffer.getvalue(), encoding="utf-8")
    return day


@pytest.fixture(scope="module")
def later_build(tmp_path_factory, data_copy):
    data = tmp_path_factory.mktemp("later") / "data"
    shutil.copytree(data_copy, data)
    old = newest_date(data)
    new = append_later_row(data)
    out = tmp_path_factory.mktemp("later-build")
    result = run_build("--out", out, "--data", data, "--jobs", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    return out, old, new


def _at(end, day: dt.date, month_level: bool) -> bool:
    year, month, _ = end
    return year == day.year and (month == day.month if month_level else month in (None, day.month))


def test_every_figure_text_naming_the_data_end_follows_a_later_row(full_build, later_build):
    out, old, new = later_build
    before, after = figure_texts(full_build), figure_texts(out)
    assert set(before) == set(after)
    following, stale = 0, []
    for name, kinds in before.items():
        for kind, text in kinds.items():
            later = period_ends(after[name].get(kind, ""))
            # A period that ended at the data's last month (or, as a bare year, its year) now ends at the new one.
            if any(_at(e, old, month_level=False) for e in period_ends(text)):
                following += 1
                if not any(_at(e, new, month_level=True) for e in later):
                    stale.append(f"{name} {kind}: {after[name].get(kind, '')!r}")
            # Nothing anywhere still ends at the old last month.
            stale += [f"{name} {kind}: still says {e[2]!r}" for e in later if _at(e, old, month_level=True)]
            stale += [f"{name} {kind}: still says {e[2]!r}" for e in later
                      if e[1] is None and e[0] == old.year and any(_at(x, old, False) for x in period_ends(text))]
    assert following >= 8, "the figures should name the period they show"
    assert not stale, "\n".join(stale)


def test_period_ends_are_found():
    assert [e[:2] for e in period_ends("from 2023 to 2026; May–June 2024; up to 4 November 2026, Dec 2023 to Jun "
                                       "2026; 2015-2016")] == [(2026, None), (2024, 6), (2026, 11), (2026, 6),
                                                                (2016, None)]
    assert period_ends("cut to 0.5 yuan in 2024") == []
