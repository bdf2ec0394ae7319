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
        variant="", quality="B", url=None, precision="", announcement="", tier=""):
    return {"date": pd.Timestamp(date), "vendor": vendor, "model": model, "direction": direction,
            "price_before": float("nan") if before is None else float(before), "price_after": float(after),
            "unit": unit, "event": event, "variant": variant, "date_precision": precision,
            "announcement_id": announcement, "model_tier": tier,
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


# ---------------------------------------------------------------- counting facts, not rows

BAIDU_DAY = [row("2024-05-21", "baidu", f"ERNIE-{n}", 0, before, announcement="baidu-2024-05-21")
             for n, before in (("Speed-8K", 4), ("Lite-8K", 3), ("Tiny-8K", 1))]
ALI_DAY = [row("2024-05-21", "alibaba", "Qwen-Long", 0.5, 20, announcement="alibaba-2024-05-21"),
           row("2024-05-22", "alibaba", "Qwen-Max", 40, precision="observed", announcement="alibaba-2024-05-21")]


def models_of(rows, start=pc.MAY_START, end=None):
    m = merged(rows)
    return pc.per_model(pc.fill_before(pc.cuts(m, start, end), m))


def test_events_count_an_announcement_once_however_many_variants_it_touched():
    m = models_of(BAIDU_DAY + ALI_DAY)
    ev = pc.events(m).set_index("event")
    assert len(ev) == 2
    baidu = ev.loc["baidu-2024-05-21"]
    assert baidu["models"] == 3 and baidu["free"] == 3 and baidu["deepest"] == 1.0
    ali = ev.loc["alibaba-2024-05-21"]
    # The observed Qwen-Max price belongs to the announcement it names: one announced fact, two models.
    assert ali["kind"] == "announced" and ali["models"] == 2 and ali["deepest"] == pytest.approx(0.975)
    v = pc.by_vendor(m, pc.events(m)).set_index("vendor")
    assert v.loc["baidu", "announcements"] == 1 and v.loc["baidu", "free"] == 3
    # Per vendor, Baidu's three free variants count once: the median vendor is not Baidu's 100%.
    assert v["median_cut"].median() == pytest.approx((1.0 + 0.975) / 2)


def test_a_fourth_free_variant_changes_the_variant_count_not_the_vendor_count():
    more = BAIDU_DAY + [row("2024-05-21", "baidu", "ERNIE-Lite-128K", 0, 12, announcement="baidu-2024-05-21")]
    m = models_of(more + ALI_DAY)
    assert pc.summary(m)["free"] == 4
    v = pc.by_vendor(m, pc.events(m))
    assert int((v["free"] > 0).sum()) == 1 and len(pc.events(m)) == 2


def test_observed_change_without_announcement_is_not_an_announced_cut():
    rows = [row("2024-05-22", "tencent", "hunyuan-pro", 100, event="launch"),
            row("2025-02-02", "tencent", "hunyuan-pro", 30, precision="observed")]
    m = models_of(rows)
    ev = pc.events(m)
    assert list(ev["kind"]) == ["observed"] and ev["event"].iloc[0] == "tencent-2025-02-02-observed"
    # Its depth comes from the previous row: 100 -> 30.
    assert m["depth_from"].iloc[0] == "previous row" and m["cut_fraction"].iloc[0] == pytest.approx(0.7)
    assert m["before_date"].iloc[0] == pd.Timestamp("2024-05-22")
    # The same price with an announcement behind it is an announced cut.
    rows[1]["announcement_id"] = "tencent-2025-02-01"
    assert list(pc.events(models_of(rows))["kind"]) == ["announced"]


def test_a_model_made_free_is_a_full_cut_even_without_an_earlier_price():
    m = models_of([row("2024-05-22", "iflytek", "Spark Lite", 0)])
    assert m["depth_from"].iloc[0] == "free" and m["cut_fraction"].iloc[0] == 1.0


def test_later_depth_is_compared_only_where_coverage_runs_to_the_end():
    rows = BAIDU_DAY + ALI_DAY + [row("2024-09-01", "alibaba", "Qwen-Long", 0.3, 0.5),
                                  row("2024-09-01", "baidu", "ERNIE-Speed-8K", 0, event="launch"),
                                  row("2026-06-01", "openai", "GPT-4o", 2.5, 5, unit="USD/1M tokens")]
    m = merged(rows)
    cuts_ = pc.per_model(pc.fill_before(pc.cuts(m), m))
    cov = pc.coverage(m)
    # Both vendors' data stop in 2024, more than a year before the newest row (2026): no comparison.
    assert pc.depth_after(cuts_, cov).empty
    # Alibaba seen again in 2026: its later cut (40%) is shallower than May's (97.5%).
    late = rows + [row("2026-05-01", "alibaba", "Qwen-Plus", 0.8, event="launch")]
    m = merged(late)
    dd = pc.depth_after(pc.per_model(pc.fill_before(pc.cuts(m), m)), pc.coverage(m)).set_index("vendor")
    assert list(dd.index) == ["alibaba"]
    assert dd.loc["alibaba", "after_median"] == pytest.approx(0.4)
    assert dd.loc["alibaba", "before_median"] == pytest.approx(0.975)


def test_vendor_ladder_counts_vendors_and_flagships():
    rows = MAY + OPENAI + [row("2024-05-21", "baidu", "ERNIE-4.0-8K", 120, event="launch", tier="flagship"),
                           row("2024-05-11", "zhipu", "GLM-4", 100, event="launch", tier="flagship")]
    lad = pc.ladder(merged(rows), FX, date="2024-07-31")
    vl = pc.vendor_ladder(lad).set_index("vendor")
    assert vl.loc["baidu", "models"] == 3 and vl.loc["baidu", "cheapest"] == 0
    assert vl.loc["baidu", "flagship_model"] == "ERNIE-4.0-8K"
    mini = pc.benchmark_price(lad, "GPT-4o mini")          # 0.15 USD x 7.20 = 1.08 yuan
    below, known, close = pc.vendors_below(vl.reset_index(), "cheapest", mini)
    # Baidu's two free variants count once; GLM-3-Turbo at 1 yuan is within 10% of 1.08: a close call.
    assert (below, known, close) == (4, 4, 1)
    assert pc.vendors_below(vl.reset_index(), "flagship", pc.benchmark_price(lad, "GPT-4o")) == (0, 2, 0)


def test_disagreement_tolerance_leaves_out_rounding():
    rows = MAY + [row("2024-05-21", "alibaba", "Qwen-Long", 0.00049, 0.02, unit="CNY/1K tokens", quality="C",
                      url="https://other.example/qwen")]
    assert len(pc.disagreements(prices(rows))) == 3
    assert pc.disagreements(prices(rows), tolerance=pc.DISAGREE_TOLERANCE).empty


def test_a_model_priced_on_two_days_counts_once_as_a_variant():
    rows = [row("2024-05-21", "alibaba", "Qwen-Long", 0.5, 20, announcement="alibaba-2024-05-21"),
            row("2024-05-22", "alibaba", "Qwen-Long", 2, direction="output", precision="observed",
                announcement="alibaba-2024-05-21")]
    dated = models_of(rows)
    assert len(dated) == 2                                   # one row per model and date ...
    one = pc.one_per_model(dated)
    assert len(one) == 1 and one["direction"].iloc[0] == "input"   # ... but one model variant
    assert pc.summary(one)["models"] == 1 and pc.events(dated)["models"].iloc[0] == 1
