"""Chapter 1: who moved when in May 2024 (claims C1, C2, C3)."""
from __future__ import annotations

import math

import pandas as pd

from .. import prose
from ..data import consensus, list_prices
from ..verdicts import NOT_SUPPORTED, PARTLY, SUPPORTED, UNTESTABLE, Verdict

# What the article states, as data to test (yuan per 1K tokens converted to yuan per 1M tokens).
ALIBABA_CUT_DATE = pd.Timestamp("2024-05-21")
CLAIMED_QWEN_LONG_INPUT = 0.0005 * 1000
CLAIMED_DOUBAO_INPUT = 0.0008 * 1000
CLAIMED_MODELS = 9
FOLLOWERS = ["baidu", "tencent", "iflytek"]
FOLLOW_WINDOW_DAYS = 2   # "followed at once": on the same day or within two
FOLLOW_HORIZON_DAYS = 60  # a follower's first cut is looked for this long after Alibaba's




def moves_in(prices: pd.DataFrame, start, end) -> pd.DataFrame:
    """Each vendor's announcements between start and end: one row per vendor and day, with its headline."""
    window = list_prices(prices)
    window = window[(window["date"] >= pd.Timestamp(start)) & (window["date"] <= pd.Timestamp(end))]
    rows = []
    for (vendor, date), g in window.groupby(["vendor", "date"]):
        inputs = g[g["direction"] == "input"]
        pick = inputs if len(inputs) else g
        deepest = pick.sort_values(["price_after_cny_per_m", "cut_fraction"], ascending=[True, False]).iloc[0]
        rows.append({"vendor": vendor, "date": date, "name_en": g["name_en"].iloc[0],
                     "events": ",".join(sorted(set(g["event"]))), "models": g["model"].nunique(),
                     "headline_model": deepest["model"], "headline_price": deepest["price_after_cny_per_m"],
                     "headline_cut": deepest["cut_fraction"]})
    return pd.DataFrame(rows).sort_values(["date", "vendor"]).reset_index(drop=True)


def headline(row) -> str:
    """'Qwen-Long 0.5 yuan (-98%)' or 'ERNIE-Lite-8K free'."""
    price = prose.yuan(row["headline_price"])
    cut = row["headline_cut"]
    if pd.notna(cut) and cut > 0 and row["headline_price"] > 0:
        return f"{row['headline_model']} {price} (−{prose.pct(cut)})"
    return f"{row['headline_model']} {price}"


def alibaba_cut(prices: pd.DataFrame) -> pd.DataFrame:
    p = list_prices(prices)
    return p[(p["vendor"] == "alibaba") & (p["event"] == "cut") & (p["date"] == ALIBABA_CUT_DATE)]


ALIBABA_ANNOUNCEMENT = "alibaba-2024-05-21"


def announcement(announcements: pd.DataFrame | None, announcement_id: str) -> dict | None:
    """What the sources say an announcement covered: models counted, how many sources and their grades."""
    if announcements is None or announcements.empty:
        return None
    rows = announcements[announcements["announcement_id"] == announcement_id]
    if rows.empty:
        return None
    return {"models": rows["models_count"].max(), "grades": "".join(sorted(rows["source_quality"])),
            "n_sources": len(rows), "date": rows["date"].iloc[0]}


def verdict_c1(prices: pd.DataFrame, announcements: pd.DataFrame | None = None) -> Verdict:
    """C1: Qwen-Long input at 0.0005 yuan per 1K after 21 May 2024, and nine main models cut that day.

    The count is the announcement's own (announcements.csv), so it does not depend on how many of the nine have a
    price row. SUPPORTED: the price matches and the announcement says nine or more; PARTLY: the price matches but
    the count is not attested (or is lower); NOT_SUPPORTED: the sourced price differs.
    """
    cut = alibaba_cut(prices)
    qwen_long = cut[(cut["model"].str.lower() == "qwen-long") & (cut["direction"] == "input")]
    if qwen_long.empty:
        return Verdict("C1", UNTESTABLE, "No sourced row gives Qwen-Long's input price after 21 May 2024.")
    price = qwen_long["price_after_cny_per_m"].iloc[0]
    before = qwen_long["price_before_cny_per_m"].dropna()
    cut_text = f", a {prose.pct(1 - price / before.iloc[0])} cut from {prose.yuan(before.iloc[0])}" if len(before) else ""
    # After consensus() one row stands for all sources of the announcement; n_sources counts them.
    sources = int(qwen_long["n_sources"].sum()) if "n_sources" in qwen_long else len(qwen_long)
    if not math.isclose(price, CLAIMED_QWEN_LONG_INPUT, rel_tol=1e-6):
        return Verdict("C1", NOT_SUPPORTED, f"Sources put Qwen-Long's new input price at {prose.yuan(price)} per million "
                                            f"tokens, not the article's {prose.yuan(CLAIMED_QWEN_LONG_INPUT)}.")
    evidence = (f"Qwen-Long's input price fell to {prose.yuan(price)} per million tokens (0.0005 per thousand){cut_text}, "
                f"reported by {sources} source{'s' if sources != 1 else ''}.")
    linked = prices[prices["announcement_id"] == ALIBABA_ANNOUNCEMENT] if "announcement_id" in prices else cut
    priced = sorted(set(linked["model"]) | set(cut["model"]))
    said = announcement(announcements, ALIBABA_ANNOUNCEMENT)
    priced_text = f" New prices are sourced for {len(priced)} of them ({', '.join(priced)})."
    if said is not None and pd.notna(said["models"]) and said["models"] >= CLAIMED_MODELS:
        grade = (", grade C only" if set(said["grades"]) == {"C"} else f", best grade {min(said['grades'])}")
        return Verdict("C1", SUPPORTED, evidence + f" The announcement covered {int(said['models'])} models "
                                        f"({said['n_sources']} source{'s' if said['n_sources'] != 1 else ''}{grade})."
                       + priced_text)
    if len(priced) >= CLAIMED_MODELS:
        return Verdict("C1", SUPPORTED, evidence + f" The data hold new prices for {len(priced)} Alibaba models "
                                                   "from that announcement.")
    count = ("no source in the data gives the number of models cut" if said is None or pd.isna(said["models"])
             else f"the announcement's sources give {int(said['models'])} models, not nine")
    return Verdict("C1", PARTLY, evidence + f" But {count}." + priced_text)


def verdict_c2(prices: pd.DataFrame) -> Verdict:
    p = list_prices(prices)
    doubao = p[(p["vendor"] == "bytedance") & p["model"].str.lower().str.startswith("doubao-pro")
               & (p["direction"] == "input") & (p["date"] < ALIBABA_CUT_DATE)]
    if doubao.empty:
        return Verdict("C2", UNTESTABLE, "No sourced Doubao price before 21 May 2024.")
    match = doubao[(doubao["price_after_cny_per_m"] - CLAIMED_DOUBAO_INPUT).abs() < 1e-9]
    if match.empty:
        lowest = doubao["price_after_cny_per_m"].min()
        return Verdict("C2", NOT_SUPPORTED, f"Doubao's pro models were priced from {prose.yuan(lowest)} per million "
                                            "input tokens, not 0.8 yuan.")
    first = match.sort_values("date").iloc[0]
    lead = (ALIBABA_CUT_DATE - first["date"]).days
    return Verdict("C2", SUPPORTED, f"{first['model']} launched on {prose.day(first['date'])} at "
                                    f"{prose.yuan(first['price_after_cny_per_m'])} per million input tokens "
                                    f"(0.0008 per thousand), {lead} days before Alibaba's cut.")


def follower_lags(prices: pd.DataFrame) -> pd.Series:
    """Days from Alibaba's cut to each named follower's first cut (NaN: none within FOLLOW_HORIZON_DAYS)."""
    p = list_prices(prices)
    lags = {}
    for vendor in FOLLOWERS:
        cuts = p[(p["vendor"] == vendor) & (p["event"] == "cut") & (p["date"] >= ALIBABA_CUT_DATE)
                 & (p["date"] <= ALIBABA_CUT_DATE + pd.Timedelta(days=FOLLOW_HORIZON_DAYS))]
        lags[vendor] = (cuts["date"].min() - ALIBABA_CUT_DATE).days if len(cuts) else float("nan")
    return pd.Series(lags, dtype=float)


def verdict_c3(prices: pd.DataFrame, names: pd.Series, window: int = FOLLOW_WINDOW_DAYS) -> Verdict:
    lags = follower_lags(prices)
    quick = lags[lags <= window]
    parts = [f"{names.get(v, v)} {prose.days(lag)}{'' if lag == 0 else ' later'}"
             for v, lag in lags.dropna().items()]
    missing = [names.get(v, v) for v in lags[lags.isna()].index]
    evidence = "Cuts after Alibaba's: " + (prose.listing(parts) if parts else "none found") + "."
    if missing:
        evidence += f" No sourced cut for {prose.listing(missing)} within {FOLLOW_HORIZON_DAYS} days."
    if len(quick) == len(FOLLOWERS):
        return Verdict("C3", SUPPORTED, evidence)
    if len(lags.dropna()):
        return Verdict("C3", PARTLY, evidence)
    return Verdict("C3", NOT_SUPPORTED, evidence)


def tested(raw: pd.DataFrame, announcements: pd.DataFrame, names: pd.Series) -> list:
    """C1-C3 with their sensitivity: each rule on the May 2024 source rows, then under each alternative reading
    and with grade-C or single sources left out. Returns [(settled Verdict, Sensitivity)]."""
    from ..sensitivity import check, settle, strength

    may = raw[raw["date"].between(pd.Timestamp("2024-05-01"), pd.Timestamp("2024-05-31"))]
    may_ann = announcements[announcements["date"].between(pd.Timestamp("2024-05-01"), pd.Timestamp("2024-05-31"))]
    # C1 counts the announcement's own number of models. Counting only the models that have a price row reads a gap
    # in the table as a fact about the announcement: shown beside the verdict (coverage), not a reading that decides.
    c1 = check(lambda raw, announcements: verdict_c1(consensus(raw), announcements),
               {"raw": may, "announcements": may_ann})
    c1.shown = [("the count attested only by price rows (coverage of the price table)",
                 verdict_c1(consensus(may), may_ann.iloc[0:0]).verdict)]
    c2 = check(lambda raw: verdict_c2(consensus(raw)), {"raw": may})
    # C3's rule looks FOLLOW_HORIZON_DAYS past Alibaba's cut: its rows must reach that far, or a later follower
    # would read as "no sourced cut".
    follow = raw[raw["date"].between(pd.Timestamp("2024-05-01"),
                                     ALIBABA_CUT_DATE + pd.Timedelta(days=FOLLOW_HORIZON_DAYS))]
    c3 = check(lambda raw, window: verdict_c3(consensus(raw), names, window),
               {"raw": follow, "window": FOLLOW_WINDOW_DAYS},
               {"'at once' read as the same day or the next": {"window": 1},
                "'at once' read as within a week": {"window": 7}})
    alibaba = may[(may["vendor"] == "alibaba") & (may["date"] == ALIBABA_CUT_DATE)]
    out = []
    for s, rows in ((c1, [alibaba, may_ann[may_ann["vendor"] == "alibaba"]]),
                    (c2, [may[(may["vendor"] == "bytedance") & (may["date"] < ALIBABA_CUT_DATE)]]),
                    (c3, [follow[follow["vendor"].isin(FOLLOWERS) & (follow["event"] == "cut")]])):
        out.append((strength(settle(s), *rows), s))
    return out
