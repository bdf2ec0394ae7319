"""Verdict rule for C10 (the Didi-Kuaidi analogy: giants behind proxies then, in person now) on small hand-made
tables."""
from __future__ import annotations

import pandas as pd
import pytest

from pricewar.chapters import ride_hailing as rh
from pricewar.verdicts import NOT_SUPPORTED, PARTLY, SUPPORTED, UNTESTABLE

RIDE_COLS = ["date", "date_precision", "actor", "event", "passenger_subsidy_cny", "driver_subsidy_cny", "backer",
             "amount", "amount_unit", "source_url", "source_note", "source_quality"]


def ride_table(rows):
    df = pd.DataFrame(rows, columns=RIDE_COLS)
    df["date"] = pd.to_datetime(df["date"])
    for col in ("passenger_subsidy_cny", "driver_subsidy_cny", "amount"):
        df[col] = pd.to_numeric(df[col]).astype(float)
    for col in ("date_precision", "amount_unit", "source_note", "backer"):
        df[col] = df[col].fillna("").astype(str)
    return df


def sub(date, actor, event, passenger, driver=None, grade="A"):
    return [date, "", actor, event, passenger, driver, "", None, "", f"https://example.com/{actor}/{date}", "note",
            grade]


def spend(date, actor, amount, note, grade="A"):
    return [date, "", actor, "spend_report", None, None, "", amount, "CNY", f"https://example.com/s/{date}", note,
            grade]


def backing(actor, backer, grade="A", date="2014-12-15"):
    return [date, "", actor, "backing", None, None, backer, None, "", f"https://example.com/b/{actor}", "backed", grade]


def merger(date, actor="didi"):
    return [date, "", actor, "merger", None, None, "", 6e9, "USD", "https://example.com/m", "merger", "A"]


SUBSIDIES = [
    sub("2014-01-10", "didi", "subsidy_start", 10, 10),
    sub("2014-01-12", "kuaidi", "subsidy_start", 10, 15),
    sub("2014-02-17", "kuaidi", "subsidy_change", 11),
    sub("2014-02-18", "didi", "subsidy_change", 20),
    sub("2014-02-19", "kuaidi", "subsidy_change", 13),
    sub("2014-05-17", "didi", "subsidy_end", 0),
    sub("2014-05-17", "kuaidi", "subsidy_end", 0),
]
RIDE = ride_table(SUBSIDIES + [
    backing("didi", "tencent"), backing("kuaidi", "alibaba"),
    spend("2014-02-19", "didi", 1e9, "BUDGET PLEDGE, not actual spend"),
    spend("2014-03-31", "didi", 1.4e9, "Didi spent 1.4 billion"),
    spend("2014-12-15", "didi_kuaidi", 2.4e9, "COMBINED: together 2.4 billion"),
    spend("2014-06-30", "didi_kuaidi", 2.0e9, "COMBINED: together 2 billion"),
    merger("2015-02-14"),
])

KINDS = pd.Series({"alibaba": "cloud", "baidu": "cloud", "tencent": "cloud", "bytedance": "cloud",
                   "zhipu": "model_company", "deepseek": "model_company", "moonshot": "model_company",
                   "iflytek": "model_company", "openai": "international"})


def move(date, vendor, fraction=None, free=False, event="cut", announcement=None, url=None, grade="B",
         precision="day"):
    return {"vendor": vendor, "announcement": announcement or f"{vendor}-{date}", "date": pd.Timestamp(date),
            "precision": precision, "event": event, "fraction": fraction, "free": free,
            "source_url": url or f"https://news.example.com/{vendor}/{date}", "source_quality": grade}


def evidence(*rows):
    df = pd.DataFrame(list(rows), columns=rh.MOVE_COLS)
    df["date"] = pd.to_datetime(df["date"])
    df["fraction"] = pd.to_numeric(df["fraction"]).astype(float)
    return df


# May 2024: three giants and one start-up move within days; two go to 90% or free.
EVIDENCE = evidence(move("2024-05-11", "zhipu", 0.8),
                    move("2024-05-15", "bytedance", event="launch"),
                    move("2024-05-21", "alibaba", 0.97),
                    move("2024-05-21", "baidu", 1.0, free=True),
                    move("2024-05-22", "tencent", 0.5))
LATEST = pd.Timestamp("2026-06-30")


def c10(ride=RIDE, ev=EVIDENCE, **kw):
    return rh.verdict_c10(ride, ev, KINDS, LATEST, **kw)


def test_contrast_and_a_likeness_hold_so_supported():
    v = c10()
    assert v.verdict == SUPPORTED
    assert "16" not in v.evidence and "7 of the 7 subsidy moves" in v.evidence
    assert "4 of the 5 firms that moved on price were giants' own clouds" in v.evidence
    assert "a free model is a price of zero" in v.evidence


def test_start_ups_leading_the_first_round_break_the_2024_half():
    ev = evidence(move("2024-05-11", "zhipu", 0.8), move("2024-05-12", "deepseek", 0.9),
                  move("2024-05-13", "moonshot", 0.5), move("2024-05-21", "alibaba", 0.97),
                  move("2024-05-21", "baidu", 1.0, free=True))
    v = c10(ev=ev)
    assert v.verdict == PARTLY            # the 2014 half holds, the 2024 half does not (2 of 5 giants)
    assert c10(ev=ev, in_person=0.4).verdict == SUPPORTED


def test_without_sourced_backers_the_2014_half_is_not_testable():
    bare = RIDE[RIDE["event"] != "backing"].reset_index(drop=True)
    assert c10(ride=bare).verdict == UNTESTABLE


def test_when_neither_half_holds_the_claim_is_not_supported():
    only_didi = RIDE[~((RIDE["event"] == "backing") & (RIDE["actor"] == "kuaidi"))].reset_index(drop=True)
    extra = ride_table([sub("2014-03-01", "kuaidi", "subsidy_change", 5), sub("2014-04-01", "kuaidi", "subsidy_change", 3)])
    ride = pd.concat([only_didi, extra], ignore_index=True)
    ev = evidence(move("2024-05-11", "zhipu", 0.8), move("2024-05-12", "deepseek", 0.9),
                  move("2024-05-21", "alibaba", 0.97))
    v = c10(ride=ride, ev=ev)
    assert v.verdict == NOT_SUPPORTED     # 3 of 8 moves by a backed app; 1 of 3 movers a giant


def test_without_a_likeness_the_contrast_alone_is_partly():
    shallow = evidence(move("2024-05-01", "alibaba", 0.3), move("2024-06-20", "baidu", 0.2),
                       move("2024-06-29", "tencent", 0.1))
    ride = RIDE.copy()
    ride.loc[ride["passenger_subsidy_cny"] > 0, "passenger_subsidy_cny"] = 0.0
    ride.loc[ride["driver_subsidy_cny"] > 0, "driver_subsidy_cny"] = 0.0
    v = c10(ride=ride, ev=shallow, tft_days=3)
    assert v.verdict == PARTLY
    # read as the likeness alone, nothing matches
    assert c10(ride=ride, ev=shallow, tft_days=3, reading="likeness").verdict == NOT_SUPPORTED


def test_a_merger_is_context_not_part_of_the_verdict():
    no_merger = RIDE[RIDE["event"] != "merger"].reset_index(drop=True)
    assert c10(ride=no_merger).verdict == c10().verdict


def test_first_round_movers_count_by_vendor_and_by_announcement():
    ev = evidence(move("2024-05-21", "alibaba", 0.97, announcement="alibaba-2024-05-21"),
                  move("2024-05-21", "alibaba", 0.8, announcement="alibaba-2024-05-21", url="https://b.example.org/x"),
                  move("2024-05-22", "zhipu", 0.5))
    by_vendor = rh.first_round_movers(ev, KINDS)
    by_ann = rh.first_round_movers(ev, KINDS, "announcement")
    assert (by_vendor["n"], by_vendor["n_giant"]) == (2, 1)
    assert (by_ann["n"], by_ann["n_giant"]) == (2, 1)      # two sources of one announcement count once
    ann = rh.announcements_of(ev)
    assert ann.loc[ann["vendor"] == "alibaba", "n_sources"].iloc[0] == 2


def test_moves_not_dated_to_the_day_do_not_enter_the_reply_clock():
    ev = evidence(move("2024-05-21", "alibaba", 0.97), move("2025-02-02", "tencent", 0.9, precision="observed"))
    assert rh.llm_moves(ev)["actor"].tolist() == ["alibaba"]


def test_reply_gaps_ignore_same_day_order_and_own_follow_ups():
    moves = pd.DataFrame({"actor": ["a", "b", "c", "a", "a", "b"],
                          "date": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-01-05", "2024-01-06",
                                                  "2024-01-20", "2024-02-01"])})
    # b and c reply to a (4 days); a replies to b/c (1 day); a's own follow-up on 20 Jan answers nobody;
    # b on 1 Feb replies to a's latest move (12 days)
    assert sorted(rh.reply_gaps(moves).tolist()) == [1.0, 4.0, 4.0, 12.0]


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


def test_durations_mergers_and_backers():
    c = rh.compare(RIDE, EVIDENCE, KINDS, LATEST)
    assert c["ride_days_to_merger"] == (pd.Timestamp("2015-02-14") - pd.Timestamp("2014-01-10")).days
    assert c["llm_days"] == (LATEST - pd.Timestamp("2024-05-11")).days
    assert c["ride_passenger_end"] == pd.Timestamp("2014-05-17")
    assert c["proxies"]["backers"] == {"didi": "tencent", "kuaidi": "alibaba"}


def test_tested_runs_every_alternative_and_keeps_the_rules_own_verdict():
    prices = pd.DataFrame({
        "date": pd.to_datetime(["2024-05-21", "2024-05-21", "2024-05-22"]), "vendor": ["alibaba", "baidu", "zhipu"],
        "model": ["Qwen-Long", "ERNIE-Speed", "GLM-3"], "direction": "input", "event": "cut", "variant": "",
        "price_before_cny_per_m": [20.0, 4.0, 5.0], "price_after_cny_per_m": [0.5, 0.0, 1.0],
        "date_precision": "", "announcement_id": "", "source_url": "https://p.example.com/x", "source_quality": "B"})
    ann = pd.DataFrame(columns=["announcement_id", "date", "date_precision", "vendor", "kind", "headline_cut_fraction",
                                "source_url", "source_quality"])
    ann["date"] = pd.to_datetime(ann["date"])
    [(v, s)] = rh.tested(RIDE, prices, ann, KINDS, LATEST)
    labels = [label for label, _ in s.results]
    assert "quick replies and deep cuts as the likeness" in labels and "'within days' as 3 days" in labels
    assert v.verdict in (SUPPORTED, PARTLY)
    assert s.base.verdict == SUPPORTED


@pytest.mark.parametrize("ride, ev", [
    (RIDE.iloc[:0], EVIDENCE),
    (RIDE[RIDE["event"] == "merger"], EVIDENCE),
    (RIDE, EVIDENCE.iloc[:0]),
])
def test_missing_rows_are_untestable_not_a_crash(ride, ev):
    assert c10(ride=ride.reset_index(drop=True), ev=ev).verdict == UNTESTABLE
