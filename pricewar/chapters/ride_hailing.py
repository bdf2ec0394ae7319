"""Chapter 6: the 2014 Didi-Kuaidi subsidy war beside the LLM price war (claim C10).

The article: "the 2024 LLM price war brings back that thrilling subsidy war; the difference is that ten years ago the
internet giants stayed behind the scenes, while this time they came to the front in person" (有所不同的是, 十年前的
網約車大戰互聯網巨頭居於幕後 ... 互聯網巨頭親自走到臺前). The claim is tested as the article states it:

* the contrast (main test): in 2014 the subsidy moves were made by apps backed by the giants (Tencent behind Didi,
  Alibaba behind Kuaidi: sourced backing rows), not by the giants; in the first round of 2024 most of the firms that
  moved on price were the giants themselves, through their own clouds;
* the likeness (secondary): both wars moved in quick replies (a rival's move answered within TIT_FOR_TAT_DAYS), or
  both went deep (subsidies paid per ride; LLM prices cut by DEEP_CUT or made free, by at least DEEP_VENDORS firms).

Rule: both halves of the contrast and a likeness -> supported; both halves without a likeness, or one half only ->
partly supported; neither half -> not supported; too few data for either war -> not testable. Moves are counted by
announcement and by vendor (one move per firm and day), never per model or source row. The mergers that ended the
taxi war are context: the article does not mention them, and the data hold no table of deals among LLM firms, so
whether LLM firms merged is "not in the data".
"""
from __future__ import annotations

import pandas as pd

from .. import prose
from ..data import grade_rank, list_prices
from ..verdicts import NOT_SUPPORTED, PARTLY, SUPPORTED, UNTESTABLE, Verdict

# What the article states: a war "ten years ago" between Didi and Kuaidi, with the giants behind the scenes.
CLAIMED_YEAR = 2014
RIDE_ACTORS = ["didi", "kuaidi"]
ACTOR_NAMES = {"didi": "Didi 滴滴", "kuaidi": "Kuaidi 快的", "uber_china": "Uber China 优步中国",
               "didi_kuaidi": "Didi + Kuaidi 滴滴+快的"}
ACTOR_SHORT = {"didi": "Didi", "kuaidi": "Kuaidi", "uber_china": "Uber China", "didi_kuaidi": "Didi and Kuaidi"}
SUBSIDY_EVENTS = ("subsidy_start", "subsidy_change", "subsidy_end")
MEASURES = {"passenger": "passenger_subsidy_cny", "driver": "driver_subsidy_cny"}
LLM_KINDS = ("cloud", "model_company")  # Chinese vendors: the war the article describes
GIANT_KIND = "cloud"                    # a giant's own cloud (vendors.csv kind): Alibaba, ByteDance, Baidu, Tencent, ...
FIRST_ROUND = (pd.Timestamp("2024-05-01"), pd.Timestamp("2024-06-30"))   # the round the article describes
LOW_LAUNCH_MAX = 1.0                    # yuan per million input tokens: a launch this cheap is a move (chapter 5)
IN_PERSON_SHARE = 0.5                   # "in person": at least half of the movers are giants' own clouds (and, for
                                        # 2014, at least half of the moves were made by giant-backed apps)
TIT_FOR_TAT_DAYS = 7                    # "within days": a rival's reply within a week
TIT_FOR_TAT_SHARE = 0.5                 # ... for at least half of the moves that follow a rival's
SAME_MOVE_DAYS = 14                     # reports of one step that differ in date by up to this are one move
DEEP_CUT = 0.9                          # "cuts of 90% or more"
DEEP_VENDORS = 2                        # ... by at least two firms: one firm is not a war
DAY_PRECISE = ("", "day")               # moves dated to the day; observed snapshots and month dates are not replies


# ---------------------------------------------------------------- ride-hailing side

def _reports(ride: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Every sourced subsidy level of one kind (passenger or driver) for Didi and Kuaidi, before their merger."""
    col = MEASURES[measure]
    if ride.empty or col not in ride:
        return pd.DataFrame(columns=["date", "actor", "level", "source_quality", "source_url", "_rank"])
    rows = ride[ride["event"].isin(SUBSIDY_EVENTS) & ride["actor"].isin(RIDE_ACTORS) & ride[col].notna()]
    first = first_merger(ride)
    if first is not None:
        rows = rows[rows["date"] < first]
    out = rows[["date", "actor", col, "source_quality", "source_url"]].rename(columns={col: "level"})
    out = out.assign(_rank=grade_rank(out["source_quality"]))
    return out.sort_values(["actor", "date", "_rank"]).reset_index(drop=True)


_MOVES_CACHE: dict = {}


def subsidy_moves(ride: pd.DataFrame, measure: str = "passenger") -> pd.DataFrame:
    """Cached by content: the sensitivity runs call this with the same rows many times."""
    key = ("moves", measure, _content(ride))
    if key not in _MOVES_CACHE:
        if len(_MOVES_CACHE) > 512:
            _MOVES_CACHE.clear()
        _MOVES_CACHE[key] = _subsidy_moves(_reports(ride, measure), measure)
    return _MOVES_CACHE[key].copy()


def _content(df: pd.DataFrame) -> tuple:
    """A key for a table's content (a hash of every cell), so that results can be cached across equal tables."""
    return (len(df), tuple(df.columns), tuple(map(str, df.itertuples(index=False, name=None))))


def _subsidy_moves(reps: pd.DataFrame, measure: str) -> pd.DataFrame:
    """One row per change of a subsidy level: actor, date, level (yuan per ride) and the reports behind it.

    Aggregator rows (grade C) are used only where no A or B row lies within SAME_MOVE_DAYS for the same actor.
    Consecutive reports of the same level within SAME_MOVE_DAYS are one move, dated by its best-graded source
    (earliest day among those); `dates` keeps every reported day, so disagreements stay visible.
    A later report of an unchanged level is a restatement, not a move.
    """
    rows = []
    recs = list(zip(reps["actor"], reps["date"], reps["level"], reps["_rank"], reps["source_quality"]))
    for actor in sorted({r[0] for r in recs}):
        g = [r for r in recs if r[0] == actor]               # sorted by date, then grade (see _reports)
        good = [r[1] for r in g if r[3] <= 1]
        keep = [r for r in g if r[3] <= 1 or not any(abs((d - r[1]).days) <= SAME_MOVE_DAYS for d in good)]
        dropped = [r for r in g if r not in keep]
        clusters, cluster = [], []
        for r in keep:
            if cluster and r[2] == cluster[0][2] and (r[1] - cluster[0][1]).days <= SAME_MOVE_DAYS:
                cluster.append(r)
                continue
            if cluster:
                clusters.append(cluster)
            cluster = [r]
        if cluster:
            clusters.append(cluster)
        level = None
        for cl in clusters:
            if level is not None and cl[0][2] == level:
                continue   # restatement of the level already in force
            level = cl[0][2]
            top = min(r[3] for r in cl)
            best = [r for r in cl if r[3] == top]
            day = min(r[1] for r in best)
            near = [r for r in dropped if r[2] == level and abs((r[1] - day).days) <= SAME_MOVE_DAYS]
            every = sorted(cl + near, key=lambda r: r[1])
            shown = list(dict.fromkeys((r[1], r[4]) for r in every))
            rows.append({"actor": actor, "measure": measure, "date": day, "level": level, "grade": best[0][4],
                         "n_reports": len(every), "dates": ", ".join(f"{d:%-d %b} ({q})" for d, q in shown),
                         "n_dates": len({r[1] for r in every})})
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


# ---------------------------------------------------------------- who fought: the giants behind the apps

def backers(ride: pd.DataFrame) -> pd.DataFrame:
    """The giant behind each app, as sourced (event 'backing'): actor, backer, sources (hosts), best grade."""
    cols = ["actor", "backer", "n_sources", "grade"]
    if ride.empty or "backer" not in ride:
        return pd.DataFrame(columns=cols)
    b = ride[(ride["event"] == "backing") & (ride["backer"] != "")]
    if b.empty:
        return pd.DataFrame(columns=cols)
    b = b.assign(host=b["source_url"].str.split("/").str[2].str.removeprefix("www."))
    out = b.groupby(["actor", "backer"]).agg(n_sources=("host", "nunique"), grade=("source_quality", "min"))
    return out.reset_index()[cols]


def proxies_2014(ride: pd.DataFrame) -> dict:
    """Who made the 2014 moves: by app, the share of subsidy moves (one per app and day) made by an app with a
    sourced giant behind it; the giants themselves are never the actor of a move in the data."""
    moves = ride_moves(ride)
    b = backers(ride)
    backed = dict(zip(b["actor"], b["backer"])) if len(b) else {}
    n = len(moves)
    by_backed = int(moves["actor"].isin(list(backed)).sum()) if n else 0
    return {"n_moves": n, "n_backed": by_backed, "share": by_backed / n if n else float("nan"),
            "actors": sorted(set(moves["actor"])) if n else [], "backers": backed, "backing": b}


# ---------------------------------------------------------------- LLM side

MOVE_COLS = ["vendor", "announcement", "date", "precision", "event", "fraction", "free", "source_url",
             "source_quality"]


def llm_evidence(prices: pd.DataFrame, announcements: pd.DataFrame | None, kinds: pd.Series) -> pd.DataFrame:
    """Every sourced report of a Chinese vendor's price move, one row per model and source: list-price cuts and
    raises, launches at or below LOW_LAUNCH_MAX, and announcements.csv's cuts, free offers, raises and mixed moves.
    `announcement` is the announcement_id, else vendor and day, so that counts are by announcement."""
    parts = []
    chinese = {v for v, k in kinds.items() if k in LLM_KINDS}
    if prices is not None and len(prices):
        p = list_prices(prices)
        p = p[p["vendor"].isin(chinese)]
        low = (p["event"] == "launch") & (p["direction"] == "input") & (p["price_after_cny_per_m"] <= LOW_LAUNCH_MAX)
        p = p[p["event"].isin(["cut", "raise"]) | low]
        ann = p["announcement_id"].fillna("") if "announcement_id" in p else pd.Series("", index=p.index)
        prec = p["date_precision"].fillna("") if "date_precision" in p else pd.Series("", index=p.index)
        key = [a or f"{v}-{d:%Y-%m-%d}" for a, v, d in zip(ann, p["vendor"], p["date"])]
        parts.append(pd.DataFrame({
            "vendor": p["vendor"].values, "announcement": key, "date": p["date"].values, "precision": prec.values,
            "event": p["event"].values,
            "fraction": (1 - p["price_after_cny_per_m"] / p["price_before_cny_per_m"]).where(p["event"] == "cut").values,
            "free": ((p["price_after_cny_per_m"] == 0) & (p["event"] == "cut")).values,
            "source_url": p["source_url"].values, "source_quality": p["source_quality"].values}))
    if announcements is not None and len(announcements):
        a = announcements[announcements["vendor"].isin(chinese)
                          & announcements["kind"].isin(["cut", "free", "raise", "mixed", "launch"])]
        launch = a["kind"] == "launch"
        a = a[~launch | a["announcement_id"].isin(set(parts[0]["announcement"]) if parts else set())]
        parts.append(pd.DataFrame({
            "vendor": a["vendor"].values, "announcement": a["announcement_id"].values, "date": a["date"].values,
            "precision": a["date_precision"].fillna("").values,
            "event": a["kind"].map({"free": "cut", "mixed": "cut"}).fillna(a["kind"]).values,
            "fraction": a["headline_cut_fraction"].where(a["kind"] != "free", 1.0).values,
            "free": (a["kind"] == "free").values,
            "source_url": a["source_url"].values, "source_quality": a["source_quality"].values}))
    parts = [x for x in parts if len(x)]
    return pd.concat(parts, ignore_index=True)[MOVE_COLS] if parts else pd.DataFrame(columns=MOVE_COLS)


def _announcement_list(evidence: pd.DataFrame) -> list[dict]:
    rows: dict = {}
    for v, a, d, pr, frac, free, url in zip(evidence["vendor"], evidence["announcement"], evidence["date"],
                                           evidence["precision"], evidence["fraction"], evidence["free"],
                                           evidence["source_url"]):
        r = rows.setdefault((v, a), {"vendor": v, "announcement": a, "date": d, "day_precise": False,
                                     "deepest": float("nan"), "free": False, "hosts": set()})
        r["date"] = min(r["date"], d)
        r["day_precise"] = r["day_precise"] or pr in DAY_PRECISE
        if frac is not None and frac == frac and not (r["deepest"] == r["deepest"] and r["deepest"] >= frac):
            r["deepest"] = frac
        r["free"] = r["free"] or bool(free)
        r["hosts"].add(url.split("/")[2].removeprefix("www.") if url.count("/") >= 2 else url)
    out = [dict(r, n_sources=len(r.pop("hosts"))) for r in rows.values()]
    return sorted(out, key=lambda r: (r["date"], r["vendor"]))


def announcements_of(evidence: pd.DataFrame) -> pd.DataFrame:
    """One row per announcement: vendor, date (earliest), day-precise, deepest cut, free, sources (hosts)."""
    cols = ["vendor", "announcement", "date", "day_precise", "deepest", "free", "n_sources"]
    return pd.DataFrame(_announcement_list(evidence) if len(evidence) else [], columns=cols)


def first_round_movers(evidence: pd.DataFrame, kinds: pd.Series, by: str = "vendor",
                       window=FIRST_ROUND, ann: list | None = None) -> dict:
    """Who moved in the first round (May-June 2024): movers by vendor (or by announcement), and the giants' share."""
    a = _announcement_list(evidence) if ann is None else ann
    a = [r for r in a if window[0] <= r["date"] <= window[1]]
    giant = {v for v, k in kinds.items() if k == GIANT_KIND}
    units = sorted({r["vendor"] for r in a}) if by == "vendor" else [(r["vendor"], r["announcement"]) for r in a]
    vendor_of = (lambda u: u) if by == "vendor" else (lambda u: u[0])
    n_giant = sum(vendor_of(u) in giant for u in units)
    return {"by": by, "n": len(units), "n_giant": n_giant, "share": n_giant / len(units) if units else float("nan"),
            "giants": sorted({vendor_of(u) for u in units if vendor_of(u) in giant}),
            "others": sorted({vendor_of(u) for u in units if vendor_of(u) not in giant}),
            "n_announcements": len(a)}


def _move_list(ann: list) -> list[tuple]:
    return sorted({(r["date"], r["vendor"]) for r in ann if r["day_precise"]})


def llm_moves(evidence: pd.DataFrame, ann: list | None = None) -> pd.DataFrame:
    """Moves for the reply clock: one per vendor and day, from announcements dated to the day."""
    a = _announcement_list(evidence) if ann is None else ann
    m = _move_list(a)
    return pd.DataFrame({"actor": [x[1] for x in m], "date": pd.to_datetime([x[0] for x in m])})


def llm_depth(evidence: pd.DataFrame, deep_cut: float = DEEP_CUT, ann: list | None = None) -> dict:
    """Deep moves by announcement: cuts of `deep_cut` or more, and models made free, with the vendors behind them."""
    a = _announcement_list(evidence) if ann is None else ann
    known = [r for r in a if r["deepest"] == r["deepest"]]
    deep = [r for r in a if (r["deepest"] == r["deepest"] and r["deepest"] >= deep_cut - 1e-9) or r["free"]]
    free = [r for r in a if r["free"]]
    return {"n_ann": len(a), "n_known": len(known), "n_deep": len(deep), "n_free": len(free),
            "deep_vendors": sorted({r["vendor"] for r in deep}), "free_vendors": sorted({r["vendor"] for r in free}),
            "deepest": max((r["deepest"] for r in known), default=float("nan"))}


# ---------------------------------------------------------------- shared measures

def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def reply_gaps(moves: pd.DataFrame) -> pd.Series:
    """Days from each reply to the rival move it answers.

    A move is a reply when a rival moved on an earlier day since the actor's own previous move (a firm's follow-up
    of its own earlier move answers nobody); its gap is the days since the latest such rival move. Moves on the
    same day by two actors are simultaneous: neither replies to the other, so a table's sort order never makes a
    reply. The first move of a war is not a reply.
    """
    m = sorted(set(zip(moves["date"], moves["actor"]))) if isinstance(moves, pd.DataFrame) else sorted(set(moves))
    gaps = []
    for date, actor in m:
        rival = [d for d, a in m if a != actor and d < date]
        own = [d for d, a in m if a == actor and d < date]
        if rival and (not own or max(rival) >= max(own)):
            gaps.append((date - max(rival)).days)
    return pd.Series(gaps, dtype=float)


def tit_for_tat(moves, days: int = TIT_FOR_TAT_DAYS, share: float = TIT_FOR_TAT_SHARE) -> dict:
    """moves: a table with actor and date, or a list of (date, actor)."""
    pairs = list(zip(moves["date"], moves["actor"])) if isinstance(moves, pd.DataFrame) else list(moves)
    gaps = sorted(reply_gaps(pairs).tolist())
    quick = sum(g <= days for g in gaps)
    frac = quick / len(gaps) if gaps else float("nan")
    mid = len(gaps) // 2
    median = (gaps[mid] if len(gaps) % 2 else (gaps[mid - 1] + gaps[mid]) / 2) if gaps else float("nan")
    return {"n_moves": len(set(pairs)), "n_actors": len({a for _, a in pairs}), "n_replies": len(gaps), "quick": quick,
            "share": frac, "days": days, "median": median, "holds": bool(len(gaps) >= 2 and frac >= share)}


def _ride_side(ride: pd.DataFrame) -> tuple:
    """The 2014 measures the rule needs, computed once per distinct table (the sensitivity runs repeat it)."""
    key = ("side", _content(ride))
    if key in _MOVES_CACHE:
        return _MOVES_CACHE[key]
    moves = {m: _subsidy_moves(_reports(ride, m), m) for m in MEASURES}
    both = pd.concat(list(moves.values()), ignore_index=True)
    rm = both.drop_duplicates(["actor", "date"])[["actor", "date"]].sort_values(["date", "actor"]).reset_index(drop=True)

    def step(measure, actor):
        m = moves[measure][moves[measure]["actor"] == actor]
        return pd.Series(m["level"].values, index=pd.DatetimeIndex(m["date"]), dtype=float)

    peaks = []
    for actor in RIDE_ACTORS:
        p, d = step("passenger", actor), step("driver", actor)
        if p.empty and d.empty:
            continue
        days = p.index.union(d.index)
        total = p.reindex(days).ffill().fillna(0) + d.reindex(days).ffill().fillna(0)
        peaks.append({"actor": actor, "passenger": p.max() if len(p) else 0.0, "driver": d.max() if len(d) else 0.0,
                      "combined": total.max(), "combined_date": total.idxmax()})
    peaks = pd.DataFrame(peaks, columns=["actor", "passenger", "driver", "combined", "combined_date"])
    ends = []
    for actor in RIDE_ACTORS:
        st = step("passenger", actor)
        zero = st[st == 0]
        ends.append(zero.index.min() if len(zero) else None)
    passenger_end = max(ends) if ends and all(e is not None for e in ends) else None
    b = backers(ride)
    backed = dict(zip(b["actor"], b["backer"])) if len(b) else {}
    n = len(rm)
    n_backed = int(rm["actor"].isin(list(backed)).sum()) if n else 0
    proxies = {"n_moves": n, "n_backed": n_backed, "share": n_backed / n if n else float("nan"),
               "actors": sorted(set(rm["actor"])) if n else [], "backers": backed, "backing": b}
    out = (rm, peaks, mergers(ride), passenger_end, proxies)
    if len(_MOVES_CACHE) > 512:
        _MOVES_CACHE.clear()
    _MOVES_CACHE[key] = out
    return out


def compare(ride: pd.DataFrame, evidence: pd.DataFrame, kinds: pd.Series, latest, tft_days: int = TIT_FOR_TAT_DAYS,
            tft_share: float = TIT_FOR_TAT_SHARE, deep_cut: float = DEEP_CUT, by: str = "vendor",
            window=FIRST_ROUND) -> dict:
    """Every measure of both wars, and whether each test holds."""
    rm, peaks, merges, passenger_end, proxies = _ride_side(ride)
    ann = _announcement_list(evidence) if len(evidence) else []
    lm = _move_list(ann)
    first_ride = rm["date"].min() if len(rm) else None
    first_llm = min(d for d, _ in lm) if lm else None
    latest = pd.Timestamp(latest) if latest is not None else None
    depth = llm_depth(evidence, deep_cut, ann)
    movers = first_round_movers(evidence, kinds, by, window, ann)
    return {
        "ride_tft": tit_for_tat(rm, tft_days, tft_share), "llm_tft": tit_for_tat(lm, tft_days, tft_share),
        "ride_first": first_ride, "llm_first": first_llm, "latest": latest,
        "ride_days_to_merger": (merges["date"].min() - first_ride).days if len(merges) and first_ride is not None else None,
        "ride_days_to_last_merger": (merges["date"].max() - first_ride).days if len(merges) and first_ride is not None else None,
        "ride_passenger_end": passenger_end,
        "llm_days": (latest - first_llm).days if first_llm is not None and latest is not None else None,
        "ride_peak": peaks, "ride_deep": bool(len(peaks) and (peaks["combined"] > 0).any()),
        "llm_depth": depth, "llm_deep": len(depth["deep_vendors"]) >= DEEP_VENDORS,
        "ride_mergers": merges, "n_ride_mergers": len(merges),
        "proxies": proxies, "proxy_2014": bool(proxies["n_moves"] and proxies["share"] >= IN_PERSON_SHARE),
        "movers": movers,
    }


def verdict_c10(ride: pd.DataFrame, evidence: pd.DataFrame, kinds: pd.Series, latest,
                tft_days: int = TIT_FOR_TAT_DAYS, tft_share: float = TIT_FOR_TAT_SHARE, deep_cut: float = DEEP_CUT,
                in_person: float = IN_PERSON_SHARE, by: str = "vendor", window=FIRST_ROUND,
                reading: str = "contrast", names: pd.Series | None = None) -> Verdict:
    """C10 as the article states it: giants behind proxies in 2014, in person in 2024 (main), with quick replies or
    deep cuts in both wars as the likeness (secondary). reading='likeness' tests the likeness alone: both quick
    replies and depth -> supported, one -> partly, none -> not supported."""
    c = compare(ride, evidence, kinds, latest, tft_days, tft_share, deep_cut, by, window)
    rt, lt, px, mv, d = c["ride_tft"], c["llm_tft"], c["proxies"], c["movers"], c["llm_depth"]
    if px["n_moves"] < 2 or c["ride_peak"].empty:
        return Verdict("C10", UNTESTABLE, "The data hold too few dated Didi or Kuaidi subsidy levels to describe the "
                                          "2014 war.")
    if not mv["n"] and reading == "contrast":
        return Verdict("C10", UNTESTABLE, "The data hold no price move by a Chinese LLM vendor in the first round of "
                                          "2024.")
    backed = px["backers"]
    if reading == "contrast" and not backed:
        return Verdict("C10", UNTESTABLE, "No source in the data names the internet company behind Didi or Kuaidi, "
                                          "so the 2014 half of the contrast cannot be tested.")
    proxy_ok = px["share"] >= in_person
    person_ok = bool(mv["n"]) and mv["share"] >= in_person
    quick = rt["holds"] and lt["holds"]
    deep = c["ride_deep"] and len(d["deep_vendors"]) >= DEEP_VENDORS
    who = prose.listing(f"{ACTOR_SHORT.get(a, a)} by {_name(names, b).removesuffix(' Cloud')}"
                        for a, b in sorted(backed.items()))
    unit = "firms" if by == "vendor" else "announcements"
    contrast = (f"In {CLAIMED_YEAR} {px['n_backed']} of the {px['n_moves']} subsidy moves were made by apps the sources "
                f"show backed by a giant ({who}), none by a giant itself; in the first round of 2024 "
                f"{mv['n_giant']} of the {mv['n']} {unit} that moved on price were giants' own clouds "
                f"({prose.listing(_name(names, v) for v in mv['giants'])})"
                + (f", the others {prose.listing(_name(names, v) for v in mv['others'])}" if mv["others"] else "") + ".")
    like = (f"{rt['quick']} of {rt['n_replies']} moves that followed a rival's in {CLAIMED_YEAR} and "
            f"{lt['quick']} of {lt['n_replies']} in the LLM war came within {tft_days} days; the apps paid up to "
            f"{c['ride_peak']['combined'].max():.0f} yuan a ride, while {len(d['deep_vendors'])} LLM vendors cut by "
            f"{prose.pct(deep_cut)} or more or made a model free ({d['n_deep']} of {d['n_ann']} announcements; a free "
            f"model is a price of zero, not a payment to the user).")
    if reading == "likeness":
        v = SUPPORTED if quick and deep else PARTLY if quick or deep else NOT_SUPPORTED
        return Verdict("C10", v, _cap(like))
    evidence_text = contrast + " " + _cap(like)
    if proxy_ok and person_ok:
        return Verdict("C10", SUPPORTED if (quick or deep) else PARTLY, evidence_text)
    if proxy_ok or person_ok:
        return Verdict("C10", PARTLY, evidence_text)
    return Verdict("C10", NOT_SUPPORTED, evidence_text)


def _name(names, v: str) -> str:
    return names.get(v, v) if names is not None else v


def tested(ride: pd.DataFrame, prices_raw: pd.DataFrame, announcements: pd.DataFrame, kinds: pd.Series,
           latest, names: pd.Series | None = None) -> list:
    """C10 with its sensitivity: the rule on the rows it uses (subsidy and backing rows; one row per model and
    source for LLM moves), each threshold moved both ways, each alternative reading, grade-C rows and each single
    source left out. Returns [(settled Verdict, Sensitivity)]."""
    from dataclasses import replace

    from ..sensitivity import Sensitivity, check, settle, strength

    ev = llm_evidence(prices_raw, announcements, kinds)
    used_ride = ride[ride["event"].isin(SUBSIDY_EVENTS + ("backing", "merger"))]

    def rule(ride, evidence, **kw):
        return verdict_c10(ride, evidence, kinds, latest, names=names, **kw)

    whole = (FIRST_ROUND[0], pd.Timestamp(latest) if latest is not None else FIRST_ROUND[1])
    s = check(rule, {"ride": used_ride, "evidence": ev}, {
        "quick replies and deep cuts as the likeness": {"reading": "likeness"},
        "giants' share counted by announcement": {"by": "announcement"},
        "2024 read as the whole war to the newest data, not its first round": {"window": whole},
        f"'in person' at {IN_PERSON_SHARE - 0.1:g} of the movers": {"in_person": IN_PERSON_SHARE - 0.1},
        f"'in person' at {IN_PERSON_SHARE + 0.1:g} of the movers": {"in_person": IN_PERSON_SHARE + 0.1},
        "'within days' as 3 days": {"tft_days": 3},
        "'within days' as 14 days": {"tft_days": 14},
        f"quick replies for {TIT_FOR_TAT_SHARE - 0.1:g} of moves": {"tft_share": TIT_FOR_TAT_SHARE - 0.1},
        f"quick replies for {TIT_FOR_TAT_SHARE + 0.1:g} of moves": {"tft_share": TIT_FOR_TAT_SHARE + 0.1},
        f"deep cuts at {prose.pct(DEEP_CUT - 0.1)}": {"deep_cut": DEEP_CUT - 0.1},
        f"deep cuts at {prose.pct(DEEP_CUT + 0.05)}": {"deep_cut": DEEP_CUT + 0.05},
    })
    first = ev[(ev["date"] >= FIRST_ROUND[0]) & (ev["date"] <= FIRST_ROUND[1])]
    return [(strength(settle(Sensitivity(replace(s.base), s.results)), used_ride[used_ride["event"] == "backing"], first), s)]


def md_table(df: pd.DataFrame) -> str:
    """A Markdown table (no extra dependency)."""
    cells = [[str(v) for v in row] for row in df.itertuples(index=False)]
    head = "| " + " | ".join(map(str, df.columns)) + " |\n|" + "---|" * len(df.columns) + "\n"
    return head + "\n".join("| " + " | ".join(c.replace("|", "/") for c in row) + " |" for row in cells)
