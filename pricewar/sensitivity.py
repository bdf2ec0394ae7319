"""How a verdict fares when its thresholds move, when another reading is taken, or when sources are left out.

A chapter calls `check(rule, inputs, alternatives)`: the rule is run on the inputs as they are, then once per
alternative. Source alternatives are built by `without_sources`: every grade-C row left out, and each single source
left out in turn. The result carries a small table for the chapter and one robustness line for the scorecard, and
`settle` makes sure a verdict that flips under a reasonable alternative is never a plain "supported" or "not
supported".
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .verdicts import NOT_SUPPORTED, PARTLY, SUPPORTED, Verdict


@dataclass
class Sensitivity:
    base: Verdict
    results: list[tuple[str, str]] = field(default_factory=list)  # (alternative, verdict)
    as_tested: str = ""   # the rule's verdict before settle() may soften base.verdict; flips compare with it
    shown: list[tuple[str, str]] = field(default_factory=list)  # proxies shown beside the verdict, never deciding it

    def __post_init__(self):
        self.as_tested = self.as_tested or self.base.verdict

    @property
    def flips(self) -> list[tuple[str, str]]:
        return [(label, v) for label, v in self.results if v != self.as_tested]

    def line(self) -> str:
        if not self.results:
            return "no alternative tested"
        flips = self.flips
        if not flips:
            return f"holds under all {len(self.results)} alternatives"
        shown = "; ".join(f"{v} {condition(label, 'if')}" for label, v in flips[:3])
        more = f" (and {len(flips) - 3} more)" if len(flips) > 3 else ""
        return f"{len(flips)} of {len(self.results)} alternatives change it: {shown}{more}"

    def table(self) -> str:
        """Markdown: the main reading, then each alternative and its verdict."""
        rows = ["| Reading or data | Verdict |", "|---|---|", f"| as tested | {self.as_tested} |"]
        rows += [f"| {label} | {v}{' (changes)' if v != self.as_tested else ''} |" for label, v in self.results]
        rows += [f"| {label} (a proxy, shown, not a reading of the claim) | {v} |" for label, v in self.shown]
        return "\n".join(rows)


def condition(label: str, word: str) -> str:
    """An alternative's label as a condition: "without example.com" as it is, else "if …" / "with …"."""
    return label if label.startswith("without ") else f"{word} {label}"


def source_rows(frames: dict[str, pd.DataFrame]) -> list[str]:
    """Every distinct source address in the frames, in a stable order."""
    urls = set()
    for df in frames.values():
        if isinstance(df, pd.DataFrame) and "source_url" in df:
            urls |= set(df["source_url"].dropna())
    return sorted(urls)


def without_sources(frames: dict[str, pd.DataFrame], per_source: bool = True) -> dict[str, dict]:
    """Alternative inputs: grade-C rows left out, and (per_source) each single source left out."""
    def drop(keep) -> dict:
        out = {}
        for name, df in frames.items():
            out[name] = df[keep(df)].reset_index(drop=True) if isinstance(df, pd.DataFrame) and "source_url" in df else df
        return out

    alternatives = {}
    if any(isinstance(df, pd.DataFrame) and "source_quality" in df and (df["source_quality"] == "C").any()
           for df in frames.values()):
        alternatives["grade-C sources left out"] = drop(lambda df: df["source_quality"] != "C")
    if per_source:
        seen = set()
        for url in source_rows(frames):
            host = url.split("/")[2] if url.count("/") >= 2 else url
            alternatives[f"without {url}" if host in seen else f"without {host}"] = drop(lambda df, u=url: df["source_url"] != u)
            seen.add(host)
    return alternatives


def check(rule, inputs: dict, alternatives: dict[str, dict] | None = None, sources: bool = True,
          per_source: bool = True) -> Sensitivity:
    """Run rule(**inputs), then rule(**(inputs | changes)) for every alternative (and the source alternatives).

    Single-source alternatives are summarised as one row per distinct outcome, so a chapter's table stays short.
    The dozens of re-runs are most of a chapter's time: under the build, a check whose rule and inputs are those
    of an earlier build returns that build's result (memo.py).
    """
    from . import memo

    return memo.call(_check, rule, inputs, alternatives, sources, per_source)


def _check(rule, inputs: dict, alternatives: dict[str, dict] | None, sources: bool, per_source: bool) -> Sensitivity:
    base = rule(**inputs)
    results = [(label, rule(**dict(inputs, **changes)).verdict) for label, changes in (alternatives or {}).items()]
    if sources:
        frames = {k: v for k, v in inputs.items() if isinstance(v, pd.DataFrame)}
        alts = without_sources(frames, per_source=per_source)
        grade_c = alts.pop("grade-C sources left out", None)
        if grade_c is not None:
            results.append(("grade-C sources left out", rule(**dict(inputs, **grade_c)).verdict))
        singles = [(label, rule(**dict(inputs, **changes)).verdict) for label, changes in alts.items()]
        if singles:
            flipped = [(label, v) for label, v in singles if v != base.verdict]
            if flipped:
                results += flipped
            else:
                results.append((f"any one of {len(singles)} sources left out", base.verdict))
    return Sensitivity(base, results)


def settle(s: Sensitivity) -> Verdict:
    """The verdict to publish: a plain supported / not supported that flips under an alternative becomes partly
    supported, with the robustness line attached either way."""
    v = s.base
    v.robustness = s.line()
    if v.verdict in (SUPPORTED, NOT_SUPPORTED) and s.flips:
        v.evidence += (f" It is rated partly supported rather than {v.verdict}: {condition(s.flips[0][0], 'with')}, it "
                       f"would be {s.flips[0][1]}.")
        v.verdict = PARTLY
    return v


def strength(v: Verdict, *frames: pd.DataFrame, independent_by: str = "host") -> Verdict:
    """Attach the evidence strength: independent sources (one per host, so an outlet reprinted on one site counts
    once), the best grade, and whether all are grade C."""
    rows = pd.concat([f[["source_url", "source_quality"]] for f in frames if len(f) and "source_url" in f],
                     ignore_index=True) if any(len(f) and "source_url" in f for f in frames) else pd.DataFrame()
    if rows.empty:
        return v
    from .chapter import citation_rows

    v.citations = citation_rows(*frames)
    hosts = rows["source_url"].str.split("/").str[2].str.removeprefix("www.")
    v.sources = int(hosts.nunique()) if independent_by == "host" else int(rows["source_url"].nunique())
    v.best_grade = min(rows["source_quality"])
    v.grade_c_only = set(rows["source_quality"]) == {"C"}
    return v
