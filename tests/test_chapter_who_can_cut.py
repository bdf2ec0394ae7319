"""Verdict rules of chapter 5 (C8 four traits, C9 the two who said no) on small hand-made tables."""
import pandas as pd
import pytest

from pricewar.chapters import who_can_cut as wcc
from pricewar.verdicts import NOT_SUPPORTED, PARTLY, SUPPORTED, UNTESTABLE

NAMES = pd.Series({"alibaba": "Alibaba Cloud", "baidu": "Baidu", "zhipu": "Zhipu AI", "deepseek": "DeepSeek",
                   "moonshot": "Moonshot AI", "01ai": "01.AI", "baichuan": "Baichuan", "tencent": "Tencent"})
URL = "https://example.com/a"


def conditions(assessments: dict) -> pd.DataFrame:
    """{vendor: 'yyyp'} -> conditions rows; letters y/p/n/u for the four conditions in order, '-' = no row."""
    word = {"y": "yes", "p": "partly", "n": "no", "u": "unknown"}
    rows = [{"vendor": v, "condition": c, "assessment": word[code[i]], "evidence": "x", "source_url": URL,
             "source_quality": "B"}
            for v, code in assessments.items() for i, c in enumerate(wcc.CONDITIONS) if code[i] != "-"]
    return pd.DataFrame(rows, columns=["vendor", "condition", "assessment", "evidence", "source_url",
                                       "source_quality"])


def price(date, vendor, model, after, event="cut", before=None, direction="input", variant="", quality="B"):
    return {"date": pd.Timestamp(date), "vendor": vendor, "model": model, "direction": direction,
            "price_before_cny_per_m": before, "price_after_cny_per_m": after, "event": event, "variant": variant,
            "source_url": URL, "source_quality": quality}


def prices(*rows) -> pd.DataFrame:
    cols = ["date", "vendor", "model", "direction", "price_before_cny_per_m", "price_after_cny_per_m", "event",
            "variant", "source_url", "source_quality"]
    df = pd.DataFrame(list(rows), columns=cols)
    df["date"] = pd.to_datetime(df["date"])
    return df.astype({"price_before_cny_per_m": float, "price_after_cny_per_m": float})


def statement(date, vendor, stance, summary="said something", person="", quality="C", precision=""):
    return {"date": pd.Timestamp(date), "date_precision": precision, "vendor": vendor, "person": person,
            "stance": stance, "summary": summary, "source_url": URL, "source_quality": quality}


def statements(*rows) -> pd.DataFrame:
    cols = ["date", "date_precision", "vendor", "person", "stance", "summary", "source_url", "source_quality"]
    df = pd.DataFrame(list(rows), columns=cols)
    df["date"] = pd.to_datetime(df["date"])
    return df


BASE_PRICES = prices(price("2024-05-21", "alibaba", "Qwen-Long", 0.5, before=20),
                     price("2024-05-21", "baidu", "ERNIE-Speed-8K", 0, before=4))
BASE_STATEMENTS = statements(statement("2024-05-22", "baichuan", "decline", person="Wang Xiaochuan"))


def c8(assessments, p=BASE_PRICES, s=BASE_STATEMENTS):
    return wcc.verdict_c8(wcc.assess(conditions(assessments), p, s), NAMES)


# ---- C8 -------------------------------------------------------------------------------------------------------------
def test_c8_supported_when_every_cutter_has_the_traits():
    v = c8({"alibaba": "yyyp", "baidu": "yyyy", "baichuan": "ynny", "moonshot": "pnpy"})
    assert v.verdict == SUPPORTED
    assert "All 2 vendors" in v.evidence


def test_c8_flips_to_partly_when_a_startup_without_cloud_cuts():
    p = pd.concat([BASE_PRICES, prices(price("2024-05-11", "zhipu", "GLM-3-Turbo", 1, before=5))])
    v = c8({"alibaba": "yyyp", "baidu": "yyyy", "zhipu": "ynyy", "baichuan": "ynny", "moonshot": "pnpy"}, p=p)
    # 1 exception of 3 movers, movers score higher on average: only on average
    assert v.verdict == PARTLY
    assert "Zhipu AI (3; no inference resources)" in v.evidence


def test_c8_not_supported_when_many_cutters_lack_the_traits():
    p = pd.concat([BASE_PRICES, prices(price("2024-05-11", "zhipu", "GLM-3-Turbo", 1, before=5),
                                       price("2024-05-22", "tencent", "hunyuan-lite", 0, before=8))])
    v = c8({"alibaba": "yyyp", "baidu": "yyyy", "zhipu": "ynyy", "tencent": "pypn", "baichuan": "ynny"}, p=p)
    assert v.verdict == NOT_SUPPORTED
    assert v.evidence.startswith("2 of the 4 vendors")


def test_c8_low_price_launch_counts_as_a_move_and_expensive_launch_does_not():
    cheap = pd.concat([BASE_PRICES, prices(price("2024-05-06", "deepseek", "DeepSeek-V2", 1, event="launch"))])
    dear = pd.concat([BASE_PRICES, prices(price("2024-05-06", "deepseek", "DeepSeek-V2", 20, event="launch"))])
    table_cheap = wcc.assess(conditions({"alibaba": "yyyp", "baidu": "yyyy", "deepseek": "pp-y"}), cheap,
                             BASE_STATEMENTS)
    table_dear = wcc.assess(conditions({"alibaba": "yyyp", "baidu": "yyyy", "deepseek": "pp-y"}), dear,
                            BASE_STATEMENTS)
    assert table_cheap.loc["deepseek", "stance"] == "low-price launch"
    assert table_cheap.loc["deepseek", "user_scale"] == "unknown"       # a missing row is unknown, scored 0
    assert table_cheap.loc["deepseek", "score"] == 2.0
    assert table_dear.loc["deepseek", "stance"] == "no cut found"
    assert wcc.verdict_c8(table_dear, NAMES).verdict == SUPPORTED
    assert wcc.verdict_c8(table_cheap, NAMES).verdict != SUPPORTED


def test_c8_cuts_outside_the_window_or_on_variants_do_not_count():
    p = pd.concat([BASE_PRICES, prices(price("2024-08-02", "zhipu", "GLM-4", 0.1, before=1),
                                       price("2024-05-11", "zhipu", "GLM-3-Turbo", 0.1, before=1,
                                             variant="cache_hit"))])
    table = wcc.assess(conditions({"alibaba": "yyyp", "baidu": "yyyy", "zhipu": "ynyy"}), p, BASE_STATEMENTS)
    assert table.loc["zhipu", "stance"] == "no cut found"
    assert wcc.verdict_c8(table, NAMES).verdict == SUPPORTED


def test_c8_a_cut_wins_over_a_decline_statement():
    p = pd.concat([BASE_PRICES, prices(price("2024-06-01", "baichuan", "Baichuan4", 50, before=100))])
    table = wcc.assess(conditions({"alibaba": "yyyp", "baichuan": "ynny"}), p, BASE_STATEMENTS)
    assert table.loc["baichuan", "stance"] == "cut"
    assert bool(table.loc["baichuan", "exception"])


def test_c8_untestable_without_movers_or_conditions():
    empty_p = BASE_PRICES.iloc[:0]
    assert c8({"alibaba": "yyyp"}, p=empty_p).verdict == UNTESTABLE
    table = wcc.assess(conditions({}), BASE_PRICES, BASE_STATEMENTS)
    assert table.empty
    assert wcc.verdict_c8(table, NAMES).verdict == UNTESTABLE


def test_condition_gap_shows_which_trait_separates():
    table = wcc.assess(conditions({"alibaba": "yyyp", "baidu": "yyyy", "baichuan": "ynny", "moonshot": "pnpy"}),
                       BASE_PRICES, BASE_STATEMENTS)
    gap = wcc.condition_gap(table)
    assert gap.loc["inference_resources", "gap"] == pytest.approx(1.0)
    assert gap.loc["core_business", "gap"] == pytest.approx(0.75 - 1.0)


# ---- C9 -------------------------------------------------------------------------------------------------------------
BOTH = statements(statement("2024-05-22", "baichuan", "decline", person="Wang Xiaochuan"),
                  statement("2024-06-14", "01ai", "decline", person="Kai-Fu Lee", summary="lose-lose"))


def test_c9_supported_with_both_and_flags_c_grade():
    v = wcc.verdict_c9(BOTH, NAMES)
    assert v.verdict == SUPPORTED
    assert "C-grade" in v.evidence and "Kai-Fu Lee" in v.evidence and "Wang Xiaochuan" in v.evidence


def test_c9_no_c_grade_warning_with_a_better_source():
    s = BOTH.copy()
    s.loc[0, "source_quality"] = "A"
    v = wcc.verdict_c9(s, NAMES)
    assert v.verdict == SUPPORTED and "C-grade" not in v.evidence


def test_c9_flips_to_partly_when_one_refusal_is_missing():
    v = wcc.verdict_c9(BOTH.iloc[:1], NAMES)
    assert v.verdict == PARTLY
    assert "01.AI" in v.evidence


def test_c9_refusal_outside_the_window_does_not_count():
    s = BOTH.copy()
    s.loc[1, "date"] = pd.Timestamp("2024-09-01")
    assert wcc.verdict_c9(s, NAMES).verdict == PARTLY


def test_c9_not_supported_when_both_backed_cuts():
    s = statements(statement("2024-05-22", "baichuan", "cut"), statement("2024-05-23", "01ai", "cut"))
    assert wcc.verdict_c9(s, NAMES).verdict == NOT_SUPPORTED


def test_c9_untestable_without_statements():
    assert wcc.verdict_c9(BOTH.iloc[:0], NAMES).verdict == UNTESTABLE


def test_aftermath_merges_same_day_statement_into_price_row():
    s = pd.concat([BOTH, statements(statement("2024-10-16", "01ai", "cut", summary="launched Yi-Lightning"),
                                    statement("2026-01-13", "baichuan", "other", precision="approximate",
                                              summary="focus on AI medicine"))])
    p = prices(price("2024-10-16", "01ai", "Yi-Lightning", 0.99, event="launch"),
               price("2024-10-16", "01ai", "Yi-Lightning", 0.99, event="launch", direction="output"))
    after = wcc.aftermath(s, p)
    oct16 = after[after["date"] == pd.Timestamp("2024-10-16")]
    assert list(oct16["kind"]) == ["price"]
    assert oct16["label"].iloc[0] == "Yi-Lightning at 0.99 yuan/M"
    medical = after[after["vendor"] == "baichuan"].iloc[-1]
    assert medical["label"] == "Refocus on AI medicine" and bool(medical["approximate"])
    assert wcc.aftermath(BOTH.iloc[:0], p.iloc[:0]).empty
