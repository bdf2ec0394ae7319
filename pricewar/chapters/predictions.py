"""Chapter 4: the two predictions (claims C6 and C7).

C6: China's daily LLM API calls grow 100-fold in 2024, to 10 billion a day.
C7: AI inference costs fall far faster than Moore's law.

C7 is tested as Epoch AI tests it: the cheapest price, at each date, of a model on sale that scores at or above a
fixed level on one benchmark, with a log-linear fit of that price over time. The scores are in
data/benchmark_scores.csv; its `price_model` column names the catalogue model (data/models.csv) the scored model is
sold as. The mapping rules, and the cases deliberately left unmapped:

- A dated snapshot that launched under the catalogue name maps to it (gpt-4o-2024-05-13 -> GPT-4o, gpt-4.1-2025-04-14
  -> GPT-4.1, o1-2024-12-17 -> o1, ...): the catalogue row's launch price is that snapshot's. The GPT-4o alias
  pointed at 2024-05-13 until 2024-10-11, then at gpt-4o-2024-08-06 at that snapshot's price, so the alias never
  undercuts the 08-06 row.
- gpt-4-1106-preview -> GPT-4 Turbo (the November 2023 DevDay launch); gpt-4-turbo-2024-04-09 and gpt-4-0125-preview
  are later snapshots behind the name: left empty.
- Epoch AI runs "(medium reasoning)" map to the model (medium is the API default); leaderboard "-high" entries (a
  setting that spends more tokens per answer) are left empty.
- DeepSeek-V3.2-Exp and its thinking mode -> DeepSeek-V3.2-Exp: both modes were sold at one price under that row.
- qwen-max-2025-01-25 -> qwen-max (Qwen2.5-Max), the snapshot its price row names. Qwen-Max, Qwen-Plus and
  Qwen-Turbo are aliases whose served snapshot changed while their rows run: none of their snapshots is mapped.
- Seed-Thinking-v1.5 -> Doubao-1.5-thinking-pro, as the aitide page (grade C) names it; hunyuan-turbos-20250226 ->
  hunyuan-turbos (the Turbo S release of 27 February 2025).
- Left empty: open-weights releases that may differ from any API model (hunyuan-large, qwen2.5-72b-instruct,
  qwen3-235b-a22b, ...), updates served behind an older catalogue name (DeepSeek-V3-0324, DeepSeek-R1-0528,
  V3.1-Terminus), previews and experimental builds (gemini-2.5-flash-preview-05-20, gemini-2.0-flash-exp,
  step-2-16k-exp-202412, ...).

A model that replaced another behind its API name (models.csv superseded_by) and has no score of its own carries
its predecessor's: a vendor's replacement is taken to be at least as capable (an alternative reading drops this).

Published decline rates and the list prices behind these fits are prices, not costs: where margins shrink, prices fall
faster than costs. The chapter says so wherever it sets them against Moore's law.
"""
from __future__ import annotations

import math
import re
import textwrap
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import prose
from ..data import QUALITY_RANK as QUALITY
from ..data import grade_rank, latest_date_in, list_prices
from ..verdicts import NOT_SUPPORTED, PARTLY, SUPPORTED, UNTESTABLE, Verdict

# --------------------------------------------------------------------------------------------------------- C6: usage

# What the article states (C6): 我國大模型API日調用次數在2024年將實現百倍增長,到達100億次.
CLAIMED_DAILY_CALLS = 10e9
CLAIMED_GROWTH = 100
YEAR_START = pd.Timestamp("2024-01-01")
YEAR_END = pd.Timestamp("2024-12-31")
EDGE_TOLERANCE_DAYS = 45      # a figure within 45 days of 1 Jan 2024 / 31 Dec 2024 counts as that year's start / end
ORDER_OF_MAGNITUDE = 10       # for the proxy what-if only: "grew by orders of magnitude" = at least tenfold

PUBLISHERS = (  # (keyword in source_note, publisher label); first match wins
    ("Frost & Sullivan", "Frost & Sullivan (enterprise only)"),
    ("IDC", "IDC (public cloud)"),
    ("National Data Administration", "National Data Administration"),
    ("NDA", "National Data Administration"),
    ("Liu Liehong", "National Data Administration"),
)
NDA = "National Data Administration"


def host(url: str) -> str:
    """The site of an address, without 'www.': reprints on one site count as one source."""
    parts = str(url).split("/")
    return (parts[2] if len(parts) > 2 else str(url)).removeprefix("www.")


def known_usage(usage: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Usage figures known by `as_of`: a figure is known from the day it was stated (`stated`, else `date`).

    A retrospective figure (the NDA's 'start of 2024' level, stated in August 2025) is not known in mid-2024; a
    forecast stated in May 2024 for the end of 2024 is.
    """
    if as_of is None or usage.empty:
        return usage
    known = usage["stated"].fillna(usage["date"]) if "stated" in usage else usage["date"]
    return usage[known <= pd.Timestamp(as_of)].reset_index(drop=True)


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
    df["_host"] = df["source_url"].map(host)
    df["n_sources"] = df.groupby(key)["_host"].transform("nunique")
    df = df.drop_duplicates(key).drop(columns=["_rank", "_host"])
    return df.sort_values(["scope", "metric", "date"]).reset_index(drop=True)


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
    """What the sources say about growth in Liu Weiguang's 21 May 2024 remarks: 'thousands' vs 'hundredfold'.

    Counted by source (one per site: three rows from one page are one account), with the rows too.
    """
    liu = statements[statements["person"].str.contains("Liu Weiguang", na=False)
                     & (statements["date"] == pd.Timestamp("2024-05-21"))]
    thousands = liu["summary"].str.contains(r"thousands|成千上万", case=False, regex=True)
    hundred = liu["summary"].str.contains(r"hundred-?fold|100-?fold|百倍", case=False, regex=True)
    sites = liu["source_url"].map(host) if len(liu) else pd.Series(dtype=str)
    return {"rows": len(liu), "sources": int(sites.nunique()),
            "thousands": int(sites[thousands].nunique()), "hundredfold": int(sites[hundred].nunique()),
            "grades": prose.grades(liu["source_quality"])}


def wording_note(wording: dict) -> str:
    """One sentence on the 'hundredfold' wording, counted by source ('' if the sources do not settle it)."""
    if not wording["sources"]:
        return ""
    n = wording["sources"]
    of = "the one source" if n == 1 else f"the {n} sources"
    if wording["hundredfold"]:
        return (f" {wording['hundredfold']} of {of} found for Liu Weiguang's 21 May 2024 remarks "
                "give the 'hundredfold' (百倍) growth.")
    if wording["thousands"]:
        k = wording["thousands"]
        say = "it says" if n == 1 else f"{k} {'says' if k == 1 else 'say'}"
        return (f" None of {of} found for Liu Weiguang's 21 May 2024 remarks ({wording['rows']} "
                f"row{'s' if wording['rows'] != 1 else ''}, {wording['grades']}) says 'hundredfold' (百倍); "
                f"{say} calls would grow 'thousands of times' (成千上万倍). The article does not date its two "
                "forecasts to that day.")
    return (f" None of {of} found for Liu Weiguang's 21 May 2024 remarks says 'hundredfold' (百倍); where the figure "
            "comes from is not in the data.")


def proxy_growths(u: pd.DataFrame, names: pd.Series | None = None, tolerance_days: int = EDGE_TOLERANCE_DAYS) -> list:
    """[(label, growth dict)] for the proxies that span 2024: the NDA's national daily tokens, then each vendor's
    daily API calls. Shown beside the claim; they measure something else (tokens, or one vendor)."""
    names = names if names is not None else pd.Series(dtype=str)
    out = [(f"China-wide daily tokens ({NDA})", fold_over_year(series(u, "china", "tokens_per_day", NDA),
                                                                 tolerance_days=tolerance_days))]
    vendors = sorted(set(u.loc[(u["metric"] == "api_calls_per_day") & (u["scope"] != "china"), "scope"]))
    out += [(f"{names.get(v, v)}'s daily API calls", fold_over_year(series(u, v, "api_calls_per_day"),
                                                                   tolerance_days=tolerance_days)) for v in vendors]
    return [(label, g) for label, g in out if g is not None]


def verdict_c6(usage: pd.DataFrame, statements: pd.DataFrame, names: pd.Series | None = None,
               tolerance_days: int = EDGE_TOLERANCE_DAYS, scope: str = "china", proxy_decides: bool = False) -> Verdict:
    """Tested directly, or not at all: the claim is a count of daily API calls.

    - A count of daily API calls for `scope` (China-wide; the alternative reading is Alibaba Cloud's own platform)
      near the end of 2024: SUPPORTED if it reaches 10 billion and grew 100-fold (where the start is known), PARTLY if
      one of the two holds, NOT_SUPPORTED if neither.
    - Without one: UNTESTABLE. Proxies (the NDA's national daily tokens, vendors' own calls) are reported beside it
      and do not decide it; `proxy_decides` is the what-if for the sensitivity table (the widest proxy decides:
      PARTLY at tenfold or more, NOT_SUPPORTED below).
    """
    u = tidy_usage(usage)
    note = wording_note(growth_wording(statements))
    names = names if names is not None else pd.Series(dtype=str)
    who = "China-wide" if scope == "china" else f"{names.get(scope, scope)}'s"
    direct = series(u, scope, "api_calls_per_day")
    end = value_near(direct, YEAR_END, tolerance_days)
    if end is not None:
        growth = fold_over_year(direct, tolerance_days=tolerance_days)
        level_ok = end["value"] >= CLAIMED_DAILY_CALLS
        growth_ok = growth is None or growth["fold"] >= CLAIMED_GROWTH
        text = (f"{who} daily API calls were {prose.big(end['value'])} around {prose.day(end['date'])} "
                f"(grade {end['source_quality']})"
                + (f", {prose.times(growth['fold'])} the start of 2024" if growth else "") + "." + note)
        verdict = SUPPORTED if level_ok and growth_ok else PARTLY if level_ok or growth_ok else NOT_SUPPORTED
        return Verdict("C6", verdict, text)

    proxies = proxy_growths(u, names, tolerance_days)
    parts = [f"{label} grew {prose.times(g['fold'])} ({prose.big(g['start']['value'])} to "
             f"{prose.big(g['end']['value'])}, grades {g['start']['source_quality']} and {g['end']['source_quality']})"
             for label, g in proxies]
    lead = (f"No public {who} count of daily API calls was found, so neither the 10 billion level nor the "
            "hundredfold growth can be checked.")
    shown = (" Beside it, measuring something else (tokens, or one vendor), over 2024 " + prose.listing(parts) + "."
             if parts else " No usage series in the data spans 2024.")
    text = lead + shown + note
    if proxy_decides and proxies:
        return Verdict("C6", PARTLY if proxies[0][1]["fold"] >= ORDER_OF_MAGNITUDE else NOT_SUPPORTED, text)
    return Verdict("C6", UNTESTABLE, text)


def c6_rows(usage: pd.DataFrame) -> pd.DataFrame:
    """The usage rows the C6 rule reads: daily API calls (any scope) and the NDA's national daily tokens."""
    china = usage["scope"] == "china"
    pub = usage["source_note"].map(publisher).where(china, "")
    nda_pages = set(usage.loc[pub == NDA, "source_url"])
    same_page = (pub == "") & usage["source_url"].isin(nda_pages)
    nda = china & (usage["metric"] == "tokens_per_day") & ((pub == NDA) | same_page)
    return usage[(usage["metric"] == "api_calls_per_day") | nda].reset_index(drop=True)


def tested_c6(usage: pd.DataFrame, statements: pd.DataFrame, names: pd.Series) -> tuple:
    """C6 with its sensitivity: (settled Verdict, Sensitivity)."""
    from ..sensitivity import check, settle, strength

    rows = c6_rows(usage)
    liu = statements[statements["person"].str.contains("Liu Weiguang", na=False)
                     & (statements["date"] == pd.Timestamp("2024-05-21"))].reset_index(drop=True)

    def rule(usage, statements, tolerance_days=EDGE_TOLERANCE_DAYS, scope="china", proxy_decides=False):
        return verdict_c6(usage, statements, names, tolerance_days, scope, proxy_decides)

    s = check(rule, {"usage": rows, "statements": liu}, {
        f"year's ends within {EDGE_TOLERANCE_DAYS - 15} days": {"tolerance_days": EDGE_TOLERANCE_DAYS - 15},
        f"year's ends within {EDGE_TOLERANCE_DAYS + 15} days": {"tolerance_days": EDGE_TOLERANCE_DAYS + 15},
        "the forecast read as Alibaba Cloud's own calls": {"scope": "alibaba"},
        "national daily tokens standing in for calls (a proxy, not the claim)": {"proxy_decides": True},
    })
    v = settle(s)
    return strength(v, rows[rows["kind"] == "actual"], liu), s


# ------------------------------------------------------------------------------------- prices on sale, vectorised

PRICE_KEY = ["vendor", "model", "direction", "tier", "variant"]


def _text(v) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else str(v)


def _dates(df: pd.DataFrame, col: str) -> np.ndarray:
    if col not in df:
        return np.full(len(df), np.datetime64("NaT"), dtype="datetime64[ns]")
    return df[col].to_numpy("datetime64[ns]")


def _interval_index(prices: pd.DataFrame):
    """(positions, start, end) of the rows that are ever their model's price in force: see price_intervals. Plain
    Python and numpy on purpose: the sensitivity runs this many times on small tables."""
    key = [k for k in PRICE_KEY if k in prices]
    keys = list(zip(*(map(_text, prices[k].tolist()) for k in key)))
    date = _dates(prices, "date")
    rank = [QUALITY.get(q, 9) for q in prices["source_quality"].tolist()] if "source_quality" in prices else \
        [0] * len(prices)
    launched, retired = _dates(prices, "launched"), _dates(prices, "retired")
    order = sorted(range(len(keys)), key=lambda i: (keys[i], date[i], rank[i]))
    kept = [i for n, i in enumerate(order) if n == 0 or (keys[i], date[i]) != (keys[order[n - 1]], date[order[n - 1]])]
    pos, start, end = [], [], []
    for n, i in enumerate(kept):
        nxt = date[kept[n + 1]] if n + 1 < len(kept) and keys[kept[n + 1]] == keys[i] else np.datetime64("NaT")
        s0 = launched[i] if not np.isnat(launched[i]) and launched[i] > date[i] else date[i]
        e0 = retired[i] if not np.isnat(retired[i]) and (np.isnat(nxt) or retired[i] < nxt) else nxt
        if np.isnat(e0) or s0 < e0:
            pos.append(i)
            start.append(s0)
            end.append(e0)
    pos = np.array(pos, dtype=int)
    start = np.array(start, dtype="datetime64[ns]")
    end = np.array(end, dtype="datetime64[ns]")
    by_date = np.lexsort((start, date[pos])) if len(pos) else pos
    return pos[by_date], start[by_date], end[by_date]


def price_intervals(prices: pd.DataFrame) -> pd.DataFrame:
    """Every price row with the period [start, end) in which it is its model's price in force (as data.on_sale).

    A row holds from its date (or the model's launch, if later) until the model's next price row or its retirement,
    whichever comes first; on a day with several sources the best grade wins. Rows that never apply are dropped.
    """
    pos, start, end = _interval_index(prices)
    out = prices.iloc[pos].reset_index(drop=True)
    out["start"], out["end"] = start, end
    return out


def _in_force(intervals, dates) -> np.ndarray:
    """Boolean matrix (interval x date): is the interval's price in force on that date? `intervals` is a frame with
    start and end, or a (start, end) pair of arrays."""
    d = np.asarray(dates, dtype="datetime64[ns]")
    if isinstance(intervals, pd.DataFrame):
        s, e = _dates(intervals, "start"), _dates(intervals, "end")
    else:
        s, e = intervals
    open_end = np.isnat(e)
    return (s[:, None] <= d[None, :]) & (open_end[:, None] | (d[None, :] < e[:, None]))


def _standard(prices: pd.DataFrame) -> np.ndarray:
    """data.list_prices as a mask, in plain Python (fast on the small tables of the sensitivity runs)."""
    variant = [_text(v) == "" for v in prices["variant"].tolist()] if "variant" in prices else [True] * len(prices)
    tier = ([(t := _text(v)) == "" or t.startswith("0-") for v in prices["tier"].tolist()] if "tier" in prices
            else [True] * len(prices))
    return np.array(variant, dtype=bool) & np.array(tier, dtype=bool)


def standard_inputs(prices: pd.DataFrame) -> pd.DataFrame:
    p = list_prices(prices)
    p = p[p["direction"] == "input"]
    return p[p["kind"] != "aggregate"] if "kind" in p else p


def price_floor(prices: pd.DataFrame, vendors=None, paid_only: bool = False) -> pd.DataFrame:
    """The lowest standard input price on sale over time: each model on sale keeps its latest price until it is
    retired (data.on_sale), so a replaced model's last price does not set the floor.

    One row per date on which a price, a launch or a retirement is recorded (date, floor, vendor, model). Free (0)
    prices count unless paid_only. Not capability-controlled: a cheap small model sets the floor as much as a cheap
    flagship.
    """
    p = standard_inputs(prices)
    if vendors is not None:
        p = p[p["vendor"].isin(list(vendors))]
    cols = ["date", "floor", "vendor", "model"]
    if p.empty:
        return pd.DataFrame(columns=cols)
    dates = set(p["date"])
    for col in ("launched", "retired"):           # a launch after the first price, or a retirement, moves the floor
        if col in p:
            dates |= set(p[col].dropna())
    dates = sorted(dates)
    iv = price_intervals(p)
    if paid_only:
        iv = iv[iv["price_after_cny_per_m"] > 0].reset_index(drop=True)
    if iv.empty:
        return pd.DataFrame(columns=cols)
    on = _in_force(iv, dates)
    price = np.where(on, iv["price_after_cny_per_m"].to_numpy(float)[:, None], np.inf)
    best = price.argmin(axis=0)                         # the earliest-dated row wins a tie
    listed = np.isfinite(price.min(axis=0))
    rows = iv.iloc[best[listed]]
    return pd.DataFrame({"date": np.array(dates, dtype="datetime64[ns]")[listed],
                         "floor": rows["price_after_cny_per_m"].to_numpy(float),
                         "vendor": rows["vendor"].to_numpy(), "model": rows["model"].to_numpy()}, columns=cols)


# ----------------------------------------------------------------------------------------- C7: published rates

# "far faster" (遠遠超越): the decline factor a year is at least this many times Moore's law's.
FAR_MULTIPLE = 3


def known_date(period: str):
    """The latest date written in a decline rate's `period` text (pricewar.data.latest_date_in)."""
    return latest_date_in(period)


def known_by(rates: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """decline_rates has no date column, so an as-of cut uses the dates in `period`. Moore's law is reference
    knowledge decades old and always kept (like exchange rates); other rows without a date are kept too."""
    if as_of is None or rates.empty:
        return rates
    dates = rates["period"].map(known_date)
    moore = rates["source"].fillna("").astype(str).str.contains("Moore", case=False)
    return rates[moore | dates.isna() | (dates <= pd.Timestamp(as_of))].reset_index(drop=True)


def classify(rates: pd.DataFrame) -> pd.DataFrame:
    """Add `group` (moore: the benchmark; claimant: Alibaba's own figure; published: LLM rates by others) and
    `publisher` (the source without its parenthetical or title: one publisher's range endpoints are one source)."""
    df = rates.copy()
    src = df["source"].fillna("").astype(str)
    df["group"] = "published"
    df.loc[src.str.contains("Alibaba", case=False), "group"] = "claimant"
    df.loc[src.str.contains("Moore", case=False), "group"] = "moore"
    df["publisher"] = src.map(lambda s: re.sub(r"\s*\([^)]*\)", "", s).split(",")[0].strip())
    return df


def moore_factor(rates: pd.DataFrame, fastest: bool = False):
    """Moore's law as a factor a year: as usually stated (the slowest variant in the table: doubling every two
    years), or its fastest variant (the 18-month misquote). None without a Moore's-law row."""
    m = classify(rates)
    m = m[m["group"] == "moore"]
    if m.empty:
        return None
    return float(m["factor_per_year"].max() if fastest else m["factor_per_year"].min())


def publisher_rates(rates: pd.DataFrame) -> pd.DataFrame:
    """Per publisher other than the claimant: its slowest and fastest rate and how many it published."""
    key = tuple(zip(rates["source"], rates["factor_per_year"], rates["source_quality"])) if len(rates) else ()
    if key not in _PUBLISHERS:
        _PUBLISHERS[key] = _publisher_rates(rates)
    return _PUBLISHERS[key]


_PUBLISHERS: dict = {}


def _publisher_rates(rates: pd.DataFrame) -> pd.DataFrame:
    c = classify(rates)
    c = c[c["group"] == "published"]
    if c.empty:
        return pd.DataFrame(columns=["publisher", "slowest", "fastest", "n", "grades"])
    g = c.groupby("publisher")
    return pd.DataFrame({"slowest": g["factor_per_year"].min(), "fastest": g["factor_per_year"].max(),
                         "n": g.size(), "grades": g["source_quality"].agg(prose.grades)}
                        ).reset_index().sort_values("slowest").reset_index(drop=True)


# -------------------------------------------------------------------------------- C7: capability-adjusted prices

INPUT_SHARE = 0.75            # blended price: 3 input tokens to 1 output token
MIN_FIT_POINTS = 3            # a fit needs at least three frontier prices ...
MIN_FIT_DAYS = 365            # ... spanning at least a year: a shorter record annualised is mostly noise
MIN_LEVELS = 2                # "supported" needs at least two capability levels fitted
LEVEL_STEP = 5                # the sensitivity moves every level this many points (or Elo) both ways
INTERVAL = 0.90               # the fits' interval
ARENA = "LMArena"


def fmt_factor(x: float) -> str:
    """A factor a year for prose: '4.5x', '23x' (two significant figures, so 4.5 never reads as 5 beside 4.24)."""
    if x is None or not math.isfinite(x):
        return "n/a"
    return f"{x:.2g}x" if x < 100 else f"{x:,.0f}x"


@dataclass(frozen=True)
class Level:
    key: str
    benchmark: str                     # exact benchmark name, or ARENA for the latest LMArena snapshot in the data
    reference: tuple | None = None     # (vendor, catalogue model) whose own score sets the level
    score: float | None = None         # or a fixed score
    name: str = ""
    reason: str = ""


LEVELS = (
    Level("gpqa_gpt4turbo", "GPQA Diamond", ("openai", "GPT-4 Turbo"), name="GPT-4 Turbo's GPQA Diamond score",
          reason="the frontier on sale before the war (GPT-4 Turbo, from November 2023)"),
    Level("gpqa_gpt4o", "GPQA Diamond", ("openai", "GPT-4o"), name="GPT-4o's GPQA Diamond score",
          reason="the frontier when the war began (GPT-4o, from 13 May 2024)"),
    Level("mmlu_83", "MMLU", score=83.0, name="MMLU 83 (a16z's GPT-4 level)",
          reason="a16z's GPT-4 level, so the fit sits beside its published rate"),
    Level("arena_gpt4o", ARENA, ("openai", "GPT-4o"), name="GPT-4o's LMArena score",
          reason="the widest coverage of Chinese models (one leaderboard snapshot, never mixed with another)"),
)


def evaluator_kind(evaluator: str) -> str:
    """self (the vendor's own number, also when a rival's table copies it), independent (Epoch AI, Stanford HELM,
    LMArena) or rival (a competitor's own run in its comparison table)."""
    e = (evaluator or "").lower()
    if "self-reported" in e or "same value" in e or "taken from" in e:
        return "self"
    if e.startswith(("epoch ai", "stanford crfm helm", "lmarena")):
        return "independent"
    return "rival"


def usable_scores(scores: pd.DataFrame, models: pd.DataFrame | None = None) -> pd.DataFrame:
    """Percent or Elo scores of catalogue models (price_model set, and in the catalogue when one is given), with an
    `evaluator_kind` column. LMArena rows are kept from the latest snapshot only (scales differ between snapshots)."""
    if scores.empty or "price_model" not in scores:
        return scores.assign(evaluator_kind=pd.Series(dtype=str)).iloc[0:0]
    s = scores[scores["price_model"].fillna("") != ""].copy()
    if models is not None:
        catalogue = set(zip(models["vendor"], models["model"]))
        s = s[[k in catalogue for k in zip(s["vendor"], s["price_model"])]]
    arena = s["benchmark"].str.startswith(ARENA) & (s["score_scale"] == "elo")
    if arena.any():
        latest = s.loc[arena].sort_values("date")["benchmark"].iloc[-1]
        s = s[~arena | (s["benchmark"] == latest)]
        arena = s["benchmark"].str.startswith(ARENA) & (s["score_scale"] == "elo")
    s = s[arena | (s["score_scale"] == "percent")].copy()
    s["evaluator_kind"] = s["evaluator"].map(evaluator_kind)
    return s.reset_index(drop=True)


def score_table(scores: pd.DataFrame) -> dict:
    """{benchmark: {(vendor, catalogue model): median score of its sources}} (plain Python: many small calls)."""
    from statistics import median

    groups: dict = {}
    for b, v, m, x in zip(scores["benchmark"].tolist(), scores["vendor"].tolist(), scores["price_model"].tolist(),
                          scores["score"].tolist()):
        groups.setdefault(b, {}).setdefault((v, m), []).append(x)
    return {b: {k: float(median(xs)) for k, xs in g.items()} for b, g in groups.items()}


def level_benchmark(level: Level, table: dict) -> str | None:
    """The benchmark a level reads: its own, or the (one) LMArena snapshot in the table."""
    if level.benchmark != ARENA:
        return level.benchmark
    arena = sorted(b for b in table if b.startswith(ARENA))
    return arena[-1] if arena else None


def model_scores(scores: pd.DataFrame, benchmark: str) -> pd.Series:
    """Each catalogue model's score on one benchmark: the median of its sources' scores, indexed (vendor, model)."""
    s = scores[scores["benchmark"] == benchmark]
    if s.empty:
        return pd.Series(dtype=float)
    return s.groupby(["vendor", "price_model"])["score"].median()


def threshold(level: Level, scores: dict, shift: float = 0.0):
    """The level's score: the reference model's own (median) score, or the fixed score; None if unknown."""
    if level.reference is not None:
        if level.reference not in scores:
            return None
        return float(scores[level.reference]) + shift
    return float(level.score) + shift


@dataclass
class PriceMatrix:
    """Standard list prices in force, yuan per million tokens: `price[d, k]` is model `keys[k]`'s price from
    `dates[d]` until the next date (inf: not on sale, or no price in that direction)."""
    dates: np.ndarray
    keys: list
    price: np.ndarray

    def long(self) -> pd.DataFrame:
        """(date, vendor, model, price) for every model on sale at every date."""
        d, k = np.nonzero(np.isfinite(self.price))
        return pd.DataFrame({"date": self.dates[d], "vendor": [self.keys[i][0] for i in k],
                             "model": [self.keys[i][1] for i in k], "price": self.price[d, k]})

    def only(self, vendors) -> "PriceMatrix":
        keep = [i for i, (v, _) in enumerate(self.keys) if v in set(vendors)]
        return PriceMatrix(self.dates, [self.keys[i] for i in keep], self.price[:, keep])


def price_matrix(prices: pd.DataFrame, basis: str = "blended") -> PriceMatrix:
    """Every model's standard list price at every date on which any of them changes: `blended` = 3:1 input:output
    (a model needs both directions on sale), `input` = input only. Models off sale are inf."""
    p = prices[_standard(prices)] if len(prices) else prices
    pos, start, end = _interval_index(p) if len(p) else (np.array([], dtype=int), None, None)
    if not len(pos):
        return PriceMatrix(np.array([], dtype="datetime64[ns]"), [], np.zeros((0, 0)))
    dates = np.unique(np.concatenate([start, end[~np.isnat(end)]]))
    vendor, model = p["vendor"].to_numpy()[pos], p["model"].to_numpy()[pos]
    pairs = list(zip(vendor.tolist(), model.tolist()))
    keys = sorted(set(pairs))
    index = {k: i for i, k in enumerate(keys)}
    k_of = np.array([index[k] for k in pairs])
    direction = p["direction"].to_numpy()[pos]
    values = np.where(_in_force((start, end), dates), p["price_after_cny_per_m"].to_numpy(float)[pos][:, None],
                      np.inf)

    def one(name):
        rows = direction == name
        m = np.full((len(keys), len(dates)), np.inf)
        np.minimum.at(m, k_of[rows], values[rows])
        return m.T

    price = one("input")
    if basis != "input":
        out = one("output")
        price = np.where(np.isfinite(price) & np.isfinite(out), INPUT_SHARE * price + (1 - INPUT_SHARE) * out, np.inf)
    return PriceMatrix(dates, keys, price)


def capability_prices(prices: pd.DataFrame, basis: str = "blended") -> pd.DataFrame:
    """price_matrix as a long table: (date, vendor, model, price) for every model on sale at every change date."""
    return price_matrix(prices, basis).long()


def frontier(pm: PriceMatrix, qualifying) -> pd.DataFrame:
    """The cheapest qualifying model on sale, each time it changes: (date, price, vendor, model).

    These are the models Epoch AI fits ("the lowest-priced LLMs that match or exceed a given score"); a rise (the
    cheapest model retired, or repriced) is kept, not smoothed away. A tie goes to the first model by name."""
    cols = ["date", "price", "vendor", "model"]
    q = set(qualifying)
    cols_ix = [i for i, k in enumerate(pm.keys) if k in q]
    if not cols_ix or not len(pm.dates):
        return pd.DataFrame(columns=cols)
    sub = pm.price[:, cols_ix]
    best = sub.min(axis=1)
    arg = np.array(cols_ix)[sub.argmin(axis=1)]
    ok = np.isfinite(best)
    best, arg, dates = best[ok], arg[ok], pm.dates[ok]
    change = np.ones(len(best), dtype=bool)
    change[1:] = (np.round(best[1:], 9) != np.round(best[:-1], 9)) | (arg[1:] != arg[:-1])
    return pd.DataFrame({"date": dates[change], "price": best[change],
                         "vendor": [pm.keys[i][0] for i in arg[change]],
                         "model": [pm.keys[i][1] for i in arg[change]]}, columns=cols)


def t_quantile(p: float, df: int) -> float:
    """Quantile of Student's t distribution (two-sided intervals need p = 0.5 + level / 2), by bisection."""
    if df <= 0:
        return math.nan
    c = math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)) / math.sqrt(df * math.pi)

    def cdf(x):  # 0.5 + integral of the density from 0 to x (Simpson, 2000 steps)
        n = 2000
        h = x / n
        f = c * (1 + (np.arange(n + 1) * h) ** 2 / df) ** (-(df + 1) / 2)
        return 0.5 + h / 3 * (f[0] + f[-1] + 4 * f[1:-1:2].sum() + 2 * f[2:-1:2].sum())

    lo, hi = 0.0, 1000.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if cdf(mid) < p else (lo, mid)
    return (lo + hi) / 2


_T: dict = {}


def fit_decline(points: pd.DataFrame, min_points: int = MIN_FIT_POINTS, min_days: int = MIN_FIT_DAYS) -> dict | None:
    """Log-linear fit of price on date: {'factor': times cheaper a year, 'low'/'high': its INTERVAL bounds (low =
    the slower end), 'slope' and 'intercept' (ln price, years from 'start'), 'n', 'start', 'end', 'days', and what
    a confidence band needs}; None if the points are too few, span too short a time, or a price is free."""
    price = points["price"].to_numpy(float)
    when = points["date"].to_numpy("datetime64[D]")
    if len(price) < min_points or (price <= 0).any():
        return None
    days = int((when.max() - when.min()).astype(int))
    if days < min_days:
        return None
    t0 = pd.Timestamp(when.min())
    x = (when - when.min()).astype(float) / 365.25
    y = np.log(price)
    n = len(x)
    sxx = ((x - x.mean()) ** 2).sum()
    slope = ((x - x.mean()) * (y - y.mean())).sum() / sxx
    intercept = y.mean() - slope * x.mean()
    resid = y - (intercept + slope * x)
    se = math.sqrt((resid ** 2).sum() / (n - 2) / sxx)
    if n - 2 not in _T:
        _T[n - 2] = t_quantile(0.5 + INTERVAL / 2, n - 2)
    half = _T[n - 2] * se
    return {"factor": math.exp(-slope), "low": math.exp(-(slope + half)), "high": math.exp(-(slope - half)),
            "slope": slope, "intercept": intercept, "n": n, "start": t0, "end": pd.Timestamp(when.max()), "days": days,
            "s": math.sqrt((resid ** 2).sum() / (n - 2)), "xbar": x.mean(), "sxx": sxx, "t": _T[n - 2]}


def fit_band(fit: dict, dates) -> pd.DataFrame:
    """The fitted line and its INTERVAL confidence band (for the mean), at the given dates."""
    x = (pd.to_datetime(pd.Series(list(dates))) - fit["start"]).dt.days.to_numpy(float) / 365.25
    mid = fit["intercept"] + fit["slope"] * x
    half = fit["t"] * fit["s"] * np.sqrt(1 / fit["n"] + (x - fit["xbar"]) ** 2 / fit["sxx"])
    return pd.DataFrame({"date": pd.to_datetime(pd.Series(list(dates))), "price": np.exp(mid),
                         "low": np.exp(mid - half), "high": np.exp(mid + half)})


def successors(prices: pd.DataFrame | None) -> dict:
    """{(vendor, model): (vendor, the model that replaced it)} from the catalogue's superseded_by (as joined onto
    the price rows)."""
    if prices is None or "superseded_by" not in prices or prices.empty:
        return {}
    pairs = zip(prices["vendor"].tolist(), prices["model"].tolist(), map(_text, prices["superseded_by"].tolist()))
    return {(v, m): (v, s) for v, m, s in pairs if s}


def inherit(scores: dict, succ: dict) -> dict:
    """A model that replaced another (behind its API name, by the catalogue) and has no score of its own on the
    benchmark is taken to be at least as capable: it carries its predecessor's score, down the chain."""
    out = dict(scores)
    changed = True
    while changed:
        changed = False
        for old, new in succ.items():
            if old in out and new not in out:
                out[new] = out[old]
                changed = True
    return out


def capability_fits(scores: pd.DataFrame, prices: pd.DataFrame | None = None, levels=LEVELS,
                    basis: str = "blended", shift: float = 0.0, min_days: int = MIN_FIT_DAYS, vendors=None,
                    pm: PriceMatrix | None = None, succ: dict | None = None) -> pd.DataFrame:
    """One row per capability level: its threshold, how many priced models reach it, the frontier points and the fit
    (factor a year and interval), or `reason` why there is no fit. `scores` as from usable_scores; `succ` (default:
    from the prices' superseded_by) lets a successor without a score carry its predecessor's (inherit)."""
    if pm is None:
        pm = price_matrix(prices, basis)
    if succ is None:
        succ = successors(prices)
    if vendors is not None:
        pm = pm.only(vendors)
    priced = set(pm.keys)
    table = score_table(scores) if len(scores) else {}
    rows = []
    for level in levels:
        bench = level_benchmark(level, table)
        ms = inherit(table.get(bench, {}), succ)
        bar = threshold(level, ms, shift)
        row = {"level": level.key, "name": level.name, "benchmark": bench or level.benchmark, "threshold": bar,
               "models": 0, "points": None, "fit": None, "factor": math.nan, "low": math.nan, "high": math.nan,
               "reason": ""}
        if bar is None:
            ref = level.reference[1] if level.reference else ""
            row["reason"] = (f"no {level.benchmark} score in the data" if not ms
                             else f"no {bench} score for {ref}, which sets the level")
            rows.append(row)
            continue
        qualifying = [k for k, v in ms.items() if v >= bar - 1e-9 and k in priced]
        pts = frontier(pm, qualifying)
        fit = fit_decline(pts, MIN_FIT_POINTS, min_days)
        row.update(models=len(qualifying), points=pts, fit=fit)
        if fit is None:
            span = (pts["date"].max() - pts["date"].min()).days if len(pts) else 0
            row["reason"] = (f"{len(pts)} frontier price{'s' if len(pts) != 1 else ''} over {span} days; a fit "
                             f"needs {MIN_FIT_POINTS} over {min_days}")
        else:
            row.update(factor=fit["factor"], low=fit["low"], high=fit["high"])
        rows.append(row)
    return pd.DataFrame(rows)


def verdict_c7(rates: pd.DataFrame, fits: pd.DataFrame, moore: float | None, far: float = FAR_MULTIPLE,
               slow_end: bool = False, moore_name: str = "Moore's law") -> Verdict:
    """C7 on the capability-adjusted fits, beside the published rates (prices at a fixed capability, both).

    bar = far x `moore` (Moore's factor a year). A level's rate is its fit's factor (with slow_end, the slower end
    of its interval); each publisher counts once, at its slowest rate (Alibaba, the claimant, is left out).
    - SUPPORTED: every fitted level at or above the bar, and every publisher too (or, with no published rate, at
      least MIN_LEVELS levels fitted): two lines of evidence agree.
    - NOT_SUPPORTED: no fitted level and no publisher reaches the bar.
    - PARTLY: the rest: the evidence is mixed, or only published rates (no fit) or a single level reach it.
    - UNTESTABLE: no Moore's-law benchmark, or neither a fit nor a published rate.
    """
    if moore is None:
        return Verdict("C7", UNTESTABLE, "No Moore's-law benchmark in decline_rates.csv.")
    bar = far * moore
    fitted = fits.dropna(subset=["factor"]) if len(fits) else fits
    pubs = publisher_rates(rates)
    unfit = [f"{r['name']} ({r['reason']})" for _, r in fits.iterrows() if pd.isna(r["factor"])] if len(fits) else []
    if fitted.empty and pubs.empty:
        return Verdict("C7", UNTESTABLE, "No capability-adjusted price can be fitted"
                       + (f": {prose.listing(unfit)}" if unfit else "") + "; no published rate for a fixed "
                       "capability is in the data.")
    key = "low" if slow_end else "factor"
    far_fits = [r[key] >= bar for _, r in fitted.iterrows()]
    far_pubs = [r["slowest"] >= bar for _, r in pubs.iterrows()]
    fit_parts = [f"at {r['name']} {fmt_factor(r['factor'])} a year ({INTERVAL:.0%} interval {fmt_factor(r['low'])} "
                 f"to {fmt_factor(r['high'])}; {r['fit']['n']} frontier prices, {r['fit']['start']:%b %Y} to "
                 f"{r['fit']['end']:%b %Y})" for _, r in fitted.iterrows()]
    text = ("The cheapest price on sale of a model at a fixed capability (list prices, 3 input tokens to 1 output) "
            f"fell {prose.listing(fit_parts)}." if fit_parts else "No capability-adjusted price could be fitted.")
    if unfit:
        text += f" Not fitted: {prose.listing(unfit)}."
    if len(pubs):
        text += (f" Rates published by {len(pubs)} publisher{'s' if len(pubs) != 1 else ''} other than Alibaba, "
                 "each at its slowest: "
                 + prose.listing(f"{r['publisher']} {r['slowest']:g}x" for _, r in pubs.iterrows()) + ".")
    text += (f" 'Far faster' is taken as {far:g} times {moore_name} ({moore:.2f}x a year): {bar:.2f}x. These are "
             "prices, not costs: shrinking margins make prices fall faster than costs.")
    if len(fitted) and all(far_fits) and ((len(pubs) and all(far_pubs)) or (pubs.empty and len(fitted) >= MIN_LEVELS)):
        return Verdict("C7", SUPPORTED, text)
    if not any(far_fits) and not any(far_pubs):
        return Verdict("C7", NOT_SUPPORTED, text)
    return Verdict("C7", PARTLY, text)


# The columns the C7 rule reads (fewer columns keep the many sensitivity runs fast).
PRICE_COLUMNS = ["date", "vendor", "model", "direction", "tier", "variant", "price_after_cny_per_m", "launched",
                 "retired", "superseded_by", "kind", "source_url", "source_quality"]
SCORE_COLUMNS = ["vendor", "model", "price_model", "benchmark", "score", "score_scale", "date", "evaluator",
                 "evaluator_kind", "source_url", "source_quality"]


def c7_inputs(rates: pd.DataFrame, scores: pd.DataFrame, prices: pd.DataFrame, models: pd.DataFrame | None = None):
    """The rows the C7 rule reads: (Moore's factor, its fastest variant, the other rates), the levels' benchmark
    scores of catalogue models, and the standard list prices of the scored models. Moore's law is reference
    knowledge: passed as numbers, so leaving its source out is not an alternative."""
    c = classify(rates)
    others = rates[(c["group"] != "moore").to_numpy()].reset_index(drop=True)
    s = usable_scores(scores, models)
    benches = {lv.benchmark for lv in LEVELS if lv.benchmark != ARENA}
    s = s[s["benchmark"].isin(benches) | s["benchmark"].str.startswith(ARENA)].reset_index(drop=True)
    s = s[[c for c in SCORE_COLUMNS if c in s]]
    scored = set(zip(s["vendor"], s["price_model"]))
    p = list_prices(prices)
    scored = set(inherit({k: 0 for k in scored}, successors(p)))   # successors can carry a predecessor's score
    p = p[[k in scored for k in zip(p["vendor"], p["model"])]]
    p = p[[c for c in PRICE_COLUMNS if c in p]].reset_index(drop=True)
    return (moore_factor(rates), moore_factor(rates, fastest=True)), others, s, p


def tested_c7(moore: tuple, rates: pd.DataFrame, scores: pd.DataFrame, prices: pd.DataFrame, chinese,
              levels=LEVELS) -> tuple:
    """C7 with its sensitivity: (settled Verdict, Sensitivity, fits as tested). Inputs as from c7_inputs."""
    from ..sensitivity import check, settle, strength

    matrices = {}

    def rule(rates, scores, prices, far=FAR_MULTIPLE, fastest_moore=False, slow_end=False, basis="blended",
             levels=levels, shift=0.0, min_days=MIN_FIT_DAYS, vendors=None, credit_successors=True):
        key = (id(prices), len(prices), basis)
        if key not in matrices:
            matrices[key] = price_matrix(prices, basis), successors(prices)
        pm, succ = matrices[key]
        fits = capability_fits(scores, levels=levels, basis=basis, shift=shift, min_days=min_days, vendors=vendors,
                               pm=pm, succ=succ if credit_successors else {})
        return verdict_c7(rates, fits, moore[1] if fastest_moore else moore[0], far, slow_end,
                          "Moore's law's 18-month variant" if fastest_moore else "Moore's law")

    fits = capability_fits(scores, prices, levels)
    alternatives = {
        "'far faster' as 2x Moore's factor": {"far": 2},
        "'far faster' as 5x Moore's factor": {"far": 5},
        "Moore's law as its 18-month variant": {"fastest_moore": True},
        f"the slower end of each fit's {INTERVAL:.0%} interval": {"slow_end": True},
    }
    # Each level alone, where it can be fitted (a level without a fit has nothing to say alone; it is listed).
    if len(levels) > 1:
        alternatives |= {f"{lv.name} alone": {"levels": (lv,)} for lv, (_, f) in zip(levels, fits.iterrows())
                         if pd.notna(f["factor"])}
    alternatives |= {
        f"every level {LEVEL_STEP} points lower": {"shift": -LEVEL_STEP},
        f"every level {LEVEL_STEP} points higher": {"shift": LEVEL_STEP},
        "self-reported scores left out": {"scores": scores[scores["evaluator_kind"] != "self"].reset_index(drop=True)},
        "independent evaluators only (Epoch AI, HELM, LMArena)": {
            "scores": scores[scores["evaluator_kind"] == "independent"].reset_index(drop=True)},
        "input prices instead of the 3:1 blend": {"basis": "input"},
        "Chinese vendors' models only": {"vendors": list(chinese)},
        "successors not credited with their predecessor's score": {"credit_successors": False},
        f"fits over {MIN_FIT_DAYS // 2} days or more": {"min_days": MIN_FIT_DAYS // 2},
        f"fits over {MIN_FIT_DAYS * 3 // 2} days or more": {"min_days": MIN_FIT_DAYS * 3 // 2},
        "published rates left out": {"rates": rates.iloc[0:0]},
    }
    s = check(rule, {"rates": rates, "scores": scores, "prices": prices}, alternatives)
    v = settle(s)
    return strength(v, classify(rates).query("group == 'published'"), scores, prices), s, fits


# ------------------------------------------------------------------------------------------------------ chart help

def label(row, width: int = 62) -> str:
    """'Epoch AI: LLM inference price to reach …' on at most two lines (parentheses in the source dropped)."""
    src = re.sub(r"\s*\([^)]*\)", "", row["source"]).strip()
    lines = textwrap.wrap(f"{src}: {row['scope']}", width)
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), width, placeholder=" …")]
    return "\n".join(lines)


def spread(values, min_gap: float, lowest: float | None = None) -> list[float]:
    """Label positions (same units as values, e.g. log10) at least min_gap apart, crowded groups centred on their data.

    Isolated labels stay where their data are; with `lowest`, no label goes below it (the bottom ones move up).
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
    if lowest is not None:
        for k in range(len(placed)):
            placed[k] = max(placed[k], lowest if k == 0 else placed[k - 1] + min_gap)
    out = [0.0] * len(values)
    for k, i in enumerate(order):
        out[i] = placed[k]
    return out
