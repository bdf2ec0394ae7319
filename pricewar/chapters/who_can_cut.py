"""Chapter 5: who could afford to cut, and who said no (claims C8, C9).

C8: the article says only firms with four traits can afford to cut prices. We test it as a necessary condition:
every firm that moved on price in May-June 2024 should meet (nearly) all four traits in conditions.csv, and no firm
lacking them should have moved. C9: 01.AI's Kai-Fu Lee and Baichuan's Wang Xiaochuan said they would not follow.
"""
from __future__ import annotations

import pandas as pd

from .. import prose
from ..data import list_prices
from ..verdicts import NOT_SUPPORTED, PARTLY, SUPPORTED, UNTESTABLE, Verdict

# --- What the article claims, and the analysis choices used to test it -----------------------------------------------
CONDITIONS = ["leading_model", "inference_resources", "user_scale", "core_business"]
CONDITION_LABELS = {"leading_model": "Leading\nbase model", "inference_resources": "Inference\nresources",
                    "user_scale": "Large\nuser base", "core_business": "LLMs as core\nbusiness"}
CONDITION_WORDS = {"leading_model": "a leading base model", "inference_resources": "inference resources",
                   "user_scale": "a large user base", "core_business": "LLMs as core business"}
SCORE = {"yes": 1.0, "partly": 0.5, "no": 0.0, "unknown": 0.0}   # 'unknown' counts as not shown to be met

WAR_START = pd.Timestamp("2024-05-01")   # the first round of the price war: May and June 2024
WAR_END = pd.Timestamp("2024-06-30")
# A launch priced at or below this (yuan per million input tokens) counts as moving on price: it is the level of
# DeepSeek-V2 and Doubao-pro, the launches that, by the article's own account, set the May 2024 price floor.
LOW_LAUNCH_MAX = 1.0
NEAR_ALL = 3.0        # "meets (nearly) all four": a score of at least 3 out of 4 and no outright 'no'
MANY_SHARE = 0.5      # exceptions among the price movers at or above this share make the claim 'not supported'

C9_PEOPLE = {"01ai": "Kai-Fu Lee", "baichuan": "Wang Xiaochuan"}

STANCE_ORDER = ["cut", "low-price launch", "decline", "no cut found"]
MOVERS = {"cut", "low-price launch"}


# --- C8 ------------------------------------------------------------------------------------------------------------
def condition_matrix(conditions: pd.DataFrame) -> pd.DataFrame:
    """Vendor x condition table of assessments ('yes', 'partly', 'no', 'unknown'); a missing row is 'unknown'."""
    if conditions.empty:
        return pd.DataFrame(columns=CONDITIONS, dtype=object)
    wide = conditions.drop_duplicates(["vendor", "condition"]).pivot(index="vendor", columns="condition",
                                                                       values="assessment")
    return wide.reindex(columns=CONDITIONS).fillna("unknown")


def _in_war(df: pd.DataFrame) -> pd.DataFrame:
    return df[(df["date"] >= WAR_START) & (df["date"] <= WAR_END)]


def stances(prices: pd.DataFrame, statements: pd.DataFrame, vendor_ids) -> pd.DataFrame:
    """What each vendor did in May-June 2024: cut, low-price launch, decline (said so) or no cut found.

    Precedence: a sourced list-price cut, then a launch at or below LOW_LAUNCH_MAX, then a statement saying the
    vendor cut, then a statement declining to follow.
    """
    p = _in_war(list_prices(prices))
    s = _in_war(statements)
    rows = []
    for vendor in vendor_ids:
        cuts = p[(p["vendor"] == vendor) & (p["event"] == "cut")]
        said_cut = s[(s["vendor"] == vendor) & (s["stance"] == "cut")]
        launches = p[(p["vendor"] == vendor) & (p["event"] == "launch") & (p["direction"] == "input")
                     & (p["price_after_cny_per_m"] <= LOW_LAUNCH_MAX)]
        declines = s[(s["vendor"] == vendor) & (s["stance"] == "decline")]
        if len(cuts):
            first = cuts.sort_values("date").iloc[0]
            models = sorted(set(cuts["model"]))
            what = f"{models[0]} cut" if len(models) == 1 else f"cut {len(models)} models"
            row = {"stance": "cut", "date": first["date"], "detail": f"{what}, {first['date']:%-d %b}",
                   "source_quality": min(cuts["source_quality"])}
        elif len(launches):
            first = launches.sort_values("date").iloc[0]
            n = launches["model"].nunique()
            low = launches["price_after_cny_per_m"].min()
            what = (f"{first['model']} launched at {prose.yuan(low)}" if n == 1
                    else f"{n} models launched from {prose.yuan(low)}")
            row = {"stance": "low-price launch", "date": first["date"], "detail": f"{what}, {first['date']:%-d %b}",
                   "source_quality": min(launches["source_quality"])}
        elif len(said_cut):
            first = said_cut.sort_values("date").iloc[0]
            row = {"stance": "cut", "date": first["date"], "detail": f"says it cut, {first['date']:%-d %b}",
                   "source_quality": min(said_cut["source_quality"])}
        elif len(declines):
            first = declines.sort_values("date").iloc[0]
            who = first["person"] or "company"
            row = {"stance": "decline", "date": first["date"], "detail": f"{who}: won't follow, {first['date']:%-d %b}",
                   "source_quality": min(declines["source_quality"])}
        else:
            row = {"stance": "no cut found", "date": pd.NaT, "detail": "no cut found", "source_quality": ""}
        rows.append(dict(row, vendor=vendor))
    out = pd.DataFrame(rows, columns=["vendor", "stance", "date", "detail", "source_quality"]).set_index("vendor")
    out["mover"] = out["stance"].isin(MOVERS)
    return out


def assess(conditions: pd.DataFrame, prices: pd.DataFrame, statements: pd.DataFrame) -> pd.DataFrame:
    """One row per assessed vendor: the four assessments, the score (yes=1, partly=0.5), 'no' count, stance, and
    whether the vendor is an exception (moved on price while falling short of the four traits)."""
    matrix = condition_matrix(conditions)
    if matrix.empty:
        return pd.DataFrame(columns=CONDITIONS + ["score", "n_no", "n_unknown", "stance", "date", "detail",
                                                  "source_quality", "mover", "exception"])
    table = matrix.copy()
    table["score"] = matrix.apply(lambda col: col.map(SCORE)).sum(axis=1)
    table["n_no"] = (matrix == "no").sum(axis=1)
    table["n_unknown"] = (matrix == "unknown").sum(axis=1)
    table = table.join(stances(prices, statements, matrix.index))
    table["exception"] = table["mover"] & ((table["score"] < NEAR_ALL) | (table["n_no"] > 0))
    rank = {s: i for i, s in enumerate(STANCE_ORDER)}
    table["_order"] = table["stance"].map(rank)
    return table.sort_values(["_order", "score"], ascending=[True, False]).drop(columns="_order")


def condition_gap(table: pd.DataFrame) -> pd.DataFrame:
    """Per condition: mean score among price movers and among the rest (yes=1, partly=0.5)."""
    rows = []
    for cond in CONDITIONS:
        points = table[cond].map(SCORE) if len(table) else pd.Series(dtype=float)
        rows.append({"condition": cond, "movers": points[table["mover"]].mean() if len(table) else float("nan"),
                     "others": points[~table["mover"]].mean() if len(table) else float("nan")})
    out = pd.DataFrame(rows).set_index("condition")
    out["gap"] = out["movers"] - out["others"]
    return out


def _shortfall(row, name: str) -> str:
    """'Tencent (2; no LLMs as core business)'."""
    missing = [CONDITION_WORDS[c] for c in CONDITIONS if row[c] == "no"]
    return f"{name} ({row['score']:g}" + (f"; no {prose.listing(missing)}" if missing else "") + ")"


def verdict_c8(table: pd.DataFrame, names: pd.Series) -> Verdict:
    """Supported if every price mover meets (nearly) all four traits; partly if only a minority fall short and
    movers score higher on average; not supported otherwise."""
    if table.empty or not table["mover"].any():
        return Verdict("C8", UNTESTABLE, "No vendor with assessed conditions moved on price in May-June 2024 in the "
                                         "sourced data, so the four traits cannot be tested.")
    movers, others = table[table["mover"]], table[~table["mover"]]
    exceptions = movers[movers["exception"]]
    share = len(exceptions) / len(movers)
    mean_m = movers["score"].mean()
    mean_o = others["score"].mean() if len(others) else float("nan")
    compare = (f"price movers meet on average {mean_m:.1f} of the 4 traits"
               + (f", firms that did not cut {mean_o:.1f}" if len(others) else "") + " (yes = 1, partly = 0.5)")
    if exceptions.empty:
        return Verdict("C8", SUPPORTED, f"All {len(movers)} vendors that cut or launched cheaply in May-June 2024 meet "
                                        f"at least {NEAR_ALL:g} of the 4 traits with no outright 'no'; {compare}.")
    lacking = prose.listing(_shortfall(table.loc[v], names.get(v, v)) for v in exceptions.index)
    evidence = (f"{len(exceptions)} of the {len(movers)} vendors that cut or launched cheaply in May-June 2024 fall "
                f"short of the four traits (score of 4 in brackets): {lacking}; {compare}.")
    if share < MANY_SHARE and (others.empty or mean_m > mean_o):
        return Verdict("C8", PARTLY, evidence)
    return Verdict("C8", NOT_SUPPORTED, evidence)


def conflicting_rows(conditions: pd.DataFrame) -> pd.DataFrame:
    """Condition rows whose evidence says another source conflicts with it (shown side by side, not resolved)."""
    return conditions[conditions["evidence"].str.contains("conflict", case=False)]


def attribution_rows(statements: pd.DataFrame) -> pd.DataFrame:
    """Statement rows that record that the four conditions could not be found in reports of the launch."""
    text = statements["summary"].str.lower()
    return statements[text.str.contains("four") & text.str.contains("condition") & text.str.contains("unverified")]


# --- C9 ------------------------------------------------------------------------------------------------------------
def c9_statements(statements: pd.DataFrame) -> pd.DataFrame:
    """Everything 01.AI and Baichuan said about the price war, in date order."""
    s = statements[statements["vendor"].isin(list(C9_PEOPLE))]
    return s.sort_values(["date", "vendor"]).reset_index(drop=True)


def verdict_c9(statements: pd.DataFrame, names: pd.Series) -> Verdict:
    """Supported if both 01.AI and Baichuan have a 'decline' statement in May-June 2024."""
    s = _in_war(c9_statements(statements))
    if s.empty:
        return Verdict("C9", UNTESTABLE, "No sourced statement by 01.AI or Baichuan from May-June 2024.")
    declined = s[s["stance"] == "decline"]
    parts = [f"{r.person or names.get(r.vendor, r.vendor)} ({names.get(r.vendor, r.vendor)}, {prose.day(r.date)}, "
             f"grade {r.source_quality})" for r in declined.drop_duplicates("vendor").itertuples()]
    grades = set(declined["source_quality"])
    quality = " Both rest on C-grade (aggregator) sources only." if grades == {"C"} and len(parts) > 1 else (
        " It rests on C-grade (aggregator) sources only." if grades == {"C"} else "")
    found = set(declined["vendor"])
    if found >= set(C9_PEOPLE):
        return Verdict("C9", SUPPORTED, f"Sourced reports have both declining to follow: {prose.listing(parts)}."
                                        + quality)
    cut = s[s["stance"] == "cut"]
    if found:
        missing = prose.listing(names.get(v, v) for v in C9_PEOPLE if v not in found)
        return Verdict("C9", PARTLY, f"Only {prose.listing(parts)} is sourced as declining; no such statement by "
                                     f"{missing} was found for May-June 2024." + quality)
    if len(cut):
        who = prose.listing(names.get(v, v) for v in sorted(set(cut["vendor"])))
        return Verdict("C9", NOT_SUPPORTED, f"In May-June 2024 the sources show {who} backing or announcing cuts, "
                                            "and no statement declining to follow.")
    return Verdict("C9", UNTESTABLE, "The May-June 2024 statements by 01.AI and Baichuan found take no clear position "
                                     "on following the cuts.")


def statement_label(row) -> str:
    """A few words for a timeline marker, derived from the statement's stance and summary."""
    text = row["summary"].lower()
    if row["stance"] == "decline":
        return "Won't join the price war"
    if "medic" in text:
        return "Refocus on AI medicine"
    if "deepseek" in text:
        return "Builds on DeepSeek instead of own giant models"
    if "support" in text and "price cut" in text:
        return "Backs the price cuts"
    if row["stance"] == "cut":
        return "Cuts prices"
    words = row["summary"].split()
    return " ".join(words[:5]) + " …"


def aftermath(statements: pd.DataFrame, prices: pd.DataFrame) -> pd.DataFrame:
    """Dated events for 01.AI and Baichuan: their statements plus their price launches and cuts (one per model).

    Columns: date, vendor, kind ('statement' or 'price'), stance, label, approximate, source_quality.
    """
    rows = []
    for r in c9_statements(statements).to_dict("records"):
        rows.append({"date": r["date"], "vendor": r["vendor"], "kind": "statement", "stance": r["stance"],
                     "label": statement_label(r), "approximate": r.get("date_precision", "") in ("month", "approximate"),
                     "source_quality": r["source_quality"]})
    p = list_prices(prices)
    p = p[p["vendor"].isin(list(C9_PEOPLE)) & (p["direction"] == "input")].drop_duplicates(["date", "vendor", "model"])
    for r in p.to_dict("records"):
        verb = {"launch": "at", "cut": "cut to", "raise": "raised to"}[r["event"]]
        rows.append({"date": r["date"], "vendor": r["vendor"], "kind": "price", "stance": r["event"],
                     "label": f"{r['model']} {verb} {prose.yuan(r['price_after_cny_per_m'])}/M",
                     "approximate": False, "source_quality": r["source_quality"]})
    out = pd.DataFrame(rows, columns=["date", "vendor", "kind", "stance", "label", "approximate", "source_quality"])
    if out.empty:
        return out
    # A statement announcing the same day's price move adds nothing to the price row: keep the price row.
    priced = set(zip(out.loc[out["kind"] == "price", "date"], out.loc[out["kind"] == "price", "vendor"]))
    same_day = pd.Series([(d, v) in priced for d, v in zip(out["date"], out["vendor"])], index=out.index)
    dup = (out["kind"] == "statement") & (out["stance"] == "cut") & same_day
    return out[~dup].sort_values(["date", "vendor"]).reset_index(drop=True)
