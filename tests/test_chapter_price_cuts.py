"""Chapter 2 (how deep the cuts went): analysis functions on small hand-made tables shaped like Dataset.prices()."""
import math

import pandas as pd
import pytest

from pricewar.chapters import price_cuts as pc
from pricewar.data import to_cny_per_million

KINDS = {"alibaba": "cloud", "baidu": "cloud", "bytedance": "cloud", "zhipu": "model_company", "openai": "international"}

FX = pd.DataFrame({
    "date": pd.to_datetime(["2024-05-13", "2024-07-24", "2024-08-07"]),
    "cny_per_usd": [7.10, 7.20, 7.30],
    "source_url": ["https://fx.example/1", "https://fx.example/2", "https://fx.example/3"],
    "source_note": ["rate", "rate", "rate"],
    "source_quality": ["A", "A", "A"],
})


def row(date, vendor, model, after, before=None, unit="CNY/1M tokens", event="cut", direction="input",
        variant="", quality="B", url=None):
    return {"date": pd.Timestamp(date), "vendor": vendor, "model": model, "direction": direction,
            "price_before": float("nan") if before is None else float(before), "price_after": float(after),
            "unit": unit, "event": event, "variant": variant,
            "source_url": url or f"https://example.com/{vendor}/{model}/{quality}", "source_note": "note",
            "source_quality": quality}


def prices(rows, fx=FX):
    """Like Dataset.prices(): canonical CNY/1M columns, vendor kind, cut fraction."""
    df = to_cny_per_million(pd.DataFrame(rows), fx)
    df["name_en"] = df["vendor"].str.title()
    df["name_zh"] = ""
    df["kind"] = df["vendor"].map(KINDS)
    df["cut_fraction"] = 1 - df["price_after_cny_per_m"] / df["price_before_cny_per_m"]
    return df


MAY = [
    row("2024-05-21", "alibaba", "Qwen-Long", 0.0005, 0.02, unit="CNY/1K tokens"),
    row("2024-05-21", "alibaba", "Qwen-Long", 0.0005, 0.02, unit="CNY/1K tokens", quality="C"),
    row("2024-05-21", "baidu", "ERNIE-Speed-8K", 0, None, quality="B"),               # best row: no before price
    row("2024-05-21", "baidu", "ERNIE-Speed-8K", 0, 0.004, unit="CNY/1K tokens", quality="C"),
    row("2024-05-21", "baidu", "ERNIE-Speed-8K", 0, 0.008, unit="CNY/1K tokens", quality="C", direction="output"),
    row("2024-05-22", "baidu", "ERNIE-Lite-8K", 0, None, quality="C"),                 # free, before unknown
    row("2024-05-11", "zhipu", "GLM-3-Turbo", 1, 5),
    row("2024-05-11", "zhipu", "GLM-3-Turbo", 1, 5, direction="output"),
    row("2024-05-15", "bytedance", "Doubao-pro-32k", 0.0008, unit="CNY/1K tokens", event="launch", quality="C"),
    row("2024-05-15", "bytedance", "Doubao-pro-128k", 5, event="launch", quality="C"),
    row("2024-08-02", "zhipu", "GLM-3-Turbo", 0.1, 1, variant="cache_hit"),           # not a list price
    row("2024-09-01", "zhipu", "GLM-4", 60, 50, event="raise"),                         # not a cut
]
OPENAI = [
    row("2024-05-13", "openai", "GPT-4o", 5, unit="USD/1M tokens", event="launch", quality="A"),
    row("2024-07-18", "openai", "GPT-4o mini", 0.15, unit="USD/1M tokens", event="launch", quality="A"),
    row("2023-11-06", "openai", "GPT-4 Turbo", 10, unit="USD/1M tokens", event="launch", quality="A"),
]


def merged(rows=MAY + OPENAI, fx=FX):
    return pc.merged(prices(rows, fx))


# ---------------------------------------------------------------- cuts

def test_cuts_keep_free_prices_and_skip_variants_and_raises():
    c = pc.cuts(merged(), pc.MAY_START)
    assert set(c["model"]) == {"Qwen-Long", "ERNIE-Speed-8K", "ERNIE-Lite-8K", "GLM-3-Turbo"}
    free = c[c["model"] == "ERNIE-Lite-8K"].iloc[0]
    assert free["free"] and free["price_after_cny_per_m"] == 0 and math.isnan(free["cut_fraction"])
    speed = c[(c["model"] == "ERNIE-Speed-8K") & (c["direction"] == "input")].iloc[0]
    assert speed["cut_fraction"] == pytest.approx(1.0)


def test_per_model_prefers_input_and_labels_output_fallback():
    rows = [row("2025-09-05", "zhipu", "GLM-X", 1.68, 2.19, direction="output"),
            row("2024-05-11", "zhipu", "GLM-3-Turbo", 1, 5, direction="output"),
            row("2024-05-11", "zhipu", "GLM-3-Turbo", 2, 5)]
    m = pc.per_model(pc.cuts(merged(rows)))
    assert m.set_index("model").loc["GLM-3-Turbo", "direction"] == "input"
    assert m.set_index("model").loc["GLM-X", "label"] == "GLM-X (output)"


def test_ranking_orders_by_cut_depth_and_flips_when_a_price_changes():
    rank = pc.ranked(pc.per_model(pc.cuts(merged())))
    assert list(rank["model"]) == ["ERNIE-Speed-8K", "Qwen-Long", "GLM-3-Turbo"]
    # GLM-3-Turbo's old price was 100 instead of 5: its 99% cut now beats Qwen-Long's 97.5%.
    changed = [row("2024-05-11", "zhipu", "GLM-3-Turbo", 1, 100) if r["model"] == "GLM-3-Turbo"
               and r["direction"] == "input" and r["variant"] == "" else r for r in MAY]
    rank = pc.ranked(pc.per_model(pc.cuts(merged(changed))))
    assert list(rank["model"]) == ["ERNIE-Speed-8K", "GLM-3-Turbo", "Qwen-Long"]


def test_summary_counts_free_models_and_c_only_before_prices():
    may = pc.per_model(pc.cuts(merged(), pc.MAY_START, pc.MAY_END))
    s = pc.summary(may)
    assert s["models"] == 4 and s["free"] == 2 and s["share_free"] == pytest.approx(0.5)
    assert s["known_before"] == 3 and s["unknown_before"] == 1
    assert s["median_cut"] == pytest.approx(0.975)
    # ERNIE-Speed-8K's best row is grade B but its before price comes from a C row only.
    assert s["before_c_only"] == 1
    speed = may.set_index("model").loc["ERNIE-Speed-8K"]
    assert speed["source_quality"] == "B" and speed["before_quality"] == "C"


def test_summary_median_moves_when_a_model_is_no_longer_free():
    changed = [row("2024-05-21", "baidu", "ERNIE-Speed-8K", 0.002, 0.004, unit="CNY/1K tokens", quality="C")
               if r["model"] == "ERNIE-Speed-8K" and r["direction"] == "input" else r for r in MAY]
    s = pc.summary(pc.per_model(pc.cuts(merged(changed), pc.MAY_START, pc.MAY_END)))
    assert s["free"] == 1
    assert s["median_cut"] == pytest.approx(0.8)


def test_disagreements_show_every_source_row():
    rows = MAY + [row("2024-05-21", "alibaba", "Qwen-Long", 0.0006, 0.02, unit="CNY/1K tokens", quality="C",
                      url="https://other.example/qwen")]
    dis = pc.disagreements(prices(rows))
    assert set(dis["model"]) == {"Qwen-Long"} and len(dis) == 3
    assert pc.disagreements(prices(MAY)).empty


# ---------------------------------------------------------------- the ladder

def test_ladder_converts_usd_at_one_rate_nearest_the_ladder_date():
    lad = pc.ladder(merged(), FX, date="2024-07-31")
    gpt4o = lad[lad["model"] == "GPT-4o"].iloc[0]
    # Launched in May, but the ladder uses the rate of 24 July (nearest to 31 July), not 13 May's.
    assert gpt4o["price_cny_per_m"] == pytest.approx(5 * 7.20)
    assert pc.ladder_rate(lad) == (pd.Timestamp("2024-07-24"), 7.20)
    assert pc.benchmark_price(lad, "GPT-4o mini") == pytest.approx(0.15 * 7.20)
    # Only the two benchmarks represent OpenAI; GPT-4 Turbo (before the window) is not on the ladder.
    assert set(lad.loc[lad["vendor"] == "openai", "model"]) == {"GPT-4o", "GPT-4o mini"}
    assert lad.loc[lad["model"] == "Qwen-Long", "price_cny_per_m"].iloc[0] == pytest.approx(0.5)
    assert pc.times_cheaper(lad, "Qwen-Long") == pytest.approx(36 / 0.5)


def test_ladder_result_changes_with_the_fx_table():
    fx = FX.copy()
    fx.loc[fx["date"] == pd.Timestamp("2024-07-24"), "cny_per_usd"] = 6.0
    lad = pc.ladder(merged(), fx, date="2024-07-31")
    assert pc.times_cheaper(lad, "Qwen-Long") == pytest.approx(30 / 0.5)
    # A dearer GPT-4o mini (0.15 USD -> 0.9 yuan at 6.0) no longer undercuts GLM-3-Turbo's 1 yuan ...
    assert pc.cheaper_than(lad, "GPT-4o mini")[0] == 4
    # ... at 7.20 (1.08 yuan) GLM-3-Turbo is below it.
    assert pc.cheaper_than(pc.ladder(merged(), FX, date="2024-07-31"), "GPT-4o mini")[0] == 5


def test_ladder_keeps_free_prices_and_latest_announcement():
    rows = MAY + OPENAI + [row("2024-06-20", "alibaba", "Qwen-Long", 0.3, 0.5)]
    lad = pc.ladder(merged(rows), FX, date="2024-07-31")
    assert lad.loc[lad["model"] == "Qwen-Long", "price_cny_per_m"].tolist() == [0.3]
    free = lad[lad["price_cny_per_m"] == 0]
    assert set(free["model"]) == {"ERNIE-Speed-8K", "ERNIE-Lite-8K"}
    assert math.isinf(pc.times_cheaper(lad, "ERNIE-Lite-8K"))
    rows_ = pc.ladder_rows(lad)
    assert rows_.iloc[0]["label"] == "ERNIE-Lite-8K, Speed-8K" and rows_.iloc[0]["price_cny_per_m"] == 0
    assert pc.floor_for_free(lad["price_cny_per_m"]) == pytest.approx(0.01)


def test_ladder_without_usd_rows_or_benchmarks():
    lad = pc.ladder(merged(MAY), FX.iloc[0:0], date="2024-07-31")
    assert pc.ladder_rate(lad) == (None, None)
    assert math.isnan(pc.times_cheaper(lad, "Qwen-Long"))
    assert pc.cheaper_than(lad, "GPT-4o") == (0, len(lad))


def test_short_list():
    assert pc.short_list(["Doubao-lite-128k", "Doubao-pro-32k", "Doubao-pro-4k"]) == "Doubao-lite-128k, pro-32k, pro-4k"
    assert pc.short_list([f"ERNIE-{i}" for i in range(7)]) == "7 ERNIE models"
    assert pc.short_list(["Yi-Large"]) == "Yi-Large"


def test_floor_for_free():
    assert pc.floor_for_free([0, 0.3, 20]) == pytest.approx(0.01)
    assert pc.floor_for_free([0, 5]) == pytest.approx(0.1)
    assert pc.floor_for_free([0]) == pytest.approx(0.01)


# ---------------------------------------------------------------- the article's figures

def test_article_figures_match_after_unit_conversion():
    check = pc.article_check(prices(MAY)).set_index("name")
    qwen = check.loc["Qwen-Long"]
    assert qwen["claimed_per_m"] == pytest.approx(0.5) and qwen["matches"]
    assert qwen["source_rows"] == 2 and qwen["grades"] == "BC"
    doubao = check.loc["Doubao"]
    assert doubao["matches"] and doubao["models"] == ["Doubao-pro-32k"]
    assert doubao["other_prices"] == {"Doubao-pro-128k": 5.0}
    text = pc.check_sentence(qwen)
    assert "0.0005 yuan per 1K tokens × 1,000 = 0.5 yuan per 1M tokens" in text


def test_article_figure_mismatch_when_the_sourced_price_differs():
    changed = [row("2024-05-21", "alibaba", "Qwen-Long", 0.001, 0.02, unit="CNY/1K tokens")
               if r["model"] == "Qwen-Long" else r for r in MAY]
    qwen = pc.article_check(prices(changed)).set_index("name").loc["Qwen-Long"]
    assert not qwen["matches"] and qwen["found"]
    assert "but the sourced price is 1 yuan" in pc.check_sentence(qwen)


def test_doubao_price_after_alibabas_cut_does_not_count():
    late = [r for r in MAY if not r["model"].startswith("Doubao")] + [
        row("2024-05-25", "bytedance", "Doubao-pro-32k", 0.8, event="launch")]
    doubao = pc.article_check(prices(late)).set_index("name").loc["Doubao"]
    assert not doubao["found"]
    assert "no sourced price" in pc.check_sentence(doubao)


# ---------------------------------------------------------------- empty tables (an early as-of date)

def test_empty_tables_do_not_crash():
    empty = prices(MAY).iloc[0:0]
    m = pc.merged(empty)
    c = pc.per_model(pc.cuts(m))
    assert c.empty and pc.ranked(c).empty
    s = pc.summary(c)
    assert s["models"] == 0 and math.isnan(s["median_cut"])
    lad = pc.ladder(m, FX)
    assert lad.empty and pc.ladder_rows(lad).empty and pc.cheaper_than(lad, "GPT-4o") == (0, 0)
    assert not pc.article_check(empty)["found"].any()
    assert pc.disagreements(empty).empty
