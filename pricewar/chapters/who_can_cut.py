"""Chapter 5: who could afford to cut and keep cutting, and who said no (claims C8, C9).

C8: the article (有能力、有資格降價的公司應該具備四個特征) says a firm able and qualified to cut prices should have four
traits. Cutting once is not the test: affording a cut is. With the hindsight the data give, each firm's outcome after
the first round (May-June 2024) is read from its own price history and statements: it kept cutting and stayed in the
market, it held its prices, it withdrew from the frontier, or the data do not say. The traits should mark the firms
that kept cutting (every one should have them), and they should tell those firms apart from the ones that could not
keep up. C9: 01.AI's Kai-Fu Lee and Baichuan's Wang Xiaochuan said they would not follow; only a statement that says
so counts, not criticism of the cuts.
"""
from __future__ import annotations

import pandas as pd

from .. import prose
from ..data import grade_rank, list_prices
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
# A launch priced at or below this (yuan per million input tokens) counts as moving on price in the first round: it is
# the level of DeepSeek-V2 and Doubao-pro, the launches that, by the article's own account, set the May 2024 floor.
LOW_LAUNCH_MAX = 1.0
# Readings of "has the four traits" (每家 "should have" all four; how strictly to read a 'partly'):
READINGS = {
    "lenient": "3 or more of the 4, a 'partly' counting half, and no outright 'no'",
    "strict": "all four traits assessed 'yes'",
    "loose": "no trait assessed an outright 'no'",
}
NEAR_ALL = 3.0        # the lenient reading: a score of at least 3 out of 4 and no outright 'no'
# A trait "tells apart" the firms that kept cutting from those that did not when its average assessment (0-1) among
# the first is at least this much higher: half the scale, i.e. the difference between all 'partly' and all 'yes'.
SEPARATES = 0.5
# Hindsight needs time: an outcome is read only if the data reach at least this far past the first round.
HORIZON_DAYS = 365
# Still in the market: a price row for the firm within this many days of the newest data.
PRESENT_DAYS = 365

OUTCOME_ORDER = ["kept cutting", "held prices", "withdrew", "not in the data"]
SUSTAINED = "kept cutting"
FELL_BACK = ("held prices", "withdrew")

C9_PEOPLE = {"01ai": "Kai-Fu Lee", "baichuan": "Wang Xiaochuan"}

STANCE_ORDER = ["cut", "low-price launch", "decline", "no cut found"]
MOVERS = {"cut", "low-price launch"}


# --- the four traits -------------------------------------------------------------------------------------------------
def _best_assessments(conditions: pd.DataFrame) -> dict:
    """{(vendor, condition): assessment}: the best-graded row for each (the latest-dated among equals)."""
    best: dict = {}
    dates = conditions["date"] if "date" in conditions else pd.Series(pd.NaT, index=conditions.index)
    for v, c, a, q, d in zip(conditions["vendor"], conditions["condition"], conditions["assessment"],
                             conditions["source_quality"], dates):
        rank = (QUALITY.get(q, 9), -(d.value if pd.notna(d) else -2**62))
        if (v, c) not in best or rank < best[(v, c)][0]:
            best[(v, c)] = (rank, a)
    return {k: a for k, (_, a) in best.items()}


QUALITY = {"A": 0, "B": 1, "C": 2}


def condition_matrix(conditions: pd.DataFrame) -> pd.DataFrame:
    """Vendor x condition table of assessments ('yes', 'partly', 'no', 'unknown'); a missing row is 'unknown'.

    Where several rows assess the same trait, the best-graded one is used (the latest-dated among equals)."""
    best = _best_assessments(conditions)
    vendors = sorted({v for v, _ in best})
    return pd.DataFrame([[best.get((v, c), "unknown") for c in CONDITIONS] for v in vendors], index=pd.Index(
        vendors, name="vendor"), columns=CONDITIONS, dtype=object)


def has_traits(matrix: pd.DataFrame, reading: str = "lenient") -> pd.Series:
    """Whether each vendor has the four traits under a reading (see READINGS)."""
    points = matrix.apply(lambda col: col.map(SCORE)).sum(axis=1)
    n_no = (matrix == "no").sum(axis=1)
    if reading == "strict":
        return (matrix == "yes").all(axis=1)
    if reading == "loose":
        return n_no == 0
    return (points >= NEAR_ALL) & (n_no == 0)


def _in_war(df: pd.DataFrame) -> pd.DataFrame:
    return df[(df["date"] >= WAR_START) & (df["date"] <= WAR_END)]


# --- the first round: who moved in May-June 2024 -----------------------------------------------------------------------
FIRST_COLS = ["vendor", "stance", "date", "model", "price", "source_url", "source_quality"]


def first_round_evidence(prices: pd.DataFrame, statements: pd.DataFrame) -> pd.DataFrame:
    """Every sourced row that says what a vendor did in May-June 2024: a list-price cut, a launch at or below
    LOW_LAUNCH_MAX (input tokens), a statement that it cut, or a statement declining to follow. One row per source."""
    parts = []
    if len(prices):
        p = _in_war(list_prices(prices))
        cut = p[p["event"] == "cut"]
        low = p[(p["event"] == "launch") & (p["direction"] == "input") & (p["price_after_cny_per_m"] <= LOW_LAUNCH_MAX)]
        for df, stance in ((cut, "cut"), (low, "low-price launch")):
            parts.append(pd.DataFrame({"vendor": df["vendor"], "stance": stance, "date": df["date"], "model": df["model"],
                                       "price": df["price_after_cny_per_m"], "source_url": df["source_url"],
                                       "source_quality": df["source_quality"]}))
    if len(statements):
        s = _in_war(statements)
        s = s[s["stance"].isin(["cut", "decline"])]
        parts.append(pd.DataFrame({"vendor": s["vendor"], "stance": s["stance"].map({"cut": "said cut",
                                                                                     "decline": "decline"}),
                                   "date": s["date"], "model": s["person"], "price": float("nan"),
                                   "source_url": s["source_url"], "source_quality": s["source_quality"]}))
    parts = [x for x in parts if len(x)]
    return pd.concat(parts, ignore_index=True)[FIRST_COLS] if parts else pd.DataFrame(columns=FIRST_COLS)


def stances_from(first: pd.DataFrame, vendor_ids) -> pd.DataFrame:
    """What each vendor did in May-June 2024: cut, low-price launch, decline (said so) or no cut found.

    Precedence: a sourced list-price cut, then a launch at or below LOW_LAUNCH_MAX, then a statement saying the
    vendor cut, then a statement declining to follow.
    """
    rows = _stance_rows(first, vendor_ids)
    return pd.DataFrame(rows, columns=["vendor", "stance", "date", "detail", "source_quality", "mover"]).set_index("vendor")


def _stance_rows(first: pd.DataFrame, vendor_ids) -> list[dict]:
    by: dict = {}
    for r in zip(first["vendor"], first["stance"], first["date"], first["model"], first["price"],
                 first["source_quality"]):
        by.setdefault((r[0], r[1]), []).append(r)
    rows = []
    for vendor in vendor_ids:
        cuts, launches = by.get((vendor, "cut"), []), by.get((vendor, "low-price launch"), [])
        said_cut, declines = by.get((vendor, "said cut"), []), by.get((vendor, "decline"), [])
        if cuts:
            d = min(r[2] for r in cuts)
            models = sorted({r[3] for r in cuts})
            what = f"{models[0]} cut" if len(models) == 1 else f"cut {len(models)} models"
            row = {"stance": "cut", "date": d, "detail": f"{what}, {d:%-d %b}", "source_quality": min(r[5] for r in cuts)}
        elif launches:
            first_row = min(launches, key=lambda r: r[2])
            n = len({r[3] for r in launches})
            low = min(r[4] for r in launches)
            what = f"{first_row[3]} at {prose.yuan(low)}" if n == 1 else f"{n} launched from {prose.yuan(low)}"
            row = {"stance": "low-price launch", "date": first_row[2], "detail": f"{what}, {first_row[2]:%-d %b}",
                   "source_quality": min(r[5] for r in launches)}
        elif said_cut:
            d = min(r[2] for r in said_cut)
            row = {"stance": "cut", "date": d, "detail": f"says it cut, {d:%-d %b}",
                   "source_quality": min(r[5] for r in said_cut)}
        elif declines:
            first_row = min(declines, key=lambda r: r[2])
            row = {"stance": "decline", "date": first_row[2], "detail": f"said won't follow, {first_row[2]:%-d %b}",
                   "source_quality": min(r[5] for r in declines)}
        else:
            row = {"stance": "no cut found", "date": pd.NaT, "detail": "no cut found", "source_quality": ""}
        row["mover"] = row["stance"] in MOVERS
        rows.append(dict(row, vendor=vendor))
    return rows


def stances(prices: pd.DataFrame, statements: pd.DataFrame, vendor_ids) -> pd.DataFrame:
    return stances_from(first_round_evidence(prices, statements), vendor_ids)


# --- hindsight: who kept cutting after the first round -----------------------------------------------------------------
MOVE_COLS = ["vendor", "announcement", "date", "kind", "model", "fraction", "source_url", "source_quality"]
LOWERING_KINDS = ("cut", "free")


def lowering_evidence(prices: pd.DataFrame, announcements: pd.DataFrame | None = None, after=WAR_END) -> pd.DataFrame:
    """Every sourced report of a price-lowering move after `after` (one row per model and source).

    A move lowers prices if it cuts a standard list price (input tokens), or launches a model below the cheapest
    price the vendor then had on sale for a model of the same tier (a cheaper successor); or if announcements.csv
    records a cut or a model made free. A model's later rows are observations of its price, not launches. The
    announcement is the row's announcement_id, else the vendor and day.
    """
    hits = []
    p = list_prices(prices) if len(prices) else prices
    if len(p):
        p = p[p["direction"] == "input"]
    if len(p):
        tier = (p["model_tier"] if "model_tier" in p else pd.Series("", index=p.index)).fillna("")
        retired = p["retired"] if "retired" in p else pd.Series(pd.NaT, index=p.index)
        ann = (p["announcement_id"] if "announcement_id" in p else pd.Series("", index=p.index)).fillna("")
        rows = sorted(zip(p["vendor"], p["date"], p["model"], tier, p["event"], p["price_after_cny_per_m"],
                          p["price_before_cny_per_m"], retired, ann, p["source_url"], p["source_quality"]),
                      key=lambda r: (r[0], r[1], r[2]))
        state: dict = {}        # (vendor, model) -> (tier, price, retired) in force
        i = 0
        while i < len(rows):
            j = i
            while j < len(rows) and rows[j][:3] == rows[i][:3]:
                j += 1
            group = rows[i:j]                       # one model on one day, every source
            vendor, date, model = group[0][:3]
            key = (vendor, model)
            for _, _, _, t, event, price, before, ret, a, url, q in group:
                lowered = None
                if date > after and event == "cut" and pd.notna(price):
                    ref = before if pd.notna(before) else (state[key][1] if key in state else float("nan"))
                    if pd.isna(ref) or price < ref:
                        lowered = ("cut", 1 - price / ref if pd.notna(ref) and ref > 0 else float("nan"))
                elif date > after and event == "launch" and key not in state and pd.notna(price):
                    rivals = [v[1] for (vv, m), v in state.items() if vv == vendor and v[0] == t and m != model
                              and (pd.isna(v[2]) or v[2] >= date)]
                    if rivals and price < min(rivals):
                        lowered = ("cheaper launch", 1 - price / min(rivals) if min(rivals) > 0 else float("nan"))
                if lowered:
                    hits.append({"vendor": vendor, "announcement": a or f"{vendor}-{date:%Y-%m-%d}", "date": date,
                                 "kind": lowered[0], "model": model, "fraction": lowered[1], "source_url": url,
                                 "source_quality": q})
            prices_now = [g[5] for g in group if pd.notna(g[5])]
            if prices_now:
                state[key] = (group[0][3], min(prices_now), group[0][7])
            i = j
    if announcements is not None and len(announcements):
        a = announcements[(announcements["date"] > after) & (announcements["kind"].isin(LOWERING_KINDS)
                                                             | ((announcements["kind"] == "mixed")
                                                                & announcements["headline_cut_fraction"].notna()))]
        for r in a.itertuples():
            hits.append({"vendor": r.vendor, "announcement": r.announcement_id, "date": r.date,
                         "kind": "free" if r.kind == "free" else "cut", "model": "", "fraction":
                         1.0 if r.kind == "free" else r.headline_cut_fraction, "source_url": r.source_url,
                         "source_quality": r.source_quality})
    return pd.DataFrame(hits, columns=MOVE_COLS)


def lowering_moves(prices: pd.DataFrame, announcements: pd.DataFrame | None = None, after=WAR_END,
                   evidence: pd.DataFrame | None = None) -> pd.DataFrame:
    """Price-lowering announcements after `after`, one row per vendor and announcement (not per model or source):
    date, kind (cut if any of it was a cut), models, deepest fraction, sources (hosts) and best grade."""
    h = lowering_evidence(prices, announcements, after) if evidence is None else evidence
    cols = ["vendor", "announcement", "date", "kind", "models", "deepest", "n_sources", "source_quality"]
    if h.empty:
        return pd.DataFrame(columns=cols)
    h = h.assign(host=h["source_url"].str.split("/").str[2].str.removeprefix("www."))
    out = h.groupby(["vendor", "announcement"], sort=False).agg(
        date=("date", "min"), kind=("kind", lambda k: "free" if "free" in set(k) else "cut" if "cut" in set(k)
                                     else "cheaper launch"),
        models=("model", lambda m: len({x for x in m if x})), deepest=("fraction", "max"),
        n_sources=("host", "nunique"), source_quality=("source_quality", "min"))
    return out.reset_index()[cols].sort_values(["date", "vendor"]).reset_index(drop=True)


def raising_moves(prices: pd.DataFrame, announcements: pd.DataFrame | None = None, after=WAR_END) -> pd.DataFrame:
    """Price rises after `after` (a list-price raise, or the end of a promotion), one row per vendor and
    announcement: the other side of "kept cutting", shown beside it."""
    keys = set()
    if len(prices):
        p = list_prices(prices)
        p = p[(p["date"] > after) & p["event"].isin(["raise", "end"])]
        ann = p["announcement_id"].fillna("") if "announcement_id" in p else pd.Series("", index=p.index)
        keys |= {(v, a or f"{v}-{d:%Y-%m-%d}") for v, a, d in zip(p["vendor"], ann, p["date"])}
    if announcements is not None and len(announcements):
        a = announcements[(announcements["date"] > after) & (announcements["kind"] == "raise")]
        keys |= set(zip(a["vendor"], a["announcement_id"]))
    return pd.DataFrame(sorted(keys), columns=["vendor", "announcement"])


def withdrawals(statements: pd.DataFrame) -> pd.DataFrame:
    """Statements after the first round in which a firm says it withdraws from the frontier (stance 'withdraw')."""
    if statements.empty:
        return statements
    return statements[(statements["stance"] == "withdraw") & (statements["date"] > WAR_END)].reset_index(drop=True)


def last_seen(prices: pd.DataFrame) -> pd.Series:
    """The newest date each vendor has a list-price row (its coverage in the data)."""
    if prices.empty:
        return pd.Series(dtype="datetime64[ns]")
    return list_prices(prices).groupby("vendor")["date"].max()


def outcomes_from(moves: pd.DataFrame, withdrawn: pd.DataFrame, seen: pd.Series, latest, vendor_ids) -> pd.DataFrame:
    """Each vendor's course after the first round, to the newest data (`latest`).

    withdrew: a statement (stance 'withdraw') after the first round says so; kept cutting: at least one
    price-lowering announcement after the first round and a price row within PRESENT_DAYS of the newest data;
    held prices: in the market to the end but no lowering move; not in the data: the data stop too early (less than
    HORIZON_DAYS after the first round, or no price row in the last PRESENT_DAYS), so nothing is concluded.
    Moves are counted by announcement, not by model or source.
    """
    cols = ["vendor", "outcome", "n_lowering", "first_lowering", "last_lowering", "last_seen", "withdrew_on",
            "withdraw_quality"]
    return pd.DataFrame(_outcome_rows(moves, withdrawn, seen, latest, vendor_ids), columns=cols).set_index("vendor")


def _outcome_rows(moves: pd.DataFrame, withdrawn: pd.DataFrame, seen: pd.Series, latest, vendor_ids) -> list[dict]:
    latest = pd.Timestamp(latest) if latest is not None and pd.notna(latest) else None
    hindsight = latest is not None and (latest - WAR_END).days >= HORIZON_DAYS
    seen = dict(seen.items()) if isinstance(seen, pd.Series) else dict(seen)
    announced: dict = {}
    for v, a, d in zip(moves["vendor"], moves["announcement"], moves["date"]):
        announced.setdefault(v, {})
        announced[v][a] = min(d, announced[v].get(a, d))
    quit_: dict = {}
    for v, d, q in zip(withdrawn["vendor"], withdrawn["date"], withdrawn["source_quality"]):
        if latest is not None and d > latest:
            continue          # not yet known at the newest date
        if v not in quit_ or d < quit_[v][0]:
            quit_[v] = (d, q)
    rows = []
    for vendor in vendor_ids:
        m = list(announced.get(vendor, {}).values())
        last = seen.get(vendor, pd.NaT)
        present = latest is not None and pd.notna(last) and (latest - last).days <= PRESENT_DAYS
        w = quit_.get(vendor)
        if w:
            outcome = "withdrew"
        elif not hindsight:
            outcome = "not in the data"
        elif present and m:
            outcome = SUSTAINED
        elif present:
            outcome = "held prices"
        else:
            outcome = "not in the data"
        rows.append({"vendor": vendor, "outcome": outcome, "n_lowering": len(m),
                     "first_lowering": min(m) if m else pd.NaT, "last_lowering": max(m) if m else pd.NaT,
                     "last_seen": last, "withdrew_on": w[0] if w else pd.NaT, "withdraw_quality": w[1] if w else ""})
    return rows


def outcome_detail(row) -> str:
    """A few words for the grid: 'lowered prices 5 times, last Sep 2026' or 'withdrew, Jan 2025'."""
    if row["outcome"] == "withdrew":
        return f"withdrew, {row['withdrew_on']:%b %Y}"
    if row["outcome"] == SUSTAINED:
        n = int(row["n_lowering"])
        times = {1: "once", 2: "twice"}.get(n, f"{n} times")
        return f"lowered prices {times}, last {row['last_lowering']:%b %Y}"
    if row["outcome"] == "held prices":
        return f"held prices, seen to {row['last_seen']:%b %Y}"
    return "not in the data" + (f" after {row['last_seen']:%b %Y}" if pd.notna(row["last_seen"]) else "")


def evidence(prices: pd.DataFrame, statements: pd.DataFrame, announcements: pd.DataFrame | None = None) -> dict:
    """The small tables the C8 rule reads: first-round rows, lowering-move rows, withdrawals, coverage."""
    return {"first": first_round_evidence(prices, statements),
            "moves": lowering_evidence(prices, announcements),
            "withdrawn": withdrawals(statements), "seen": last_seen(prices)}


def assess_from(conditions: pd.DataFrame, first: pd.DataFrame, moves: pd.DataFrame, withdrawn: pd.DataFrame,
                seen: pd.Series, latest) -> pd.DataFrame:
    """One row per assessed vendor: the four assessments, score (yes=1, partly=0.5), 'no' count, whether it has the
    traits under each reading, what it did in the first round, and its outcome after it."""
    best = _best_assessments(conditions)
    vendors = sorted({v for v, _ in best})
    cols = CONDITIONS + ["score", "n_no", "n_unknown"] + [f"has_{r}" for r in READINGS] + [
        "stance", "date", "detail", "source_quality", "mover", "exception", "outcome", "n_lowering", "first_lowering",
        "last_lowering", "last_seen", "withdrew_on", "withdraw_quality", "after"]
    if not vendors:
        return pd.DataFrame(columns=cols)
    stance = {r["vendor"]: r for r in _stance_rows(first, vendors)}
    course = {r["vendor"]: r for r in _outcome_rows(moves, withdrawn, seen, latest, vendors)}
    rows = []
    for v in vendors:
        a = [best.get((v, c), "unknown") for c in CONDITIONS]
        score = sum(SCORE[x] for x in a)
        n_no = a.count("no")
        row = dict(zip(CONDITIONS, a), vendor=v, score=score, n_no=n_no, n_unknown=a.count("unknown"),
                   has_lenient=score >= NEAR_ALL and n_no == 0, has_strict=all(x == "yes" for x in a),
                   has_loose=n_no == 0)
        row.update(stance[v])
        row.update(course[v])
        row["exception"] = row["mover"] and not row["has_lenient"]
        row["after"] = outcome_detail(row)
        rows.append(row)
    rank = {s: i for i, s in enumerate(OUTCOME_ORDER)}
    first_rank = {s: i for i, s in enumerate(STANCE_ORDER)}
    rows.sort(key=lambda r: (rank[r["outcome"]], first_rank[r["stance"]], -r["score"], r["vendor"]))
    return pd.DataFrame(rows).set_index("vendor")[cols]


def assess(conditions: pd.DataFrame, prices: pd.DataFrame, statements: pd.DataFrame, latest=None,
           announcements: pd.DataFrame | None = None) -> pd.DataFrame:
    return assess_from(conditions, **evidence(prices, statements, announcements), latest=latest)


def groups(table: pd.DataFrame, outcome: str = "hindsight") -> tuple[pd.Series, pd.Series]:
    """(ahead, behind) masks: firms that kept cutting vs those that held or withdrew (hindsight), or, with
    outcome='first_round', the firms that moved on price in May-June 2024 vs the rest."""
    if outcome == "first_round":
        return table["mover"].astype(bool), ~table["mover"].astype(bool)
    return table["outcome"] == SUSTAINED, table["outcome"].isin(FELL_BACK)


def condition_gap(table: pd.DataFrame, outcome: str = "hindsight") -> pd.DataFrame:
    """Per trait: mean assessment (yes=1, partly=0.5) among the firms ahead and among those behind, and the gap."""
    if len(table):
        ahead, behind = (m.to_numpy() for m in groups(table, outcome))
    rows = []
    for cond in CONDITIONS:
        if not len(table):
            rows.append((cond, float("nan"), float("nan")))
            continue
        points = [SCORE[x] for x in table[cond]]
        a = [x for x, keep in zip(points, ahead) if keep]
        b = [x for x, keep in zip(points, behind) if keep]
        rows.append((cond, sum(a) / len(a) if a else float("nan"), sum(b) / len(b) if b else float("nan")))
    out = pd.DataFrame(rows, columns=["condition", "ahead", "behind"]).set_index("condition")
    out["gap"] = out["ahead"] - out["behind"]
    return out


def _shortfall(row, name: str) -> str:
    """'Tencent (2; no LLMs as core business)'."""
    missing = [CONDITION_WORDS[c] for c in CONDITIONS if row[c] == "no"]
    return f"{name} ({row['score']:g}" + (f"; no {prose.listing(missing)}" if missing else "") + ")"


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else float("nan")


def verdict_c8(table: pd.DataFrame, names: pd.Series, reading: str = "lenient", separates: float = SEPARATES,
               outcome: str = "hindsight") -> Verdict:
    """C8: the firms that kept cutting should all have the four traits, and the traits should tell them apart from
    the firms that held back or withdrew.

    SUPPORTED: every firm that kept cutting has the traits (under `reading`) and none of those that fell back does;
    PARTLY: some firms kept cutting without the traits, but at least one trait still tells the groups apart (average
    assessment higher by `separates` or more on a 0-1 scale); NOT_SUPPORTED: firms kept cutting without the traits
    and no trait tells the groups apart (or no firm fell back to compare with); UNTESTABLE: the data do not yet show
    who kept cutting.
    """
    if table.empty:
        return Verdict("C8", UNTESTABLE, "No vendor has assessed traits in the data.")
    rows = table.reset_index().to_dict("records")
    name = {r["vendor"]: names.get(r["vendor"], r["vendor"]) for r in rows}
    if outcome == "first_round":
        ahead = [r for r in rows if r["mover"]]
        behind = [r for r in rows if not r["mover"]]
        when, verb, fell = "in May-June 2024", "moved on price", "did not move"
    else:
        ahead = [r for r in rows if r["outcome"] == SUSTAINED]
        behind = [r for r in rows if r["outcome"] in FELL_BACK]
        when, verb, fell = ("after the first round (May-June 2024) to the newest data", "kept cutting",
                            "held back or withdrew")
    unknown = [r for r in rows if r["outcome"] == "not in the data"] if outcome == "hindsight" else []
    if not ahead:
        if outcome == "hindsight" and len(unknown) == len(rows):
            return Verdict("C8", UNTESTABLE, f"For all {len(rows)} firms with assessed traits, what they did after the "
                                             "first round (May-June 2024) is not in the data yet (the data must reach "
                                             f"{HORIZON_DAYS} days past it), so whether the traits mark the firms that "
                                             "could keep cutting cannot be tested.")
        return Verdict("C8", UNTESTABLE, f"No firm with assessed traits {verb} {when} in the data, so the four traits "
                                         "cannot be tested.")
    exceptions = [r for r in ahead if not r[f"has_{reading}"]]
    back_with = [r for r in behind if r[f"has_{reading}"]]
    gaps = {c: _mean(SCORE[r[c]] for r in ahead) - _mean(SCORE[r[c]] for r in behind) for c in CONDITIONS}
    split = sorted((c for c in CONDITIONS if gaps[c] == gaps[c] and gaps[c] >= separates - 1e-9),
                   key=lambda c: -gaps[c])
    if outcome == "hindsight":
        cats = [(o, sum(r["outcome"] == o for r in behind)) for o in FELL_BACK]
        fell = prose.listing(f"{n} {o}" for o, n in cats if n) or "none held back or withdrew"
        lead = f"{len(ahead)} firms {verb} {when}; {fell}"
    else:
        lead = f"{len(ahead)} firms {verb} {when}; {len(behind)} {fell}"
    lead = (lead
            + (f", and for {len(unknown)} the course is not in the data" if unknown else "") + ". ")
    means = (f"Those that {verb} meet on average {_mean(r['score'] for r in ahead):.1f} of the 4 traits"
             + (f", the others {_mean(r['score'] for r in behind):.1f}" if behind else "") + " (yes = 1, partly = 0.5).")
    if not exceptions and not back_with:
        return Verdict("C8", SUPPORTED, lead + f"Every firm that {verb} has the traits ({READINGS[reading]})"
                                        + (" and none that fell back has them. " if behind else ". ") + means)
    parts = []
    if exceptions:
        parts.append(f"{len(exceptions)} of the {len(ahead)} that {verb} lack the traits (read as {READINGS[reading]}): "
                     + prose.listing(_shortfall(r, name[r["vendor"]]) for r in exceptions) + ".")
    if back_with:
        parts.append(f"{prose.listing(name[r['vendor']] for r in back_with)} "
                     f"{'has' if len(back_with) == 1 else 'have'} them and still fell back.")
    strict = [r for r in ahead if r["has_strict"]]
    if reading != "strict" and len(strict) < len(ahead):
        alibaba = any(r["vendor"] == "alibaba" for r in ahead) and not any(r["vendor"] == "alibaba" for r in strict)
        parts.append(f"Read strictly (all four 'yes'), {len(strict)} of the {len(ahead)} qualify "
                     f"({prose.listing(name[r['vendor']] for r in strict)})." if strict else
                     f"Read strictly (all four 'yes'), none of the {len(ahead)} qualifies"
                     + (", not even Alibaba Cloud." if alibaba else "."))
    evidence = lead + " ".join(parts) + " " + means
    if not behind:
        return Verdict("C8", NOT_SUPPORTED, evidence + " No firm in the data fell back, so nothing tells the traits "
                                                      "apart from doing without them.")
    per = {c: (_mean(SCORE[r[c]] for r in ahead), _mean(SCORE[r[c]] for r in behind)) for c in CONDITIONS}
    if split:
        named = prose.listing(f"{CONDITION_WORDS[c]} ({per[c][0]:.2f} against {per[c][1]:.2f})" for c in split)
        return Verdict("C8", PARTLY, evidence + f" Still, {named} sets the two groups apart on a 0-1 scale.")
    known = [c for c in CONDITIONS if gaps[c] == gaps[c]]
    best = max(known, key=lambda c: gaps[c]) if known else None
    tail = (f" No trait sets the groups apart by {separates:g} or more on a 0-1 scale (the widest gap: "
            f"{CONDITION_WORDS[best]}, {gaps[best]:.2f})." if best is not None else "")
    return Verdict("C8", NOT_SUPPORTED, evidence + tail)


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


def verdict_c9(statements: pd.DataFrame, names: pd.Series, count_criticism: bool = False) -> Verdict:
    """C9: a statement by each firm, in May-June 2024, that it would not follow the cuts (stance 'decline').

    Criticism of the cuts (stance 'criticise', e.g. calling them lose-lose) is not a refusal; the alternative
    reading `count_criticism` counts it. SUPPORTED: both refused; PARTLY: one did; NOT_SUPPORTED: neither refused and
    the sources show them backing or announcing cuts; UNTESTABLE: no clear position in the sources.
    """
    s = _in_war(c9_statements(statements))
    if s.empty:
        return Verdict("C9", UNTESTABLE, "No sourced statement by 01.AI or Baichuan from May-June 2024.")
    refusing = {"decline", "criticise"} if count_criticism else {"decline"}
    declined = s[s["stance"].isin(refusing)].assign(_rank=lambda d: grade_rank(d["source_quality"]))
    declined = declined.sort_values(["vendor", "_rank", "date"])
    parts = [f"{r.person or names.get(r.vendor, r.vendor)} ({names.get(r.vendor, r.vendor)}, {prose.day(r.date)}, "
             f"grade {r.source_quality}" + (", criticism counted as a refusal" if r.stance == "criticise" else "") + ")"
             for r in declined.drop_duplicates("vendor").itertuples()]
    grades = set(declined.drop_duplicates("vendor")["source_quality"])
    quality = (" Both rest on C-grade (aggregator) pages only." if grades == {"C"} and len(parts) > 1 else
               " It rests on a C-grade (aggregator) page only." if grades == {"C"} else "")
    found = set(declined["vendor"])
    criticism = s[(s["stance"] == "criticise") & ~s["vendor"].isin(found)]
    said_instead = ""
    if len(criticism):
        said_instead = " " + " ".join(
            f"{r.person or names.get(r.vendor, r.vendor)} is on record only criticising the cuts ({prose.day(r.date)}, "
            f"grade {r.source_quality}), which is not saying {names.get(r.vendor, r.vendor)} would not follow."
            for r in criticism.drop_duplicates("vendor").itertuples())
    if found >= set(C9_PEOPLE):
        return Verdict("C9", SUPPORTED, f"Sourced reports have both declining to follow: {prose.listing(parts)}."
                                        + quality)
    cut = s[s["stance"] == "cut"]
    if found:
        missing = prose.listing(names.get(v, v) for v in C9_PEOPLE if v not in found)
        return Verdict("C9", PARTLY, f"Only {prose.listing(parts)} is sourced as saying the firm would not follow; "
                                     f"no such statement by {missing} was found for May-June 2024." + said_instead
                       + quality)
    if len(cut):
        who = prose.listing(names.get(v, v) for v in sorted(set(cut["vendor"])))
        return Verdict("C9", NOT_SUPPORTED, f"In May-June 2024 the sources show {who} backing or announcing cuts, "
                                            "and no statement declining to follow." + said_instead)
    return Verdict("C9", UNTESTABLE, "The May-June 2024 statements by 01.AI and Baichuan found say neither that they "
                                     "would follow the cuts nor that they would not." + said_instead)


def statement_label(row) -> str:
    """A few words for a timeline marker, derived from the statement's stance and summary."""
    text = row["summary"].lower()
    if row["stance"] == "decline":
        return "Won't join the price war"
    if row["stance"] == "criticise":
        return "Criticises the price cuts"
    if row["stance"] == "withdraw":
        if "medic" in text:
            return "Refocus on AI medicine"
        if "deepseek" in text:
            return "Builds on DeepSeek instead of own giant models"
        return "Stops training its largest models"
    if "support" in text and "price cut" in text:
        return "Backs the price cuts"
    if row["stance"] == "cut":
        return "Cuts prices"
    return ""     # another remark: not drawn on the timeline


PRIORITY = ["decline", "criticise", "withdraw", "launch", "cut", "raise", "end", "other"]


def aftermath(statements: pd.DataFrame, prices: pd.DataFrame) -> pd.DataFrame:
    """Dated events for 01.AI and Baichuan, one per firm and day: their statements on the price war (refusals,
    criticism, withdrawals, support) and each new low of their input list prices (a later observation of the same
    price, or a dearer model, is not an event).

    Columns: date, vendor, kind ('statement' or 'price'), stance, label, approximate, source_quality.
    """
    cols = ["date", "vendor", "kind", "stance", "label", "approximate", "source_quality"]
    rows = []
    for r in c9_statements(statements).to_dict("records"):
        label = statement_label(r)
        if label:
            rows.append({"date": r["date"], "vendor": r["vendor"], "kind": "statement", "stance": r["stance"],
                         "label": label, "approximate": r.get("date_precision", "") in ("month", "approximate"),
                         "source_quality": r["source_quality"]})
    p = list_prices(prices) if len(prices) else prices
    if len(p):
        p = p[p["vendor"].isin(list(C9_PEOPLE)) & (p["direction"] == "input")].sort_values(["date", "price_after_cny_per_m"])
        low: dict = {}
        for r in p.to_dict("records"):
            price = r["price_after_cny_per_m"]
            if pd.isna(price) or (r["vendor"] in low and price >= low[r["vendor"]]):
                continue
            low[r["vendor"]] = price
            verb = {"launch": "at", "cut": "cut to"}.get(r["event"], "at")
            rows.append({"date": r["date"], "vendor": r["vendor"], "kind": "price", "stance": "launch",
                         "label": f"{r['model']} {verb} {prose.yuan(price)}/M",
                         "approximate": r.get("date_precision", "") in ("month", "approximate", "observed"),
                         "source_quality": r["source_quality"]})
    if not rows:
        return pd.DataFrame(columns=cols)
    out = []
    by: dict = {}
    for r in rows:
        by.setdefault((r["date"], r["vendor"]), []).append(r)
    rank = {s: i for i, s in enumerate(PRIORITY)}
    for (date, vendor), group in by.items():
        if any(r["kind"] == "price" for r in group):   # a statement announcing the day's price adds nothing
            group = [r for r in group if not (r["kind"] == "statement" and r["stance"] == "cut")]
        group.sort(key=lambda r: rank.get(r["stance"], 99))
        labels = list(dict.fromkeys(r["label"] for r in group))
        out.append(dict(group[0], label=" · ".join(labels[:2]), approximate=all(r["approximate"] for r in group),
                        kind="statement" if any(r["kind"] == "statement" for r in group) else "price",
                        source_quality=min(r["source_quality"] for r in group)))
    return pd.DataFrame(out, columns=cols).sort_values(["date", "vendor"]).reset_index(drop=True)


# --- verdicts with their sensitivity ------------------------------------------------------------------------------------
def tested(conditions: pd.DataFrame, raw: pd.DataFrame, statements: pd.DataFrame, names: pd.Series, latest,
           announcements: pd.DataFrame | None = None) -> list:
    """C8 and C9 with their sensitivity: each rule on the rows it uses (the small evidence tables, one row per model
    and source), then under each alternative reading, each threshold moved both ways, grade-C rows left out and
    each single source left out. `raw` holds every source's price rows (not the consensus), so that leaving one
    source out keeps what the others report. Returns [(settled Verdict, Sensitivity)]."""
    from dataclasses import replace

    from ..sensitivity import Sensitivity, check, settle, strength

    assessed = sorted(set(conditions["vendor"]))
    ev = evidence(raw[raw["vendor"].isin(assessed)], statements[statements["vendor"].isin(assessed)],
                  None if announcements is None else announcements[announcements["vendor"].isin(assessed)])
    seen = ev.pop("seen")

    def c8(conditions, first, moves, withdrawn, reading="lenient", separates=SEPARATES, outcome="hindsight"):
        return verdict_c8(assess_from(conditions, first, moves, withdrawn, seen, latest), names, reading, separates,
                          outcome)

    early = conditions[conditions["date"].notna() & (conditions["date"] <= WAR_END)] if "date" in conditions else conditions
    s8 = check(c8, dict(ev, conditions=conditions), {
        "strict reading: all four traits 'yes'": {"reading": "strict"},
        "loose reading: no trait an outright 'no'": {"reading": "loose"},
        f"'sets apart' at {SEPARATES - 0.1:g} on the 0-1 scale": {"separates": SEPARATES - 0.1},
        f"'sets apart' at {SEPARATES + 0.1:g} on the 0-1 scale": {"separates": SEPARATES + 0.1},
        "no hindsight: who moved on price in May-June 2024": {"outcome": "first_round"},
        "only trait evidence public by mid-2024": {"conditions": early},
    })
    c9_rows = _in_war(c9_statements(statements))
    s9 = check(lambda statements, count_criticism=False: verdict_c9(statements, names, count_criticism),
               {"statements": c9_rows},
               {"criticism of the cuts counted as refusing to follow": {"count_criticism": True}})
    out = [(strength(settle(Sensitivity(replace(s8.base), s8.results)), conditions, ev["withdrawn"]), s8)]
    declines = c9_rows[c9_rows["stance"] == "decline"]
    out.append((strength(settle(Sensitivity(replace(s9.base), s9.results)), declines if len(declines) else c9_rows), s9))
    return out
