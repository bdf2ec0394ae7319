"""Chapter 4 (the predictions, C6 and C7): verdict rules on small hand-made tables shaped like the loaded data."""
import math

import numpy as np
import pandas as pd
import pytest

from pricewar.chapters import predictions as pred
from pricewar.data import Dataset, on_sale, to_cny_per_million
from pricewar.verdicts import NOT_SUPPORTED, PARTLY, SUPPORTED, UNTESTABLE

NAMES = pd.Series({"baidu": "Baidu", "bytedance": "ByteDance", "alibaba": "Alibaba Cloud"})


# ------------------------------------------------------------------------------------------------------------ usage

def u(date, scope, metric, value, kind="actual", note="note", quality="B", url=None, stated=None):
    return {"date": pd.Timestamp(date), "date_precision": "", "stated": pd.Timestamp(stated) if stated else pd.NaT,
            "scope": scope, "metric": metric, "value": float(value), "kind": kind,
            "source_url": url or f"https://example.com/{scope}/{date}/{value}", "source_note": note,
            "source_quality": quality}


FORECAST = u("2024-12-31", "china", "api_calls_per_day", 10e9, kind="forecast", note="forecast of 10 billion",
             stated="2024-05-21")
NDA_START = u("2024-01-01", "china", "tokens_per_day", 1e11, note="National Data Administration head said 100 billion",
              quality="A", url="https://nda.example/1", stated="2025-08-14")
NDA_END = u("2025-01-01", "china", "tokens_per_day", 1e12, note="Liu Liehong said over 1 trillion", quality="C",
            stated="2026-04-29")
BAIDU = [u("2023-12-31", "baidu", "api_calls_per_day", 5e7, stated="2024-04-30"),
         u("2024-12-31", "baidu", "api_calls_per_day", 1.65e9, stated="2025-02-18")]


def usage(rows):
    return pd.DataFrame(rows)


def statements(*summaries, url="https://example.com/s"):
    summaries = summaries or ("expects API call volume to grow thousands of times",)
    return pd.DataFrame([{"date": pd.Timestamp("2024-05-21"), "date_precision": "", "vendor": "alibaba",
                          "person": "Liu Weiguang (刘伟光)", "stance": "cut", "summary": s,
                          "source_url": url, "source_quality": "B"} for s in summaries])


def test_c6_not_testable_without_a_call_count_and_proxies_shown_not_deciding():
    v = pred.verdict_c6(usage([FORECAST, NDA_START, NDA_END] + BAIDU), statements(), NAMES)
    assert v.verdict == UNTESTABLE
    assert "10-fold" in v.evidence and "33-fold" in v.evidence and "Baidu's daily API calls" in v.evidence
    assert "thousands of times" in v.evidence and "grades A and C" in v.evidence


def test_c6_proxy_what_if_flips_on_the_proxy_and_never_decides_the_main_reading():
    flat_end = dict(NDA_END, value=3e11)            # only threefold over 2024
    rows = usage([FORECAST, NDA_START, flat_end] + BAIDU)
    assert pred.verdict_c6(rows, statements(), NAMES, proxy_decides=True).verdict == NOT_SUPPORTED
    assert pred.verdict_c6(usage([FORECAST, NDA_START, NDA_END] + BAIDU), statements(), NAMES,
                           proxy_decides=True).verdict == PARTLY
    assert pred.verdict_c6(rows, statements(), NAMES).verdict == UNTESTABLE


def test_c6_direct_count_decides_when_it_exists():
    start = u("2024-01-01", "china", "api_calls_per_day", 1e8)
    hit = u("2024-12-31", "china", "api_calls_per_day", 1.1e10)
    assert pred.verdict_c6(usage([FORECAST, start, hit]), statements()).verdict == SUPPORTED
    miss = dict(hit, value=2e9)                     # 20-fold to 2 billion: neither level nor growth
    assert pred.verdict_c6(usage([FORECAST, start, miss]), statements()).verdict == NOT_SUPPORTED
    level_only = u("2024-01-01", "china", "api_calls_per_day", 1e9)   # 10 billion reached, but only 11-fold
    assert pred.verdict_c6(usage([FORECAST, level_only, hit]), statements()).verdict == PARTLY
    # The alternative reading (Alibaba Cloud's own calls) has no series: not testable, the China count not used.
    assert pred.verdict_c6(usage([FORECAST, start, hit]), statements(), NAMES, scope="alibaba").verdict == UNTESTABLE


def test_tested_c6_a_one_source_count_is_never_plainly_supported():
    start = u("2024-01-01", "china", "api_calls_per_day", 1e8, url="https://one.example/a")
    hit = u("2024-12-31", "china", "api_calls_per_day", 1.1e10, url="https://one.example/a")
    v, s = pred.tested_c6(usage([FORECAST, start, hit]), statements(), NAMES)
    assert s.as_tested == SUPPORTED and v.verdict == PARTLY           # without one.example: not testable
    assert ("without one.example", UNTESTABLE) in s.flips
    # Without a count, the table keeps the verdict under every reading except the labelled proxy what-if.
    v, s = pred.tested_c6(usage([FORECAST, NDA_START, NDA_END] + BAIDU), statements(), NAMES)
    assert v.verdict == UNTESTABLE
    assert [label for label, _ in s.flips] == ["national daily tokens standing in for calls (a proxy, not the claim)"]


def test_c6_empty_tables_do_not_crash():
    empty_u = usage([FORECAST]).iloc[0:0]
    empty_s = statements().iloc[0:0]
    assert pred.verdict_c6(empty_u, empty_s).verdict == UNTESTABLE


def test_wording_counts_sources_not_rows():
    three_rows = statements("grow thousands of times", "grow thousands of times (成千上万倍)", "cut prices")
    w = pred.growth_wording(three_rows)
    assert w["rows"] == 3 and w["sources"] == 1 and w["thousands"] == 1 and w["hundredfold"] == 0
    assert "the one source" in pred.wording_note(w)
    w = pred.growth_wording(statements("expects calls to grow 100-fold (百倍)"))
    assert w["hundredfold"] == 1 and w["thousands"] == 0
    v = pred.verdict_c6(usage([NDA_START, NDA_END]), statements("expects calls to grow 100-fold"))
    assert "thousands" not in v.evidence and "hundredfold" in v.evidence


def test_known_usage_cuts_by_the_day_a_figure_was_stated():
    rows = usage([FORECAST, NDA_START, NDA_END] + BAIDU)
    mid = pred.known_usage(rows, "2024-06-30")
    # The forecast (stated in May 2024, for December) is known; the NDA's early-2024 level, stated in 2025, is not.
    assert list(mid["value"]) == [10e9, 5e7]
    no_stated = rows.drop(columns="stated")
    assert len(pred.known_usage(no_stated, "2024-06-30")) == 2      # falls back on the date itself


def test_tidy_usage_merges_duplicates_and_keeps_publishers_apart():
    idc = u("2024-12-31", "china", "tokens_total", 1.142e14, note="citing IDC", quality="C", url="https://a.example")
    idc2 = dict(idc, source_url="https://b.example", source_quality="B")
    fs = u("2025-06-30", "china", "tokens_per_day", 1.02e13, note="Frost & Sullivan enterprise-only scope")
    same_page = u("2025-06-30", "china", "tokens_per_day", 3e13, note="Same press conference", url="https://nda.example/1")
    t = pred.tidy_usage(usage([idc, idc2, fs, NDA_START, same_page]))
    total = t[t["metric"] == "tokens_total"]
    assert len(total) == 1 and total["n_sources"].iloc[0] == 2 and total["source_quality"].iloc[0] == "B"
    nda = pred.series(t, "china", "tokens_per_day", pred.NDA)
    assert list(nda["value"]) == [1e11, 3e13]        # the page's unnamed row joins the NDA series, F&S stays out


def test_fold_over_year_needs_both_ends_within_tolerance():
    s = pred.series(usage(BAIDU), "baidu", "api_calls_per_day")
    assert pred.fold_over_year(s)["fold"] == pytest.approx(33)
    late_start = usage([dict(BAIDU[0], date=pd.Timestamp("2024-04-16")), BAIDU[1]])
    assert pred.fold_over_year(pred.series(late_start, "baidu", "api_calls_per_day")) is None


# ------------------------------------------------------------------------------------------------------------ rates

def r(source, factor, period="2022-2025 (published 2025-03-12)", scope="LLM inference at a fixed score", quality="A",
      url="https://example.com/r"):
    return {"source": source, "scope": scope, "factor_per_year": float(factor), "period": period,
            "source_url": url, "source_note": "note", "source_quality": quality}


MOORE = [r("Moore's law", 2 ** 0.5, ">=1975", "transistors"), r("Moore's law, 18-month variant", 2 ** (12 / 18), "n/a")]
PUBLISHED = [r("Epoch AI", 9), r("Epoch AI", 900), r("a16z (Guido Appenzeller), LLMflation", 10, "2021-11 to 2024-11"),
             r("Alibaba CEO Eddie Wu (Wu Yongming)", 33.3, "2023-09 to 2024-09 (stated 2024-09-19)")]


def rates(rows):
    return pd.DataFrame(rows)


def test_publishers_count_once_at_their_slowest_and_the_claimant_is_left_out():
    p = pred.publisher_rates(rates(MOORE + PUBLISHED)).set_index("publisher")
    assert list(p.index) == ["Epoch AI", "a16z"]
    assert p.loc["Epoch AI", "slowest"] == 9 and p.loc["Epoch AI", "fastest"] == 900 and p.loc["Epoch AI", "n"] == 2
    assert pred.moore_factor(rates(MOORE)) == pytest.approx(2 ** 0.5)
    assert pred.moore_factor(rates(MOORE), fastest=True) == pytest.approx(2 ** (12 / 18))
    assert pred.moore_factor(rates(PUBLISHED)) is None


def test_known_by_uses_dates_in_period_and_keeps_moore():
    assert pred.known_date("2022-2025 (published 2025-03-12)") == pd.Timestamp("2025-03-12")
    assert pred.known_date("2023-03 to 2024-11") == pd.Timestamp("2024-11-01")
    assert pd.isna(pred.known_date("n/a"))
    early = pred.known_by(rates(MOORE + PUBLISHED), "2024-10-01")
    assert sorted(early["source"]) == ["Alibaba CEO Eddie Wu (Wu Yongming)", "Moore's law", "Moore's law, 18-month variant"]
    dated_moore = rates([r("Moore's law", 1.414, "stated 2025-02")])
    assert len(pred.known_by(dated_moore, "2024-06-30")) == 1       # reference knowledge, like exchange rates


def fits_table(*factors, low=None):
    rows = []
    for i, f in enumerate(factors):
        lo = low[i] if low else f
        rows.append({"level": f"l{i}", "name": f"level {i}", "factor": f, "low": lo, "high": f * 2, "reason": "",
                     "fit": {"n": 4, "start": pd.Timestamp("2024-01-01"), "end": pd.Timestamp("2025-06-01")}})
    return pd.DataFrame(rows)


UNFIT = pd.DataFrame([{"level": "x", "name": "level x", "factor": math.nan, "low": math.nan, "high": math.nan,
                       "reason": "2 frontier prices", "fit": None}])


def test_c7_supported_when_fits_and_every_publisher_beat_three_times_moore():
    v = pred.verdict_c7(rates(PUBLISHED), fits_table(23, 39), 2 ** 0.5)
    assert v.verdict == SUPPORTED
    assert "23x" in v.evidence and "39x" in v.evidence and "4.24x" in v.evidence and "2 publishers" in v.evidence
    assert "prices, not costs" in v.evidence
    # A reasonable alternative that leaves it standing: 'far faster' read as twice Moore's factor.
    assert pred.verdict_c7(rates(PUBLISHED), fits_table(23, 39), 2 ** 0.5, far=2).verdict == SUPPORTED


def test_c7_flips_when_a_fit_or_a_publisher_falls_short():
    assert pred.verdict_c7(rates(PUBLISHED), fits_table(23, 4.0), 2 ** 0.5).verdict == PARTLY      # 4.0 < 4.24
    slow = [r("Epoch AI", 3), r("a16z", 2)]
    assert pred.verdict_c7(rates(slow), fits_table(2, 3), 2 ** 0.5).verdict == NOT_SUPPORTED
    assert pred.verdict_c7(rates(slow), fits_table(23, 39), 2 ** 0.5).verdict == PARTLY          # mixed
    # 5x Moore (7.07x) puts the slower fit below the bar; so does the slow end of its interval.
    assert pred.verdict_c7(rates(PUBLISHED), fits_table(23, 5), 2 ** 0.5, far=5).verdict == PARTLY
    assert pred.verdict_c7(rates(PUBLISHED), fits_table(23, 39, low=[8, 3]), 2 ** 0.5, slow_end=True).verdict == PARTLY


def test_c7_needs_two_lines_of_evidence_for_supported():
    assert pred.verdict_c7(rates([]).reindex(columns=["source", "factor_per_year", "source_quality"]),
                           fits_table(23, 39), 2 ** 0.5).verdict == SUPPORTED        # two levels, no published rate
    no_pubs = rates([]).reindex(columns=["source", "factor_per_year", "source_quality"])
    assert pred.verdict_c7(no_pubs, fits_table(23), 2 ** 0.5).verdict == PARTLY     # one level alone
    assert pred.verdict_c7(rates(PUBLISHED), UNFIT, 2 ** 0.5).verdict == PARTLY     # published rates alone
    assert pred.verdict_c7(rates([PUBLISHED[-1]]), UNFIT, 2 ** 0.5).verdict == UNTESTABLE   # the claimant alone
    assert pred.verdict_c7(rates(PUBLISHED), fits_table(23, 39), None).verdict == UNTESTABLE


# --------------------------------------------------------------------------------------------- prices on sale

FX = pd.DataFrame({"date": [pd.Timestamp("2024-01-01")], "cny_per_usd": [7.0], "source_url": ["https://fx.example"],
                   "source_note": ["rate"], "source_quality": ["A"]})


def p(date, vendor, model, after, event="launch", variant="", direction="input", unit="CNY/1M tokens", quality="B",
      launched=None, retired=None, superseded_by="", url="https://example.com/p"):
    return {"date": pd.Timestamp(date), "vendor": vendor, "model": model, "direction": direction, "tier": "",
            "price_before": float("nan"), "price_after": float(after), "unit": unit, "event": event,
            "variant": variant, "source_url": url, "source_note": "note", "source_quality": quality,
            "launched": pd.Timestamp(launched) if launched else pd.NaT,
            "retired": pd.Timestamp(retired) if retired else pd.NaT, "superseded_by": superseded_by}


def prices(rows):
    df = to_cny_per_million(pd.DataFrame(rows), FX)
    df["kind"] = "cloud"
    return df


def test_price_floor_keeps_latest_price_per_model_and_skips_variants():
    rows = [p("2024-01-01", "x", "Big", 10), p("2024-06-01", "x", "Small", 2), p("2024-09-01", "x", "Small", 4, "raise"),
            p("2024-09-01", "x", "Small", 0.1, variant="cache_hit"), p("2024-10-01", "x", "Free", 0, "cut")]
    f = pred.price_floor(prices(rows), ["x"])
    assert list(f["floor"]) == [10, 2, 4, 0]
    paid = pred.price_floor(prices(rows), ["x"], paid_only=True)
    assert list(paid["floor"]) == [10, 2, 4, 4]


def test_price_floor_matches_on_sale_with_launches_retirements_and_grade_ties():
    rows = [p("2024-01-01", "x", "Old", 5, retired="2024-05-01"), p("2024-03-01", "x", "Old", 3, "cut"),
            p("2024-02-01", "x", "New", 1, launched="2024-04-01"),               # priced before its launch
            p("2024-06-01", "x", "New", 2, "raise", quality="C"), p("2024-06-01", "x", "New", 2.5, "raise", quality="A"),
            p("2024-07-01", "y", "Other", 4)]
    df = prices(rows)
    f = pred.price_floor(df)
    for _, row in f.iterrows():
        listed = on_sale(pred.standard_inputs(df), row["date"])
        assert row["floor"] == pytest.approx(listed["price_after_cny_per_m"].min())
    assert list(f["floor"]) == [5, 5, 3, 1, 1, 2.5, 2.5]    # New is on sale from its launch; A's 2.5 beats C's 2


def test_floor_on_empty_prices():
    empty = prices([p("2024-01-01", "x", "A", 1)]).iloc[0:0]
    assert pred.price_floor(empty).empty


def test_spread_keeps_labels_apart_and_above_a_floor():
    out = pred.spread([0.0, 0.01, 0.02, -1.5], 0.15)
    ordered = sorted(out[:3])
    assert all(b - a >= 0.15 - 1e-9 for a, b in zip(ordered, ordered[1:]))
    assert out[3] == pytest.approx(-1.5)
    low = pred.spread([-2.0, -2.0, -2.0], 0.2, lowest=-2.0)
    assert min(low) == pytest.approx(-2.0) and sorted(low)[-1] == pytest.approx(-1.6)


# ---------------------------------------------------------------------------------- capability-adjusted prices

def score(vendor, model, value, benchmark="GPQA Diamond", evaluator="Epoch AI", date="2025-01-26", scale="percent",
          quality="A", url="https://epoch.example/runs"):
    return {"vendor": vendor, "model": model, "price_model": model, "benchmark": benchmark, "score": float(value),
            "score_scale": scale, "date": pd.Timestamp(date), "evaluator": evaluator, "source_url": url,
            "source_note": "note", "source_quality": quality}


def both(date, vendor, model, price, **kw):
    """A model's input and output at one price: its blended price is that price."""
    return [p(date, vendor, model, price, **kw), p(date, vendor, model, price, direction="output", **kw)]


# Four levels' worth of models: the cheapest model at or above GPQA 50 halves in price every half year (4x a year).
CAP_PRICES = (both("2024-01-01", "openai", "Ref", 100, launched="2024-01-01")
              + both("2024-07-01", "deepseek", "Mid", 50, launched="2024-07-01", retired="2025-01-01",
                     superseded_by="Mid2")
              + both("2025-01-01", "deepseek", "Mid2", 25, launched="2025-01-01")
              + both("2025-07-01", "openai", "Cheap", 12.5, launched="2025-07-01")
              + both("2024-03-01", "openai", "Weak", 1, launched="2024-03-01"))
CAP_SCORES = [score("openai", "Ref", 50), score("deepseek", "Mid", 55), score("openai", "Cheap", 60),
              score("openai", "Weak", 30), score("openai", "Ref", 80, "MMLU", "self-reported")]
LEVEL = pred.Level("gpqa_ref", "GPQA Diamond", ("openai", "Ref"), name="Ref's GPQA score")


def cap_scores(rows=CAP_SCORES):
    return pred.usable_scores(pd.DataFrame(rows))


def test_capability_fit_recovers_a_known_rate_and_credits_successors():
    fits = pred.capability_fits(cap_scores(), prices(CAP_PRICES), levels=(LEVEL,))
    f = fits.iloc[0]
    assert f["threshold"] == 50 and f["models"] == 4                 # Ref, Mid, Mid2 (Mid's successor), Cheap
    assert list(f["points"]["model"]) == ["Ref", "Mid", "Mid2", "Cheap"]
    assert f["factor"] == pytest.approx(4, rel=0.01)                   # halves every half year
    # Without crediting the successor, Mid's retirement leaves Ref as the cheapest: a rise, kept, not smoothed.
    bare = pred.capability_fits(cap_scores(), prices(CAP_PRICES), levels=(LEVEL,), succ={}).iloc[0]
    assert list(bare["points"]["price"]) == [100, 50, 100, 12.5]


def test_capability_fit_needs_enough_points_and_span():
    short = pred.capability_fits(cap_scores(), prices(CAP_PRICES), levels=(LEVEL,), min_days=700).iloc[0]
    assert math.isnan(short["factor"]) and "a fit needs" in short["reason"]
    missing_ref = pred.capability_fits(cap_scores(CAP_SCORES[1:]), prices(CAP_PRICES), levels=(LEVEL,)).iloc[0]
    assert missing_ref["threshold"] is None and "which sets the level" in missing_ref["reason"]


def test_fit_decline_interval_and_band():
    pts = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-07-01", "2025-01-01", "2025-07-01"]),
                        "price": [100, 60, 20, 15]})
    fit = pred.fit_decline(pts)
    assert fit["low"] < fit["factor"] < fit["high"]
    band = pred.fit_band(fit, pts["date"])
    assert (band["low"] < band["price"]).all() and (band["price"] < band["high"]).all()
    assert pred.fit_decline(pts.iloc[:2]) is None                          # a line through two points
    assert pred.fit_decline(pts.assign(price=[100, 60, 0, 15])) is None    # free: no log


def test_t_quantile_matches_the_table():
    assert pred.t_quantile(0.95, 1) == pytest.approx(6.314, abs=1e-3)
    assert pred.t_quantile(0.95, 10) == pytest.approx(1.812, abs=1e-3)
    assert pred.t_quantile(0.95, 200) == pytest.approx(1.653, abs=2e-3)


def test_blended_price_needs_both_directions():
    rows = both("2024-01-01", "x", "A", 4) + [p("2024-01-01", "x", "B", 1)]         # B has no output price
    pm = pred.price_matrix(prices(rows))
    assert pm.keys == [("x", "A")] or np.isinf(pm.price[:, pm.keys.index(("x", "B"))]).all()
    rows = [p("2024-01-01", "x", "A", 4), p("2024-01-01", "x", "A", 8, direction="output")]
    long = pred.capability_prices(prices(rows))
    assert long["price"].iloc[0] == pytest.approx(0.75 * 4 + 0.25 * 8)
    assert pred.capability_prices(prices(rows), "input")["price"].iloc[0] == 4


def test_evaluators_and_scores():
    assert pred.evaluator_kind("self-reported") == "self"
    assert pred.evaluator_kind("deepseek (comparison table; same values as OpenAI simple-evals)") == "self"
    assert pred.evaluator_kind("Epoch AI") == "independent"
    assert pred.evaluator_kind("Stanford CRFM HELM (compiled by Epoch AI)") == "independent"
    assert pred.evaluator_kind("microsoft (Phi-4 report comparison, compiled by Epoch AI)") == "rival"
    arena = [score("openai", "Ref", 1200, "LMArena text Elo (snapshot 2025-02-27)", "LMArena", "2025-02-27", "elo"),
             score("openai", "Ref", 1300, "LMArena text score (snapshot 2025-12-03)", "LMArena", "2025-12-03", "elo")]
    unmapped = dict(score("openai", "Other", 70), price_model="")
    s = pred.usable_scores(pd.DataFrame(CAP_SCORES + arena + [unmapped]))
    assert set(s.loc[s["score_scale"] == "elo", "benchmark"]) == {"LMArena text score (snapshot 2025-12-03)"}
    assert "Other" not in set(s["model"])
    catalogue = pd.DataFrame({"vendor": ["openai"], "model": ["Ref"]})
    assert set(pred.usable_scores(pd.DataFrame(CAP_SCORES), catalogue)["price_model"]) == {"Ref"}
    assert pred.inherit({("v", "a"): 50}, {("v", "a"): ("v", "b"), ("v", "b"): ("v", "c")}) == {
        ("v", "a"): 50, ("v", "b"): 50, ("v", "c"): 50}
    assert pred.inherit({("v", "a"): 50, ("v", "b"): 40}, {("v", "a"): ("v", "b")})[("v", "b")] == 40


def test_tested_c7_end_to_end_on_a_small_table():
    rate_rows = rates(MOORE + PUBLISHED)
    moore, others, scores, cap = pred.c7_inputs(rate_rows, pd.DataFrame(CAP_SCORES), prices(CAP_PRICES))
    assert moore == (pytest.approx(2 ** 0.5), pytest.approx(2 ** (12 / 18)))
    assert "Moore's law" not in set(others["source"])                   # reference knowledge, not a source to drop
    v, s, fits = pred.tested_c7(moore, others, scores, cap, chinese=["deepseek"], levels=(LEVEL,))
    # GPQA at Ref's level falls 4x a year: below 3x Moore (4.24x), while the publishers are far above it.
    assert s.as_tested == PARTLY and v.verdict == PARTLY
    results = dict(s.results)
    assert results["'far faster' as 2x Moore's factor"] == SUPPORTED   # 2.83x bar: now every line of evidence agrees
    assert results["published rates left out"] == NOT_SUPPORTED
    assert v.sources >= 2 and v.best_grade == "A"


def test_mid_2024_view_uses_no_later_evidence():
    ds = Dataset(as_of="2024-06-30")
    cut = pd.Timestamp("2024-06-30")
    usage_rows = pred.known_usage(Dataset().load("usage"), ds.as_of)
    assert (usage_rows["stated"].fillna(usage_rows["date"]) <= cut).all()
    assert not ((usage_rows["scope"] == "china") & (usage_rows["metric"] == "tokens_per_day")).any()
    rates_rows = pred.known_by(ds.load("decline_rates"), ds.as_of)
    published = pred.classify(rates_rows).query("group != 'moore'")
    assert (published["period"].map(pred.known_date) <= cut).all()
    moore, others, scores, cap = pred.c7_inputs(rates_rows, ds.load("benchmark_scores"), ds.prices(), ds.models())
    assert (scores["date"] <= cut).all() and (cap["date"] <= cut).all()


def test_every_price_model_is_in_the_catalogue():
    ds = Dataset()
    scores, models = ds.load("benchmark_scores"), ds.models()
    mapped = scores[scores["price_model"] != ""]
    catalogue = set(zip(models["vendor"], models["model"]))
    missing = sorted({k for k in zip(mapped["vendor"], mapped["price_model"]) if k not in catalogue})
    assert missing == []
