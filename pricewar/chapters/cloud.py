"""Chapter 3: the price war as an extension of the cloud business (claims C4, C5, C11).

C4  Alibaba Cloud had already announced big cloud-product price cuts in February 2024.
C5  In Alibaba Cloud's view LLMs extend cloud computing; apart from top AI start-ups such as OpenAI, the cloud vendors
    are the most aggressive in positioning themselves in LLMs (布局最激進).
C11 Commercially, the cuts aim at user growth and at taking the market quickly (追求用戶增量、快速搶占市場).

Every rule takes loaded tables (dates as Timestamps) and returns a Verdict computed from them; missing rows give
"not testable", never a crash. `tested()` runs each rule with its sensitivity (pricewar.sensitivity).

Counting: vendors and announcements, not model variants. A vendor's first-round status is *moved* (a sourced cut, a
model made free, a launch at or below CHEAP_LAUNCH_CNY_PER_M, an announcement of a cut, or a pro-cut statement in
the window), *held* (a statement that it would not follow, or standard list prices sourced from before the window to
after it with no move) or *not in the data* (neither): a vendor without price data is never counted as a non-mover
in the main reading.
"""
from __future__ import annotations

import re

import pandas as pd

from .. import prose
from ..data import SHARE_PUBLICATION_LAG, grade_rank, list_prices, period_end  # noqa: F401 (re-exported)
from ..verdicts import NOT_SUPPORTED, PARTLY, SUPPORTED, UNTESTABLE, Verdict

# --- What the article states, and the definitions this chapter uses -------------------------------------------------
CLAIMED_CLOUD_CUT_MONTH = "2024-02"          # "已經在2月官宣過云產品大降價" (the article dates it to February 2024)
CLOUD_CUT_VENDOR = "alibaba"
# A cloud cut counts as "big" (大降價) if the average cut is at least 15% or the largest single cut at least 40%:
# cloud list-price cuts are usually single digits to 20%, so 15% on average is large for the industry, and 40% on
# one product is a cut few would call small. Sensitivity moves each by one step (10% / 20% and 30% / 50%).
BIG_AVG_CUT = 0.15
BIG_MAX_CUT = 0.40
BIG_AVG_STEP = 0.05
BIG_MAX_STEP = 0.10

# The first round of the LLM price war: who moved between these dates (DeepSeek-V2 on 6 May to the end of June, when
# the round-ups of "who followed" were written). Sensitivity: May only, and to the end of July.
WAR_START = pd.Timestamp("2024-05-01")
WAR_END = pd.Timestamp("2024-06-30")
# A launch counts as a price move if it came in at or below this input price (yuan per million tokens): the level
# DeepSeek-V2 (1 yuan) and Doubao (0.8 yuan) launched at in May 2024, far below the 2023 norm. Sensitivity: 0.5, 2.
CHEAP_LAUNCH_CNY_PER_M = 1.0
CHINESE_KINDS = ("cloud", "model_company")
# Depths within this many points of each other are "as deep" (a free model against a 97.5% cut is no difference in
# aggressiveness worth a verdict).
DEPTH_TOLERANCE = 0.05
GROUP_NAMES = {"cloud": "cloud vendors", "established": "established firms without a public cloud",
               "startup": "start-ups without a public cloud"}
GROUP_ONE = {"cloud": "cloud vendor", "established": "established firm without a public cloud",
             "startup": "start-up without a public cloud"}
EXTENSION_WORDS = r"extension of cloud|cloud computing itself"   # Alibaba's own framing, as paraphrased in the notes

# The "extension of cloud" half, in the market: LLM use measured by model family (so that a model company's family
# can lead it), not a count of cloud sales (whose leader is a cloud vendor by definition).
FAMILY_MARKET = "enterprise_llm_daily_tokens"
TAUTOLOGICAL_MARKETS = ("llm_public_cloud_tokens", "ai_cloud", "ai_public_cloud_services")
MAJORITY = 0.5

# The "most aggressive (布局最激進)" half: money put into AI and LLMs (investments.csv), per vendor its largest yearly
# amount (an amount spread over the years of its period; a one-off or undated one counts in full, as one year).
# More aggressive = the cloud vendors' median at least INVEST_FACTOR times the comparison group's largest: the amounts
# mix plans, spending, stakes and funding rounds from different sources, so only a clear gap says "more". Below the
# comparison group's largest is "less"; in between, "not clearly more". Sensitivity: 1.5 and 4, the smallest cloud
# vendor instead of the median, capital spending only, start-ups included, and the old price-move proxy.
INVEST_FACTOR = 2.0
INVEST_FACTOR_STEPS = (1.5, 4.0)
CAPITAL_KINDS = ("capex_plan", "capex", "ai_investment")

# Published market shares count as known SHARE_PUBLICATION_LAG after their period ends (pricewar.data.known_on).

# Usage series for C11: (vendor, metric, chart label, short name for prose).
USAGE_SERIES = [("bytedance", "tokens_per_day", "Doubao 豆包 daily tokens", "Doubao's daily tokens"),
                ("baidu", "api_calls_per_day", "Baidu ERNIE 文心 daily API calls", "ERNIE's daily API calls")]
PRODUCT = {"bytedance": "Doubao", "baidu": "ERNIE"}
METRIC_WORDS = {"tokens_per_day": "tokens per day", "api_calls_per_day": "API calls per day"}
BASELINE_END = pd.Timestamp("2024-05-31")    # the last figure up to the end of May 2024 is the "before" level
HORIZON_END = pd.Timestamp("2024-12-31")     # growth is measured to the last figure of 2024
MIN_PRE_MONTHS = 3                           # a pre-cut growth rate needs figures at least three months apart
ACCELERATION = 1.0                           # "grew faster after the cuts": monthly growth after > before x this
ACCELERATION_STEP = 0.25                     # sensitivity: 0.75 (about as fast counts) and 1.25 (clearly faster)
# C11 "said": a statement ties the cuts to volume or users (the article's 用戶增量), or, read strictly, names a
# share of a market (搶占市場). A keyword match on the English paraphrase, shown in full in the chapter.
VOLUME_WORDS = ("volume", "usage", "user", "customer", "tenfold", "thousands of times", "increment", "market share")
SHARE_WORDS = ("market share", "increment")
WAR_YEAR = 2024

# Markets in market_share.csv and what each one measures (never mixed in one series). MEASURES are charted;
# DESCRIBED also names the other markets the data hold.
MEASURES = {
    "cloud_infrastructure": "cloud infrastructure spending (all cloud, not only AI)",
    "ai_cloud": "AI cloud services revenue",
    "llm_public_cloud_tokens": "LLM tokens sold on public clouds to external customers",
    "enterprise_llm_daily_tokens": "enterprise LLM token use by model family (not by cloud)",
}
DESCRIBED = dict(MEASURES, ai_public_cloud_services="AI public cloud services revenue",
                 public_cloud_iaas="public cloud IaaS revenue", public_cloud_paas="public cloud PaaS revenue")


# --- General helpers --------------------------------------------------------------------------------------------------
def label(vendor: str, vendors: pd.DataFrame) -> str:
    """'Alibaba Cloud 阿里云' (English name and Chinese name, as in every chart)."""
    if vendor not in vendors.index:
        return vendor
    return f"{vendors.loc[vendor, 'name_en']} {vendors.loc[vendor, 'name_zh']}".strip()


def name(vendor: str, vendors: pd.DataFrame) -> str:
    return vendors.loc[vendor, "name_en"] if vendor in vendors.index else vendor


def kind_of(vendor: str, vendors: pd.DataFrame) -> str:
    return vendors.loc[vendor, "kind"] if vendor in vendors.index else "unknown"


def group_of(vendor: str, vendors: pd.DataFrame) -> str:
    """cloud, established (a firm without a public cloud founded before the LLM boom) or startup; '' otherwise."""
    kind = kind_of(vendor, vendors)
    if kind == "cloud":
        return "cloud"
    if kind != "model_company":
        return ""
    est = vendors.loc[vendor, "established"] if "established" in vendors.columns else ""
    return "established" if est == "established" else "startup"


def grades(df: pd.DataFrame) -> str:
    """'grade C' or 'grades B and C'."""
    return prose.grades(df["source_quality"])


def only_c(df: pd.DataFrame) -> bool:
    return len(df) > 0 and set(df["source_quality"]) == {"C"}


def hosts(df: pd.DataFrame) -> int:
    """Independent sources: distinct hosts (one outlet reprinted on one site counts once)."""
    if df.empty or "source_url" not in df:
        return 0
    return int(df["source_url"].str.split("/").str[2].str.removeprefix("www.").nunique())


def in_month(df: pd.DataFrame, month: str) -> pd.DataFrame:
    if df.empty:
        return df
    return df[df["date"].dt.strftime("%Y-%m") == month]


# --- C4: the February 2024 cloud cut ----------------------------------------------------------------------------------
def cloud_cut_announcements(cuts: pd.DataFrame) -> pd.DataFrame:
    """One row per (date, vendor) announcement: best-graded depth, how many sources (and hosts), whether they
    disagree."""
    cols = ["date", "vendor", "scope", "avg_cut_fraction", "max_cut_fraction", "products", "n_sources", "hosts",
            "grades", "best_grade", "disagree"]
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
                     "products": products, "n_sources": len(g), "hosts": hosts(g), "grades": grades(g),
                     "best_grade": min(g["source_quality"]), "disagree": disagree})
    return pd.DataFrame(rows, columns=cols)


def product_cuts(products: str) -> dict[str, float]:
    """'ECS up to 36%; OSS up to 55%' -> {'ECS': 0.36, 'OSS': 0.55} (the per-product maxima a source lists)."""
    return {n: int(v) / 100 for n, v in re.findall(r"([A-Za-z][\w-]*)\s+up to\s+(\d+)%", products or "")}


def verdict_c4(cuts: pd.DataFrame, statements: pd.DataFrame | None = None, avg_min: float = BIG_AVG_CUT,
               max_min: float = BIG_MAX_CUT, reading: str = "either") -> Verdict:
    """C4: an Alibaba Cloud cut across cloud products announced in February 2024, and whether it was big.

    reading: 'either' (average >= avg_min or largest >= max_min), 'average' or 'largest' alone. SUPPORTED: a big
    February cut is sourced; PARTLY: a February cut whose depth is unknown or not big; NOT_SUPPORTED: Alibaba cuts are
    sourced, none in February; UNTESTABLE: none at all.
    """
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
    quality = (f"{ann['n_sources']} source{'s' if ann['n_sources'] != 1 else ''} on {ann['hosts']} "
               f"site{'s' if ann['hosts'] != 1 else ''}, {ann['grades']}")
    if only_c(feb):
        quality += ", aggregators only"
    said = ""
    if statements is not None and len(statements):
        st = in_month(statements[statements["vendor"] == CLOUD_CUT_VENDOR], CLAIMED_CLOUD_CUT_MONTH)
        if len(st):
            said = (f"; {len(st)} statement{'s' if len(st) != 1 else ''} by Alibaba Cloud executives that month "
                    f"describe it, {grades(st)}")
    depth_parts = []
    if pd.notna(avg):
        depth_parts.append(f"{prose.pct(avg)} on average")
    if pd.notna(mx):
        depth_parts.append(f"up to {prose.pct(mx)}")
    head = f"On {prose.day(ann['date'])} Alibaba Cloud cut list prices across its cloud products"
    if not depth_parts:
        return Verdict("C4", PARTLY, f"{head}, but no source gives how deep ({quality}{said}).")
    evidence = f"{head} by {' and '.join(depth_parts)} ({quality}{said})."
    by_avg = pd.notna(avg) and avg >= avg_min
    by_max = pd.notna(mx) and mx >= max_min
    big = {"either": by_avg or by_max, "average": by_avg, "largest": by_max}[reading]
    if big:
        return Verdict("C4", SUPPORTED, evidence)
    if reading == "average" and pd.isna(avg):
        return Verdict("C4", PARTLY, evidence + " No source gives the average cut.")
    return Verdict("C4", PARTLY, evidence + " That is a modest cut rather than a big one.")


# --- First-round status of each Chinese vendor (C5 and C11) ---------------------------------------------------------
def window_coverage(prices: pd.DataFrame, end=WAR_END) -> set:
    """Vendors whose standard list prices are sourced from before `end` to after it: a vendor with no move in the
    window is then known to have held its prices, not missing from the data."""
    p = list_prices(prices) if len(prices) else prices
    if p.empty:
        return set()
    span = p.groupby("vendor")["date"].agg(["min", "max"])
    end = pd.Timestamp(end)
    return set(span[(span["min"] <= end) & (span["max"] >= end)].index)


def first_round_rows(*frames: pd.DataFrame, start=WAR_START, end=WAR_END) -> pd.DataFrame:
    """The rows of the first round's window that first_round reads (prices, announcements, statements): what a
    vendor's first-round status is computed from, for the table to cite."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    rows = [f[(f["date"] >= start) & (f["date"] <= end)] for f in frames
            if isinstance(f, pd.DataFrame) and len(f) and "date" in f and "source_url" in f]
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["vendor", "source_url"])


def first_round(prices: pd.DataFrame, vendors: pd.DataFrame, announcements: pd.DataFrame | None = None,
                statements: pd.DataFrame | None = None, covered: set | None = None, start=WAR_START, end=WAR_END,
                cheap: float = CHEAP_LAUNCH_CNY_PER_M, free_tokens_count: bool = False) -> pd.DataFrame:
    """Each listed Chinese vendor's first-round status: moved, held or not in the data.

    `prices` is the consensus price table (one row per announced price, with cut_fraction); `covered` the vendors
    whose price data span the window (window_coverage of all price rows). Columns: vendor, group, status, first
    (date of the first move), depth (deepest stated cut: a model made free is 100%, an announcement's own headline
    cut counts), how (what the first move was).
    free_tokens_count: the alternative reading in which a free-token giveaway reported in a statement is a move.
    """
    cols = ["vendor", "group", "status", "first", "depth", "how"]
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    listed = [v for v in vendors.index if kind_of(v, vendors) in CHINESE_KINDS]

    def window(df):
        if df is None or df.empty:
            return pd.DataFrame()
        return df[(df["date"] >= start) & (df["date"] <= end) & df["vendor"].isin(listed)]

    moves = []   # frames of (vendor, date, depth, how)
    p = window(list_prices(prices) if len(prices) else prices)
    if len(p):
        cut = p[p["event"] == "cut"]
        free = cut["price_after_cny_per_m"] == 0
        moves.append(pd.DataFrame({"vendor": cut["vendor"], "date": cut["date"],
                                   "depth": cut["cut_fraction"].where(~free, 1.0),
                                   "how": free.map({True: "made a model free", False: "cut"})}))
        launch = p[(p["event"] == "launch") & (p["direction"] == "input") & (p["price_after_cny_per_m"] <= cheap)]
        moves.append(pd.DataFrame({"vendor": launch["vendor"], "date": launch["date"], "depth": float("nan"),
                                   "how": [f"launched at {prose.yuan(x)}" for x in launch["price_after_cny_per_m"]]},
                                  index=launch.index))
    a = window(announcements)
    if len(a):
        headline = a["headline_cut_fraction"] if "headline_cut_fraction" in a else pd.Series(float("nan"), index=a.index)
        is_cut = a["kind"].isin(["cut", "free", "mixed"])
        moves.append(pd.DataFrame({"vendor": a.loc[is_cut, "vendor"], "date": a.loc[is_cut, "date"],
                                   "depth": headline[is_cut].where(a.loc[is_cut, "kind"] != "free", 1.0),
                                   "how": "announced a cut"}))
        # a launch that its announcement prices a stated share below the going rate (Doubao: 99.3% below)
        below = (a["kind"] == "launch") & headline.notna()
        moves.append(pd.DataFrame({"vendor": a.loc[below, "vendor"], "date": a.loc[below, "date"],
                                   "depth": headline[below],
                                   "how": [f"launched {prose.pct(x)} below the going price" for x in headline[below]]},
                                  index=headline[below].index))
    st = window(statements)
    declined = set()
    if len(st):
        pro = st[st["stance"] == "cut"]
        moves.append(pd.DataFrame({"vendor": pro["vendor"], "date": pro["date"], "depth": float("nan"),
                                   "how": "announced a cut (statement)"}))
        if free_tokens_count:
            gift = st[st["summary"].str.contains("free token", case=False)]
            moves.append(pd.DataFrame({"vendor": gift["vendor"], "date": gift["date"], "depth": float("nan"),
                                       "how": "gave away free tokens"}))
        declined = set(st.loc[st["stance"] == "decline", "vendor"])
    moves = [m for m in moves if len(m)]
    allm = pd.concat(moves, ignore_index=True).sort_values(["vendor", "date"], kind="stable") if moves else \
        pd.DataFrame(columns=["vendor", "date", "depth", "how"])
    firsts = allm.groupby("vendor").head(1).set_index("vendor") if len(allm) else allm
    depth = allm.groupby("vendor")["depth"].max() if len(allm) else pd.Series(dtype=float)
    covered = covered if covered is not None else window_coverage(prices, end)
    rows = []
    for v in listed:
        g = group_of(v, vendors)
        if v in firsts.index:
            rows.append((v, g, "moved", firsts.loc[v, "date"], depth.get(v, float("nan")), firsts.loc[v, "how"]))
        elif v in declined:
            rows.append((v, g, "held", pd.NaT, 0.0, "said it would not follow"))
        elif v in covered:
            rows.append((v, g, "held", pd.NaT, 0.0, "no move in its sourced prices"))
        else:
            rows.append((v, g, "not in the data", pd.NaT, float("nan"), "no sourced price or statement for the window"))
    out = pd.DataFrame(rows, columns=cols)
    order = {"moved": 0, "held": 1, "not in the data": 2}
    return out.assign(_o=out["status"].map(order)).sort_values(["_o", "first", "vendor"]).drop(columns="_o") \
        .reset_index(drop=True)


def movers(status: pd.DataFrame) -> set:
    return set(status.loc[status["status"] == "moved", "vendor"]) if len(status) else set()


def group_rates(status: pd.DataFrame) -> pd.DataFrame:
    """Per group: vendors listed, with a known status, moved, the share of known vendors that moved, and the median
    depth of the known vendors' deepest moves (held = 0)."""
    out = []
    for g in GROUP_NAMES:
        s = status[status["group"] == g] if len(status) else status
        known = s[s["status"] != "not in the data"] if len(s) else s
        moved = known[known["status"] == "moved"] if len(known) else known
        out.append({"group": g, "listed": int(len(s)), "known": int(len(known)), "moved": int(len(moved)),
                    "rate": len(moved) / len(known) if len(known) else float("nan"),
                    "depth": float(known["depth"].dropna().median()) if len(known) and known["depth"].notna().any()
                    else float("nan")})
    return pd.DataFrame(out).astype({"listed": int, "known": int, "moved": int}).set_index("group")


def compare(rates: pd.DataFrame, others: tuple = ("established",)) -> dict:
    """Cloud vendors against the pooled `others`: 'more', 'tie', 'less' or 'na' (a group with no known vendor).

    More aggressive = a higher share of known vendors moved, or the same share and deeper moves (by more than
    DEPTH_TOLERANCE)."""
    c = rates.loc["cloud"]
    o = rates.loc[list(others)]
    known, moved = int(o["known"].sum()), int(o["moved"].sum())
    result = {"cloud_rate": c["rate"], "cloud_known": int(c["known"]), "cloud_moved": int(c["moved"]),
              "other_rate": moved / known if known else float("nan"), "other_known": known, "other_moved": moved}
    if not c["known"] or not known:
        return dict(result, outcome="na")
    if c["rate"] > result["other_rate"]:
        return dict(result, outcome="more")
    if c["rate"] < result["other_rate"]:
        return dict(result, outcome="less")
    return dict(result, outcome="tie")


def with_depth(result: dict, status: pd.DataFrame, others: tuple) -> dict:
    """Break a tie in move rates on depth: the median deepest move of the known vendors of each side."""
    if result["outcome"] != "tie":
        return result
    known = status[status["status"] != "not in the data"]
    cd = known[known["group"] == "cloud"]["depth"].dropna().median()
    od = known[known["group"].isin(others)]["depth"].dropna().median()
    result = dict(result, cloud_depth=cd, other_depth=od)
    if pd.notna(cd) and pd.notna(od) and cd > od + DEPTH_TOLERANCE:
        return dict(result, outcome="more")
    if pd.notna(cd) and pd.notna(od) and cd < od - DEPTH_TOLERANCE:
        return dict(result, outcome="less")
    return result


# --- C5: extension of cloud, and who positioned most aggressively ---------------------------------------------------
def share_consensus(shares: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """One row per (period, source, market, vendor): best-graded share, number of sources, disagreement flag.

    market_share.csv has no date column, so the as-of cut happens here: a share counts as known
    SHARE_PUBLICATION_LAG after its period ended.
    """
    cols = ["period", "source", "market", "vendor", "share", "source_quality", "n_sources", "disagree", "period_end",
            "source_url"]
    if shares.empty:
        return pd.DataFrame(columns=cols)
    df = shares.copy()
    df["period_end"] = df["period"].map(period_end)
    if as_of is not None:
        df = df[df["period_end"] + SHARE_PUBLICATION_LAG <= pd.Timestamp(as_of)]
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


def known_shares(shares: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """The raw share rows known by `as_of` (for source lists and sensitivity, which need every source row)."""
    if shares.empty or as_of is None:
        return shares
    return shares[shares["period"].map(period_end) + SHARE_PUBLICATION_LAG <= pd.Timestamp(as_of)]


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


def family_split(shares: pd.DataFrame, vendors: pd.DataFrame, market: str = FAMILY_MARKET) -> dict | None:
    """The latest period of a market that counts LLM use by model family (with two or more vendors): the published
    share of the cloud vendors' families against the other vendors' families."""
    rows = latest(shares, market, min_vendors=2)
    if rows.empty:
        return None
    is_cloud = rows["vendor"].map(lambda v: kind_of(v, vendors) == "cloud")
    return {"period": rows["period"].iloc[0], "source": rows["source"].iloc[0],
            "cloud": float(rows.loc[is_cloud, "share"].sum()), "other": float(rows.loc[~is_cloud, "share"].sum()),
            "cloud_vendors": list(rows.loc[is_cloud, "vendor"]), "other_vendors": list(rows.loc[~is_cloud, "vendor"]),
            "leader": rows["vendor"].iloc[0], "grades": "".join(sorted(set(rows["source_quality"])))}


def extension_statements(statements: pd.DataFrame) -> pd.DataFrame:
    """Statements in which an Alibaba Cloud executive frames LLMs as an extension of cloud computing."""
    if statements.empty:
        return statements
    return statements[(statements["vendor"] == CLOUD_CUT_VENDOR)
                      & statements["summary"].str.contains(EXTENSION_WORDS, case=False)]


def period_years(period: str) -> float:
    """Years an amount covers: '3 years' -> 3, '2024' -> 1, '2023-03 to 2025-11' -> 2.75 (months counted), '' -> 1.
    Never less than one year, so a short or unknown period never inflates a yearly rate."""
    text = str(period or "").strip()
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*years?", text)
    if m:
        return max(1.0, float(m.group(1)))
    ends = re.findall(r"((?:19|20)\d\d)(?:-(\d\d))?", text)
    if len(ends) >= 2:
        (y0, m0), (y1, m1) = ends[0], ends[-1]
        months = (int(y1) - int(y0)) * 12 + (int(m1 or 12) - int(m0 or 1)) + 1
        return max(1.0, months / 12)
    return 1.0


def yearly_investment(investments: pd.DataFrame, fx: pd.DataFrame | None, kinds=None) -> pd.DataFrame:
    """Each investment row in yuan (USD at the fx.csv rate nearest its date) and in yuan a year over its period."""
    cols = ["date", "vendor", "kind", "yuan", "years", "per_year", "period", "what", "source_url", "source_quality"]
    if investments is None or investments.empty:
        return pd.DataFrame(columns=cols)
    df = investments if kinds is None else investments[investments["kind"].isin(kinds)]
    if df.empty:
        return pd.DataFrame(columns=cols)
    df = df.copy()
    rate = pd.Series(1.0, index=df.index)
    usd = df["currency"] == "USD"
    if usd.any():
        if fx is None or fx.empty:
            df = df[~usd]
            rate = rate[~usd]
            usd = usd[~usd]
        else:
            from ..data import fx_rate_on
            rate[usd] = fx_rate_on(df.loc[usd, "date"], fx)["cny_per_usd"].values
    df["yuan"] = df["amount"] * rate
    df["years"] = df["period"].map(period_years)
    df["per_year"] = df["yuan"] / df["years"]
    return df[[c for c in cols if c in df]].reset_index(drop=True)


def investment_by_vendor(investments: pd.DataFrame, fx: pd.DataFrame | None, vendors: pd.DataFrame,
                         kinds=None) -> pd.DataFrame:
    """Per listed Chinese vendor with a sourced amount: its largest yearly amount (best grade on a tie) and group."""
    rows = yearly_investment(investments, fx, kinds)
    listed = [v for v in vendors.index if kind_of(v, vendors) in CHINESE_KINDS]
    rows = rows[rows["vendor"].isin(listed)] if len(rows) else rows
    if rows.empty:
        return pd.DataFrame(columns=["vendor", "group", "per_year", "kind", "period", "date", "source_quality"])
    rows = rows.assign(_r=grade_rank(rows["source_quality"])).sort_values(["vendor", "per_year", "_r"],
                                                                         ascending=[True, False, True])
    top = rows.groupby("vendor").head(1).drop(columns="_r")
    top = top.assign(group=top["vendor"].map(lambda v: group_of(v, vendors)))
    return top.sort_values("per_year", ascending=False).reset_index(drop=True)


def invest_compare(by_vendor: pd.DataFrame, others: tuple = ("established",), factor: float = INVEST_FACTOR,
                   stat: str = "median") -> dict:
    """Cloud vendors' median (stat='min': smallest) yearly amount against the comparison group's largest:
    'more' (at least `factor` times), 'unclear' (above it, not by the factor), 'less' (below it), or 'na'."""
    c = by_vendor[by_vendor["group"] == "cloud"] if len(by_vendor) else by_vendor
    o = by_vendor[by_vendor["group"].isin(others)] if len(by_vendor) else by_vendor
    out = {"cloud": c, "other": o, "factor": factor, "stat": stat}
    if c.empty or o.empty:
        return dict(out, outcome="na")
    cloud_level = float(c["per_year"].median() if stat == "median" else c["per_year"].min())
    other_top = float(o["per_year"].max())
    out.update(cloud_level=cloud_level, other_top=other_top, ratio=cloud_level / other_top if other_top else
               float("inf"))
    if cloud_level >= factor * other_top:
        return dict(out, outcome="more")
    return dict(out, outcome="unclear" if cloud_level >= other_top else "less")


def _bn(yuan: float) -> str:
    return f"{yuan / 1e9:,.1f} billion yuan" if yuan < 1e10 else f"{yuan / 1e9:,.0f} billion yuan"


def verdict_c5(status: pd.DataFrame, vendors: pd.DataFrame, shares: pd.DataFrame,
               statements: pd.DataFrame | None = None, startups: bool = False, majority: bool = False,
               investments: pd.DataFrame | None = None, fx: pd.DataFrame | None = None, proxy: bool = False,
               factor: float = INVEST_FACTOR, stat: str = "median", kinds=None) -> Verdict:
    """C5 in two halves.

    Extension: in the latest count of LLM use by model family, the cloud vendors' families hold more of the published
    share than the others' (majority=True: more than half the whole market). Markets whose leader is a cloud vendor by
    definition (tokens sold on clouds, AI-cloud revenue) are not used. Alibaba's own framing is reported, not decisive.
    Most aggressive (布局最激進): investment and positioning, from `investments` (investments.csv): the cloud vendors'
    median yearly amount is at least `factor` times the largest of the established firms without a cloud
    (startups=True: of all firms without a cloud, funding rounds included). Without an investments table, or with
    proxy=True, the earlier proxy decides instead: first-round price moves, the cloud vendors moving more often (or as
    often and deeper) than the comparison group.
    SUPPORTED: both halves; PARTLY: one, or a tie; NOT_SUPPORTED: neither; UNTESTABLE: neither can be measured.
    """
    parts, halves = [], {}
    split = family_split(shares, vendors) if len(shares) else None
    if split is None:
        halves["extension"] = "na"
        parts.append("No count of LLM use by model family is in the data, so the extension half is not tested.")
    else:
        ok = split["cloud"] >= MAJORITY if majority else split["cloud"] > split["other"]
        halves["extension"] = "yes" if ok else "no"
        parts.append(f"In {split['source']}'s {split['period']} count of enterprise LLM use by model family, the cloud "
                     f"vendors' families ({prose.listing(name(v, vendors) for v in split['cloud_vendors'])}) held "
                     f"{prose.pct(split['cloud'])}, against {prose.pct(split['other'])} for "
                     + (prose.listing(name(v, vendors) for v in split['other_vendors']) if split["other_vendors"]
                        else "firms without a cloud") + ".")
    if statements is not None and len(statements):
        framing = extension_statements(statements)
        if len(framing):
            parts.append(f"The framing is Alibaba Cloud's own ({len(framing)} statement{'s' if len(framing) != 1 else ''}"
                         f", {grades(framing)}).")
    others = ("established", "startup") if startups else ("established",)
    who = "firms without a public cloud" if startups else "established firms without a public cloud"
    if investments is not None and not proxy:
        halves["aggressive"] = _aggressive_by_investment(parts, investments, fx, vendors, others, who, factor, stat,
                                                         kinds)
    else:
        halves["aggressive"] = _aggressive_by_price_moves(parts, status, vendors, others, who, startups)
    evidence = " ".join(parts)
    a, b = halves["extension"], halves["aggressive"]
    if a == "na" and b == "na":
        return Verdict("C5", UNTESTABLE, evidence)
    if a == "yes" and b == "yes":
        return Verdict("C5", SUPPORTED, evidence)
    if "yes" in (a, b) or b == "tie":
        return Verdict("C5", PARTLY, evidence)
    return Verdict("C5", NOT_SUPPORTED, evidence)


def _aggressive_by_investment(parts, investments, fx, vendors, others, who, factor, stat, kinds) -> str:
    by = investment_by_vendor(investments, fx, vendors, kinds)
    res = invest_compare(by, others, factor, stat)
    what = "capital spending on AI and cloud" if kinds is not None else "money put into AI and LLMs"

    def each(df):
        return prose.listing(f"{name(r.vendor, vendors)} {_bn(r.per_year)} ({r.kind.replace('_', ' ')}, "
                             f"{r.period or 'one-off'}, grade {r.source_quality})" for r in df.itertuples())
    listed = [v for v in vendors.index if group_of(v, vendors) in ("cloud",) + tuple(others)]
    missing = [v for v in listed if v not in set(by["vendor"])]
    if res["outcome"] == "na":
        side = "cloud vendor" if res["cloud"].empty else who.replace("firms", "firm", 1)
        parts.append(f"On {what}, the test of positioning (布局), no {side} has a sourced amount, so the comparison is "
                     "not possible.")
        return "na"
    level = "median" if stat == "median" else "smallest"
    parts.append(
        f"On {what} a year, the test of positioning (布局): the cloud vendors' {level} is {_bn(res['cloud_level'])} "
        f"({each(res['cloud'])}), against at most {_bn(res['other_top'])} for {who} ({each(res['other'])}): "
        + {"more": f"{res['ratio']:.0f} times as much, beyond the factor of {factor:g} that amounts of mixed kinds "
                   "need" if res["ratio"] >= 10 else f"{res['ratio']:.1f} times as much, beyond the factor of "
                   f"{factor:g} that amounts of mixed kinds need",
           "unclear": f"more, but only {res['ratio']:.1f} times as much, short of the factor of {factor:g} that "
                      "amounts of mixed kinds need",
           "less": "the cloud vendors do not outspend them"}[res["outcome"]] + ".")
    if missing:
        parts.append(f"No sourced amount for {prose.listing(name(v, vendors) for v in missing)}: not in the data, not "
                     "counted.")
    return {"more": "yes", "unclear": "tie", "less": "no"}[res["outcome"]]


def _aggressive_by_price_moves(parts, status, vendors, others, who, startups) -> str:
    rates = group_rates(status) if len(status) else None
    if rates is None:
        return "na"
    res = with_depth(compare(rates, others), status, others)
    outcome = {"more": "yes", "tie": "tie", "less": "no", "na": "na"}[res["outcome"]]
    if res["outcome"] == "na":
        side = "cloud vendor" if not res["cloud_known"] else (
            "firm without a public cloud" if startups else "established firm without a public cloud")
        parts.append(f"On price moves, the proxy for positioning, no {side} has a known first-round status, so "
                     "the comparison is not possible.")
    else:
        first = status[status["status"] == "moved"].sort_values("first")
        lead = first.iloc[0] if len(first) else None
        parts.append(
            f"On first-round price moves (May-June 2024), a proxy for positioning: {res['cloud_moved']} of the "
            f"{res['cloud_known']} cloud vendors with a known status moved, against {res['other_moved']} of "
            f"{res['other_known']} {who}"
            + (f" ({prose.listing(name(v, vendors) for v in status[(status['group'].isin(others)) & (status['status'] == 'moved')]['vendor'])})"
               if res["other_moved"] else "")
            + ({"more": "", "tie": ", as aggressive but not more so", "less": ", fewer"}[res["outcome"]])
            + ("; on depth too" if "cloud_depth" in res and res["outcome"] == "more" else "") + "."
            + (f" The first mover was {name(lead['vendor'], vendors)} ({prose.day(lead['first'])}), a "
               f"{GROUP_ONE.get(lead['group'], 'vendor')}." if lead is not None and lead["group"] != "cloud"
               else ""))
    unknown = status[(status["status"] == "not in the data") & (status["group"] == "cloud")]
    if len(unknown):
        parts.append(f"{prose.listing(name(v, vendors) for v in unknown['vendor'])} "
                     f"{'has' if len(unknown) == 1 else 'have'} no sourced LLM price or statement for the window: "
                     "not in the data, not counted as holding back.")
    return outcome


# --- C11: intent from what was said and done --------------------------------------------------------------------------
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


def pre_cut_growth(series: pd.DataFrame, baseline_end=BASELINE_END, min_months: float = MIN_PRE_MONTHS) -> dict | None:
    """Growth from the first figure to the baseline figure, if they are at least min_months apart: how fast the
    series grew before the cuts."""
    before = series[series["date"] <= pd.Timestamp(baseline_end)]
    if len(before) < 2:
        return None
    a, b = before.iloc[0], before.iloc[-1]
    months = months_between(a["date"], b["date"])
    if months < min_months:
        return None
    fold = b["value"] / a["value"]
    return {"start": a["date"], "end": b["date"], "fold": fold, "months": months, "monthly": fold ** (1 / months) - 1,
            "grades": grades(pd.DataFrame([a, b]))}


def accelerations(usage: pd.DataFrame, factor: float = ACCELERATION) -> list[dict]:
    """For each usage series with growth measured both before and after the cuts: did it grow faster after?"""
    out = []
    for vendor, metric, _, short in USAGE_SERIES:
        s = usage_series(usage, vendor, metric)
        g, pre = growth(s), pre_cut_growth(s)
        if g is None or pre is None:
            continue
        out.append({"vendor": vendor, "short": short, "after": g["monthly"], "before": pre["monthly"],
                    "faster": g["monthly"] > pre["monthly"] * factor if pre["monthly"] > 0
                    else g["monthly"] > pre["monthly"]})
    return out


def volume_statements(statements: pd.DataFrame, vendor_ids, year: int | None = WAR_YEAR,
                      words=VOLUME_WORDS) -> pd.DataFrame:
    """Statements by the given vendors (in `year`, or any year for None) whose paraphrase ties the cuts or prices to
    volume, users or share (a keyword match on the English paraphrase, not a reading of intent)."""
    if statements.empty:
        return statements
    st = statements[statements["vendor"].isin(list(vendor_ids))]
    if year is not None:
        st = st[st["date"].dt.year == year]
    return st[st["summary"].str.lower().map(lambda s: any(w in s for w in words))]


def occasions(statements: pd.DataFrame) -> int:
    """Distinct (date, vendor) occasions: several sources reporting one speech count once."""
    return len(statements.drop_duplicates(["date", "vendor"])) if len(statements) else 0


def share_changes(shares: pd.DataFrame, status: pd.DataFrame, no_move_is_hold: bool = False,
                  before=WAR_END) -> pd.DataFrame:
    """Per market and research firm with a period ending by `before` (the war's first round) and a later one: each
    vendor's share change from the last such period to the firm's latest, and whether it moved on price.

    no_move_is_hold: the alternative reading in which a vendor with no sourced price move counts as holding back.
    """
    cols = ["market", "source", "from", "to", "vendor", "change", "status"]
    if shares.empty:
        return pd.DataFrame(columns=cols)
    m = shares[~shares["vendor"].isin(["others", "china"])]
    stat = status.set_index("vendor")["status"] if len(status) else pd.Series(dtype=str)
    rows = []
    for (market, source), g in m.groupby(["market", "source"]):
        early = g[g["period_end"] <= pd.Timestamp(before)]
        if early.empty:
            continue
        p0 = early.sort_values("period_end")["period"].iloc[-1]
        p1 = g.sort_values("period_end")["period"].iloc[-1]
        if p1 == p0:
            continue
        a, b = g[g["period"] == p0].set_index("vendor")["share"], g[g["period"] == p1].set_index("vendor")["share"]
        for v in sorted(set(a.index) & set(b.index)):
            s = stat.get(v, "not in the data")
            if s == "not in the data" and no_move_is_hold:
                s = "held"
            rows.append({"market": market, "source": source, "from": p0, "to": p1, "vendor": v,
                         "change": float(b[v] - a[v]), "status": s})
    return pd.DataFrame(rows, columns=cols)


def share_test(changes: pd.DataFrame) -> str:
    """'gain' if movers gained more share than vendors that held in every comparison, 'loss' if less in every one,
    'mixed', or 'na' where no comparison has both."""
    outcomes = []
    for _, g in changes.groupby(["market", "source"]) if len(changes) else []:
        mv, hd = g[g["status"] == "moved"]["change"], g[g["status"] == "held"]["change"]
        if len(mv) and len(hd):
            outcomes.append("gain" if mv.mean() > hd.mean() else "loss")
    if not outcomes:
        return "na"
    return outcomes[0] if len(set(outcomes)) == 1 else "mixed"


def verdict_c11(statements: pd.DataFrame, usage: pd.DataFrame, shares: pd.DataFrame, status: pd.DataFrame,
                vendors: pd.DataFrame, who: str = "alibaba", year: int | None = WAR_YEAR, words=VOLUME_WORDS,
                no_move_is_hold: bool = False, factor: float = ACCELERATION, growth_of=None,
                changes_of=None) -> Verdict:
    """C11: intent read from what was said and done, never from growth after a cut alone.

    Said: an executive of `who` ('alibaba', the article's subject; 'movers': two or more first-round movers) tied the
    cuts to volume, users or share in `year`. Done: where measurable, the movers gained share against vendors that
    held back (share_changes), and usage grew faster after the cuts than before (accelerations).
    SUPPORTED: said, and what was done points the same way; PARTLY: said but not borne out (or not measurable), or
    borne out but not said; NOT_SUPPORTED: not said and not borne out; UNTESTABLE: nothing to read.
    """
    parts = []
    moved = movers(status)
    if not moved:
        return Verdict("C11", UNTESTABLE, "No first-round price move is in the data, so there is no cut to read an "
                                          "aim into.")
    ids = [CLOUD_CUT_VENDOR] if who == "alibaba" else sorted(moved)
    pool = statements[statements["vendor"].isin(ids)] if len(statements) else statements
    if year is not None and len(pool):
        pool = pool[pool["date"].dt.year == year]
    said_rows = volume_statements(statements, ids, year, words)
    by = said_rows["vendor"].nunique() if len(said_rows) else 0
    period = f"in {year}" if year is not None else "in the data"
    if pool.empty:
        said = "na"
        parts.append(f"No statement by {'Alibaba Cloud' if who == 'alibaba' else 'the movers'} {period} is in the data.")
    else:
        said = "yes" if (by >= 1 if who == "alibaba" else by >= 2) else "no"
        what = "market share" if words == SHARE_WORDS else "volume, users or share"
        subject = "Alibaba Cloud's executives" if who == "alibaba" else "the movers' executives"
        if said == "yes":
            n = occasions(said_rows)
            parts.append(f"Said: {subject} tied the cuts to {what} on {n} occasion{'s' if n != 1 else ''} {period}"
                         + (f" ({prose.listing(name(v, vendors) for v in sorted(set(said_rows['vendor'])))})"
                            if who != "alibaba" else "") + f", {grades(said_rows)}.")
        else:
            n = occasions(pool)
            parts.append(f"Said: {'the one statement' if n == 1 else f'none of the {n} statements'} by {subject} "
                         f"{period} {'does not tie' if n == 1 else 'ties'} the cuts to {what}"
                         + (f" (only {by} mover does)" if who != "alibaba" and by else "") + ".")
    done = []
    changes = (changes_of or share_changes)(shares, status, no_move_is_hold)
    st = share_test(changes)
    if st != "na":
        done.append("yes" if st == "gain" else "no")
        desc = []
        for (market, source), g in changes.groupby(["market", "source"]):
            mv, hd = g[g["status"] == "moved"], g[g["status"] == "held"]
            if len(mv) and len(hd):
                desc.append(f"in {source}'s {market.replace('_', ' ')} shares from {g['from'].iloc[0]} to "
                            f"{g['to'].iloc[0]}, the movers changed by {mv['change'].mean() * 100:+.1f} points on "
                            f"average and the vendors that held by {hd['change'].mean() * 100:+.1f}")
        parts.append("Done: " + prose.listing(desc) + ".")
    else:
        parts.append("Done: no published share series has both a mover and a vendor known to have held back, so share "
                     "change of movers against non-movers is not measurable.")
    acc = (growth_of or accelerations)(usage, factor)
    for a in acc:
        done.append("yes" if a["faster"] else "no")
        parts.append(f"{a['short'][0].upper() + a['short'][1:]} grew {prose.pct(a['after'], 0)} a month after the "
                     f"cuts against {prose.pct(a['before'], 0)} before, "
                     + ("faster." if a["faster"] else "no faster."))
    parts.append("Growth after a cut is not read as intent.")
    evidence = " ".join(parts)
    outcome = "na" if not done else ("yes" if all(d == "yes" for d in done) else "no")
    if said == "na" and outcome == "na":
        return Verdict("C11", UNTESTABLE, evidence)
    if said == "yes" and outcome == "yes":
        return Verdict("C11", SUPPORTED, evidence)
    if said == "yes" or outcome == "yes":
        return Verdict("C11", PARTLY, evidence)
    return Verdict("C11", NOT_SUPPORTED, evidence)


# --- Sensitivity ----------------------------------------------------------------------------------------------------
PRICE_COLUMNS = ["date", "vendor", "model", "direction", "tier", "variant", "event", "price_after_cny_per_m",
                 "cut_fraction", "source_url", "source_quality"]
STATEMENT_COLUMNS = ["date", "vendor", "person", "stance", "summary", "source_url", "source_quality"]


def _unsettled(s):
    """settle() rewrites its Sensitivity's base verdict; settle a copy, so the table keeps the verdict as tested."""
    from dataclasses import replace

    from ..sensitivity import Sensitivity
    return Sensitivity(replace(s.base), s.results)


def tested(cuts: pd.DataFrame, statements: pd.DataFrame, prices: pd.DataFrame, announcements: pd.DataFrame,
           vendors: pd.DataFrame, shares_raw: pd.DataFrame, usage: pd.DataFrame, as_of=None,
           investments: pd.DataFrame | None = None, fx: pd.DataFrame | None = None) -> list:
    """C4, C5 and C11 with their sensitivity: each rule on the rows it uses, then under each alternative reading, each
    threshold moved one step both ways, grade-C sources left out and each single source left out.
    `prices` is the consensus price table; `investments` (investments.csv) decides C5's positioning half, and
    without it the price-move proxy does. Returns [(settled Verdict, Sensitivity)]."""
    from ..sensitivity import check, settle, strength

    # C4: Alibaba's cloud cuts and its executives' statements of February 2024.
    ali_cuts = cuts[cuts["vendor"] == CLOUD_CUT_VENDOR] if len(cuts) else cuts
    feb_st = in_month(statements[statements["vendor"] == CLOUD_CUT_VENDOR], CLAIMED_CLOUD_CUT_MONTH) \
        if len(statements) else statements
    c4 = check(lambda cuts, statements, avg_min, max_min, reading: verdict_c4(cuts, statements, avg_min, max_min,
                                                                              reading),
               {"cuts": ali_cuts, "statements": feb_st, "avg_min": BIG_AVG_CUT, "max_min": BIG_MAX_CUT,
                "reading": "either"},
               {f"'big' as an average cut of {prose.pct(BIG_AVG_CUT - BIG_AVG_STEP)} or more":
                    {"avg_min": BIG_AVG_CUT - BIG_AVG_STEP},
                f"'big' as an average cut of {prose.pct(BIG_AVG_CUT + BIG_AVG_STEP)} or more":
                    {"avg_min": BIG_AVG_CUT + BIG_AVG_STEP},
                f"'big' as a largest cut of {prose.pct(BIG_MAX_CUT - BIG_MAX_STEP)} or more":
                    {"max_min": BIG_MAX_CUT - BIG_MAX_STEP},
                f"'big' as a largest cut of {prose.pct(BIG_MAX_CUT + BIG_MAX_STEP)} or more":
                    {"max_min": BIG_MAX_CUT + BIG_MAX_STEP},
                "'big' judged on the average cut alone": {"reading": "average"},
                "'big' judged on the largest cut alone": {"reading": "largest"}})
    feb_cuts = in_month(ali_cuts, CLAIMED_CLOUD_CUT_MONTH) if len(ali_cuts) else ali_cuts

    # C5 and C11 share the first-round status. Inputs restricted to what the rules read.
    covered = window_coverage(prices)
    window = lambda df, s=WAR_START, e=WAR_END: df[(df["date"] >= s) & (df["date"] <= e)] \
        if len(df) else df  # noqa: E731 (the first round)
    chinese = [v for v in vendors.index if kind_of(v, vendors) in CHINESE_KINDS]
    p_war = list_prices(window(prices)) if len(prices) else prices
    p_war = p_war[p_war["vendor"].isin(chinese)] if len(p_war) else p_war
    # only the columns the rules read, so that the many re-runs stay fast
    p_war = p_war[[c for c in PRICE_COLUMNS if c in p_war]]
    # the price rows that can be a move under any reading: cuts and launches up to the highest cheap threshold
    if len(p_war):
        p_war = p_war[(p_war["event"] == "cut") | ((p_war["event"] == "launch") & (p_war["direction"] == "input")
                                                   & (p_war["price_after_cny_per_m"] <= CHEAP_LAUNCH_CNY_PER_M * 2))]
    a_war = window(announcements)
    statements = statements[[c for c in STATEMENT_COLUMNS if c in statements]] if len(statements) else statements
    s_war = window(statements)
    if len(s_war):
        s_war = s_war[s_war["stance"].isin(["cut", "decline"]) | s_war["summary"].str.contains("free token", case=False)]
    fam_raw = known_shares(shares_raw, as_of)
    fam_raw = fam_raw[fam_raw["market"] == FAMILY_MARKET] if len(fam_raw) else fam_raw
    framing = extension_statements(statements) if len(statements) else statements

    def repeated():
        """share_consensus, share_changes and accelerations, each computed once per distinct input (the same rows
        come back in many re-runs). A fresh set for each check, so that what a check reads does not depend on the
        checks run before it (the build reuses a check's result when what it reads is unchanged: memo.py)."""
        cache = {}

        def shares_known(raw):
            """share_consensus, computed once per distinct set of rows (the same rows come back in many re-runs)."""
            key = tuple(map(tuple, raw[["period", "source", "market", "vendor", "share", "source_url"]].values)) \
                if len(raw) else ()
            if key not in cache:
                cache[key] = share_consensus(raw, as_of)
            return cache[key]

        def changes_of(consensus_shares, status, no_move_is_hold):
            """share_changes, once per distinct set of share rows (the status is fixed for C11)."""
            key = ("changes", no_move_is_hold, id(consensus_shares))
            if key not in cache:
                cache[key] = share_changes(consensus_shares, status, no_move_is_hold)
            return cache[key]

        def growth_of(rows, factor):
            """accelerations, computed once per distinct set of usage rows and factor."""
            key = (factor,) + (tuple(map(tuple, rows[["date", "scope", "metric", "value", "source_url"]].astype(str).values))
                               if len(rows) else ())
            if key not in cache:
                cache[key] = accelerations(rows, factor)
            return cache[key]

        return shares_known, changes_of, growth_of

    shares_known, _, _ = repeated()

    chinese_inv = investments[investments["vendor"].isin(chinese)] if investments is not None and len(investments) \
        else investments

    def c5_rule(prices, announcements, statements, framing, shares, investments=None, free_tokens=False,
                startups=False, majority=False, proxy=False, factor=INVEST_FACTOR, stat="median", kinds=None):
        status = first_round(prices, vendors, announcements, statements, covered, WAR_START, WAR_END,
                             CHEAP_LAUNCH_CNY_PER_M, free_tokens)
        return verdict_c5(status, vendors, shares_known(shares), framing, startups, majority, investments, fx, proxy,
                          factor, stat, kinds)

    inputs5 = {"prices": p_war, "announcements": a_war, "statements": s_war, "framing": framing, "shares": fam_raw}
    alternatives5 = {"start-ups included in the comparison (the article sets them aside)": {"startups": True},
                     "'extension' read as cloud vendors' families holding most of the whole market": {"majority": True}}
    if chinese_inv is not None:
        inputs5["investments"] = chinese_inv
        lo, hi = INVEST_FACTOR_STEPS
        alternatives5.update({
            f"'more aggressive' as {lo:g} times the comparison group's largest": {"factor": lo},
            f"'more aggressive' as {hi:g} times the comparison group's largest": {"factor": hi},
            "the smallest cloud vendor against the comparison group's largest, not the median": {"stat": "min"},
            "capital spending only (no stakes or funding rounds)": {"kinds": CAPITAL_KINDS}})
    else:
        alternatives5["free-token giveaways counted as price moves"] = {"free_tokens": True}
    c5 = check(c5_rule, inputs5, alternatives5)
    if chinese_inv is not None:
        # The earlier proxy (first-round price moves) measures moves, not 布局: shown beside the verdict, not deciding.
        proxies = {"price moves in May-June 2024 as the test of positioning": {"proxy": True},
                   "price moves, free-token giveaways counted": {"proxy": True, "free_tokens": True}}
        c5.shown = [(label, c5_rule(**dict(inputs5, **ch)).verdict) for label, ch in proxies.items()]
        c5.base.evidence += (" Shown beside it, not deciding: on first-round price moves, the earlier proxy, the claim "
                             f"would be {c5.shown[0][1]}.")

    # C11: statements of the movers, the share series with a pre-war period, the usage series.
    status = first_round(p_war, vendors, a_war, s_war, covered)
    moved = movers(status)
    st11 = statements[statements["vendor"].isin(moved | {CLOUD_CUT_VENDOR})] if len(statements) else statements
    if len(st11):   # the rows any reading can use: the war year's, and those of any year that match a word list
        words = VOLUME_WORDS + SHARE_WORDS
        st11 = st11[(st11["date"].dt.year == WAR_YEAR)
                    | st11["summary"].str.lower().map(lambda t: any(w in t for w in words))]
    sh_raw = known_shares(shares_raw, as_of)
    if len(sh_raw):   # share change needs a period from before the war's end: only such markets are read
        early = sh_raw[sh_raw["period"].map(period_end) <= WAR_END]["market"].unique()
        sh_raw = sh_raw[sh_raw["market"].isin(early)]
    u11 = usage[usage["scope"].isin([v for v, *_ in USAGE_SERIES])] if len(usage) else usage

    shares11, changes_of, growth_of = repeated()

    def c11_rule(statements, usage, shares, who="alibaba", year=WAR_YEAR, words=VOLUME_WORDS, no_move_is_hold=False,
                 factor=ACCELERATION):
        return verdict_c11(statements, usage, shares11(shares), status, vendors, who, year, words,
                           no_move_is_hold, factor, growth_of, changes_of)

    c11 = check(c11_rule, {"statements": st11, "usage": u11, "shares": sh_raw},
                {"'the cuts' read as every mover's (two or more movers said so)": {"who": "movers"},
                 "statements of any year, not only 2024": {"year": None},
                 "'taking the market' read strictly: a statement naming market share": {"words": SHARE_WORDS},
                 "vendors with no sourced price move counted as holding back": {"no_move_is_hold": True},
                 f"'faster' as {ACCELERATION - ACCELERATION_STEP:g} times the pre-cut rate or more":
                     {"factor": ACCELERATION - ACCELERATION_STEP},
                 f"'faster' as {ACCELERATION + ACCELERATION_STEP:g} times the pre-cut rate or more":
                     {"factor": ACCELERATION + ACCELERATION_STEP}})

    said = volume_statements(st11, [CLOUD_CUT_VENDOR])

    known = status.loc[status["status"] != "not in the data", "vendor"]
    rows5 = [fam_raw, framing] + ([chinese_inv] if chinese_inv is not None and len(chinese_inv) else
                                  [p_war[p_war["vendor"].isin(moved)], s_war[s_war["vendor"].isin(known)]])
    return [(strength(settle(_unsettled(c4)), feb_cuts, feb_st), c4),
            (strength(settle(_unsettled(c5)), *rows5), c5),
            (strength(settle(_unsettled(c11)), said, u11, sh_raw[sh_raw["market"] == "cloud_infrastructure"] if len(sh_raw)
                      else sh_raw), c11)]


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
