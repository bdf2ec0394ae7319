"""Chapter 4: the two predictions (claims C6 and C7).

C6: China's daily LLM API calls grow 100-fold in 2024, to 10 billion a day.
C7: AI inference costs fall far faster than Moore's law.
"""
from __future__ import annotations

import re
import textwrap

import pandas as pd

from .. import prose
from ..data import grade_rank, list_prices, on_sale
from ..verdicts import NOT_SUPPORTED, PARTLY, SUPPORTED, UNTESTABLE, Verdict

# What the article states (C6): 100亿 calls a day, reached by 百倍 growth during 2024.
CLAIMED_DAILY_CALLS = 10e9
CLAIMED_GROWTH = 100
YEAR_START = pd.Timestamp("2024-01-01")
YEAR_END = pd.Timestamp("2024-12-31")
EDGE_TOLERANCE_DAYS = 45      # a figure within 45 days of 1 Jan 2024 / 31 Dec 2024 counts as that year's start / end
ORDER_OF_MAGNITUDE = 10       # "grew by orders of magnitude" = at least tenfold

# C7: "far faster" = a decline factor per year at least this many times Moore's (most generous variant).
FAR_MULTIPLE = 3
MIN_SPAN_DAYS = 180           # a vendor's price floor needs at least this long a record to be annualised

PUBLISHERS = (  # (keyword in source_note, publisher label); first match wins
    ("Frost & Sullivan", "Frost & Sullivan (enterprise only)"),
    ("IDC", "IDC (public cloud)"),
    ("National Data Administration", "National Data Administration"),
    ("NDA", "National Data Administration"),
    ("Liu Liehong", "National Data Administration"),
)


# --------------------------------------------------------------------------------------------------------- C6: usage

def publisher(note: str) -> str:
    """Who compiled an industry-wide figure, read from the row's note ('' for a vendor's own figure)."""
    for key, label in PUBLISHERS:
        if key in (note or ""):
            return label
    return ""


def tidy_usage(usage: pd.DataFrame) -> pd.DataFrame:
    """Usage rows with duplicates merged (best grade kept, `n_sources` counted) and a `publisher` column.

    China-wide rows come from different publishers with different scopes (all use, public cloud, enterprise only):
    they are kept as separate series, never joined into one line.
    """
    if usage.empty:
        return usage.assign(publisher=pd.Series(dtype=str), n_sources=pd.Series(dtype=int))
    df = usage.copy()
    df["publisher"] = [publisher(n) if s == "china" else "" for n, s in zip(df["source_note"], df["scope"])]
    # A row whose note names no publisher ("Same press conference: ...") takes the one named by its page's other rows.
    known = df[df["publisher"] != ""].drop_duplicates("source_url").set_index("source_url")["publisher"]
    blank = (df["scope"] == "china") & (df["publisher"] == "")
    df.loc[blank, "publisher"] = [known.get(url, "") for url in df.loc[blank, "source_url"]]
    df["_rank"] = grade_rank(df["source_quality"])
    key = ["date", "scope", "metric", "kind", "publisher", "value"]
    df = df.sort_values(key + ["_rank"], kind="stable")
    df["n_sources"] = df.groupby(key)["value"].transform("size")
    return df.drop_duplicates(key).drop(columns="_rank").sort_values(["scope", "metric", "date"]).reset_index(drop=True)


def series(usage: pd.DataFrame, scope: str, metric: str, publisher: str | None = None) -> pd.DataFrame:
    """Reported (actual) values of one scope and metric, oldest first."""
    s = usage[(usage["scope"] == scope) & (usage["metric"] == metric) & (usage["kind"] == "actual")]
    if publisher is not None and "publisher" in s:
        s = s[s["publisher"] == publisher]
    return s.sort_values("date")


def value_near(s: pd.DataFrame, date, tolerance_days: int = EDGE_TOLERANCE_DAYS):
    """The row closest to `date` within the tolerance (None if there is none)."""
    if s.empty:
        return None
    gap = (s["date"] - pd.Timestamp(date)).abs()
    if gap.min() > pd.Timedelta(days=tolerance_days):
        return None
    return s.loc[gap.idxmin()]


def fold_over_year(s: pd.DataFrame, start=YEAR_START, end=YEAR_END, tolerance_days: int = EDGE_TOLERANCE_DAYS):
    """Growth of a series over 2024: {'start': row, 'end': row, 'fold': end/start}, or None without both ends."""
    first, last = value_near(s, start, tolerance_days), value_near(s, end, tolerance_days)
    if first is None or last is None or first["value"] <= 0 or last["date"] <= first["date"]:
        return None
    return {"start": first, "end": last, "fold": last["value"] / first["value"]}


def forecast(usage: pd.DataFrame):
    """The article's forecast row (China, API calls per day, kind forecast), or None."""
    f = usage[(usage["kind"] == "forecast") & (usage["metric"] == "api_calls_per_day") & (usage["scope"] == "china")]
    return f.sort_values("date").iloc[-1] if len(f) else None


def growth_wording(statements: pd.DataFrame) -> dict:
    """What the sources say about growth in Liu Weiguang's 21 May 2024 remarks: 'thousands' vs 'hundredfold'."""
    liu = statements[statements["person"].str.contains("Liu Weiguang", na=False)
                     & (statements["date"] == pd.Timestamp("2024-05-21"))]
    thousands = liu["summary"].str.contains(r"thousands|成千上万", case=False, regex=True)
    hundred = liu["summary"].str.contains(r"hundred-?fold|100-?fold|百倍", case=False, regex=True)
    return {"rows": len(liu), "thousands": int(thousands.sum()), "hundredfold": int(hundred.sum())}


def verdict_c6(usage: pd.DataFrame, statements: pd.DataFrame, names: pd.Series | None = None) -> Verdict:
    """Direct test if a China-wide count of daily API calls exists; otherwise only proxies can speak.

    - China-wide actual api_calls_per_day at the end of 2024: SUPPORTED if it reaches 10 billion and grew 100-fold
      (when the start is known), PARTLY if only one holds, NOT_SUPPORTED if neither.
    - Otherwise PARTLY if the widest proxy (China-wide tokens a day, else a vendor's calls) grew at least tenfold over
      2024 (orders of magnitude, but the 10 billion level cannot be checked), NOT_SUPPORTED if it grew less.
    - UNTESTABLE if no series spans 2024.
    """
    u = tidy_usage(usage)
    wording = growth_wording(statements)
    note = (" The sources found for the 21 May 2024 speech say calls would grow 'thousands of times', "
            "not 'hundredfold'." if wording["thousands"] and not wording["hundredfold"] else "")
    direct = series(u, "china", "api_calls_per_day")
    end = value_near(direct, YEAR_END)
    if end is not None:
        growth = fold_over_year(direct)
        level_ok = end["value"] >= CLAIMED_DAILY_CALLS
        growth_ok = growth is None or growth["fold"] >= CLAIMED_GROWTH
        text = (f"China-wide daily API calls were {prose.big(end['value'])} around {prose.day(end['date'])}"
                + (f", {prose.times(growth['fold'])} the start of 2024" if growth else "") + "." + note)
        verdict = SUPPORTED if level_ok and growth_ok else PARTLY if level_ok or growth_ok else NOT_SUPPORTED
        return Verdict("C6", verdict, text)

    proxies = [("China-wide daily tokens (National Data Administration)",
                fold_over_year(series(u, "china", "tokens_per_day", "National Data Administration")))]
    names = names if names is not None else pd.Series(dtype=str)
    proxies += [(f"{names.get(v, v)}'s daily API calls", fold_over_year(series(u, v, "api_calls_per_day")))
                for v in sorted(set(u.loc[(u["metric"] == "api_calls_per_day") & (u["scope"] != "china"), "scope"]))]
    proxies = [(name, g) for name, g in proxies if g is not None]
    if not proxies:
        return Verdict("C6", UNTESTABLE, "No public China-wide count of daily API calls, and no usage series spans "
                                         "2024." + note)
    parts = [f"{name} grew {prose.times(g['fold'])} ({prose.big(g['start']['value'])} to {prose.big(g['end']['value'])})"
             for name, g in proxies]
    lead = proxies[0][1]
    text = ("No public China-wide count of daily API calls exists, so the 10 billion level cannot be checked; over 2024 "
            + prose.listing(parts) + "." + note)
    if lead["fold"] >= ORDER_OF_MAGNITUDE:
        return Verdict("C6", PARTLY, text)
    return Verdict("C6", NOT_SUPPORTED, text)


# ----------------------------------------------------------------------------------------------- C7: decline rates

def known_date(period: str):
    """The latest date written in a decline rate's `period` text: when the rate was known at the earliest.

    '2022-2025 (published 2025-03-12)' -> 2025-03-12, '2023-03 to 2024-11' -> 2024-11-01, 'n/a' -> NaT.
    """
    found = []
    for y, m, d in re.findall(r"(?<!\d)((?:19|20)\d\d)(?:-(\d\d))?(?:-(\d\d))?(?!\d)", period or ""):
        found.append(pd.Timestamp(int(y), int(m or 1), int(d or 1)))
    return max(found) if found else pd.NaT


def known_by(rates: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """decline_rates has no date column, so an as-of cut uses the dates in `period` (rows without one are kept)."""
    if as_of is None or rates.empty:
        return rates
    dates = rates["period"].map(known_date)
    return rates[dates.isna() | (dates <= pd.Timestamp(as_of))].reset_index(drop=True)


def classify(rates: pd.DataFrame) -> pd.DataFrame:
    """Add `group`: moore (the benchmark), claimant (Alibaba's own figure) or independent (LLM rates by others)."""
    df = rates.copy()
    src = df["source"].fillna("")
    df["group"] = "independent"
    df.loc[src.str.contains("Alibaba", case=False), "group"] = "claimant"
    df.loc[src.str.contains("Moore", case=False), "group"] = "moore"
    return df


def moore_factor(rates: pd.DataFrame):
    """The fastest Moore's-law variant in the table (the most generous benchmark), or None."""
    m = classify(rates)
    m = m[m["group"] == "moore"]
    return float(m["factor_per_year"].max()) if len(m) else None


def standard_inputs(prices: pd.DataFrame) -> pd.DataFrame:
    p = list_prices(prices)
    p = p[p["direction"] == "input"]
    return p[p["kind"] != "aggregate"] if "kind" in p else p


def price_floor(prices: pd.DataFrame, vendors=None, paid_only: bool = False) -> pd.DataFrame:
    """The lowest standard input price on sale over time: each model on sale keeps its latest price until it is
    retired (data.on_sale), so a replaced model's last price does not set the floor.

    One row per date on which a price or a retirement is recorded (date, floor, model). Free (0) prices count
    unless paid_only. Not capability-controlled: a cheap small model sets the floor as much as a cheap flagship.
    """
    p = standard_inputs(prices)
    if vendors is not None:
        p = p[p["vendor"].isin(list(vendors))]
    p = p.sort_values("date")
    dates = list(p["date"])
    if "retired" in p:
        dates += list(p["retired"].dropna())
    rows = []
    for date in sorted(set(dates)):
        listed = on_sale(p, date)
        if paid_only:
            listed = listed[listed["price_after_cny_per_m"] > 0]
        if listed.empty:
            continue
        best = listed.sort_values("price_after_cny_per_m").iloc[0]
        rows.append({"date": date, "floor": best["price_after_cny_per_m"], "vendor": best["vendor"],
                     "model": best["model"]})
    return pd.DataFrame(rows, columns=["date", "floor", "vendor", "model"])


def floor_declines(prices: pd.DataFrame, min_days: int = MIN_SPAN_DAYS) -> pd.DataFrame:
    """Per vendor: the lowest paid standard input price at its first and latest announcement, as a factor a year.

    factor_per_year = (first / latest) ** (365.25 / days); 1 = no fall, below 1 = the floor rose. Vendors whose record
    spans fewer than min_days, or with no paid price, are left out (listed in `reason`).
    """
    out = []
    p = standard_inputs(prices)
    for vendor in sorted(p["vendor"].unique()):
        floor = price_floor(p, [vendor], paid_only=True)
        went_free = bool((p.loc[p["vendor"] == vendor, "price_after_cny_per_m"] == 0).any())
        row = {"vendor": vendor, "went_free": went_free}
        if floor.empty:
            out.append(dict(row, reason="no paid price"))
            continue
        first, last = floor.iloc[0], floor.iloc[-1]
        days = (last["date"] - first["date"]).days
        row.update(first_date=first["date"], first_price=first["floor"], last_date=last["date"],
                   last_price=last["floor"], last_model=last["model"], days=days)
        if days < min_days:
            out.append(dict(row, reason=f"record spans {days} days"))
            continue
        row["factor_per_year"] = (first["floor"] / last["floor"]) ** (365.25 / days)
        out.append(dict(row, reason=""))
    cols = ["vendor", "first_date", "first_price", "last_date", "last_price", "last_model", "days", "factor_per_year",
            "went_free", "reason"]
    return pd.DataFrame(out).reindex(columns=cols)


def verdict_c7(rates: pd.DataFrame, fits: pd.DataFrame) -> Verdict:
    """The claim is about inference cost at a given capability, which the published rates measure.

    - SUPPORTED: even the slowest independent published LLM rate is at least FAR_MULTIPLE times Moore's factor.
    - PARTLY: the median independent rate is that far above but the slowest is not; or, with no published LLM rate,
      the median of our list-price floor fits is (list prices are not capability-controlled, so never SUPPORTED).
    - NOT_SUPPORTED: the median independent rate falls short.
    - UNTESTABLE: no Moore's-law row; or no published LLM rate and the fits fall short or are missing (a list-price
      floor that did not fall cannot refute a claim about cost at a given capability).
    """
    moore = moore_factor(rates)
    if moore is None:
        return Verdict("C7", UNTESTABLE, "No Moore's-law benchmark in decline_rates.csv.")
    bar = FAR_MULTIPLE * moore
    c = classify(rates)
    ind = c[c["group"] == "independent"]
    fitted = fits["factor_per_year"].dropna() if "factor_per_year" in fits else pd.Series(dtype=float)
    fit_text = ""
    if len(fitted):
        fit_text = (f" Our list-price floors, not capability-controlled, fell a median {fitted.median():.1f}x a year "
                    f"across {len(fitted)} vendor{'' if len(fitted) == 1 else 's'}.")
    if ind.empty:
        if fitted.empty:
            return Verdict("C7", UNTESTABLE, "No published LLM decline rate and no price record long enough to fit.")
        verdict = PARTLY if fitted.median() >= bar else UNTESTABLE
        return Verdict("C7", verdict, f"No published LLM decline rate; the benchmark is {FAR_MULTIPLE} times Moore's "
                                      f"{moore:.2f}x a year = {bar:.2f}x." + fit_text)
    slow = ind.loc[ind["factor_per_year"].idxmin()]
    median = ind["factor_per_year"].median()
    text = (f"The slowest of {len(ind)} independent published rates for LLM inference at a given capability is "
            f"{slow['factor_per_year']:g}x cheaper a year ({slow['source']}), "
            f"{slow['factor_per_year'] / moore:.1f} times Moore's law at its fastest ({moore:.2f}x); "
            f"the median is {median:g}x." + fit_text)
    if slow["factor_per_year"] >= bar:
        return Verdict("C7", SUPPORTED, text)
    if median >= bar:
        return Verdict("C7", PARTLY, text)
    return Verdict("C7", NOT_SUPPORTED, text)


def label(row, width: int = 62) -> str:
    """'Epoch AI: LLM inference price to reach …' on at most two lines (parentheses in the source dropped)."""
    src = re.sub(r"\s*\([^)]*\)", "", row["source"]).strip()
    lines = textwrap.wrap(f"{src}: {row['scope']}", width)
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), width, placeholder=" …")]
    return "\n".join(lines)


def spread(values, min_gap: float) -> list[float]:
    """Label positions (same units as values, e.g. log10) at least min_gap apart, each crowded group centred on its data.

    Isolated labels stay where their data are.
    """
    order = sorted(range(len(values)), key=lambda i: values[i])
    clusters = [[float(values[i])] for i in order]          # each cluster: the data values it holds, sorted

    def span(c):
        mid = sum(c) / len(c)
        return mid - min_gap * (len(c) - 1) / 2, mid + min_gap * (len(c) - 1) / 2

    merged = True
    while merged:
        merged = False
        for k in range(len(clusters) - 1):
            if span(clusters[k])[1] + min_gap > span(clusters[k + 1])[0] + 1e-12:
                clusters[k:k + 2] = [clusters[k] + clusters[k + 1]]
                merged = True
                break
    placed = []
    for c in clusters:
        low = span(c)[0]
        placed += [low + min_gap * j for j in range(len(c))]
    out = [0.0] * len(values)
    for k, i in enumerate(order):
        out[i] = placed[k]
    return out
