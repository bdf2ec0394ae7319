"""Chapter 1 (timeline): C1-C3 with their sensitivity tables, on small hand-made tables.

Checked against the built page: each row of the sensitivity tables follows from the data (C1: the announcement's
count rests on one grade-C page; C3: Tencent and iFlytek cut a day later on grade-C pages only).
"""
from __future__ import annotations

import pandas as pd

from pricewar.chapters import timeline
from pricewar.verdicts import PARTLY, SUPPORTED

NAMES = pd.Series({"alibaba": "Alibaba Cloud", "baidu": "Baidu", "tencent": "Tencent", "iflytek": "iFlytek",
                   "bytedance": "ByteDance"})


def raw(rows):
    """Source rows of price_changes as Dataset.prices gives them (prices in yuan per million tokens)."""
    df = pd.DataFrame(rows, columns=["date", "vendor", "model", "event", "price_before_cny_per_m",
                                     "price_after_cny_per_m", "source_url", "source_quality"])
    df["date"] = pd.to_datetime(df["date"])
    df["direction"], df["tier"], df["variant"] = "input", "", ""
    df["announcement_id"] = ""
    df["cut_fraction"] = 1 - df["price_after_cny_per_m"] / df["price_before_cny_per_m"]
    return df


def announcements(grade="C", pages=1):
    df = pd.DataFrame([["alibaba-2024-05-21", "2024-05-21", "alibaba", 9, f"https://ann{i}.example/1", grade]
                       for i in range(pages)],
                      columns=["announcement_id", "date", "vendor", "models_count", "source_url", "source_quality"])
    df["date"] = pd.to_datetime(df["date"])
    return df


MAY = [["2024-05-15", "bytedance", "Doubao-pro-32k", "launch", None, 0.8, "https://b.example/1", "B"],
       ["2024-05-21", "alibaba", "Qwen-Long", "cut", 20.0, 0.5, "https://a.example/1", "B"],
       ["2024-05-21", "alibaba", "Qwen-Long", "cut", 20.0, 0.5, "https://a2.example/1", "B"],
       ["2024-05-21", "baidu", "ERNIE-Speed-8K", "cut", 4.0, 0.0, "https://bd.example/1", "B"],
       ["2024-05-22", "tencent", "hunyuan-lite", "cut", 10.0, 0.0, "https://t.example/1", "C"],
       ["2024-05-22", "iflytek", "Spark Lite", "cut", None, 0.0, "https://i.example/1", "C"]]


def by_claim(out):
    return {v.claim: (v, s) for v, s in out}


def test_c1_count_from_the_announcement_and_price_coverage_shown_not_deciding():
    out = by_claim(timeline.tested(raw(MAY), announcements("B", pages=2), NAMES))
    v, s = out["C1"]
    # Two B-graded pages give the nine models: supported, although only Qwen-Long has a price row.
    assert s.as_tested == SUPPORTED and v.verdict == SUPPORTED, s.table()
    assert s.shown == [("the count attested only by price rows (coverage of the price table)", PARTLY)]
    assert "a proxy, shown" in s.table() and not s.flips
    # With one page only, leaving it out leaves the count unattested: softened, for that reason.
    v, s = by_claim(timeline.tested(raw(MAY), announcements("B"), NAMES))["C1"]
    assert v.verdict == PARTLY and "without ann0.example" in v.evidence


def test_c1_rests_on_a_grade_c_count_so_it_is_softened_for_that_reason():
    v, s = by_claim(timeline.tested(raw(MAY), announcements("C"), NAMES))["C1"]
    assert s.as_tested == SUPPORTED and v.verdict == PARTLY
    assert dict(s.results)["grade-C sources left out"] == PARTLY
    assert "with grade-C sources left out, it would be" in v.evidence
    assert "price rows" not in v.evidence.split("It is rated")[1]


def test_c3_a_june_follower_is_found_and_only_a_wider_window_counts_it():
    rows = [r for r in MAY if r[1] != "iflytek"] + [["2024-06-04", "iflytek", "Spark Lite", "cut", None, 0.0,
                                                     "https://i.example/2", "B"]]
    v, s = by_claim(timeline.tested(raw(rows), announcements("B"), NAMES))["C3"]
    # iFlytek cut 14 days after Alibaba: found (not "no sourced cut"), but not "at once" in any window tested.
    assert "iFlytek 14 days later" in s.base.evidence and "No sourced cut" not in s.base.evidence
    assert s.as_tested == PARTLY
    assert dict(s.results)["'at once' read as within a week"] == PARTLY


def test_c3_holds_under_the_window_alternatives_and_flips_without_grade_c():
    v, s = by_claim(timeline.tested(raw(MAY), announcements("B"), NAMES))["C3"]
    results = dict(s.results)
    assert s.as_tested == SUPPORTED
    assert results["'at once' read as the same day or the next"] == SUPPORTED
    assert results["'at once' read as within a week"] == SUPPORTED
    assert results["grade-C sources left out"] == PARTLY and v.verdict == PARTLY   # Tencent, iFlytek: C only
