"""Verdict rule for C10 (the Didi-Kuaidi analogy) on small hand-made tables."""
from __future__ import annotations

import pandas as pd
import pytest

from pricewar.chapters import ride_hailing as rh
from pricewar.verdicts import NOT_SUPPORTED, PARTLY, SUPPORTED, UNTESTABLE

RIDE_COLS = ["date", "date_precision", "actor", "event", "passenger_subsidy_cny", "driver_subsidy_cny", "amount",
             "amount_unit", "source_url", "source_note", "source_quality"]


def ride_table(rows):
    df = pd.DataFrame(rows, columns=RIDE_COLS)
    df["date"] = pd.to_datetime(df["date"])
    for col in ("passenger_subsidy_cny", "driver_subsidy_cny", "amount"):
        df[col] = pd.to_numeric(df[col]).astype(float)
    for col in ("date_precision", "amount_unit", "source_note"):
        df[col] = df[col].fillna("").astype(str)
    return df


def sub(date, actor, event, passenger, driver=None, grade="A"):
    return [date, "", actor, event, passenger, driver, None, "", f"https://example.com/{actor}/{date}", "note", grade]


def spend(date, actor, amount, note, grade="A"):
    return [date, "", actor, "spend_report", None, None, amount, "CNY", f"https://example.com/s/{date}", note, grade]


def merger(date, actor="didi"):
    return [date, "", actor, "merger", None, None, 6e9, "USD", "https://example.com/m", "merger", "A"]


RIDE = ride_table([
    sub("2014-01-10", "didi", "subsidy_start", 10, 10),
    sub("2014-01-12", "kuaidi", "subsidy_start", 10, 15),
    sub("2014-02-17", "kuaidi", "subsidy_change", 11),
    sub("2014-02-18", "didi", "subsidy_change", 20),
    sub("2014-02-19", "kuaidi", "subsidy_change", 13),
    sub("2014-05-17", "didi", "subsidy_end", 0),
    sub("2014-05-17", "kuaidi", "subsidy_end", 0),
    spend("2014-02-19", "didi", 1e9, "BUDGET PLEDGE, not actual spend"),
    spend("2014-03-31", "didi", 1.4e9, "Didi spent 1.4 billion"),
    spend("2014-12-15", "didi_kuaidi", 2.4e9, "COMBINED: together 2.4 billion"),
    spend("2014-06-30", "didi_kuaidi", 2.0e9, "COMBINED: together 2 billion"),
    merger("2015-02-14"),
])

PRICE_COLS = ["date", "vendor", "model", "direction", "event", "variant", "kind", "price_before_cny_per_m",
              "price_after_cny_per_m"]


def prices_table(rows):
    df = pd.DataFrame(rows, columns=PRICE_COLS)
    df["date"] = pd.to_datetime(df["date"])
    df["price_before_cny_per_m"] = pd.to_numeric(df["price_before_cny_per_m"]).astype(float)
    df["price_after_cny_per_m"] = pd.to_numeric(df["price_after_cny_per_m"]).astype(float)
    df["cut_fraction"] = 1 - df["price_after_cny_per_m"] / df["price_before_cny_per_m"]
    return df


PRICES = prices_table([
    ["2024-05-15", "bytedance", "Doubao-pro-32k", "input", "launch", "", "cloud", None, 0.8],
    ["2024-05-21", "alibaba", "Qwen-Long", "input", "cut", "", "cloud", 20, 0.5],
    ["2024-05-21", "baidu", "ERNIE-Speed-8K", "input", "cut", "", "cloud", 4, 0],
    ["2024-05-22", "tencent", "hunyuan-pro", "input", "cut", "", "cloud", 100, 30],
    ["2024-05-22", "iflytek", "Spark Lite", "input", "cut", "", "model_company", None, 0],
    ["2024-08-06", "openai", "gpt-4o", "input", "cut", "", "international", 36, 18],
])
LATEST = pd.Timestamp("2026-06-23")


def test_real_shape_is_partly_supported_without_an_llm_merger():
    v = rh.verdict_c10(RIDE, PRICES, LATEST, n_llm_mergers=0)
    assert v.verdict == PARTLY
    assert "no merger among LLM vendors" in v.evidence
    assert "30 yuan per ride" in v.evidence        # Didi: 20 to passengers + 10 to drivers on the same day


def test_an_llm_merger_flips_the_verdict_to_supported():
    statements = pd.DataFrame({
        "date": pd.to_datetime(["2024-06-14", "2025-03-01"]), "vendor": ["minimax", "baichuan"],
        "stance": ["other", "other"], "source_quality": ["A", "A"], "source_url": ["https://x/1", "https://x/2"],
        "summary": ["Gave away free tokens.", "Baichuan agreed to merge with Zhipu AI."]})
    found = rh.llm_mergers(statements)
    assert found["vendor"].tolist() == ["baichuan"]
    assert rh.verdict_c10(RIDE, PRICES, LATEST, n_llm_mergers=len(found)).verdict == SUPPORTED
    assert rh.verdict_c10(RIDE, PRICES, LATEST, n_llm_mergers=len(found.iloc[:0])).verdict == PARTLY


def test_without_free_prices_depth_fails_and_the_analogy_is_not_supported():
    paid = PRICES.copy()
    paid.loc[paid["price_after_cny_per_m"] == 0, "price_after_cny_per_m"] = 0.1
    assert rh.verdict_c10(RIDE, paid, LATEST, n_llm_mergers=0).verdict == NOT_SUPPORTED


def test_slow_llm_replies_mean_no_tit_for_tat():
    slow = PRICES.copy()
    slow.loc[slow["vendor"] == "baidu", "date"] = pd.Timestamp("2024-07-01")
    slow.loc[slow["vendor"] == "tencent", "date"] = pd.Timestamp("2024-09-01")
    slow.loc[slow["vendor"] == "iflytek", "date"] = pd.Timestamp("2024-11-01")
    t = rh.tit_for_tat(rh.llm_moves(slow))
    assert not t["holds"]
    assert rh.verdict_c10(RIDE, slow, LATEST, n_llm_mergers=0).verdict == NOT_SUPPORTED


def test_reply_gaps_count_only_changes_of_actor():
    moves = pd.DataFrame({"actor": ["a", "a", "b", "a"],
                          "date": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-01-06", "2024-01-20"])})
    assert rh.reply_gaps(moves).tolist() == [1.0, 14.0]


def test_steps_prefer_better_sources_and_keep_the_other_dates():
    ride = ride_table([
        sub("2014-01-10", "kuaidi", "subsidy_start", 10, grade="C"),
        sub("2014-01-20", "kuaidi", "subsidy_start", 10, grade="B"),
        sub("2014-01-22", "kuaidi", "subsidy_change", 10, grade="A"),
        sub("2014-02-10", "kuaidi", "subsidy_change", 5),
        sub("2014-03-01", "kuaidi", "subsidy_change", 5, grade="B"),   # restatement: no new step
        sub("2014-08-12", "kuaidi", "subsidy_end", 0, grade="C"),      # only source: kept
    ])
    moves = rh.subsidy_moves(ride, "passenger")
    assert moves["date"].dt.strftime("%m-%d").tolist() == ["01-22", "02-10", "08-12"]
    assert moves["level"].tolist() == [10, 5, 0]
    assert moves["grade"].tolist() == ["A", "A", "C"]
    assert moves.loc[0, "dates"] == "10 Jan (C), 20 Jan (B), 22 Jan (A)"
    assert len(rh.date_disagreements(ride)) == 1


def test_spending_ignores_budgets_and_never_sums_running_totals():
    s = rh.war_spending(RIDE)
    assert s["combined"] == 2.4e9               # the largest running total, not 2.0 + 2.4
    assert s["per_actor"] == {"didi": [1.4e9]}  # the 1 billion pledge is not spending
    assert len(s["budgets"]) == 1


def test_spending_conflicts_are_kept():
    ride = ride_table([spend("2014-05-17", "kuaidi", 1e8, "Kuaidi spent 100 million"),
                       spend("2014-05-17", "kuaidi", 1e9, "Kuaidi spent 1 billion", grade="C")])
    assert rh.war_spending(ride)["per_actor"] == {"kuaidi": [1e8, 1e9]}


def test_durations_and_mergers():
    c = rh.compare(RIDE, PRICES, LATEST, 0)
    assert c["ride_days_to_merger"] == (pd.Timestamp("2015-02-14") - pd.Timestamp("2014-01-10")).days
    assert c["llm_days"] == (LATEST - pd.Timestamp("2024-05-21")).days   # launches and OpenAI are not moves
    assert c["ride_passenger_end"] == pd.Timestamp("2014-05-17")


@pytest.mark.parametrize("ride, prices", [
    (RIDE.iloc[:0], PRICES),
    (RIDE[RIDE["event"] == "merger"], PRICES),
    (RIDE, PRICES.iloc[:0]),
    (RIDE, PRICES[PRICES["vendor"] == "alibaba"]),
])
def test_missing_rows_are_untestable_not_a_crash(ride, prices):
    assert rh.verdict_c10(ride, prices, LATEST, 0).verdict == UNTESTABLE
