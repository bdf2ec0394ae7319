"""Unit conversion, source consensus and prose helpers."""
from __future__ import annotations

import pandas as pd
import pytest

from pricewar import prose
from pricewar.data import consensus, to_cny_per_million


def prices(rows):
    df = pd.DataFrame(rows, columns=["date", "vendor", "model", "direction", "price_before", "price_after", "unit",
                                     "event", "variant", "source_quality"])
    df["date"] = pd.to_datetime(df["date"])
    return df


FX = pd.DataFrame({"date": pd.to_datetime(["2024-05-13", "2024-07-18"]), "cny_per_usd": [7.1, 7.2]})


def test_units_convert_to_cny_per_million():
    df = to_cny_per_million(prices([
        ["2024-05-21", "alibaba", "Qwen-Long", "input", 0.02, 0.0005, "CNY/1K tokens", "cut", "", "A"],
        ["2024-05-22", "iflytek", "Spark", "input", None, 0.21, "CNY/10K tokens", "cut", "", "A"],
        ["2024-05-06", "deepseek", "V2", "input", None, 1, "CNY/1M tokens", "launch", "", "A"],
    ]), FX)
    assert df["price_after_cny_per_m"].round(9).tolist() == [0.5, 21.0, 1.0]
    assert df["price_before_cny_per_m"].iloc[0] == pytest.approx(20.0)


def test_usd_uses_the_closest_dated_rate():
    df = to_cny_per_million(prices([
        ["2024-05-14", "openai", "GPT-4o", "input", None, 5, "USD/1M tokens", "launch", "", "A"],
        ["2024-07-20", "openai", "mini", "input", None, 0.15, "USD/1M tokens", "launch", "", "A"],
    ]), FX)
    assert df["price_after_cny_per_m"].tolist() == pytest.approx([35.5, 1.08])
    assert df["fx_date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-05-13", "2024-07-18"]


def test_unknown_unit_raises_naming_it():
    with pytest.raises(ValueError, match="CNY/2K tokens"):
        to_cny_per_million(prices([["2024-05-21", "a", "m", "input", None, 1, "CNY/2K tokens", "cut", "", "A"]]), FX)


def test_consensus_prefers_better_source_and_flags_disagreement():
    df = to_cny_per_million(prices([
        ["2024-05-21", "baidu", "ERNIE-Lite", "input", None, 0, "CNY/1K tokens", "cut", "", "B"],
        ["2024-05-21", "baidu", "ERNIE-Lite", "input", 0.003, 0, "CNY/1K tokens", "cut", "", "C"],
        ["2024-05-21", "tencent", "lite", "input", None, 0, "CNY/1K tokens", "cut", "", "C"],
        ["2024-05-21", "tencent", "lite", "input", None, 0.1, "CNY/1M tokens", "cut", "", "B"],
    ]), FX)
    merged = consensus(df).set_index("vendor")
    assert merged.loc["baidu", "source_quality"] == "B"
    assert merged.loc["baidu", "price_before_cny_per_m"] == pytest.approx(3.0)   # filled from the C source
    assert merged.loc["baidu", "n_sources"] == 2 and not merged.loc["baidu", "disagree"]
    assert merged.loc["tencent", "disagree"] and merged.loc["tencent", "price_after_cny_per_m"] == pytest.approx(0.1)



def test_a_usd_list_price_beside_a_cny_one_is_not_a_disagreement():
    """Vendors publish two lists; the USD one converted at the day's rate is near, not equal to, the CNY one."""
    df = to_cny_per_million(prices([
        ["2024-05-14", "deepseek", "chat", "input", None, 1.0, "CNY/1M tokens", "cut", "", "A"],
        ["2024-05-14", "deepseek", "chat", "input", None, 0.14, "USD/1M tokens", "cut", "", "A"],   # 0.994 yuan
        ["2024-05-14", "zhipu", "glm", "input", None, 1.0, "CNY/1M tokens", "cut", "", "A"],
        ["2024-05-14", "zhipu", "glm", "input", None, 0.10, "USD/1M tokens", "cut", "", "C"],   # 0.71 yuan
    ]), FX)
    merged = consensus(df).set_index("vendor")
    assert not merged.loc["deepseek", "disagree"] and merged.loc["deepseek", "n_sources"] == 2
    assert merged.loc["zhipu", "disagree"]
    assert prose.pct(0.975) == "97.5%" and prose.pct(0.8) == "80%"
    assert prose.big(3e13) == "30 trillion" and prose.big(1.5e9) == "1.5 billion"
    assert prose.yuan(0) == "free" and prose.yuan(0.5) == "0.5 yuan"
    assert prose.listing(["a", "b", "c"]) == "a, b and c"


def test_a_softened_verdict_names_its_alternative_in_plain_words():
    from pricewar.sensitivity import Sensitivity, settle
    from pricewar.verdicts import Verdict

    by_source = settle(Sensitivity(Verdict("C9", "supported", "Evidence."),
                                   [("without example.com", "partly supported"), ("a threshold of 3", "supported")]))
    assert by_source.verdict == "partly supported"
    assert by_source.evidence.endswith("rather than supported: without example.com, it would be partly supported.")
    assert by_source.robustness == "1 of 2 alternatives change it: partly supported without example.com"
    by_reading = settle(Sensitivity(Verdict("C9", "supported", "Evidence."),
                                    [("grade-C sources left out", "not supported")]))
    assert "with grade-C sources left out, it would be not supported" in by_reading.evidence
    assert by_reading.robustness.endswith("not supported if grade-C sources left out")
