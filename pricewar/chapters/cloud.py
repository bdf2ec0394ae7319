"""Chapter 3: the price war as an extension of the cloud business (claims C4, C5, C11).

C4  Alibaba Cloud had already announced big cloud-product price cuts in February 2024.
C5  LLMs extend cloud computing; cloud vendors are the most aggressive.
C11 The cuts aim at user growth and market share.

Every rule takes loaded tables (dates as Timestamps) and returns a Verdict computed from them. Missing rows give
"not testable", never a crash.
"""
from __future__ import annotations

import re

import pandas as pd

from .. import prose
from ..data import grade_rank, list_prices
from ..verdicts import NOT_SUPPORTED, PARTLY, SUPPORTED, UNTESTABLE, Verdict

# --- What the article states, and the definitions this chapter uses -------------------------------------------------
CLAIMED_CLOUD_CUT_MONTH = "2024-02"          # "已經在2月官宣過云產品大降價" (the article dates it to February 2024)
CLOUD_CUT_VENDOR = "alibaba"
# A cloud cut counts as "big" (大降價) if the average cut is at least 15% or the largest single cut at least 40%.
BIG_AVG_CUT = 0.15
BIG_MAX_CUT = 0.40

# The first round of the LLM price war: who moved between these dates.
WAR_START = pd.Timestamp("2024-05-01")
WAR_END = pd.Timestamp("2024-06-30")
# A launch counts as a price move if it came in at or below this input price (yuan per million tokens): the level
# DeepSeek-V2 (1 yuan) and Doubao (0.8 yuan) launched at in May 2024, far below the 2023 norm.
CHEAP_LAUNCH_CNY_PER_M = 1.0
DEEP_CUT = 0.9                               # a cut of 90% or more, or to free, is a "deep" cut
CHINESE_KINDS = ("cloud", "model_company")

# Usage series for C11: (vendor, metric) pairs named in the brief.
# (vendor, metric, chart label, short name for prose)
USAGE_SERIES = [("bytedance", "tokens_per_day", "Doubao 豆包 daily tokens", "Doubao's daily tokens"),
                ("baidu", "api_calls_per_day", "Baidu ERNIE 文心 daily API calls", "ERNIE's daily API calls")]
BASELINE_END = pd.Timestamp("2024-05-31")    # the last figure up to the end of May 2024 is the "before" level
HORIZON_END = pd.Timestamp("2024-12-31")     # growth is measured to the last figure of 2024
STRONG_GROWTH_FOLD = 5.0                     # "grew strongly": at least five-fold by the end of 2024
GROWTH_WORDS = ("volume", "usage", "grow", "adoption", "explosion", "affordab", "tenfold")

# Markets in market_share.csv and what each one measures (never mixed in one series).
MEASURES = {
    "cloud_infrastructure": "cloud infrastructure spending (all cloud, not only AI)",
    "ai_cloud": "AI cloud services revenue",
    "llm_public_cloud_tokens": "LLM tokens sold on public clouds to external customers",
    "enterprise_llm_daily_tokens": "enterprise LLM token use by model family (not by cloud)",
}


# --- General helpers --------------------------------------------------------------------------------------------------
def label(vendor: str, vendors: pd.DataFrame) -> str:
    """'Alibaba Cloud 阿里云' (English name and Chinese name, as in every chart)."""
    if vendor not in vendors.index:
        return vendor
    return f"{vendors.loc[vendor, 'name_en']} {vendors.loc[vendor, 'name_zh']}".strip()


def kind_of(vendor: str, vendors: pd.DataFrame) -> str:
    return vendors.loc[vendor, "kind"] if vendor in vendors.index else "unknown"


def grades(df: pd.DataFrame) -> str:
    """'grade C' or 'grades B and C'."""
    g = sorted(set(df["source_quality"]))
    return ("grade " if len(g) == 1 else "grades ") + prose.listing(g)


def only_c(df: pd.DataFrame) -> bool:
    return len(df) > 0 and set(df["source_quality"]) == {"C"}


def period_end(period: str) -> pd.Timestamp:
    """'2024' -> 2024-12-31, '2025H1' -> 2025-06-30, '2024Q2' -> 2024-06-30."""
    year = int(period[:4])
    rest = period[4:]
    if not rest:
        month = 12
    elif rest[0] == "H":
        month = 6 * int(rest[1])
    else:
        month = 3 * int(rest[1])
    return pd.Timestamp(year=year, month=month, day=1) + pd.offsets.MonthEnd(0)


# --- C4: the February 2024 cloud cut ----------------------------------------------------------------------------------
def cloud_cut_announcements(cuts: pd.DataFrame) -> pd.DataFrame:
    """One row per (date, vendor) announcement: best-graded depth, how many sources, and whether they disagree."""
    cols = ["date", "vendor", "scope", "avg_cut_fraction", "max_cut_fraction", "products", "n_sources", "grades",
            "disagree"]
    if cuts.empty:
        return pd.DataFrame(columns=cols)
    df = cuts.assign(_rank=grade_rank(cuts["source_quality"])).sort_values(["date", "vendor", "_rank"])
    rows = []
    for (date, vendor), g in df.groupby(["date", "vendor"], sort=True):
        best = g.iloc[0]
        products = next((p for p in g["products"] if isinstance(p, str) and p), "")
        disagree = any(g[c].dropna().round(6).nunique() > 1 for c in ("avg_cut_fraction", "max_cut_fraction"))
        rows.append({"date": date, "vendor": vendor, "scope": best["scope"],
                     "avg_cut_fraction": g["avg_cut_fraction"].dropna().iloc[0] if g["avg_cut_fraction"].notna().any()
                     else float("nan"),
                     "max_cut_fraction": g["max_cut_fraction"].dropna().iloc[0] if g["max_cut_fraction"].notna().any()
                     else float("nan"),
                     "products": products, "n_sources": len(g), "grades": grades(g), "disagree": disagree})
    return pd.DataFrame(rows, columns=cols)


def product_cuts(products: str) -> dict[str, float]:
    """'ECS up to 36%; OSS up to 55%' -> {'ECS': 0.36, 'OSS': 0.55} (the per-product maxima a source lists)."""
    return {name: int(n) / 100 for name, n in re.findall(r"([A-Za-z][\w-]*)\s+up to\s+(\d+)%", products or "")}


def in_month(df: pd.DataFrame, month: str) -> pd.DataFrame:
    if df.empty:
        return df
    return df[df["date"].dt.strftime("%Y-%m") == month]


def verdict_c4(cuts: pd.DataFrame, statements: pd.DataFrame | None = None) -> Verdict:
    ali = cuts[cuts["vendor"] == CLOUD_CUT_VENDOR] if len(cuts) else cuts
    if ali.empty:
        return Verdict("C4", UNTESTABLE, "The data hold no general cloud price cut by Alibaba Cloud.")
    feb = in_month(ali, CLAIMED_CLOUD_CUT_MONTH)
    if feb.empty:
        dates = prose.listing(prose.day(d) for d in sorted(ali["date"].unique()))
        return Verdict("C4", NOT_SUPPORTED, f"The sourced Alibaba Cloud price cuts are dated {dates}, "
                                            "none in February 2024.")
    ann = cloud_cut_announcements(feb).iloc[0]
    avg, mx = ann["avg_cut_fraction"], ann["max_cut_fraction"]
    quality = f"{ann['n_sources']} source(s), {ann['grades']}"
    if only_c(feb):
        quality += ", aggregators only"
    said = ""
    if statements is not None and len(statements):
        st = in_month(statements[statements["vendor"] == CLOUD_CUT_VENDOR], CLAIMED_CLOUD_CUT_MONTH)
        if len(st):
            said = f"; {len(st)} statement(s) by Alibaba Cloud executives that month describe it"
    depth_parts = []
    if pd.notna(avg):
        depth_parts.append(f"{prose.pct(avg)} on average")
    if pd.notna(mx):
        depth_parts.append(f"up to {prose.pct(mx)}")
    head = f"On {prose.day(ann['date'])} Alibaba Cloud cut list prices"
    if not depth_parts:
        return Verdict("C4", PARTLY, f"{head}, but no source gives how deep ({quality}{said}).")
    evidence = f"{head} by {' and '.join(depth_parts)} ({quality}{said})."
    big = (pd.notna(avg) and avg >= BIG_AVG_CUT) or (pd.notna(mx) and mx >= BIG_MAX_CUT)
    if big:
        return Verdict("C4", SUPPORTED, evidence)
    return Verdict("C4", PARTLY, evidence + " That is a modest cut rather than a big one.")


# --- C5: who moved, and are they the cloud vendors? -------------------------------------------------------------------
def price_movers(prices: pd.DataFrame, vendors: pd.DataFrame, start=WAR_START, end=WAR_END) -> pd.DataFrame:
    """Chinese vendors that cut a list price, or launched at or below CHEAP_LAUNCH_CNY_PER_M, between start and end.

    `prices` is the consensus price table (one row per announced price, with cut_fraction).
    """
    cols = ["vendor", "kind", "first_date", "cuts", "cheap_launches", "deep_cuts", "lowest_input"]
    if prices.empty:
        return pd.DataFrame(columns=cols)
    p = list_prices(prices)
    p = p[(p["date"] >= pd.Timestamp(start)) & (p["date"] <= pd.Timestamp(end))]
    p = p[p["vendor"].map(lambda v: kind_of(v, vendors)).isin(CHINESE_KINDS)]
    cut = p["event"] == "cut"
    cheap = (p["event"] == "launch") & (p["direction"] == "input") & (p["price_after_cny_per_m"] <= CHEAP_LAUNCH_CNY_PER_M)
    deep = cut & ((p["price_after_cny_per_m"] == 0) | (p["cut_fraction"] >= DEEP_CUT))
    moves = p[cut | cheap]
    rows = []
    for vendor, g in moves.groupby("vendor"):
        inputs = g[g["direction"] == "input"]
        rows.append({"vendor": vendor, "kind": kind_of(vendor, vendors), "first_date": g["date"].min(),
                     "cuts": p[cut & (p["vendor"] == vendor)]["model"].nunique(),
                     "cheap_launches": p[cheap & (p["vendor"] == vendor)]["model"].nunique(),
                     "deep_cuts": p[deep & (p["vendor"] == vendor)]["model"].nunique(),
                     "lowest_input": inputs["price_after_cny_per_m"].min() if len(inputs) else float("nan")})
    return pd.DataFrame(rows, columns=cols).sort_values("first_date").reset_index(drop=True)


def participation(movers: pd.DataFrame, vendors: pd.DataFrame) -> pd.DataFrame:
    """Per kind of Chinese vendor: how many are listed in vendors.csv, how many moved, and the share that moved."""
    listed = vendors[vendors["kind"].isin(CHINESE_KINDS)]
    out = listed.groupby("kind").size().rename("listed").to_frame()
    out["moved"] = movers.groupby("kind")["vendor"].nunique().reindex(out.index).fillna(0).astype(int)
    out["rate"] = out["moved"] / out["listed"]
    return out.reindex(list(CHINESE_KINDS)).dropna(subset=["listed"])


def share_consensus(shares: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """One row per (period, source, market, vendor): best-graded share, number of sources, disagreement flag.

    market_share.csv has no date column, so the as-of cut happens here: a share counts as known once its period ended.
    """
    cols = ["period", "source", "market", "vendor", "share", "source_quality", "n_sources", "disagree", "period_end"]
    if shares.empty:
        return pd.DataFrame(columns=cols)
    df = shares.copy()
    df["period_end"] = df["period"].map(period_end)
    if as_of is not None:
        df = df[df["period_end"] <= pd.Timestamp(as_of)]
    if df.empty:
        return pd.DataFrame(columns=cols)
    key = ["period", "source", "market", "vendor"]
    df = df.assign(_rank=grade_rank(df["source_quality"])).sort_values(key + ["_rank"])
    groups = df.groupby(key, sort=False)
    best = groups.head(1).set_index(key)
    best["n_sources"] = groups.size()
    best["disagree"] = groups["share"].agg(lambda s: s.round(6).nunique() > 1)
    return best.reset_index()[cols].sort_values(["market", "period_end", "share"], ascending=[True, True, False]) \
        .reset_index(drop=True)


def latest(shares: pd.DataFrame, market: str, min_vendors: int = 1) -> pd.DataFrame:
    """The rows of the latest period of one market (with at least min_vendors vendors), largest share first."""
    m = shares[(shares["market"] == market) & ~shares["vendor"].isin(["others", "china"])]
    if m.empty:
        return m
    counts = m.groupby(["period", "source"])["vendor"].nunique()
    ok = counts[counts >= min_vendors].index
    m = m[m.set_index(["period", "source"]).index.isin(ok)]
    if m.empty:
        return m
    last = m["period_end"].max()
    m = m[m["period_end"] == last]
    # Same end date, e.g. '2025' and '2025H2': prefer the longer (full-year) period; then the best-sourced firm.
    m = m[m["period"].str.len() == m["period"].str.len().min()]
    return m.sort_values("share", ascending=False).reset_index(drop=True)


def leader(shares: pd.DataFrame, market: str) -> pd.Series | None:
    rows = latest(shares, market)
    return rows.iloc[0] if len(rows) else None


def verdict_c5(movers: pd.DataFrame, vendors: pd.DataFrame, shares: pd.DataFrame) -> Verdict:
    if movers.empty:
        return Verdict("C5", UNTESTABLE, "No Chinese vendor's price cut between May and June 2024 is in the data.")
    n = len(movers)
    n_cloud = int((movers["kind"] == "cloud").sum())
    rate = participation(movers, vendors)["rate"]
    tests = {"majority": n_cloud / n > 0.5}
    if {"cloud", "model_company"} <= set(rate.index):
        tests["rate"] = rate["cloud"] > rate["model_company"]
    first = movers.sort_values("first_date").iloc[0]
    evidence = (f"{n_cloud} of the {n} Chinese vendors that cut or launched cheap in May-June 2024 run a public cloud"
                + (f" ({prose.pct(rate['cloud'], 0)} of listed cloud vendors moved against "
                   f"{prose.pct(rate['model_company'], 0)} of vendors without one)" if "rate" in tests else "")
                + (f", though the first to move had no public cloud ({vendors.loc[first['vendor'], 'name_en']}, "
                   f"{prose.day(first['first_date'])})" if first["kind"] != "cloud" and first["vendor"] in vendors.index
                   else "") + ".")
    later = []
    for market, what in (("llm_public_cloud_tokens", "LLM tokens on public clouds"), ("ai_cloud", "AI cloud revenue")):
        top = leader(shares, market)
        if top is None:
            continue
        is_cloud = kind_of(top["vendor"], vendors) == "cloud"
        tests[market] = is_cloud
        later.append(f"{top['source']} puts {vendors.loc[top['vendor'], 'name_en'] if top['vendor'] in vendors.index else top['vendor']} "
                     f"first in {what} in {top['period']} ({prose.pct(top['share'])})")
    if later:
        evidence += " Later, " + prose.listing(later) + "."
    passed = sum(tests.values())
    if passed == len(tests):
        return Verdict("C5", SUPPORTED, evidence)
    if passed:
        return Verdict("C5", PARTLY, evidence)
    return Verdict("C5", NOT_SUPPORTED, evidence)


# --- C11: did usage and share follow the cuts? ------------------------------------------------------------------------
def usage_series(usage: pd.DataFrame, scope: str, metric: str) -> pd.DataFrame:
    """Actual figures of one series, one per date (best-graded source), oldest first."""
    if usage.empty:
        return usage
    s = usage[(usage["scope"] == scope) & (usage["metric"] == metric) & (usage["kind"] == "actual")]
    s = s.assign(_rank=grade_rank(s["source_quality"])).sort_values(["date", "_rank"])
    return s.drop_duplicates("date").drop(columns="_rank").reset_index(drop=True)


def months_between(a, b) -> float:
    return (pd.Timestamp(b) - pd.Timestamp(a)).days / 30.4375


def growth(series: pd.DataFrame, baseline_end=BASELINE_END, horizon_end=HORIZON_END) -> dict | None:
    """Fold growth from the last figure up to baseline_end to the last figure up to horizon_end (None if either is
    missing), with the growth per month and the grades of the two rows."""
    before = series[series["date"] <= pd.Timestamp(baseline_end)]
    after = series[(series["date"] > pd.Timestamp(baseline_end)) & (series["date"] <= pd.Timestamp(horizon_end))]
    if before.empty or after.empty:
        return None
    a, b = before.iloc[-1], after.iloc[-1]
    months = months_between(a["date"], b["date"])
    fold = b["value"] / a["value"]
    return {"start": a["date"], "end": b["date"], "start_value": a["value"], "end_value": b["value"], "fold": fold,
            "months": months, "monthly": fold ** (1 / months) - 1 if months > 0 else float("nan"),
            "grades": grades(pd.DataFrame([a, b]))}


def pre_cut_growth(series: pd.DataFrame, baseline_end=BASELINE_END) -> dict | None:
    """Growth from the first figure to the baseline figure: how fast the series grew before the cuts."""
    before = series[series["date"] <= pd.Timestamp(baseline_end)]
    if len(before) < 2 or before["date"].iloc[0] == before["date"].iloc[-1]:
        return None
    a, b = before.iloc[0], before.iloc[-1]
    months = months_between(a["date"], b["date"])
    fold = b["value"] / a["value"]
    return {"start": a["date"], "end": b["date"], "fold": fold, "months": months, "monthly": fold ** (1 / months) - 1}


def growth_statements(statements: pd.DataFrame, movers: pd.DataFrame, year: int = 2024) -> pd.DataFrame:
    """'cut' statements by price movers in the given year whose summary speaks of volume, usage or adoption
    (a keyword match on the English paraphrase, not a reading of intent)."""
    if statements.empty or movers.empty:
        return statements.iloc[0:0]
    st = statements[(statements["stance"] == "cut") & statements["vendor"].isin(movers["vendor"])
                    & (statements["date"].dt.year == year)]
    hit = st["summary"].str.lower().map(lambda s: any(w in s for w in GROWTH_WORDS))
    return st[hit]


def occasions(statements: pd.DataFrame) -> int:
    """Distinct (date, vendor) occasions: several sources reporting one speech count once."""
    return len(statements.drop_duplicates(["date", "vendor"])) if len(statements) else 0


def verdict_c11(usage: pd.DataFrame, shares: pd.DataFrame, movers: pd.DataFrame, vendors: pd.DataFrame,
                statements: pd.DataFrame | None = None) -> Verdict:
    growths, no_faster = {}, []
    for vendor, metric, _, short in USAGE_SERIES:
        s = usage_series(usage, vendor, metric)
        g = growth(s)
        if g is not None:
            growths[short] = g
            pre = pre_cut_growth(s)
            if pre is not None and pre["monthly"] >= g["monthly"]:
                no_faster.append(short)
    top = leader(shares, "llm_public_cloud_tokens")
    if not growths and top is None:
        return Verdict("C11", UNTESTABLE, "The data hold no usage figures before and after the May 2024 cuts, "
                                          "and no share of LLM usage.")
    parts, tests = [], []
    if growths:
        strong = [g["fold"] >= STRONG_GROWTH_FOLD for g in growths.values()]
        tests.append(all(strong))
        parts.append("From May to the end of 2024 " + prose.listing(
            f"{short} grew {prose.times(g['fold'])}" for short, g in growths.items()) + ".")
        if no_faster:
            parts.append(f"But {prose.listing(no_faster)} grew no faster after the cuts than before them.")
    if top is not None:
        mover_ids = set(movers["vendor"]) if len(movers) else set()
        tests.append(top["vendor"] in mover_ids)
        name = vendors.loc[top["vendor"], "name_en"] if top["vendor"] in vendors.index else top["vendor"]
        parts.append(f"{top['source']} puts {name}, {'a' if top['vendor'] in mover_ids else 'not a'} May 2024 price "
                     f"mover, first in public-cloud LLM tokens in {top['period']} with {prose.pct(top['share'])}.")
    if statements is not None and len(movers):
        said = growth_statements(statements, movers)
        if len(said):
            n = occasions(said)
            parts.append(f"On {n} occasion{'s' if n != 1 else ''} in 2024 the movers' executives tied their cuts to "
                         "volume or adoption.")
    evidence = " ".join(parts)
    if all(tests):
        return Verdict("C11", SUPPORTED, evidence)
    if any(tests):
        return Verdict("C11", PARTLY, evidence)
    return Verdict("C11", NOT_SUPPORTED, evidence)


# --- Chart helper -------------------------------------------------------------------------------------------------------
def fit_titles(fig, max_width: float = 0.965, min_size: float = 12.0) -> None:
    """Shrink the title and subtitle written by style.titles until they fit the figure width (computed titles vary
    in length with the data, so a fixed font size can run off the slide)."""
    renderer = fig.canvas.get_renderer()
    limit = max_width * fig.bbox.width
    for text in fig.texts[:2]:
        while text.get_window_extent(renderer).x1 > limit and text.get_fontsize() > min_size:
            text.set_fontsize(text.get_fontsize() - 0.5)


def prices_or_cny_only(ds) -> pd.DataFrame:
    """ds.prices(), or, when an early AS_OF leaves fx.csv empty (ds.prices() then raises on USD prices), the same table
    without the USD-priced rows: this chapter only looks at Chinese vendors, whose prices are in yuan."""
    from ..data import UNITS, to_cny_per_million
    try:
        return ds.prices()
    except ValueError:
        raw = ds.load("price_changes")
        raw = raw[raw["unit"].map(lambda u: UNITS.get(u, ("?",))[0]) == "CNY"]
        df = to_cny_per_million(raw, ds.load("fx"))
        df = df.join(ds.vendors()[["name_en", "name_zh", "kind"]], on="vendor")
        df["cut_fraction"] = 1 - df["price_after_cny_per_m"] / df["price_before_cny_per_m"]
        return df
