"""Chapter 2: how deep the cuts went (no claim verdicts of its own; it measures the cuts behind C1 to C3).

Everything here takes price tables shaped like `Dataset.prices()` (and, where said, `consensus()` of it) and returns
small frames or numbers the notebook turns into charts and sentences.

Counting: a price row is one model variant in one token direction. The chapter counts facts, not rows: an
*announcement* (the `announcement_id` a row names, else one per vendor and day) and a *vendor*; model variants are
counted only where the sentence says so. A row with `date_precision` observed is a price seen in force on that day
(a git price table, a plugin file), not an announcement: a cut between two observations is an *observed change*,
dated by the later observation, and is never called an announced cut.
"""
from __future__ import annotations

import math
import os

import pandas as pd

from .. import prose
from ..data import (
    DISAGREE_TOLERANCE,  # noqa: F401 (notebook 02 reads it as pc.DISAGREE_TOLERANCE)
    PRICE_KEY,
    UNITS,
    consensus,
    fx_rate_on,
    grade_rank,
    list_prices,
    on_sale,
    price_spread,
)

# The May 2024 round of cuts.
MAY_START = pd.Timestamp("2024-05-01")
MAY_END = pd.Timestamp("2024-05-31")
ALIBABA_CUT_DATE = pd.Timestamp("2024-05-21")

# The mid-2024 price ladder: every standard list price in force at the end of July 2024 for a model then on sale
# (data.on_sale), after GPT-4o mini's launch (18 July) and before GPT-4o's August cut. USD prices are converted at the
# fx.csv rate nearest to this date, so the whole ladder uses one rate.
LADDER_DATE = pd.Timestamp("2024-07-31")
CLOSE_CALL = 0.10        # a price within 10% of the benchmark's is an undercut "by a hair", said as such
BENCHMARK_VENDOR = "openai"
BENCHMARKS = ["GPT-4o", "GPT-4o mini"]

# What the article states, in the unit it states it (yuan per 1K tokens). 1M tokens = 1,000 x 1K tokens.
PER_1K_TO_PER_1M = 1_000
ARTICLE_FIGURES = [
    # name, label, vendor, model prefix (lower case), article's yuan per 1K input tokens, dates the price may carry
    {"name": "Qwen-Long", "label": "Qwen-Long input after Alibaba's cut",
     "quote": "Qwen Long API輸入價格更是降到了0.0005元/千tokens",
     "vendor": "alibaba", "prefix": "qwen-long", "per_1k": 0.0005, "start": MAY_START, "end": MAY_END},
    {"name": "Doubao", "label": "Doubao main model input, before Alibaba's cut",
     "quote": "豆包主力大模型…0.0008元/千tokens",
     "vendor": "bytedance", "prefix": "doubao-pro", "per_1k": 0.0008, "start": MAY_START,
     "end": ALIBABA_CUT_DATE - pd.Timedelta(days=1)},
]




# ---------------------------------------------------------------- sources behind each price

def merged(raw: pd.DataFrame) -> pd.DataFrame:
    """consensus() of the raw rows, plus what it leaves out about the price *before* a change.

    `before_quality` (from consensus): grade of the source the before price comes from, which may be weaker than the
    row kept; `before_disagree`: sources state different before prices.
    """
    if raw.empty:
        out = consensus(raw) if len(raw.columns) else raw.copy()
        return out.assign(before_quality=pd.Series(dtype=str), before_disagree=pd.Series(dtype=bool))
    best = consensus(raw)
    stated = raw[raw["price_before_cny_per_m"].notna()].copy()
    stated["_rank"] = grade_rank(stated["source_quality"])
    key = [k for k in PRICE_KEY if k in raw]
    groups = stated.groupby(key, dropna=False)
    # consensus() already records before_quality; what it leaves out is whether the before prices disagree.
    info = pd.DataFrame({
        "before_disagree": groups["price_before_cny_per_m"].agg(lambda s: s.round(9).nunique() > 1),
    }).reset_index()
    out = best.merge(info, on=key, how="left")
    out["before_disagree"] = out["before_disagree"].astype("boolean").fillna(False).astype(bool)
    return out


def disagreements(raw: pd.DataFrame, tolerance: float = 0.0) -> pd.DataFrame:
    """Every source row of a price (model, direction and date) whose sources state different before or after
    prices, by more than `tolerance` (a fraction of the larger price; 0: any difference)."""
    if raw.empty:
        return raw
    key = [k for k in PRICE_KEY if k in raw]

    groups = raw.groupby(key, dropna=False)
    worst = pd.concat([price_spread(groups["price_after_cny_per_m"]),
                       price_spread(groups["price_before_cny_per_m"])],
                      axis=1).max(axis=1)
    bad = worst[worst > tolerance + 1e-9].reset_index()[key]
    if bad.empty:
        return raw.iloc[0:0]
    return raw.merge(bad, on=key, how="inner")


# ---------------------------------------------------------------- cuts

def cuts(prices: pd.DataFrame, start=MAY_START, end=None) -> pd.DataFrame:
    """Standard list-price cuts announced from start (to end, if given), one row per model and direction."""
    p = list_prices(prices)
    p = p[(p["event"] == "cut") & (p["date"] >= pd.Timestamp(start))]
    if end is not None:
        p = p[p["date"] <= pd.Timestamp(end)]
    p = p.copy()
    p["free"] = p["price_after_cny_per_m"] == 0
    p["cut_fraction"] = 1 - p["price_after_cny_per_m"] / p["price_before_cny_per_m"]
    return p.sort_values(["date", "vendor", "model", "direction"]).reset_index(drop=True)


def per_model(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per vendor, model and date: the input price where there is one, else the output price."""
    if rows.empty:
        return rows.assign(label=pd.Series(dtype=str))
    order = rows.assign(_dir=(rows["direction"] != "input").astype(int))
    out = (order.sort_values(["vendor", "model", "date", "_dir"]).drop_duplicates(["vendor", "model", "date"])
           .drop(columns="_dir").reset_index(drop=True))
    out["label"] = out["model"] + out["direction"].map(lambda d: "" if d == "input" else " (output)")
    return out


def one_per_model(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per vendor and model over a period (as from per_model): the input price where there is one, else the
    output price, and the earliest date; so a model whose input and output were priced on different days counts
    once."""
    if rows.empty:
        return rows
    order = rows.assign(_dir=(rows["direction"] != "input").astype(int))
    return (order.sort_values(["vendor", "model", "_dir", "date"]).drop_duplicates(["vendor", "model"])
            .drop(columns="_dir").reset_index(drop=True))


def ranked(rows: pd.DataFrame) -> pd.DataFrame:
    """Cuts with a known before price, deepest first (ties: the dearer model before the cut first)."""
    known = rows[rows["cut_fraction"].notna()]
    return known.sort_values(["cut_fraction", "price_before_cny_per_m", "model"],
                             ascending=[False, False, True]).reset_index(drop=True)


def summary(rows: pd.DataFrame) -> dict:
    """Counts and median cut depth for one row per model (as from per_model)."""
    known = rows[rows["cut_fraction"].notna()]
    c_only = known["before_quality"].eq("C") if "before_quality" in known else pd.Series(False, index=known.index)
    return {
        "models": len(rows),
        "vendors": rows["vendor"].nunique() if len(rows) else 0,
        "free": int(rows["free"].sum()) if len(rows) else 0,
        "share_free": float(rows["free"].mean()) if len(rows) else float("nan"),
        "known_before": len(known),
        "median_cut": float(known["cut_fraction"].median()) if len(known) else float("nan"),
        "smallest_cut": float(known["cut_fraction"].min()) if len(known) else float("nan"),
        "before_c_only": int(c_only.sum()),
        "unknown_before": len(rows) - len(known),
    }


# ---------------------------------------------------------------- counting facts: announcements and vendors

OBSERVED = "observed"
LATER_MONTHS = 6            # "later cuts were shallower" needs data at least this long after May 2024
COVERAGE_SLACK_DAYS = 365   # a vendor seen in the price data within a year of its newest row counts as covered to
#                             the end: git price tables and plugin files are observed at irregular intervals


def is_observed(rows: pd.DataFrame) -> pd.Series:
    """True where the row is a price seen in force on its date, not an announcement."""
    if "date_precision" not in rows:
        return pd.Series(False, index=rows.index)
    return rows["date_precision"].fillna("").astype(str).eq(OBSERVED)


def _series_key(df: pd.DataFrame) -> list[str]:
    return [k for k in ("vendor", "model", "direction", "tier") if k in df]


def fill_before(rows: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """Cut rows with a depth wherever the data allow one.

    Where a row states no earlier price, the model's previous standard list price in the data stands in (same
    vendor, model, direction and tier: the latest row dated before the cut); a model made free was cut by 100%
    whatever it cost before. `depth_from` says which: 'stated', 'previous row', 'free' or '' (unknown), and
    `before_date` is the date of the previous row where one was used.
    """
    out = rows.copy()
    out["depth_from"] = ""
    out["before_date"] = pd.NaT
    if out.empty:
        return out
    stated = out["price_before_cny_per_m"].notna()
    out.loc[stated, "depth_from"] = "stated"
    key = _series_key(out)
    hist = list_prices(history) if len(history) else history
    need = out[~stated]
    if len(hist) and len(need):
        hist = hist.assign(_rank=grade_rank(hist["source_quality"])).sort_values(["date", "_rank"],
                                                                                ascending=[True, False])
        hist = hist.drop_duplicates(key + ["date"], keep="last")
        right = hist[key + ["date", "price_after_cny_per_m", "source_quality"]].rename(columns={
            "date": "_prev_date", "price_after_cny_per_m": "_prev_price", "source_quality": "_prev_quality"})
        right[key] = right[key].fillna("").astype(str)
        left = need[key + ["date"]].assign(_row=need.index)
        left[key] = left[key].fillna("").astype(str)
        found = pd.merge_asof(left.sort_values("date"), right.sort_values("_prev_date"), left_on="date",
                              right_on="_prev_date", by=key, allow_exact_matches=False, direction="backward")
        found = found.dropna(subset=["_prev_price"]).set_index("_row")
        if len(found):
            idx = found.index
            out.loc[idx, "price_before_cny_per_m"] = found["_prev_price"]
            out.loc[idx, "before_date"] = found["_prev_date"]
            out.loc[idx, "depth_from"] = "previous row"
            if "before_quality" in out:
                out.loc[idx, "before_quality"] = found["_prev_quality"]
    out["cut_fraction"] = 1 - out["price_after_cny_per_m"] / out["price_before_cny_per_m"]
    free = out["price_after_cny_per_m"].eq(0)
    out.loc[free & out["price_before_cny_per_m"].isna(), "depth_from"] = "free"
    out.loc[free, "cut_fraction"] = 1.0
    # A 'cut' whose previous row is not dearer is no measurable cut (e.g. a unit change between two tables).
    out.loc[out["cut_fraction"] <= 0, ["cut_fraction", "depth_from"]] = [float("nan"), ""]
    return out


def event_key(rows: pd.DataFrame) -> pd.Series:
    """The fact a cut row belongs to: its announcement_id, else one announcement per vendor and day, and for an
    observed row without an announcement one observed change per vendor and day."""
    ann = rows["announcement_id"].fillna("").astype(str) if "announcement_id" in rows else \
        pd.Series("", index=rows.index)
    own = rows["vendor"] + "-" + rows["date"].dt.strftime("%Y-%m-%d")
    own = own.where(~is_observed(rows), own + "-observed")
    return ann.where(ann != "", own)


def events(models: pd.DataFrame) -> pd.DataFrame:
    """One row per announcement or observed change, from one row per cut model (as from per_model on fill_before).

    kind: 'announced' (an announcement_id or an announcement-dated row) or 'observed' (only observed rows, no
    announcement). models: model variants cut; free: of them made free; deepest / median_cut over the models with a
    depth; headline: the model with the deepest cut (ties: the dearer before the cut).
    """
    cols = ["event", "vendor", "date", "kind", "models", "free", "known", "deepest", "median_cut", "headline",
            "headline_direction", "model_list", "grades", "n_sources"]
    if models.empty:
        return pd.DataFrame(columns=cols)
    m = models.assign(_event=event_key(models), _observed=is_observed(models))
    has_id = (m["announcement_id"].fillna("").astype(str) != "") if "announcement_id" in m else \
        pd.Series(False, index=m.index)
    m = m.assign(_has_id=has_id)
    rows = []
    for key, g in m.groupby("_event", sort=False):
        known = g[g["cut_fraction"].notna()]
        top = (known.sort_values(["cut_fraction", "price_before_cny_per_m", "model"],
                                 ascending=[False, False, True]).iloc[0] if len(known) else g.iloc[0])
        rows.append({
            "event": key, "vendor": g["vendor"].iloc[0], "date": g["date"].min(),
            "kind": "announced" if (g["_has_id"].any() or (~g["_observed"]).any()) else "observed",
            "models": g["model"].nunique(), "free": int(g.drop_duplicates("model")["price_after_cny_per_m"].eq(0).sum()),
            "known": len(known), "deepest": float(known["cut_fraction"].max()) if len(known) else float("nan"),
            "median_cut": float(known["cut_fraction"].median()) if len(known) else float("nan"),
            "headline": top["model"], "headline_direction": top["direction"], "model_list": sorted(set(g["model"])),
            "grades": "".join(sorted(set(g["source_quality"]))),
            "n_sources": int(g["n_sources"].max()) if "n_sources" in g else 1,
        })
    return pd.DataFrame(rows, columns=cols).sort_values(["date", "vendor"]).reset_index(drop=True)


def by_vendor(models: pd.DataFrame, evs: pd.DataFrame) -> pd.DataFrame:
    """Per vendor: announcements and observed changes, model variants cut and made free, and its median and
    deepest cut over its models (each vendor counts once, however many variants it cut)."""
    cols = ["vendor", "announcements", "observed", "models", "free", "known", "median_cut", "deepest"]
    if models.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for vendor, g in models.groupby("vendor", sort=False):
        e = evs[evs["vendor"] == vendor]
        known = g["cut_fraction"].dropna()
        rows.append({"vendor": vendor, "announcements": int((e["kind"] == "announced").sum()),
                     "observed": int((e["kind"] == "observed").sum()), "models": g["model"].nunique(),
                     "free": int(g.drop_duplicates("model")["price_after_cny_per_m"].eq(0).sum()),
                     "known": len(known),
                     "median_cut": float(known.median()) if len(known) else float("nan"),
                     "deepest": float(known.max()) if len(known) else float("nan")})
    out = pd.DataFrame(rows, columns=cols)
    first = models.groupby("vendor")["date"].min()
    return out.assign(_first=out["vendor"].map(first)).sort_values(["_first", "vendor"]).drop(columns="_first") \
        .reset_index(drop=True)


def coverage(prices: pd.DataFrame) -> pd.DataFrame:
    """Per vendor, the period its standard list prices are sourced for: first and last row, and whether the last row
    falls within COVERAGE_SLACK_DAYS of the newest row in the data (covered to the end)."""
    p = list_prices(prices) if len(prices) else prices
    if p.empty:
        return pd.DataFrame(columns=["first", "last", "to_end"])
    span = p.groupby("vendor")["date"].agg(first="min", last="max")
    end = p["date"].max()
    span["to_end"] = span["last"] >= end - pd.Timedelta(days=COVERAGE_SLACK_DAYS)
    return span


def depth_after(models: pd.DataFrame, cov: pd.DataFrame, split=MAY_END) -> pd.DataFrame:
    """Per vendor that cut by `split` and whose coverage runs to the end: median depth of its cuts up to `split`
    against those after it (announced cuts and observed changes alike, one per model and date).

    A vendor whose price data stop earlier is left out: that its later cuts are missing is a gap, not a finding.
    """
    cols = ["vendor", "before_median", "after_median", "after_n", "last"]
    if models.empty:
        return pd.DataFrame(columns=cols)
    split = pd.Timestamp(split)
    rows = []
    for vendor, g in models.groupby("vendor", sort=False):
        early = g[g["date"] <= split]["cut_fraction"].dropna()
        late = g[g["date"] > split]["cut_fraction"].dropna()
        if early.empty or vendor not in cov.index or not cov.loc[vendor, "to_end"]:
            continue
        rows.append({"vendor": vendor, "before_median": float(early.median()),
                     "after_median": float(late.median()) if len(late) else float("nan"), "after_n": len(late),
                     "last": cov.loc[vendor, "last"]})
    return pd.DataFrame(rows, columns=cols)


# ---------------------------------------------------------------- the mid-2024 ladder

def ladder(prices: pd.DataFrame, fx: pd.DataFrame, date=LADDER_DATE, direction: str = "input") -> pd.DataFrame:
    """Standard list prices in force on `date` for every Chinese model then on sale (data.on_sale: latest row up to
    the date, launched and not retired), plus the OpenAI benchmark models, every USD price converted at the one
    fx.csv rate nearest to `date`.

    Columns added: price_cny_per_m (the ladder price), ladder_fx_date, ladder_cny_per_usd (NaN/NaT for CNY rows),
    benchmark (True for GPT-4o and GPT-4o mini).
    """
    date = pd.Timestamp(date)
    p = list_prices(prices) if len(prices) else prices
    p = p[p["direction"] == direction] if len(p) else p
    if len(p):
        p = on_sale(p, date)
        is_bench = (p["vendor"] == BENCHMARK_VENDOR) & p["model"].isin(BENCHMARKS)
        p = p[is_bench | (p["kind"].isin(["cloud", "model_company"]))]
    if p.empty:
        return p.assign(price_cny_per_m=pd.Series(dtype=float), ladder_fx_date=pd.Series(dtype="datetime64[ns]"),
                        ladder_cny_per_usd=pd.Series(dtype=float), benchmark=pd.Series(dtype=bool))
    p = p.copy()
    currency = p["unit"].map(lambda u: UNITS[u][0])
    per_tokens = p["unit"].map(lambda u: UNITS[u][1])
    usd = currency == "USD"
    p["ladder_fx_date"] = pd.NaT
    p["ladder_cny_per_usd"] = float("nan")
    if usd.any():
        if fx.empty:
            raise ValueError("USD prices on the ladder need at least one row in fx.csv")
        rate = fx_rate_on(pd.Series([date]), fx).iloc[0]
        p.loc[usd, "ladder_fx_date"] = rate["fx_date"]
        p.loc[usd, "ladder_cny_per_usd"] = rate["cny_per_usd"]
    p["price_cny_per_m"] = p["price_after"] * (1_000_000 / per_tokens) * p["ladder_cny_per_usd"].where(usd, 1.0)
    p["benchmark"] = (p["vendor"] == BENCHMARK_VENDOR) & p["model"].isin(BENCHMARKS)
    return p.sort_values(["price_cny_per_m", "vendor", "model"], ascending=[False, True, True]).reset_index(drop=True)


def vendor_ladder(lad: pd.DataFrame) -> pd.DataFrame:
    """One row per Chinese vendor on the ladder: models on sale, its cheapest price (and model) and its cheapest
    flagship-tier price (the catalogue's tier; NaN where no flagship of it is priced)."""
    cols = ["vendor", "models", "cheapest", "cheapest_model", "flagship", "flagship_model"]
    china = lad[~lad["benchmark"]] if len(lad) else lad
    if china.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for vendor, g in china.groupby("vendor"):
        g = g.sort_values(["price_cny_per_m", "model"])
        tier = g["model_tier"] if "model_tier" in g else pd.Series("", index=g.index)
        flag = g[tier.fillna("") == "flagship"]
        rows.append({"vendor": vendor, "models": g["model"].nunique(), "cheapest": float(g["price_cny_per_m"].iloc[0]),
                     "cheapest_model": g["model"].iloc[0],
                     "flagship": float(flag["price_cny_per_m"].iloc[0]) if len(flag) else float("nan"),
                     "flagship_model": flag["model"].iloc[0] if len(flag) else ""})
    return pd.DataFrame(rows, columns=cols).sort_values(["cheapest", "vendor"]).reset_index(drop=True)


def vendors_below(vl: pd.DataFrame, column: str, price: float) -> tuple[int, int, int]:
    """(vendors whose `column` price is below `price`, vendors with such a price, of the first those within
    CLOSE_CALL of it)."""
    known = vl.dropna(subset=[column]) if len(vl) else vl
    if math.isnan(price) or known.empty:
        return 0, len(known), 0
    below = known[known[column] < price]
    close = below[below[column] >= price * (1 - CLOSE_CALL)]
    return len(below), len(known), len(close)


def ladder_rate(lad: pd.DataFrame):
    """(rate date, yuan per dollar) the ladder used, or (None, None) when it holds no USD price."""
    used = lad.dropna(subset=["ladder_cny_per_usd"]) if len(lad) else lad
    if used.empty:
        return None, None
    return used["ladder_fx_date"].iloc[0], float(used["ladder_cny_per_usd"].iloc[0])


def benchmark_price(lad: pd.DataFrame, model: str) -> float:
    row = lad[lad["benchmark"] & (lad["model"] == model)] if len(lad) else lad
    return float(row["price_cny_per_m"].iloc[0]) if len(row) else float("nan")


def times_cheaper(lad: pd.DataFrame, model: str, benchmark: str = "GPT-4o") -> float:
    """How many times cheaper `model` is than `benchmark` on the ladder (inf when free, NaN when either is missing)."""
    bench = benchmark_price(lad, benchmark)
    row = lad[~lad["benchmark"] & (lad["model"].str.lower() == model.lower())] if len(lad) else lad
    if row.empty or math.isnan(bench):
        return float("nan")
    price = float(row["price_cny_per_m"].iloc[0])
    return math.inf if price == 0 else bench / price


def cheaper_than(lad: pd.DataFrame, benchmark: str) -> tuple[int, int]:
    """(Chinese ladder models priced below the benchmark, all Chinese ladder models)."""
    bench = benchmark_price(lad, benchmark)
    china = lad[~lad["benchmark"]] if len(lad) else lad
    if math.isnan(bench):
        return 0, len(china)
    return int((china["price_cny_per_m"] < bench).sum()), len(china)


def short_list(models: list[str]) -> str:
    """A chart label for models sharing a row: 'Doubao-lite-128k, pro-32k, pro-4k' or '7 ERNIE models'."""
    if len(models) == 1:
        return models[0]
    common = os.path.commonprefix(models)
    prefix = common[:common.rfind("-") + 1] if "-" in common else ""
    if len(models) <= 3:
        return models[0] + ", " + ", ".join(m[len(prefix):] for m in models[1:])
    return f"{len(models)} {prefix.rstrip('-')} models".replace("  ", " ")


def ladder_rows(lad: pd.DataFrame) -> pd.DataFrame:
    """One chart row per vendor and price: models of one vendor at the same price share a row."""
    if lad.empty:
        return pd.DataFrame(columns=["vendor", "price_cny_per_m", "models", "label", "benchmark"])
    rows = []
    for (vendor, price, bench), g in lad.groupby(["vendor", "price_cny_per_m", "benchmark"], sort=False):
        models = sorted(g["model"])
        label = short_list(models)
        rows.append({"vendor": vendor, "price_cny_per_m": price, "models": models, "label": label,
                     "benchmark": bool(bench)})
    return (pd.DataFrame(rows).sort_values(["price_cny_per_m", "vendor"], ascending=[True, True])
            .reset_index(drop=True))


# ---------------------------------------------------------------- the article's own figures

def _figure_rows(p: pd.DataFrame, fig: dict) -> pd.DataFrame:
    return p[(p["vendor"] == fig["vendor"]) & (p["direction"] == "input")
             & p["model"].str.lower().str.startswith(fig["prefix"])
             & (p["date"] >= fig["start"]) & (p["date"] <= fig["end"])] if len(p) else p


def article_rows(raw: pd.DataFrame) -> pd.DataFrame:
    """The sourced price rows article_check compares the article's figures with (for its table to cite)."""
    p = list_prices(raw) if len(raw) else raw
    rows = [_figure_rows(p, fig) for fig in ARTICLE_FIGURES]
    return pd.concat(rows, ignore_index=True) if len(p) else p


def article_check(raw: pd.DataFrame) -> pd.DataFrame:
    """The article's two yuan-per-1K figures against the sourced rows, with the unit conversion spelled out.

    One row per figure: the claim converted to yuan per 1M tokens, the models whose sourced input list price equals
    it, the other prices of that model family, how many source rows state the price and in which units and grades.
    """
    out = []
    p = list_prices(raw) if len(raw) else raw
    for fig in ARTICLE_FIGURES:
        claimed = fig["per_1k"] * PER_1K_TO_PER_1M
        rows = _figure_rows(p, fig)
        match = rows[(rows["price_after_cny_per_m"] - claimed).abs() < 1e-9] if len(rows) else rows
        other = rows.drop(match.index) if len(rows) else rows
        out.append({
            "name": fig["name"], "figure": fig["label"], "quote": fig["quote"], "per_1k": fig["per_1k"],
            "claimed_per_m": claimed,
            "found": len(rows) > 0, "matches": len(match) > 0,
            "models": sorted(set(match["model"])) if len(match) else [],
            "other_prices": ({m: float(g["price_after_cny_per_m"].iloc[0]) for m, g in other.groupby("model")}
                             if len(other) else {}),
            "data_prices": sorted(set(rows["price_after_cny_per_m"].round(9))) if len(rows) else [],
            "source_rows": len(match),
            "units": sorted(set(match["unit"])) if len(match) else [],
            "grades": "".join(sorted(match["source_quality"])) if len(match) else "",
        })
    return pd.DataFrame(out)


def check_sentence(row) -> str:
    """'0.0005 yuan per 1K tokens × 1,000 = 0.5 yuan per 1M tokens: …' for one article_check row."""
    conv = (f"{row['per_1k']:g} yuan per 1K tokens × {PER_1K_TO_PER_1M:,} = "
            f"{row['claimed_per_m']:g} yuan per 1M tokens")
    if not row["found"]:
        return f"{conv}; the data hold no sourced price to check it against."
    if row["matches"]:
        grades = ", ".join(f"{row['grades'].count(g)} {g}" for g in "ABC" if g in row["grades"])
        text = (f"{conv}, which is what {row['source_rows']} source row(s) give for {prose.listing(row['models'])} "
                f"(grades: {grades}; stated as {prose.listing(row['units'])})")
        if row["other_prices"]:
            others = [f"{m} {prose.yuan(v)}" for m, v in row["other_prices"].items()]
            text += f"; other models of the family cost more: {prose.listing(others)}"
        return text + "."
    found = ", ".join(prose.yuan(v) for v in row["data_prices"])
    return f"{conv}, but the sourced price is {found} per 1M tokens."


def floor_for_free(values) -> float:
    """Where to draw free (0) prices on a log axis: one decade below the lowest positive price (0.01 if none)."""
    positive = [v for v in values if pd.notna(v) and v > 0]
    if not positive:
        return 0.01
    return 10 ** (math.floor(math.log10(min(positive))) - 1)
