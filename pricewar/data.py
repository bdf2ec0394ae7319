"""Loading the curated tables and converting prices to one canonical unit.

Every table is read through `load`, which records the file in the build's read log: the build uses that log to
re-execute exactly the notebooks that read a changed file.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import paths

CANONICAL_UNIT = "CNY/1M tokens"

# unit -> (currency, tokens the price is quoted for)
UNITS = {
    "CNY/1K tokens": ("CNY", 1_000),
    "CNY/10K tokens": ("CNY", 10_000),
    "CNY/1M tokens": ("CNY", 1_000_000),
    "USD/1K tokens": ("USD", 1_000),
    "USD/1M tokens": ("USD", 1_000_000),
}


def record_read(path: Path) -> None:
    log = paths.read_log()
    if log is not None:
        with open(log, "a", encoding="utf-8") as f:
            f.write(str(Path(path).resolve()) + "\n")


@lru_cache(maxsize=None)
def _schema(data_dir: str) -> dict:
    path = Path(data_dir) / "datapackage.json"
    record_read(path)
    with open(path, encoding="utf-8") as f:
        package = json.load(f)
    return {r["name"]: r for r in package["resources"]}


def schema(table: str, data_dir: Path | None = None) -> dict:
    return _schema(str(data_dir or paths.data_dir()))[table]


def load(table: str, data_dir: Path | None = None) -> pd.DataFrame:
    """Read data/<table>.csv with the column types the schema declares (dates parsed, numbers as floats)."""
    data_dir = Path(data_dir or paths.data_dir())
    resource = schema(table, data_dir)
    path = data_dir / resource["path"]
    record_read(path)
    fields = resource["schema"]["fields"]
    dtypes = {f["name"]: "string" for f in fields if f["type"] == "string"}
    df = pd.read_csv(path, encoding="utf-8-sig", dtype=dtypes, keep_default_na=False, na_values={
        f["name"]: [""] for f in fields if f["type"] != "string"})
    for f in fields:
        if f["type"] == "date":
            df[f["name"]] = pd.to_datetime(df[f["name"]], format="%Y-%m-%d")
        elif f["type"] == "number":
            df[f["name"]] = pd.to_numeric(df[f["name"]]).astype(float)
        elif f["type"] == "string":
            df[f["name"]] = df[f["name"]].fillna("").astype(str).str.strip()
    return df


def vendors(data_dir: Path | None = None) -> pd.DataFrame:
    return load("vendors", data_dir).set_index("vendor")


def fx_rate_on(dates: pd.Series, fx: pd.DataFrame) -> pd.DataFrame:
    """The dated CNY-per-USD rate closest to each date (ties go to the earlier rate), with the rate's own date."""
    rates = fx.sort_values("date")[["date", "cny_per_usd"]].rename(columns={"date": "fx_date"})
    left = pd.DataFrame({"date": pd.to_datetime(dates).values, "_order": range(len(dates))}).sort_values("date")
    merged = pd.merge_asof(left, rates, left_on="date", right_on="fx_date", direction="nearest")
    return merged.sort_values("_order").set_index(dates.index)[["fx_date", "cny_per_usd"]]


def to_cny_per_million(prices: pd.DataFrame, fx: pd.DataFrame, columns=("price_before", "price_after")) -> pd.DataFrame:
    """Add `<column>_cny_per_m` columns: the price in yuan per million tokens, USD converted at the dated rate.

    Unknown units raise, naming the unit, rather than silently producing NaN.
    """
    unknown = sorted(set(prices["unit"]) - set(UNITS))
    if unknown:
        raise ValueError(f"unknown price unit(s) {unknown}; expected one of {sorted(UNITS)}")
    out = prices.copy()
    currency = out["unit"].map(lambda u: UNITS[u][0])
    per_tokens = out["unit"].map(lambda u: UNITS[u][1])
    factor = 1_000_000 / per_tokens
    out["cny_per_usd"] = float("nan")
    out["fx_date"] = pd.NaT
    usd = currency == "USD"
    if usd.any():
        if fx.empty:
            raise ValueError("USD prices need at least one row in fx.csv")
        rates = fx_rate_on(out.loc[usd, "date"], fx)
        out.loc[usd, "cny_per_usd"] = rates["cny_per_usd"]
        out.loc[usd, "fx_date"] = rates["fx_date"]
    to_cny = out["cny_per_usd"].where(usd, 1.0)
    for col in columns:
        out[f"{col}_cny_per_m"] = out[col] * factor * to_cny
    return out


def prices(data_dir: Path | None = None) -> pd.DataFrame:
    """price_changes joined with vendor names, with canonical CNY/1M prices and the cut as a fraction."""
    df = to_cny_per_million(load("price_changes", data_dir), load("fx", data_dir))
    names = vendors(data_dir)[["name_en", "name_zh", "kind"]]
    df = df.join(names, on="vendor")
    df["cut_fraction"] = 1 - df["price_after_cny_per_m"] / df["price_before_cny_per_m"]
    return df
