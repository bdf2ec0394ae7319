"""Verdict rules of chapter 5 (C8 four traits, C9 the two who said no) on small hand-made tables."""
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pricewar.chapters import who_can_cut as wcc
from pricewar.data import Dataset
from pricewar.verdicts import NOT_SUPPORTED, PARTLY, SUPPORTED, UNTESTABLE

NAMES = pd.Series({"alibaba": "Alibaba Cloud", "baidu": "Baidu", "zhipu": "Zhipu AI", "deepseek": "DeepSeek",
                   "moonshot": "Moonshot AI", "01ai": "01.AI", "baichuan": "Baichuan", "tencent": "Tencent"})
URL = "https://example.com/a"
LATEST = pd.Timestamp("2025-12-31")


def conditions(assessments: dict, date="2024-05-20") -> pd.DataFrame:
    """{vendor: 'yyyp'} -> conditions rows; letters y/p/n/u for the four conditions in order, '-' = no row."""
    word = {"y": "yes", "p": "partly", "n": "no", "u": "unknown"}
    rows = [{"date": pd.Timestamp(date) if date else pd.NaT, "date_precision": "", "vendor": v, "condition": c,
             "assessment": word[code[i]], "evidence": "x", "source_url": f"{URL}/{v}/{c}", "source_quality": "B"}
            for v, code in assessments.items() for i, c in enumerate(wcc.CONDITIONS) if code[i] != "-"]
    return pd.DataFrame(rows, columns=["date", "date_precision", "vendor", "condition", "assessment", "evidence",
                                       "source_url", "source_quality"])


def price(date, vendor, model, after, event="cut", before=None, direction="input", variant="", quality="B",
          url=URL, tier="flagship", announcement=""):
    return {"date": pd.Timestamp(date), "vendor": vendor, "model": model, "direction": direction,
            "price_before_cny_per_m": before, "price_after_cny_per_m": after, "event": event, "variant": variant,
            "model_tier": tier, "announcement_id": announcement, "source_url": url, "source_quality": quality}


def prices(*rows) -> pd.DataFrame:
    cols = ["date", "vendor", "model", "direction", "price_before_cny_per_m", "price_after_cny_per_m", "event",
            "variant", "model_tier", "announcement_id", "source_url", "source_quality"]
    df = pd.DataFrame(list(rows), columns=cols)
    df["date"] = pd.to_datetime(df["date"])
    return df.astype({"price_before_cny_per_m": float, "price_after_cny_per_m": float})


def statement(date, vendor, stance, summary="said something", person="", quality="C", precision="", url=URL):
    return {"date": pd.Timestamp(date), "date_precision": precision, "vendor": vendor, "person": person,
            "stance": stance, "summary": summary, "source_url": url, "source_quality": quality}


def statements(*rows) -> pd.DataFrame:
    cols = ["date", "date_precision", "vendor", "person", "stance", "summary", "source_url", "source_quality"]
    df = pd.DataFrame(list(rows), columns=cols)
    df["date"] = pd.to_datetime(df["date"])
    return df


# Alibaba and Baidu (own clouds) cut in May 2024 and again in 2025; Zhipu (no cloud) too; Baichuan said no and withdrew.
FIRST = [price("2024-05-21", "alibaba", "Qwen-Long", 0.5, before=20),
         price("2024-05-21", "baidu", "ERNIE-Speed", 0, before=4),
         price("2024-05-11", "zhipu", "GLM-3-Turbo", 1, before=5, tier="economy")]
LATER = [price("2025-03-01", "alibaba", "Qwen-Long", 0.3, before=0.5),
         price("2025-03-16", "baidu", "ERNIE-4.5", 4, before=40),
         price("2025-04-23", "zhipu", "GLM-4-Plus", 5, before=50)]
BASE_PRICES = prices(*FIRST, *LATER)
BASE_STATEMENTS = statements(statement("2024-05-22", "baichuan", "decline", person="Wang Xiaochuan"),
                             statement("2025-06-01", "baichuan", "withdraw", summary="refocus on AI medicine",
                                       quality="A"))
TRAITS = {"alibaba": "yyyp", "baidu": "yyyy", "zhipu": "ynyy", "baichuan": "ynyy"}


def c8(assessments=TRAITS, p=BASE_PRICES, s=BASE_STATEMENTS, latest=LATEST, **kw):
    return wcc.verdict_c8(wcc.assess(conditions(assessments), p, s, latest), NAMES, **kw)


# ---- C8: outcomes with hindsight ------------------------------------------------------------------------------------
def test_outcomes_read_who_kept_cutting_and_who_withdrew():
    table = wcc.assess(conditions(TRAITS), BASE_PRICES, BASE_STATEMENTS, LATEST)
    assert table.loc["alibaba", "outcome"] == "kept cutting"
    assert table.loc["zhipu", "outcome"] == "kept cutting"
    assert table.loc["baichuan", "outcome"] == "withdrew"
    assert table.loc["baichuan", "stance"] == "decline"


def test_lowering_moves_count_announcements_not_models_or_sources():
    p = prices(*FIRST,
               price("2025-03-16", "baidu", "ERNIE-4.5", 4, before=40, announcement="baidu-2025-03-16"),
               price("2025-03-16", "baidu", "ERNIE-X1", 2, before=8, announcement="baidu-2025-03-16"),
               price("2025-03-16", "baidu", "ERNIE-X1", 2, before=8, url="https://other.example.org/x",
                     announcement="baidu-2025-03-16"))
    moves = wcc.lowering_moves(p)
    baidu = moves[moves["vendor"] == "baidu"]
    assert len(baidu) == 1 and baidu["models"].iloc[0] == 2 and baidu["n_sources"].iloc[0] == 2
    table = wcc.assess(conditions({"baidu": "yyyy"}), p, BASE_STATEMENTS.iloc[:0], LATEST)
    assert table.loc["baidu", "n_lowering"] == 1


def test_a_cheaper_successor_is_a_move_and_a_later_observation_is_not():
    p = prices(price("2024-05-15", "bytedance", "Doubao-pro", 0.8, event="launch"),
               price("2025-06-14", "bytedance", "Doubao-Seed-1.6", 0.6, event="launch"),      # cheaper, same tier
               price("2025-07-01", "bytedance", "Doubao-Seed-1.6", 0.6, event="launch"),      # observed again
               price("2025-08-01", "bytedance", "Doubao-Seed-2", 3.0, event="launch"))        # dearer: no move
    moves = wcc.lowering_moves(p)
    assert moves["kind"].tolist() == ["cheaper launch"]
    assert moves["date"].tolist() == [pd.Timestamp("2025-06-14")]


def test_c8_partly_when_a_firm_without_a_cloud_kept_cutting_but_inference_sets_groups_apart():
    v = c8()
    assert v.verdict == PARTLY
    assert "Zhipu AI (3; no inference resources)" in v.evidence
    assert "inference resources (0.67 against 0.00)" in v.evidence


def test_c8_moving_the_threshold_down_leaves_it_standing_and_up_flips_it():
    assert c8(separates=0.6).verdict == PARTLY
    v = c8(separates=0.7)
    assert v.verdict == NOT_SUPPORTED and "No trait sets the groups apart by 0.7" in v.evidence


def test_c8_supported_when_only_firms_with_the_traits_keep_cutting():
    s = pd.concat([BASE_STATEMENTS, statements(statement("2025-01-07", "zhipu", "withdraw", quality="B"))])
    p = prices(*FIRST, *LATER[:2])
    v = c8(p=p, s=s)
    assert v.verdict == SUPPORTED
    assert v.evidence.startswith("2 firms kept cutting")
    # read strictly (all four 'yes'), Alibaba's 'partly' fails it, but inference still sets the groups apart
    assert c8(p=p, s=s, reading="strict").verdict == PARTLY
    assert c8(p=p, s=s, reading="loose").verdict == SUPPORTED


def test_c8_not_testable_without_hindsight_but_the_first_round_reading_still_answers():
    early = pd.Timestamp("2024-09-30")
    v = c8(latest=early)
    assert v.verdict == UNTESTABLE and "not in the data" in v.evidence
    first = c8(latest=early, outcome="first_round")
    assert first.verdict != UNTESTABLE and "moved on price in May-June 2024" in first.evidence


def test_c8_a_firm_whose_data_stop_is_not_in_the_data_not_a_failure():
    # Baichuan without its withdrawal statement and with no price rows: its course is unknown, not "held prices".
    s = BASE_STATEMENTS[BASE_STATEMENTS["stance"] != "withdraw"]
    table = wcc.assess(conditions(TRAITS), BASE_PRICES, s, LATEST)
    assert table.loc["baichuan", "outcome"] == "not in the data"
    assert c8(s=s).verdict == NOT_SUPPORTED   # nobody fell back: nothing to tell the traits apart from


def test_c8_cuts_on_variants_do_not_count():
    p = prices(*FIRST, *LATER[:2], price("2025-05-01", "zhipu", "GLM-4", 0.1, before=1, variant="cache_hit"),
               price("2025-06-01", "zhipu", "GLM-3-Turbo", 1, event="launch", tier="economy"))   # seen, same price
    table = wcc.assess(conditions(TRAITS), p, BASE_STATEMENTS, LATEST)
    assert table.loc["zhipu", "outcome"] == "held prices"


def test_condition_matrix_prefers_the_better_graded_row():
    c = conditions({"zhipu": "ynyy"})
    better = c[c["condition"] == "inference_resources"].assign(assessment="partly", source_quality="A")
    matrix = wcc.condition_matrix(pd.concat([c, better]))
    assert matrix.loc["zhipu", "inference_resources"] == "partly"


def test_undated_and_later_trait_evidence_is_left_out_of_the_as_of_view(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data", data)
    full = Dataset(data).load("conditions")
    early = Dataset(data, "2024-06-30").load("conditions")
    assert full["date"].isna().any() and (full["date"] > pd.Timestamp("2024-06-30")).any()
    assert len(early) < len(full) and early["date"].notna().all()
    assert (early["date"] <= pd.Timestamp("2024-06-30")).all()


# ---- C9 -------------------------------------------------------------------------------------------------------------
BOTH = statements(statement("2024-05-22", "baichuan", "decline", person="Wang Xiaochuan"),
                  statement("2024-06-14", "01ai", "decline", person="Kai-Fu Lee", summary="will not follow"))
CRITIC = statements(statement("2024-05-22", "baichuan", "decline", person="Wang Xiaochuan"),
                    statement("2024-06-14", "01ai", "criticise", person="Kai-Fu Lee", summary="lose-lose"))


def test_c9_supported_with_both_and_flags_c_grade():
    v = wcc.verdict_c9(BOTH, NAMES)
    assert v.verdict == SUPPORTED
    assert "C-grade" in v.evidence and "Kai-Fu Lee" in v.evidence and "Wang Xiaochuan" in v.evidence


def test_c9_criticism_is_not_a_refusal_unless_the_alternative_reading_counts_it():
    v = wcc.verdict_c9(CRITIC, NAMES)
    assert v.verdict == PARTLY
    assert "only criticising the cuts" in v.evidence and "01.AI" in v.evidence
    assert wcc.verdict_c9(CRITIC, NAMES, count_criticism=True).verdict == SUPPORTED


def test_c9_a_better_source_keeps_the_verdict_and_drops_the_warning():
    s = BOTH.copy()
    s["source_quality"] = "A"
    v = wcc.verdict_c9(s, NAMES)
    assert v.verdict == SUPPORTED and "C-grade" not in v.evidence


def test_c9_refusal_outside_the_window_does_not_count():
    s = BOTH.copy()
    s.loc[1, "date"] = pd.Timestamp("2024-09-01")
    assert wcc.verdict_c9(s, NAMES).verdict == PARTLY


def test_c9_not_supported_when_both_backed_cuts():
    s = statements(statement("2024-05-22", "baichuan", "cut"), statement("2024-05-23", "01ai", "cut"))
    assert wcc.verdict_c9(s, NAMES).verdict == NOT_SUPPORTED


def test_c9_untestable_without_statements_or_positions():
    assert wcc.verdict_c9(BOTH.iloc[:0], NAMES).verdict == UNTESTABLE
    assert wcc.verdict_c9(statements(statement("2024-06-14", "baichuan", "other")), NAMES).verdict == UNTESTABLE


def test_tested_settles_c9_as_partly_and_reports_the_flip():
    s = pd.concat([CRITIC, BASE_STATEMENTS.iloc[1:]])
    tested = wcc.tested(conditions(TRAITS), BASE_PRICES, s, NAMES, LATEST)
    (v8, s8), (v9, s9) = tested
    assert v8.claim == "C8" and v9.claim == "C9"
    assert v9.verdict == PARTLY
    assert ("criticism of the cuts counted as refusing to follow", SUPPORTED) in s9.results
    assert s8.base.verdict == PARTLY     # the table keeps the rule's own verdict, not the settled one


def test_aftermath_keeps_one_event_per_day_and_only_new_price_lows():
    s = pd.concat([BOTH, statements(statement("2024-10-16", "01ai", "cut", summary="launched Yi-Lightning"),
                                    statement("2026-01-13", "baichuan", "withdraw", precision="approximate",
                                              summary="focus on AI medicine"))])
    p = prices(price("2024-05-13", "01ai", "Yi-Large", 20, event="launch"),
               price("2024-10-16", "01ai", "Yi-Lightning", 0.99, event="launch"),
               price("2024-10-16", "01ai", "Yi-Lightning", 0.99, event="launch", direction="output"),
               price("2024-10-17", "01ai", "Yi-Large", 20, event="launch"))
    after = wcc.aftermath(s, p)
    oct16 = after[after["date"] == pd.Timestamp("2024-10-16")]
    assert list(oct16["kind"]) == ["price"]
    assert oct16["label"].iloc[0] == "Yi-Lightning at 0.99 yuan/M"
    assert pd.Timestamp("2024-10-17") not in set(after["date"])       # an observation of an old price
    medical = after[after["vendor"] == "baichuan"].iloc[-1]
    assert medical["label"] == "Refocus on AI medicine" and bool(medical["approximate"])
    assert wcc.aftermath(BOTH.iloc[:0], p.iloc[:0]).empty


@pytest.mark.parametrize("reading", list(wcc.READINGS))
def test_every_reading_gives_a_verdict(reading):
    assert c8(reading=reading).verdict in (SUPPORTED, PARTLY, NOT_SUPPORTED)


def test_price_rises_are_counted_by_announcement_beside_the_cuts():
    p = prices(*FIRST, price("2025-02-09", "deepseek", "DeepSeek-V3", 2, event="end", before=1,
                             announcement="deepseek-2025-02-09"),
               price("2025-02-09", "deepseek", "DeepSeek-V3", 8, event="end", before=2, direction="output",
                     announcement="deepseek-2025-02-09"),
               price("2025-09-05", "deepseek", "DeepSeek-V3.1", 4, event="raise", before=2))
    rises = wcc.raising_moves(p)
    assert rises["announcement"].tolist() == ["deepseek-2025-02-09", "deepseek-2025-09-05"]
    assert wcc.raising_moves(prices(*FIRST)).empty
