"""Loading the curated tables and converting prices to one canonical unit.

Every table is read through `load`, which records the file in the build's read log: the build uses that log to
re-execute exactly the notebooks that read a changed file.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from . import paths

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
            f.write("F " + str(Path(path).resolve()) + "\n")


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
        f["name"]: [""] for f in fields if f["type"] != "string"}, skip_blank_lines=True)
    df.columns = df.columns.str.strip()  # validation accepts " model " in a header; so must loading
    for f in fields:
        if f["type"] == "date":
            df[f["name"]] = pd.to_datetime(df[f["name"]], format="%Y-%m-%d")
        elif f["type"] == "number":
            df[f["name"]] = pd.to_numeric(df[f["name"]]).astype(float)
        elif f["type"] == "string":
            df[f["name"]] = df[f["name"]].fillna("").astype(str).str.strip()
    return df



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



def record_listing(folder: Path) -> None:
    """Record that a notebook depends on which files a folder holds (not only on their contents)."""
    log = paths.read_log()
    if log is not None:
        with open(log, "a", encoding="utf-8") as f:
            f.write("D " + str(Path(folder).resolve()) + "\n")


QUALITY_RANK = {"A": 0, "B": 1, "C": 2}
PRICE_KEY = ["date", "vendor", "model", "direction", "tier", "variant"]


def grade_rank(quality: pd.Series) -> pd.Series:
    """Sort key for source grades: A before B before C, anything else last."""
    return quality.map(QUALITY_RANK).fillna(9)


def standard_tier(tier: pd.Series) -> pd.Series:
    """True for a model's standard price: no context tier, or the tier that starts at zero tokens."""
    tier = tier.fillna("").astype(str)
    return (tier == "") | tier.str.startswith("0-")


def list_prices(prices: pd.DataFrame) -> pd.DataFrame:
    """Standard list prices only: the base context tier, and no off-peak, cache-hit, batch, promotional or
    thinking-mode variant."""
    keep = prices["variant"].fillna("") == ""
    if "tier" in prices:
        keep &= standard_tier(prices["tier"])
    return prices[keep]


def on_sale(prices: pd.DataFrame, date) -> pd.DataFrame:
    """The price in force on `date` for every model on sale that day.

    For each (vendor, model, direction, tier, variant), its latest row dated up to `date` (best grade first on a
    tie), kept only if the model was launched by then (or, where the launch is not sourced, first priced by then) and
    not yet retired (the `launched` and `retired` columns that Dataset.prices joins from the catalogue). A retired
    model's last price does not live on.
    """
    date = pd.Timestamp(date)
    key = ["vendor", "model", "direction", "tier", "variant"]
    rows = prices[prices["date"] <= date].copy()
    rows["_rank"] = grade_rank(rows["source_quality"])
    rows = rows.sort_values(["date", "_rank"], ascending=[True, False], kind="stable")
    latest = rows.groupby([k for k in key if k in rows], sort=False, dropna=False).tail(1).drop(columns="_rank")
    if "retired" in latest:
        latest = latest[~(latest["retired"].notna() & (latest["retired"] <= date))]
    if "launched" in latest:
        latest = latest[~(latest["launched"].notna() & (latest["launched"] > date))]
    return latest.reset_index(drop=True)


DISAGREE_TOLERANCE = 0.05   # sources within 5% of each other agree: rounding, or a USD list price beside a CNY one


def price_spread(grouped) -> pd.Series:
    """For each group of a grouped price column, how far apart its prices are, as a fraction of the largest (0: all
    equal or none stated; 1: free against priced)."""
    high, low = grouped.max(), grouped.min()  # missing prices skipped
    spread = (high - low) / high.where(high != 0)
    spread[high == 0] = (low != high)[high == 0].astype(float)
    return spread.fillna(0.0).astype(float)


def consensus(prices: pd.DataFrame, key=PRICE_KEY) -> pd.DataFrame:
    """One row per announced price, when several sources report it.

    The row comes from the best-graded source; a price before the change that only a weaker source gives is
    filled in (in CNY per 1M tokens, so units never mix). `n_sources` counts the sources, and `disagree` flags
    announcements whose sources state new prices more than DISAGREE_TOLERANCE apart (a vendor's USD list price
    converted at the day's rate is not exactly its CNY price): kept and shown, not hidden.
    """
    key = [k for k in key if k in prices]  # hand-made tables (tests) may have no tier column
    df = prices.assign(_rank=grade_rank(prices["source_quality"])).sort_values(key + ["_rank"], kind="stable")
    # Group numbers found once (in order of first appearance), and every step per group uses them: grouping by
    # the key columns again for each step took half of this function's time, which the sensitivity checks repeat.
    gid = df.groupby(key, sort=False, dropna=False).ngroup().to_numpy()
    groups = df.groupby(gid, sort=False)
    best = df[~pd.Series(gid).duplicated().to_numpy()]  # the best-graded row of each announcement
    best = best[key + [c for c in best.columns if c not in key]].reset_index(drop=True)
    best["price_before_cny_per_m"] = groups["price_before_cny_per_m"].first().array
    known = df["price_before_cny_per_m"].notna().to_numpy()
    # The grade of the source of the earlier price.
    best["before_quality"] = df["source_quality"][known].groupby(gid[known], sort=False).first().reindex(
        range(len(best))).array
    best["n_sources"] = np.bincount(gid, minlength=len(best))
    best["disagree"] = (price_spread(groups["price_after_cny_per_m"]) > DISAGREE_TOLERANCE + 1e-9).to_numpy()
    best["cut_fraction"] = 1 - best["price_after_cny_per_m"] / best["price_before_cny_per_m"]
    return best.drop(columns="_rank").sort_values(["date", "vendor", "model"]).reset_index(drop=True)


# --- When a row became known: the as-of view (--as-of) keeps only rows known by its date --------------------------
# Published market shares carry no publication date; a share counts as known this long after its period ends (the
# slowest release in the data came about four and a half months after the period; Canalys' Q1 2024 figures three).
SHARE_PUBLICATION_LAG = pd.DateOffset(months=6)


def period_end(period: str) -> pd.Timestamp:
    """'2024' -> 2024-12-31, '2025H1' -> 2025-06-30, '2024Q2' -> 2024-06-30."""
    year = int(period[:4])
    rest = period[4:]
    if not rest:
        month = 12
    elif rest[0] == "H":
        month = 6 * int(rest[1])
    else:
        month = 3 * int(rest[1])
    return pd.Timestamp(year=year, month=month, day=1) + pd.offsets.MonthEnd(0)


def latest_date_in(text: str):
    """The latest date written in a free-text period: when a figure was known at the earliest.

    '2022-2025 (published 2025-03-12)' -> 2025-03-12, '2023-03 to 2024-11' -> 2024-11-01, 'n/a' -> NaT.
    """
    found = []
    if not isinstance(text, str):
        return pd.NaT
    for y, m, d in re.findall(r"(?<!\d)((?:19|20)\d\d)(?:-(\d\d))?(?:-(\d\d))?(?!\d)", text):
        found.append(pd.Timestamp(int(y), int(m or 1), int(d or 1)))
    return max(found) if found else pd.NaT


def known_on(table: str, df: pd.DataFrame) -> pd.Series | None:
    """The date each row of a table became known, or None for a table of reference facts that is never cut.

    Most tables: the row's `date` (empty = cannot be shown to have been known: left out of any as-of view).
    usage: the day the figure was stated (`stated`), else its date, so a retrospective figure for May 2024 first
    stated in 2025 is not known in mid-2024, while a forecast made in May 2024 for the year's end is.
    market_share: SHARE_PUBLICATION_LAG after the period ends. decline_rates: the latest date in `period`; Moore's
    law is reference knowledge decades old and always kept. models: handled by Dataset.models (launch and
    retirement). vendors and fx: reference data (fx is cut in Dataset.load, keeping at least one rate).
    """
    if table == "usage" and "stated" in df:
        return df["stated"].fillna(df["date"])
    if table == "market_share" and "period" in df:
        return df["period"].map(period_end) + SHARE_PUBLICATION_LAG
    if table == "decline_rates" and "period" in df:
        dates = df["period"].map(latest_date_in)
        moore = df["source"].fillna("").astype(str).str.contains("Moore", case=False)
        return dates.mask(moore, pd.Timestamp.min)
    if table in ("fx", "vendors", "models"):
        return None
    return df["date"] if "date" in df else None


class Dataset:
    """The tables as a notebook sees them: from one data folder, optionally cut off at an as-of date.

    The as-of cut lives here, for every table at once: a chapter that loads through a Dataset sees only the rows
    known by `as_of` (known_on), so no chapter can forget it.
    """

    def __init__(self, data_dir=None, as_of=None):
        self.data_dir = Path(data_dir) if data_dir else paths.data_dir()
        self.as_of = pd.Timestamp(as_of) if as_of else None

    def load(self, table: str) -> pd.DataFrame:
        df = load(table, self.data_dir)
        if self.as_of is None:
            return df
        if table == "models":
            return self.models()
        if table == "fx":
            # Exchange rates are reference data, not news, but a rate published later is still later: keep the rates
            # known by then, and only if there are none the earliest one, so USD prices stay convertible.
            known = df[df["date"] <= self.as_of]
            return (known if len(known) else df.sort_values("date").head(1)).reset_index(drop=True)
        when = known_on(table, df)
        if when is None:
            return df
        return df[when.notna() & (when <= self.as_of)].reset_index(drop=True)

    def models(self) -> pd.DataFrame:
        """The model catalogue. As of a date, models launched later are not yet known, and retirements after it
        had not happened: they are dropped."""
        df = load("models", self.data_dir)
        if self.as_of is not None:
            df = df[~(df["launched"] > self.as_of)].reset_index(drop=True)
            later = df["retired"] > self.as_of
            df.loc[later, ["retired", "superseded_by"]] = [pd.NaT, ""]
        return df

    def vendors(self) -> pd.DataFrame:
        return self.load("vendors").set_index("vendor")

    def prices(self) -> pd.DataFrame:
        """price_changes with CNY/1M prices, vendor names, and cut fractions. As of a date, a price announced
        ahead of a launch that came later is left out with its model (prices apply from the launch)."""
        df = to_cny_per_million(self.load("price_changes"), self.load("fx"))
        df = df.join(self.vendors()[["name_en", "name_zh", "kind"]], on="vendor")
        if self.as_of is not None:
            full = load("models", self.data_dir)
            later = set(zip(full.loc[full["launched"] > self.as_of, "vendor"],
                            full.loc[full["launched"] > self.as_of, "model"]))
            if later:
                df = df[[k not in later for k in zip(df["vendor"], df["model"])]].reset_index(drop=True)
        catalogue = self.models().set_index(["vendor", "model"])[["family", "tier", "launched", "retired",
                                                                  "superseded_by"]]
        df = df.join(catalogue.rename(columns={"tier": "model_tier"}), on=["vendor", "model"])
        df["cut_fraction"] = 1 - df["price_after_cny_per_m"] / df["price_before_cny_per_m"]
        return df

    def newest_date(self) -> pd.Timestamp:
        """The newest date the data know of: when the latest price, statement or usage figure became known (a
        forecast's target date is not a date the data reach)."""
        dates = [known_on(t, df).max() for t in ("price_changes", "usage", "statements") for df in [self.load(t)]]
        return max(d for d in dates if pd.notna(d))
