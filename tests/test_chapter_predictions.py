"""Chapter 4 (the predictions, C6 and C7): verdict rules on small hand-made tables shaped like the loaded data."""
import math

import pandas as pd
import pytest

from pricewar.chapters import predictions as pred
from pricewar.data import to_cny_per_million
from pricewar.verdicts import NOT_SUPPORTED, PARTLY, SUPPORTED, UNTESTABLE

NAMES = pd.Series({"baidu": "Baidu", "bytedance": "ByteDance", "alibaba": "Alibaba Cloud"})


# ------------------------------------------------------------------------------------------------------------ usage

def u(date, scope, metric, value, kind="actual", note="note", quality="B", url=None):
    return {"date": pd.Timestamp(date), "date_precision": "", "scope": scope, "metric": metric, "value": float(value),
            "kind": kind, "source_url": url or f"https://example.com/{scope}/{date}/{value}", "source_note": note,
            "source_quality": quality}


FORECAST = u("2024-12-31", "china", "api_calls_per_day", 10e9, kind="forecast", note="forecast of 10 billion")
NDA_START = u("2024-01-01", "china", "tokens_per_day", 1e11, note="National Data Administration head said 100 billion",
              quality="A", url="https://nda.example/1")
NDA_END = u("2025-01-01", "china", "tokens_per_day", 1e12, note="Liu Liehong said over 1 trillion", quality="C")
BAIDU = [u("2023-12-31", "baidu", "api_calls_per_day", 5e7), u("2024-12-31", "baidu", "api_calls_per_day", 1.65e9)]


def usage(rows):
    return pd.DataFrame(rows)


def statements(summary="expects API call volume to grow thousands of times"):
    return pd.DataFrame([{"date": pd.Timestamp("2024-05-21"), "date_precision": "", "vendor": "alibaba",
                          "person": "Liu Weiguang (刘伟光)", "stance": "cut", "summary": summary,
                          "source_url": "https://example.com/s", "source_quality": "B"}])


def test_c6_partly_when_only_proxies_grew_tenfold():
    v = pred.verdict_c6(usage([FORECAST, NDA_START, NDA_END] + BAIDU), statements(), NAMES)
    assert v.verdict == PARTLY
    assert "10-fold" in v.evidence and "33-fold" in v.evidence and "Baidu's daily API calls" in v.evidence
    assert "thousands of times" in v.evidence


def test_c6_flips_to_not_supported_when_national_tokens_grew_little():
    flat_end = dict(NDA_END, value=3e11)            # only threefold over 2024
    v = pred.verdict_c6(usage([FORECAST, NDA_START, flat_end] + BAIDU), statements(), NAMES)
    assert v.verdict == NOT_SUPPORTED


def test_c6_untestable_without_a_series_spanning_2024():
    mid = u("2024-06-30", "china", "tokens_per_day", 5e11, note="National Data Administration mid-year")
    v = pred.verdict_c6(usage([FORECAST, mid]), statements(), NAMES)
    assert v.verdict == UNTESTABLE


def test_c6_direct_count_decides_when_it_exists():
    start = u("2024-01-01", "china", "api_calls_per_day", 1e8)
    hit = u("2024-12-31", "china", "api_calls_per_day", 1.1e10)
    assert pred.verdict_c6(usage([FORECAST, start, hit]), statements()).verdict == SUPPORTED
    miss = dict(hit, value=2e9)                     # 20-fold to 2 billion: neither level nor growth
    assert pred.verdict_c6(usage([FORECAST, start, miss]), statements()).verdict == NOT_SUPPORTED
    level_only = u("2024-01-01", "china", "api_calls_per_day", 1e9)   # 10 billion reached, but only 11-fold
    assert pred.verdict_c6(usage([FORECAST, level_only, hit]), statements()).verdict == PARTLY


def test_c6_empty_tables_do_not_crash():
    empty_u = usage([FORECAST]).iloc[0:0]
    empty_s = statements().iloc[0:0]
    assert pred.verdict_c6(empty_u, empty_s).verdict == UNTESTABLE


def test_wording_hundredfold_vs_thousands():
    assert pred.growth_wording(statements()) == {"rows": 1, "thousands": 1, "hundredfold": 0}
    w = pred.growth_wording(statements("expects calls to grow 100-fold (百倍)"))
    assert w["hundredfold"] == 1 and w["thousands"] == 0
    v = pred.verdict_c6(usage([NDA_START, NDA_END]), statements("expects calls to grow 100-fold"))
    assert "thousands" not in v.evidence


def test_tidy_usage_merges_duplicates_and_keeps_publishers_apart():
    idc = u("2024-12-31", "china", "tokens_total", 1.142e14, note="citing IDC", quality="C", url="https://a.example")
    idc2 = dict(idc, source_url="https://b.example", quality="B", source_quality="B")
    fs = u("2025-06-30", "china", "tokens_per_day", 1.02e13, note="Frost & Sullivan enterprise-only scope")
    same_page = u("2025-06-30", "china", "tokens_per_day", 3e13, note="Same press conference", url="https://nda.example/1")
    t = pred.tidy_usage(usage([idc, idc2, fs, NDA_START, same_page]))
    total = t[t["metric"] == "tokens_total"]
    assert len(total) == 1 and total["n_sources"].iloc[0] == 2 and total["source_quality"].iloc[0] == "B"
    nda = pred.series(t, "china", "tokens_per_day", "National Data Administration")
    assert list(nda["value"]) == [1e11, 3e13]        # the page's unnamed row joins the NDA series, F&S stays out


def test_fold_over_year_needs_both_ends_within_tolerance():
    s = pred.series(usage(BAIDU), "baidu", "api_calls_per_day")
    assert pred.fold_over_year(s)["fold"] == pytest.approx(33)
    late_start = usage([dict(BAIDU[0], date=pd.Timestamp("2024-04-16")), BAIDU[1]])
    assert pred.fold_over_year(pred.series(late_start, "baidu", "api_calls_per_day")) is None


# ------------------------------------------------------------------------------------------------------------ rates

def r(source, factor, period="2022-2025 (published 2025-03-12)", scope="LLM inference at a fixed score"):
    return {"source": source, "scope": scope, "factor_per_year": float(factor), "period": period,
            "source_url": "https://example.com/r", "source_note": "note", "source_quality": "A"}


MOORE = [r("Moore's law", 2 ** 0.5, ">=1975", "transistors"), r("Moore's law, 18-month variant", 2 ** (12 / 18), "n/a")]
PUBLISHED = [r("Epoch AI", 9), r("Epoch AI", 900), r("a16z (Guido Appenzeller), LLMflation", 10, "2021-11 to 2024-11"),
             r("Alibaba CEO Eddie Wu (Wu Yongming)", 33.3, "2023-09 to 2024-09 (stated 2024-09-19)")]
NO_FITS = pd.DataFrame(columns=["vendor", "factor_per_year"])


def rates(rows):
    return pd.DataFrame(rows)


def test_c7_supported_when_slowest_published_rate_is_far_above_moore():
    v = pred.verdict_c7(rates(MOORE + PUBLISHED), NO_FITS)
    assert v.verdict == SUPPORTED
    assert "9x" in v.evidence and "1.59x" in v.evidence and "3 independent" in v.evidence   # Alibaba's own is excluded


def test_c7_flips_when_published_rates_fall_below_three_times_moore():
    slow = [r("Epoch AI", 2), r("a16z", 3), r("Somebody", 4)]       # the bar is 3 x 1.587 = 4.76
    assert pred.verdict_c7(rates(MOORE + slow), NO_FITS).verdict == NOT_SUPPORTED
    mixed = [r("Epoch AI", 2), r("a16z", 10), r("Somebody", 12)]    # median far above, slowest not
    assert pred.verdict_c7(rates(MOORE + mixed), NO_FITS).verdict == PARTLY


def test_c7_claimant_figure_alone_does_not_support():
    v = pred.verdict_c7(rates(MOORE + [PUBLISHED[-1]]), NO_FITS)
    assert v.verdict == UNTESTABLE


def test_c7_falls_back_on_list_price_fits_but_never_to_supported():
    fits = pd.DataFrame({"vendor": ["a", "b"], "factor_per_year": [20.0, 30.0]})
    assert pred.verdict_c7(rates(MOORE), fits).verdict == PARTLY
    flat = pd.DataFrame({"vendor": ["a", "b"], "factor_per_year": [1.0, 1.0]})
    assert pred.verdict_c7(rates(MOORE), flat).verdict == UNTESTABLE


def test_c7_untestable_without_moore_row_or_empty_table():
    assert pred.verdict_c7(rates(PUBLISHED), NO_FITS).verdict == UNTESTABLE
    assert pred.verdict_c7(rates(MOORE + PUBLISHED).iloc[0:0], NO_FITS).verdict == UNTESTABLE


def test_known_by_uses_dates_in_period():
    assert pred.known_date("2022-2025 (published 2025-03-12)") == pd.Timestamp("2025-03-12")
    assert pred.known_date("2023-03 to 2024-11") == pd.Timestamp("2024-11-01")
    assert pd.isna(pred.known_date("n/a"))
    early = pred.known_by(rates(MOORE + PUBLISHED), "2024-10-01")
    assert sorted(early["source"]) == ["Alibaba CEO Eddie Wu (Wu Yongming)", "Moore's law", "Moore's law, 18-month variant"]


# ------------------------------------------------------------------------------------------------------- price floor

FX = pd.DataFrame({"date": [pd.Timestamp("2024-01-01")], "cny_per_usd": [7.0], "source_url": ["https://fx.example"],
                   "source_note": ["rate"], "source_quality": ["A"]})


def p(date, vendor, model, after, event="launch", variant="", direction="input", unit="CNY/1M tokens"):
    return {"date": pd.Timestamp(date), "vendor": vendor, "model": model, "direction": direction,
            "price_before": float("nan"), "price_after": float(after), "unit": unit, "event": event,
            "variant": variant, "source_url": "https://example.com/p", "source_note": "note", "source_quality": "B"}


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


def test_floor_declines_annualises_and_needs_a_long_enough_record():
    rows = [p("2024-01-01", "x", "A", 100), p("2025-01-01", "x", "B", 1),          # 100-fold in 366 days
            p("2024-05-01", "y", "C", 5), p("2024-06-01", "y", "D", 1),            # only 31 days
            p("2024-05-01", "z", "E", 0, "cut")]                                   # free only
    fits = pred.floor_declines(prices(rows)).set_index("vendor")
    assert fits.loc["x", "factor_per_year"] == pytest.approx(100 ** (365.25 / 366))
    assert math.isnan(fits.loc["y", "factor_per_year"]) and "31 days" in fits.loc["y", "reason"]
    assert fits.loc["z", "reason"] == "no paid price" and fits.loc["z", "went_free"]


def test_floor_declines_on_empty_prices():
    empty = prices([p("2024-01-01", "x", "A", 1)]).iloc[0:0]
    assert pred.floor_declines(empty).empty
    assert pred.price_floor(empty).empty


def test_spread_keeps_labels_apart():
    out = pred.spread([0.0, 0.01, 0.02, -1.5], 0.15)
    ordered = sorted(out[:3])
    assert all(b - a >= 0.15 - 1e-9 for a, b in zip(ordered, ordered[1:]))
    assert out[3] == pytest.approx(-1.5)
