"""Chapter 2: how deep the cuts went (no claim verdicts of its own; it measures the cuts behind C1 to C3).

Everything here takes price tables shaped like `Dataset.prices()` (and, where said, `consensus()` of it) and returns
small frames or numbers the notebook turns into charts and sentences.
"""
from __future__ import annotations

import math
import os

import pandas as pd

from .. import prose
from ..data import PRICE_KEY, UNITS, consensus, fx_rate_on, grade_rank, list_prices

# The May 2024 round of cuts.
MAY_START = pd.Timestamp("2024-05-01")
MAY_END = pd.Timestamp("2024-05-31")
ALIBABA_CUT_DATE = pd.Timestamp("2024-05-21")

# The mid-2024 price ladder: list prices announced from May 2024 and still in force at the end of July 2024, after
# GPT-4o mini's launch (18 July) and before GPT-4o's August cut. USD prices are converted at the fx.csv rate
# nearest to this date, so the whole ladder uses one rate.
LADDER_FROM = pd.Timestamp("2024-05-01")
LADDER_DATE = pd.Timestamp("2024-07-31")
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


def disagreements(raw: pd.DataFrame) -> pd.DataFrame:
    """Every source row of an announcement whose sources state different before or after prices."""
    if raw.empty:
        return raw
    m = merged(raw)
    key = [k for k in PRICE_KEY if k in raw]
    bad = m[m["disagree"] | m["before_disagree"]][key]
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


# ---------------------------------------------------------------- the mid-2024 ladder

def ladder(prices: pd.DataFrame, fx: pd.DataFrame, date=LADDER_DATE, start=LADDER_FROM,
           direction: str = "input") -> pd.DataFrame:
    """List prices in force on `date` (latest announcement from `start` on) for Chinese vendors, plus the OpenAI
    benchmark models, every USD price converted at the one fx.csv rate nearest to `date`.

    Columns added: price_cny_per_m (the ladder price), ladder_fx_date, ladder_cny_per_usd (NaN/NaT for CNY rows),
    benchmark (True for GPT-4o and GPT-4o mini).
    """
    date, start = pd.Timestamp(date), pd.Timestamp(start)
    p = list_prices(prices)
    p = p[(p["direction"] == direction) & (p["date"] >= start) & (p["date"] <= date)]
    is_bench = (p["vendor"] == BENCHMARK_VENDOR) & p["model"].isin(BENCHMARKS)
    p = p[is_bench | (p["kind"].isin(["cloud", "model_company"]))]
    if p.empty:
        return p.assign(price_cny_per_m=pd.Series(dtype=float), ladder_fx_date=pd.Series(dtype="datetime64[ns]"),
                        ladder_cny_per_usd=pd.Series(dtype=float), benchmark=pd.Series(dtype=bool))
    p = p.sort_values("date").drop_duplicates(["vendor", "model"], keep="last").copy()
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

def article_check(raw: pd.DataFrame) -> pd.DataFrame:
    """The article's two yuan-per-1K figures against the sourced rows, with the unit conversion spelled out.

    One row per figure: the claim converted to yuan per 1M tokens, the models whose sourced input list price equals
    it, the other prices of that model family, how many source rows state the price and in which units and grades.
    """
    out = []
    p = list_prices(raw) if len(raw) else raw
    for fig in ARTICLE_FIGURES:
        claimed = fig["per_1k"] * PER_1K_TO_PER_1M
        rows = p[(p["vendor"] == fig["vendor"]) & (p["direction"] == "input")
                 & p["model"].str.lower().str.startswith(fig["prefix"])
                 & (p["date"] >= fig["start"]) & (p["date"] <= fig["end"])] if len(p) else p
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
