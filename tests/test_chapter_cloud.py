"""Chapter 3 (cloud): verdict rules for C4, C5 and C11 on small hand-made tables."""
from __future__ import annotations

import pandas as pd
import pytest

from pricewar.chapters import cloud
from pricewar.verdicts import NOT_SUPPORTED, PARTLY, SUPPORTED, UNTESTABLE

VENDORS = pd.DataFrame({
    "vendor": ["alibaba", "bytedance", "baidu", "tencent", "huawei", "zhipu", "deepseek", "moonshot", "openai"],
    "name_en": ["Alibaba Cloud", "ByteDance", "Baidu", "Tencent", "Huawei", "Zhipu AI", "DeepSeek", "Moonshot AI",
                "OpenAI"],
    "name_zh": ["阿里云", "字节跳动", "百度", "腾讯", "华为", "智谱", "深度求索", "月之暗面", ""],
    "kind": ["cloud", "cloud", "cloud", "cloud", "cloud", "model_company", "model_company", "model_company", "international"],
}).set_index("vendor")


def cloud_cuts(rows):
    df = pd.DataFrame(rows, columns=["date", "vendor", "scope", "max_cut_fraction", "avg_cut_fraction", "products",
                                     "source_url", "source_quality"])
    df["date"] = pd.to_datetime(df["date"])
    return df


FEB = ["2024-02-29", "alibaba", "China, 100+ cloud products", 0.55, 0.20, "ECS up to 36%; OSS up to 55%",
       "https://a.example/1", "C"]
FEB_REPOST = ["2024-02-29", "alibaba", "China, 100+ products", 0.55, 0.20, "", "https://b.example/2", "C"]
APRIL = ["2024-04-08", "alibaba", "International markets", 0.59, 0.23, "", "https://c.example/3", "C"]


def prices(rows):
    """Consensus-like price rows: one per model and direction, prices already in yuan per million tokens."""
    df = pd.DataFrame(rows, columns=["date", "vendor", "model", "direction", "event", "price_before_cny_per_m",
                                     "price_after_cny_per_m"])
    df["date"] = pd.to_datetime(df["date"])
    df["variant"] = ""
    df["cut_fraction"] = 1 - df["price_after_cny_per_m"] / df["price_before_cny_per_m"]
    return df


MAY = [
    ["2024-05-06", "deepseek", "DeepSeek-V2", "input", "launch", None, 1.0],
    ["2024-05-15", "bytedance", "Doubao-pro-32k", "input", "launch", None, 0.8],
    ["2024-05-21", "alibaba", "Qwen-Long", "input", "cut", 20.0, 0.5],
    ["2024-05-21", "baidu", "ERNIE-Speed-8K", "input", "cut", 4.0, 0.0],
    ["2024-05-22", "tencent", "hunyuan-lite", "input", "cut", 10.0, 0.0],
    ["2024-05-13", "openai", "GPT-4o", "input", "launch", None, 35.5],     # international: never counted
    ["2024-05-13", "moonshot", "kimi", "input", "launch", None, 12.0],     # dear launch: not a move
]


def shares(rows):
    return pd.DataFrame(rows, columns=["period", "source", "market", "vendor", "share", "source_url", "source_quality"])


SHARES = [
    ["2024Q2", "Canalys", "cloud_infrastructure", "alibaba", 0.36, "https://s.example/1", "C"],
    ["2024Q2", "Canalys", "cloud_infrastructure", "huawei", 0.19, "https://s.example/1", "C"],
    ["2025H1", "IDC", "llm_public_cloud_tokens", "bytedance", 0.49, "https://s.example/2", "B"],
    ["2025H1", "IDC", "llm_public_cloud_tokens", "alibaba", 0.27, "https://s.example/2", "B"],
    ["2025H1", "IDC", "llm_public_cloud_tokens", "bytedance", 0.49, "https://s.example/3", "C"],   # repost, same value
    ["2025H1", "Omdia", "ai_cloud", "alibaba", 0.358, "https://s.example/4", "B"],
]


def usage(rows):
    df = pd.DataFrame(rows, columns=["date", "scope", "metric", "value", "kind", "source_quality"])
    df["date"] = pd.to_datetime(df["date"])
    return df


USAGE = [
    ["2024-05-15", "bytedance", "tokens_per_day", 1.2e11, "actual", "C"],
    ["2024-12-18", "bytedance", "tokens_per_day", 4e12, "actual", "C"],
    ["2023-12-31", "baidu", "api_calls_per_day", 5e7, "actual", "C"],
    ["2024-05-16", "baidu", "api_calls_per_day", 2e8, "actual", "B"],
    ["2024-12-31", "baidu", "api_calls_per_day", 1.65e9, "actual", "B"],
    ["2024-12-31", "china", "api_calls_per_day", 1e10, "forecast", "B"],
]


def statements(rows):
    df = pd.DataFrame(rows, columns=["date", "vendor", "stance", "summary", "source_url", "source_quality"])
    df["date"] = pd.to_datetime(df["date"])
    return df


# --- C4 ----------------------------------------------------------------------------------------------------------------
def test_c4_supported_by_a_february_cut_and_reports_depth():
    v = cloud.verdict_c4(cloud_cuts([FEB, FEB_REPOST, APRIL]))
    assert v.verdict == SUPPORTED
    assert "20% on average" in v.evidence and "up to 55%" in v.evidence
    assert "2 source(s)" in v.evidence and "aggregators only" in v.evidence


def test_c4_flips_when_the_february_row_is_removed():
    assert cloud.verdict_c4(cloud_cuts([FEB, APRIL])).verdict == SUPPORTED
    v = cloud.verdict_c4(cloud_cuts([APRIL]))
    assert v.verdict == NOT_SUPPORTED
    assert "8 April 2024" in v.evidence


def test_c4_untestable_without_any_alibaba_cloud_cut():
    assert cloud.verdict_c4(cloud_cuts([])).verdict == UNTESTABLE
    other = ["2024-02-20", "tencent", "China", 0.5, 0.2, "", "https://t.example", "B"]
    assert cloud.verdict_c4(cloud_cuts([other])).verdict == UNTESTABLE


def test_c4_small_or_unknown_depth_is_only_partly():
    small = ["2024-02-29", "alibaba", "China", 0.10, 0.05, "", "https://a.example", "A"]
    assert cloud.verdict_c4(cloud_cuts([small])).verdict == PARTLY
    unknown = ["2024-02-29", "alibaba", "China", None, None, "", "https://a.example", "A"]
    v = cloud.verdict_c4(cloud_cuts([unknown]))
    assert v.verdict == PARTLY and "no source gives how deep" in v.evidence


def test_c4_mentions_statements_of_the_same_month():
    st = statements([["2024-02-29", "alibaba", "cut", "largest-ever cloud cut", "https://x.example", "C"]])
    assert "1 statement(s)" in cloud.verdict_c4(cloud_cuts([FEB]), st).evidence


def test_announcements_merge_sources_and_flag_disagreement():
    other = FEB_REPOST.copy()
    other[3] = 0.50
    ann = cloud.cloud_cut_announcements(cloud_cuts([FEB, other]))
    assert len(ann) == 1 and ann["n_sources"].iloc[0] == 2 and bool(ann["disagree"].iloc[0])
    assert ann["products"].iloc[0].startswith("ECS")


def test_product_cuts_are_parsed_from_the_source_text():
    assert cloud.product_cuts("ECS up to 36%; OSS up to 55%; free CDT traffic") == {"ECS": 0.36, "OSS": 0.55}
    assert cloud.product_cuts("") == {}


# --- C5 ----------------------------------------------------------------------------------------------------------------
def test_movers_count_cuts_and_cheap_launches_of_chinese_vendors_only():
    movers = cloud.price_movers(prices(MAY), VENDORS)
    assert list(movers["vendor"]) == ["deepseek", "bytedance", "alibaba", "baidu", "tencent"]
    assert movers.set_index("vendor").loc["baidu", "deep_cuts"] == 1
    assert movers.set_index("vendor").loc["alibaba", "deep_cuts"] == 1    # 97.5% cut


def test_c5_supported_when_cloud_vendors_dominate_and_lead_later():
    movers = cloud.price_movers(prices(MAY), VENDORS)
    sh = cloud.share_consensus(shares(SHARES))
    v = cloud.verdict_c5(movers, VENDORS, sh)
    assert v.verdict == SUPPORTED
    assert "4 of the 5" in v.evidence and "first to move had no public cloud (DeepSeek" in v.evidence


def test_c5_flips_when_startups_do_the_cutting():
    startup_war = [
        ["2024-05-06", "deepseek", "DeepSeek-V2", "input", "launch", None, 1.0],
        ["2024-05-11", "zhipu", "GLM-3-Turbo", "input", "cut", 5.0, 1.0],
        ["2024-05-20", "moonshot", "kimi", "input", "cut", 12.0, 6.0],
        ["2024-05-21", "alibaba", "Qwen-Long", "input", "cut", 20.0, 0.5],
    ]
    movers = cloud.price_movers(prices(startup_war), VENDORS)
    sh = cloud.share_consensus(shares(SHARES))
    assert cloud.verdict_c5(movers, VENDORS, sh).verdict == PARTLY      # later leaders are still clouds
    no_later = cloud.share_consensus(shares([]))
    assert cloud.verdict_c5(movers, VENDORS, no_later).verdict == NOT_SUPPORTED


def test_c5_untestable_without_moves():
    assert cloud.verdict_c5(cloud.price_movers(prices([]), VENDORS), VENDORS,
                            cloud.share_consensus(shares(SHARES))).verdict == UNTESTABLE


# --- market shares -----------------------------------------------------------------------------------------------------
def test_share_consensus_merges_reposts_and_cuts_at_as_of():
    sh = cloud.share_consensus(shares(SHARES))
    idc = sh[(sh["market"] == "llm_public_cloud_tokens") & (sh["vendor"] == "bytedance")]
    assert len(idc) == 1 and idc["n_sources"].iloc[0] == 2 and idc["source_quality"].iloc[0] == "B"
    early = cloud.share_consensus(shares(SHARES), as_of="2024-12-31")
    assert set(early["market"]) == {"cloud_infrastructure"}
    assert cloud.share_consensus(shares(SHARES), as_of="2024-01-01").empty


def test_period_end():
    assert cloud.period_end("2024") == pd.Timestamp("2024-12-31")
    assert cloud.period_end("2025H1") == pd.Timestamp("2025-06-30")
    assert cloud.period_end("2024Q2") == pd.Timestamp("2024-06-30")


def test_latest_prefers_full_year_and_min_vendors():
    rows = SHARES + [["2025", "IDC", "llm_public_cloud_tokens", "bytedance", 0.495, "https://s.example/5", "C"],
                     ["2025H2", "IDC", "llm_public_cloud_tokens", "alibaba", 0.30, "https://s.example/6", "C"]]
    sh = cloud.share_consensus(shares(rows))
    assert cloud.leader(sh, "llm_public_cloud_tokens")["period"] == "2025"
    assert cloud.latest(sh, "llm_public_cloud_tokens", min_vendors=2)["period"].iloc[0] == "2025H1"


# --- C11 ---------------------------------------------------------------------------------------------------------------
def test_growth_is_fold_from_may_to_end_2024():
    g = cloud.growth(cloud.usage_series(usage(USAGE), "baidu", "api_calls_per_day"))
    assert g["fold"] == pytest.approx(8.25)
    pre = cloud.pre_cut_growth(cloud.usage_series(usage(USAGE), "baidu", "api_calls_per_day"))
    assert pre["fold"] == pytest.approx(4.0)
    assert cloud.growth(cloud.usage_series(usage(USAGE), "china", "api_calls_per_day")) is None   # forecasts ignored


def test_c11_supported_when_usage_soars_and_a_mover_leads():
    movers = cloud.price_movers(prices(MAY), VENDORS)
    sh = cloud.share_consensus(shares(SHARES))
    st = statements([["2024-05-21", "alibaba", "cut", "expects API call volume to grow thousands of times",
                      "https://x.example", "B"],
                     ["2024-05-21", "alibaba", "cut", "call volume to grow a lot (repost)", "https://y.example", "C"]])
    v = cloud.verdict_c11(usage(USAGE), sh, movers, VENDORS, st)
    assert v.verdict == SUPPORTED
    assert "33-fold" in v.evidence and "8.2-fold" in v.evidence
    assert "no faster after the cuts" in v.evidence          # Baidu grew 36%/month before, 32% after
    assert "On 1 occasion in 2024" in v.evidence                   # two reports of one speech count once


def test_c11_flips_with_weak_growth_and_a_non_mover_leader():
    weak = [r for r in USAGE if not (r[1] == "bytedance" and r[0] == "2024-12-18")]
    weak += [["2024-12-18", "bytedance", "tokens_per_day", 2e11, "actual", "C"]]        # only 1.7-fold
    movers = cloud.price_movers(prices(MAY), VENDORS)
    sh = cloud.share_consensus(shares(SHARES))
    assert cloud.verdict_c11(usage(weak), sh, movers, VENDORS).verdict == PARTLY
    huawei_leads = shares([["2025H1", "IDC", "llm_public_cloud_tokens", "huawei", 0.5, "https://h.example", "B"]])
    flat = usage([["2024-05-15", "bytedance", "tokens_per_day", 1e11, "actual", "B"],
                  ["2024-12-18", "bytedance", "tokens_per_day", 1.5e11, "actual", "B"]])
    assert cloud.verdict_c11(flat, cloud.share_consensus(huawei_leads), movers, VENDORS).verdict == NOT_SUPPORTED


def test_c11_untestable_without_usage_or_shares():
    movers = cloud.price_movers(prices(MAY), VENDORS)
    before_only = usage([["2024-05-16", "baidu", "api_calls_per_day", 2e8, "actual", "B"]])
    v = cloud.verdict_c11(before_only, cloud.share_consensus(shares([])), movers, VENDORS)
    assert v.verdict == UNTESTABLE


def test_rules_survive_empty_tables():
    empty_usage = usage([])
    empty_shares = cloud.share_consensus(shares([]))
    movers = cloud.price_movers(prices([]), VENDORS)
    assert movers.empty
    assert cloud.verdict_c11(empty_usage, empty_shares, movers, VENDORS, statements([])).verdict == UNTESTABLE
    assert cloud.participation(movers, VENDORS)["moved"].sum() == 0
