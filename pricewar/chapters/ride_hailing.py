"""Chapter 6: the 2014 Didi-Kuaidi subsidy war beside the LLM price war (claim C10).

The article compares the 2024 LLM price war with the ride-hailing war between Didi and Kuaidi "ten years ago".
The analogy is tested on three criteria, each computed from data:

* tit-for-tat: most moves are answered by a rival within days (TIT_FOR_TAT_DAYS);
* depth: prices go to or below zero margin (a subsidy paid per ride; an LLM list price cut to free);
* consolidation: the war ends in a merger.

Rule: all three hold in both wars -> supported; tit-for-tat and depth hold but the LLM side has no merger -> partly
supported; otherwise not supported; no ride-hailing subsidy data or no LLM price moves -> not testable.
Duration and reported spending are compared too, but they describe the wars rather than decide the analogy.
"""
from __future__ import annotations

import re

import pandas as pd

from .. import prose
from ..data import grade_rank, list_prices
from ..verdicts import NOT_SUPPORTED, PARTLY, SUPPORTED, UNTESTABLE, Verdict

# What the article states: a war "ten years ago" between Didi and Kuaidi.
CLAIMED_YEAR = 2014
RIDE_ACTORS = ["didi", "kuaidi"]
ACTOR_NAMES = {"didi": "Didi 滴滴", "kuaidi": "Kuaidi 快的", "uber_china": "Uber China 优步中国",
               "didi_kuaidi": "Didi + Kuaidi 滴滴+快的"}
ACTOR_SHORT = {"didi": "Didi", "kuaidi": "Kuaidi", "uber_china": "Uber China", "didi_kuaidi": "Didi and Kuaidi"}
# Ride-hailing firms are not LLM vendors, so they get colours of their own (Okabe-Ito orange and green).
SUBSIDY_EVENTS = ("subsidy_start", "subsidy_change", "subsidy_end")
MEASURES = {"passenger": "passenger_subsidy_cny", "driver": "driver_subsidy_cny"}
LLM_KINDS = ("cloud", "model_company")        # Chinese vendors: the war the article describes
TIT_FOR_TAT_DAYS = 7                    # "within days": a rival's reply within a week
TIT_FOR_TAT_SHARE = 0.5                 # ... for at least half of the replies
SAME_MOVE_DAYS = 14                     # reports of one step that differ in date by up to this are one move
DEEP_CUT = 0.9                          # "cuts of 90% or more"
MERGER_WORDS = re.compile(r"\bmerg|\bacqui|并购|合并|收购", re.I)


# ---------------------------------------------------------------- ride-hailing side

def _reports(ride: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Every sourced subsidy level of one kind (passenger or driver) for Didi and Kuaidi, before their merger."""
    col = MEASURES[measure]
    if ride.empty or col not in ride:
        return pd.DataFrame(columns=["date", "actor", "level", "source_quality", "source_url"])
    rows = ride[ride["event"].isin(SUBSIDY_EVENTS) & ride["actor"].isin(RIDE_ACTORS) & ride[col].notna()]
    first = first_merger(ride)
    if first is not None:
        rows = rows[rows["date"] < first]
    out = rows[["date", "actor", col, "source_quality", "source_url"]].rename(columns={col: "level"})
    out = out.assign(_rank=grade_rank(out["source_quality"]))
    return out.sort_values(["actor", "date", "_rank"]).reset_index(drop=True)


def subsidy_moves(ride: pd.DataFrame, measure: str = "passenger") -> pd.DataFrame:
    """One row per change of a subsidy level: actor, date, level (yuan per ride) and the reports behind it.

    Aggregator rows (grade C) are used only where no A or B row lies within SAME_MOVE_DAYS for the same actor.
    Consecutive reports of the same level within SAME_MOVE_DAYS are one move, dated by its best-graded source
    (earliest day among those); `dates` keeps every reported day, so disagreements stay visible.
    A later report of an unchanged level is a restatement, not a move.
    """
    reps = _reports(ride, measure)
    rows = []
    for actor, g in reps.groupby("actor", sort=True):
        good = g[g["_rank"] <= 1]
        keep = g.apply(lambda r: r["_rank"] <= 1 or not ((good["date"] - r["date"]).abs().dt.days
                                                           <= SAME_MOVE_DAYS).any(), axis=1)
        dropped = g[~keep]
        level, cluster = None, []
        clusters = []
        for _, r in g[keep].iterrows():
            if cluster and r["level"] == cluster[0]["level"] and (r["date"] - cluster[0]["date"]).days <= SAME_MOVE_DAYS:
                cluster.append(r)
                continue
            if cluster:
                clusters.append(cluster)
            cluster = [r]
        if cluster:
            clusters.append(cluster)
        for cl in clusters:
            c = pd.DataFrame(cl)
            if level is not None and c["level"].iloc[0] == level:
                continue   # restatement of the level already in force
            level = c["level"].iloc[0]
            best = c[c["_rank"] == c["_rank"].min()]
            near = dropped[(dropped["level"] == level)
                           & ((dropped["date"] - best["date"].min()).abs().dt.days <= SAME_MOVE_DAYS)]
            every = pd.concat([c, near]).sort_values("date")
            rows.append({"actor": actor, "measure": measure, "date": best["date"].min(), "level": level,
                         "grade": best["source_quality"].iloc[0], "n_reports": len(every),
                         "dates": ", ".join(f"{d:%-d %b} ({q})" for d, q in
                                            every[["date", "source_quality"]].drop_duplicates().itertuples(index=False)),
                         "n_dates": every["date"].nunique()})
    cols = ["actor", "measure", "date", "level", "grade", "n_reports", "dates", "n_dates"]
    return pd.DataFrame(rows, columns=cols).sort_values(["date", "actor"]).reset_index(drop=True)


def date_disagreements(ride: pd.DataFrame) -> pd.DataFrame:
    """Subsidy steps whose sources give different days (kept and shown, not hidden)."""
    moves = pd.concat([subsidy_moves(ride, m) for m in MEASURES], ignore_index=True)
    return moves[moves["n_dates"] > 1].sort_values(["date", "actor"]).reset_index(drop=True)


def steps(ride: pd.DataFrame, measure: str, actor: str) -> pd.Series:
    """The level in force from each move on (date-indexed), for a step chart."""
    m = subsidy_moves(ride, measure)
    m = m[m["actor"] == actor]
    return pd.Series(m["level"].values, index=pd.DatetimeIndex(m["date"]), dtype=float)


def peak_per_ride(ride: pd.DataFrame) -> pd.DataFrame:
    """Each actor's highest passenger, driver and combined (same day) subsidy per ride, in yuan."""
    rows = []
    for actor in RIDE_ACTORS:
        p, d = steps(ride, "passenger", actor), steps(ride, "driver", actor)
        if p.empty and d.empty:
            continue
        days = p.index.union(d.index)
        both = p.reindex(days).ffill().fillna(0) + d.reindex(days).ffill().fillna(0)
        rows.append({"actor": actor, "passenger": p.max() if len(p) else 0.0, "driver": d.max() if len(d) else 0.0,
                     "combined": both.max(), "combined_date": both.idxmax()})
    return pd.DataFrame(rows, columns=["actor", "passenger", "driver", "combined", "combined_date"])


def ride_moves(ride: pd.DataFrame) -> pd.DataFrame:
    """Every change of Didi's or Kuaidi's passenger or driver subsidy, one row per actor and day."""
    moves = pd.concat([subsidy_moves(ride, m) for m in MEASURES], ignore_index=True)
    return moves.drop_duplicates(["actor", "date"])[["actor", "date"]].sort_values(["date", "actor"]).reset_index(drop=True)


def mergers(ride: pd.DataFrame) -> pd.DataFrame:
    """The ride-hailing mergers, one row per day (deal value from the best-graded source)."""
    if ride.empty:
        return pd.DataFrame(columns=["date", "actor", "amount", "amount_unit", "source_quality"])
    m = ride[ride["event"] == "merger"].assign(_rank=lambda d: grade_rank(d["source_quality"]))
    m = m.sort_values(["date", "_rank"]).drop_duplicates("date")
    return m[["date", "actor", "amount", "amount_unit", "source_quality"]].reset_index(drop=True)


def first_merger(ride: pd.DataFrame):
    if ride.empty:
        return None
    dates = ride.loc[ride["event"] == "merger", "date"]
    return dates.min() if len(dates) else None


def subsidy_end(ride: pd.DataFrame, measure: str = "passenger"):
    """The first day both Didi and Kuaidi were at zero for this subsidy (None if they never were)."""
    days = []
    for actor in RIDE_ACTORS:
        s = steps(ride, measure, actor)
        zero = s[s == 0]
        if zero.empty:
            return None
        days.append(zero.index.min())
    return max(days)


def spend_reports(ride: pd.DataFrame) -> pd.DataFrame:
    """Reported subsidy spending (running totals, never to be summed). Budget pledges are flagged, not spending."""
    if ride.empty:
        return pd.DataFrame(columns=["date", "actor", "amount", "amount_unit", "budget", "source_quality",
                                     "source_url"])
    s = ride[ride["event"] == "spend_report"].copy()
    s["budget"] = s["source_note"].str.upper().str.startswith("BUDGET")
    return s[["date", "actor", "amount", "amount_unit", "budget", "source_quality", "source_url"]].reset_index(drop=True)


def war_spending(ride: pd.DataFrame) -> dict:
    """Largest actual spend figure (yuan) reported for the Didi-Kuaidi war, combined and per actor, before the merger.

    Figures are cumulative, so the largest one is the best estimate; per actor, every distinct figure is kept when
    sources disagree on the same day.
    """
    s = spend_reports(ride)
    s = s[~s["budget"] & (s["amount_unit"] == "CNY")]
    first = first_merger(ride)
    if first is not None:
        s = s[s["date"] < first]
    combined = s[s["actor"] == "didi_kuaidi"]
    per_actor = {}
    for actor in RIDE_ACTORS:
        a = s[s["actor"] == actor]
        if len(a):
            last = a[a["amount"] == a["amount"].max()]
            same_day = a[a["date"] == last["date"].max()]
            per_actor[actor] = sorted(same_day["amount"].unique().tolist())
    top = combined.loc[combined["amount"].idxmax()] if len(combined) else None
    return {"combined": None if top is None else float(top["amount"]),
            "combined_date": None if top is None else top["date"],
            "combined_grade": None if top is None else top["source_quality"],
            "per_actor": per_actor,
            "budgets": spend_reports(ride).query("budget")}


# ---------------------------------------------------------------- LLM side

def llm_price_moves(prices: pd.DataFrame) -> pd.DataFrame:
    """Changes of a Chinese vendor's standard list price (cuts and raises; launches are first prices, not moves)."""
    if prices.empty:
        return prices.assign(cut_fraction=pd.Series(dtype=float))
    p = list_prices(prices)
    p = p[p["event"].isin(["cut", "raise"]) & p["kind"].isin(LLM_KINDS)]
    return p.reset_index(drop=True)


def llm_moves(prices: pd.DataFrame) -> pd.DataFrame:
    p = llm_price_moves(prices)
    return (p.drop_duplicates(["vendor", "date"])[["vendor", "date"]].rename(columns={"vendor": "actor"})
            .sort_values(["date", "actor"]).reset_index(drop=True))


def llm_depth(prices: pd.DataFrame) -> dict:
    """Cuts of DEEP_CUT or more, and list prices cut to free, among Chinese vendors' cuts."""
    cuts = llm_price_moves(prices)
    cuts = cuts[cuts["event"] == "cut"]
    known = cuts[cuts["cut_fraction"].notna()]
    deep = known[known["cut_fraction"] >= DEEP_CUT - 1e-9]
    free = cuts[cuts["price_after_cny_per_m"] == 0]
    return {"n_cuts": len(cuts), "n_known": len(known), "n_deep": len(deep), "n_free": len(free),
            "free_models": sorted(free["model"].unique().tolist()),
            "free_vendors": sorted(free["vendor"].unique().tolist()),
            "deepest": known["cut_fraction"].max() if len(known) else float("nan")}


def llm_mergers(statements: pd.DataFrame) -> pd.DataFrame:
    """Mergers or acquisitions among LLM vendors found in the data.

    No table records corporate deals of LLM vendors; statements.csv is the only place one would show up, so its
    summaries are searched for merger words. A hit is a candidate for the reader to check, and counts for the
    consolidation criterion.
    """
    if statements.empty:
        return statements
    return statements[statements["summary"].str.contains(MERGER_WORDS)].reset_index(drop=True)


# ---------------------------------------------------------------- shared measures

def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def reply_gaps(moves: pd.DataFrame) -> pd.Series:
    """Days between a move and the previous move when it came from a different actor (a rival's reply)."""
    if moves.empty:
        return pd.Series(dtype=float)
    m = moves.sort_values(["date", "actor"]).reset_index(drop=True)
    gaps = []
    for prev, cur in zip(m.iloc[:-1].itertuples(), m.iloc[1:].itertuples()):
        if cur.actor != prev.actor:
            gaps.append((cur.date - prev.date).days)
    return pd.Series(gaps, dtype=float)


def tit_for_tat(moves: pd.DataFrame) -> dict:
    gaps = reply_gaps(moves)
    quick = int((gaps <= TIT_FOR_TAT_DAYS).sum())
    share = quick / len(gaps) if len(gaps) else float("nan")
    return {"n_moves": len(moves), "n_actors": moves["actor"].nunique() if len(moves) else 0,
            "n_replies": len(gaps), "quick": quick, "share": share,
            "median": gaps.median() if len(gaps) else float("nan"),
            "holds": bool(len(gaps) >= 2 and share >= TIT_FOR_TAT_SHARE)}


def compare(ride: pd.DataFrame, prices: pd.DataFrame, latest, n_llm_mergers: int) -> dict:
    """Every measure of both wars, and whether each criterion holds."""
    rm, lm = ride_moves(ride), llm_moves(prices)
    peaks = peak_per_ride(ride)
    merges = mergers(ride)
    first_ride = rm["date"].min() if len(rm) else None
    first_llm = lm["date"].min() if len(lm) else None
    latest = pd.Timestamp(latest) if latest is not None else None
    depth = llm_depth(prices)
    return {
        "ride_tft": tit_for_tat(rm), "llm_tft": tit_for_tat(lm),
        "ride_first": first_ride, "llm_first": first_llm, "latest": latest,
        "ride_days_to_merger": (merges["date"].min() - first_ride).days if len(merges) and first_ride is not None else None,
        "ride_days_to_last_merger": (merges["date"].max() - first_ride).days if len(merges) and first_ride is not None else None,
        "ride_passenger_end": subsidy_end(ride, "passenger"),
        "llm_days": (latest - first_llm).days if first_llm is not None and latest is not None else None,
        "ride_peak": peaks, "ride_deep": bool(len(peaks) and (peaks["combined"] > 0).any()),
        "llm_depth": depth, "llm_deep": depth["n_free"] > 0,
        "ride_spend": war_spending(ride),
        "ride_mergers": merges, "n_ride_mergers": len(merges), "n_llm_mergers": int(n_llm_mergers),
    }


def verdict_c10(ride: pd.DataFrame, prices: pd.DataFrame, latest, n_llm_mergers: int) -> Verdict:
    """C10 as an analogy: same tit-for-tat, same depth, same consolidation?

    `n_llm_mergers` is the number of mergers among LLM vendors the data show (see llm_mergers()).
    """
    c = compare(ride, prices, latest, n_llm_mergers)
    rt, lt = c["ride_tft"], c["llm_tft"]
    if rt["n_moves"] < 2 or c["ride_peak"].empty:
        return Verdict("C10", UNTESTABLE, "The data hold too few dated Didi or Kuaidi subsidy levels to describe the "
                                          "2014 war.")
    if lt["n_moves"] < 2:
        return Verdict("C10", UNTESTABLE, "The data hold too few LLM list-price changes to compare with the 2014 war.")
    d = c["llm_depth"]
    peak = c["ride_peak"]["combined"].max()
    tft = (f"{rt['quick']} of {rt['n_replies']} rival replies in 2014 and {lt['quick']} of {lt['n_replies']} in the "
           f"LLM war came within {TIT_FOR_TAT_DAYS} days")
    depth = (f"subsidies reached {peak:.0f} yuan per ride (passenger plus driver), "
             f"while {len(d['free_models'])} LLM models were made free and {d['n_deep']} of {d['n_known']} price cuts "
             f"with a known old price were {prose.pct(DEEP_CUT)} or deeper")
    if c["n_ride_mergers"]:
        cons = (f"Didi and Kuaidi merged {c['ride_days_to_merger']} days after the first subsidy"
                + (f" and {c['n_ride_mergers'] - 1} more merger followed" if c["n_ride_mergers"] > 1 else ""))
    else:
        cons = "the data hold no ride-hailing merger"
    llm_cons = (f"the data show {c['n_llm_mergers']} merger(s) among LLM vendors" if c["n_llm_mergers"] else
                f"the data show no merger among LLM vendors {c['llm_days']} days after the first LLM cut")
    evidence = f"{_cap(tft)}; {depth}. {_cap(cons)}; {llm_cons}."
    same_tft = rt["holds"] and lt["holds"]
    same_depth = c["ride_deep"] and c["llm_deep"]
    same_cons = c["n_ride_mergers"] > 0 and c["n_llm_mergers"] > 0
    if same_tft and same_depth and same_cons:
        return Verdict("C10", SUPPORTED, evidence)
    if same_tft and same_depth:
        return Verdict("C10", PARTLY, evidence)
    return Verdict("C10", NOT_SUPPORTED, evidence)


def md_table(df: pd.DataFrame) -> str:
    """A Markdown table (no extra dependency)."""
    cells = [[str(v) for v in row] for row in df.itertuples(index=False)]
    head = "| " + " | ".join(map(str, df.columns)) + " |\n|" + "---|" * len(df.columns) + "\n"
    return head + "\n".join("| " + " | ".join(c.replace("|", "/") for c in row) + " |" for row in cells)
