"""The mid-2024 view knows only mid-2024, across the whole site.

One build with --as-of 2024-06-30 (module fixture), then every page is read as a reader sees it: prose, tables,
claim boxes, chart titles and alt texts, source lists. The code cells (folded `<details class="code">`) are left
out: a date written in code is a rule's constant, not evidence. What counts as a leak:

- a date later than the as-of date in a page's text (ISO days, '3 March 2025', 'March 2025', '2025H1', '2025Q2',
  or a bare year after the as-of year). Exempt, decided from the data and not from the pages: the target dates of
  forecasts stated by then (the 10-billion-calls forecast for the end of 2024 was made in May 2024, so 'Dec 2024'
  is what mid-2024 knew). The pages carry no build date; the footer's 'Data as of' is the as-of date itself.
- a source in a chapter's source list that no row known by the as-of date cites, or whose dates are later;
- a figure CSV with a date later than the as-of date (the charts plot only what was known).

The data download (price-war-data.zip) is the project's whole data folder, the input a re-runner needs: it is not a
page and is not checked. Tables are cut in one place, pricewar.data.Dataset (known_on).
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from conftest import run_build

from pricewar.data import SHARE_PUBLICATION_LAG, Dataset, _schema, period_end

AS_OF = pd.Timestamp("2024-06-30")
MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                      "september", "october", "november", "december"], 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
MONTH_RE = "|".join(sorted((m.capitalize() for m in MONTHS), key=len, reverse=True))
VOID = {"br", "img", "meta", "link", "hr", "input", "source", "wbr", "col", "area", "base", "embed", "param", "track"}


@pytest.fixture(scope="module")
def early_build(tmp_path_factory, data_copy):
    out = tmp_path_factory.mktemp("asof")
    result = run_build("--out", out, "--data", data_copy, "--as-of", AS_OF.date().isoformat(), "--jobs", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def known(data_copy):
    """What the data knew by AS_OF: every row's source address, and the forecast targets (allowed later dates)."""
    ds = Dataset(data_copy, AS_OF)
    urls = set()
    for table in _schema(str(data_copy)):
        df = ds.models() if table == "models" else ds.load(table)
        for col in ("source_url", "retired_source_url"):
            if col in df:
                urls |= set(df[col].dropna().astype(str).str.strip()) - {""}
    usage = ds.load("usage")
    targets = set(usage.loc[usage["kind"] == "forecast", "date"])
    return {"urls": urls, "targets": targets}


class Reader(HTMLParser):
    """A page's visible text (and alt/title texts), code cells left out; and its source-list entries."""

    def __init__(self):
        super().__init__()
        self.text, self.sources = [], []
        self._stack, self._skip, self._li, self._when = [], 0, None, False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        skip = tag in ("script", "style") or (tag == "details" and "code" in (a.get("class") or "").split())
        if tag not in VOID:
            self._stack.append((tag, skip))
            self._skip += skip
        if self._skip:
            return
        for key in ("alt", "title", "aria-label"):
            if a.get(key):
                self.text.append(" " + a[key] + " ")
        if tag == "li" and (a.get("id") or "").startswith("src-"):
            self._li = {"href": None, "when": ""}
            self.sources.append(self._li)
        if self._li is not None and tag == "a" and self._li["href"] is None:
            self._li["href"] = a.get("href")
        if tag == "span" and a.get("class") == "when":
            self._when = True

    def handle_endtag(self, tag):
        if tag in VOID or not self._stack:
            return
        t, skip = self._stack.pop()
        self._skip -= skip
        if t == "li":
            self._li = None
        if t == "span":
            self._when = False

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._when and self._li is not None:
            self._li["when"] += data


def read(path):
    r = Reader()
    r.feed(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(r.text).split()), r.sources


def later_dates(text: str, allowed: set) -> list[str]:
    """Mentions of a day, month, half, quarter or year after AS_OF, each with its context."""
    allowed_months = {(d.year, d.month) for d in allowed}
    hits = []

    def hit(m, start, allowed_ok=False):
        if not allowed_ok and start > AS_OF:
            hits.append(text[max(0, m.start() - 80):m.end() + 30])

    spans = []
    for m in re.finditer(r"\b(20\d\d)-(\d\d)-(\d\d)\b", text):
        d = pd.Timestamp(int(m[1]), int(m[2]), int(m[3]))
        hit(m, d, d in allowed)
        spans.append(m.span())
    for m in re.finditer(rf"\b(?:(\d{{1,2}}) )?({MONTH_RE})\.? (20\d\d)\b", text):
        month = MONTHS[m[2].lower()]
        start = pd.Timestamp(int(m[3]), month, int(m[1]) if m[1] else 1)
        hit(m, start, (int(m[3]), month) in allowed_months)
        spans.append(m.span())
    for m in re.finditer(r"\b(20\d\d)(H[12]|Q[1-4])\b", text):
        first_month = 1 + (6 * (int(m[2][1]) - 1) if m[2][0] == "H" else 3 * (int(m[2][1]) - 1))
        hit(m, pd.Timestamp(int(m[1]), first_month, 1))
        spans.append(m.span())
    for m in re.finditer(r"(?<![\d.,/-])(20[2-9]\d)(?![\d.,/-]\d)", text):
        if any(a <= m.start() < b for a, b in spans):
            continue
        if int(m[1]) > AS_OF.year:
            hits.append(text[max(0, m.start() - 80):m.end() + 30])
    return hits


def pages(build):
    site = build / "site"
    found = sorted(site.glob("*.html"))
    assert {"index.html", "report.html", "07_scorecard.html", "01_timeline.html"} <= {p.name for p in found}
    return found


def test_no_page_text_mentions_a_later_date(early_build, known):
    leaks = {}
    for page in pages(early_build):
        text, _ = read(page)
        assert "Data as of 2024-06-30" in text or page.name not in ("index.html",), page.name
        hits = later_dates(text, known["targets"])
        if hits:
            leaks[page.name] = hits[:5]
    assert leaks == {}


def test_every_source_listed_is_cited_by_a_row_known_by_then(early_build, known):
    bad = []
    for page in pages(early_build):
        _, sources = read(page)
        for s in sources:
            if s["href"] is not None and s["href"] not in known["urls"]:
                bad.append((page.name, s["href"]))
            for d in re.findall(r"\b20\d\d-\d\d-\d\d\b", s["when"]):
                if pd.Timestamp(d) > AS_OF and pd.Timestamp(d) not in known["targets"]:
                    bad.append((page.name, s["href"], d))
    assert bad == []


def test_no_figure_plots_a_later_date(early_build, known):
    late = []
    csvs = sorted((early_build / "site" / "figures").glob("*.csv")) or sorted((early_build / "figures").glob("*.csv"))
    assert csvs
    for path in csvs:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        for col in df.columns:
            iso = df[col][df[col].str.match(r"^\d{4}-\d\d-\d\d")]
            dates = pd.to_datetime(iso.str[:10], errors="coerce")
            bad = iso[(dates > AS_OF) & ~dates.isin(known["targets"])]
            late += [(path.name, col, v) for v in sorted(set(bad))[:3]]
    assert late == []


def test_every_dated_table_is_cut_by_the_date_it_became_known(data_copy):
    """The one place the cut lives: each table with a date, as Dataset loads it as of mid-2024."""
    ds = Dataset(data_copy, AS_OF)
    full = Dataset(data_copy)
    dated = [name for name, r in _schema(str(data_copy)).items()
             if any(f["name"] == "date" and f["type"] == "date" for f in r["schema"]["fields"])]
    assert {"price_changes", "announcements", "statements", "conditions", "benchmark_scores", "fx"} <= set(dated)
    for table in set(dated) - {"usage"}:   # usage is cut by when a figure was stated (a forecast is dated by its target)
        df = ds.load(table)
        assert df["date"].notna().all() and (df["date"] <= AS_OF).all(), table
    usage = ds.load("usage")
    assert (usage["stated"].fillna(usage["date"]) <= AS_OF).all()
    retro = full.load("usage")
    retro = retro[(retro["date"] <= AS_OF) & (retro["stated"] > AS_OF)]
    assert len(retro) and not usage.set_index(["date", "stated", "scope"]).index.isin(
        retro.set_index(["date", "stated", "scope"]).index).any()   # stated later, about earlier: not known then
    shares = ds.load("market_share")
    assert (shares["period"].map(period_end) + SHARE_PUBLICATION_LAG <= AS_OF).all()
    models = ds.models()
    assert not (models["launched"] > AS_OF).any() and not (models["retired"] > AS_OF).any()
    prices = ds.prices()
    assert not (prices["launched"] > AS_OF).any()
    assert ds.newest_date() <= AS_OF
