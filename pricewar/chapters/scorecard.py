"""Chapter 7: every claim with its verdict, gathered from what the chapters recorded."""
from __future__ import annotations

from collections import Counter

from .. import prose
from ..verdicts import CLAIMS, UNTESTABLE, VERDICTS


def chapter_names(notebook_names: list[str], own: str) -> list[str]:
    """The chapters before the scorecard, in reading order."""
    return sorted(n for n in notebook_names if n < own)


def table(records: list[dict]):
    """rows() as a DataFrame, for the notebook."""
    import pandas as pd

    return pd.DataFrame(rows(records))


def rows(records: list[dict]) -> list[dict]:
    """One row per claim C1-C11. A claim no chapter tested is shown as untestable, and says so.

    Plain dicts, so the index page can be written without importing pandas."""
    found = {}
    for record in records:
        for v in record.get("verdicts", []):
            found[v["claim"]] = dict(v, chapter_title=record.get("title", v.get("chapter", "")))
    rows = []
    for claim, (text, quote) in CLAIMS.items():
        v = found.get(claim) or {"claim": claim, "verdict": UNTESTABLE, "evidence": "No chapter tested this claim.",
                                 "chapter": "", "chapter_title": "", "figures": []}
        rows.append({"claim": claim, "text": text, "quote": quote, "verdict": v["verdict"], "evidence": v["evidence"],
                     "chapter": v["chapter"], "chapter_title": v["chapter_title"],
                     "strength": strength_text(v), "robustness": v.get("robustness", ""),
                     "citations": list(v.get("citations") or [])})
    return rows


def strength_text(v: dict) -> str:
    """'3 independent sources, best grade B' or '2 independent sources, grade C only' ('' when not counted)."""
    n = v.get("sources") or 0
    if not n:
        return ""
    grade = "grade C only" if v.get("grade_c_only") else f"best grade {v.get('best_grade', '')}"
    return f"{n} independent source{'' if n == 1 else 's'}, {grade}"


def counts_sentence(scores) -> str:
    counts = Counter(scores["verdict"])
    parts = [f"{counts.get(v, 0)} {v}" for v in VERDICTS if counts.get(v, 0)]
    text = f"Of the article's {len(scores)} claims, the data rate {prose.listing(parts)}."
    if "strength" in scores:
        c_only = scores[scores["strength"].str.endswith("grade C only")]
        tested = scores[scores["robustness"].str.len() > 0]
        holds = tested[tested["robustness"].str.startswith("holds")]
        if len(c_only):
            text += (f" {len(c_only)} of the verdicts ({', '.join(c_only['claim'])}) "
                     f"{'rests' if len(c_only) == 1 else 'rest'} on grade-C (aggregator) sources only.")
        if len(tested):
            text += (f" {len(holds)} of the {len(tested)} verdicts tested for robustness "
                     f"{'holds' if len(holds) == 1 else 'hold'} under every alternative.")
    return text


def summary(scores, records: list[dict]) -> list[str]:
    """Three lead sentences for the index page: the tally, then the findings of the first and the hindsight chapters."""
    findings = [r["finding"] for r in records if r.get("finding")]
    lead = [counts_sentence(scores)]
    if findings:
        lead.append(findings[0])
    hindsight = [r["finding"] for r in records if "predictions" in r.get("chapter", "")]
    if hindsight:
        lead.append(hindsight[0])
    elif len(findings) > 1:
        lead.append(findings[-1])
    return lead


def table_html(scores) -> str:
    """The scorecard as an HTML table; every text is escaped (evidence quotes values from the data)."""
    from html import escape as e

    from ..chapter import cite

    rows = "\n".join(
        f'<tr data-verdict="{e(r.verdict)}"><th scope="row">{e(r.claim)}</th><td>{e(r.text)}<br>'
        f'<span class="quote" lang="zh-Hant">「{e(r.quote)}」</span></td><td><span class="badge">{e(r.verdict)}</span>'
        f'</td><td>{e(r.evidence)} '
        + (f'<a href="{e(r.chapter)}.html#{e(r.claim)}">{e(r.chapter_title)} →</a>' if r.chapter else "")
        + (f'<br><span class="strength">Evidence: {e(r.strength)}.</span>' if r.strength else "")
        + (f'<br><span class="robustness">Robustness: {e(r.robustness)}.</span>' if r.robustness else "")
        + (f"<br>{cite(r.citations).strip()}" if getattr(r, "citations", None) else "")
        + "</td></tr>"
        for r in scores.itertuples())
    return ('<table class="scorecard"><thead><tr><th scope="col">Claim</th><th scope="col">The article</th>'
            f'<th scope="col">Verdict</th><th scope="col">Evidence</th></tr></thead><tbody>{rows}</tbody></table>')
