"""What a notebook publishes besides its charts: generated prose, its verdicts and finding, and its source list.

`record` writes chapters/<name>.json; the scorecard notebook and the index page read those files.
"""
from __future__ import annotations

import json

import pandas as pd

from . import paths
from .data import record_listing, record_read
from .verdicts import CLAIMS, Verdict


def say(markdown: str) -> None:
    """Show generated Markdown as prose in the page."""
    from IPython.display import Markdown, display

    display(Markdown(markdown))


def record(name: str, title: str, finding: str, verdicts: list[Verdict], summary: list[str] | None = None) -> None:
    """Save what the index page and the scorecard show of this chapter (summary: the report's lead sentences)."""
    out = paths.chapter_dir()
    out.mkdir(parents=True, exist_ok=True)
    payload = {"chapter": name, "title": title, "finding": finding,
               "verdicts": [dict(v.to_dict(), chapter=name) for v in verdicts]}
    if summary:
        payload["summary"] = summary
    (out / f"{name}.json").write_text(json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                      encoding="utf-8")


def recorded(names: list[str]) -> list[dict]:
    """The records of the named chapters, in that order (missing ones raise, naming the notebook to run)."""
    out = []
    record_listing(paths.records_dir())
    for name in names:
        path = paths.records_dir() / f"{name}.json"
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing: run notebooks/{name}.ipynb first (python build.py does)")
        record_read(path)
        out.append(json.loads(path.read_text(encoding="utf-8")))
    return out


def verdict_markdown(v: Verdict) -> str:
    """The claim box; every text in it is escaped (the evidence quotes values from the data)."""
    from html import escape

    text, quote = CLAIMS[v.claim]
    return (f'<div class="verdict" id="{escape(v.claim)}" data-verdict="{escape(v.verdict)}"><p class="claim">'
            f'<b>{escape(v.claim)}</b> {escape(text)} <span lang="zh-Hant">「{escape(quote)}」</span></p>'
            f'<p><span class="badge">{escape(v.verdict)}</span> {escape(v.evidence)}</p></div>')


def show_verdicts(verdicts: list[Verdict]) -> None:
    from IPython.display import HTML, display

    display(HTML("\n".join(verdict_markdown(v) for v in verdicts)))



def sources(*frames: pd.DataFrame) -> None:
    """A numbered list of every distinct source_url in the rows the chapter used, with its quality grade.

    Addresses are printed, not linked: the report makes no reference to any other host (it must read the same
    offline), and one click selects an address for copying.
    """
    from html import escape

    from IPython.display import HTML, display

    rows = pd.concat([f[["source_url", "source_quality"]] for f in frames if "source_url" in f], ignore_index=True)
    rows = rows.drop_duplicates("source_url").sort_values(["source_quality", "source_url"])
    items = "\n".join(f'<li><span class="url">{escape(url)}</span> <span class="grade">(grade {escape(quality)})</span></li>'
                       for url, quality in rows.itertuples(index=False))
    say("### Sources\n\nGrades: A primary or major outlet, B trade media or a named outlet's repost, C aggregator. "
        "Addresses are printed rather than linked, so that the report reads the same offline; click one to select "
        "it for copying.")
    display(HTML(f'<ol class="sources">\n{items}\n</ol>'))


def show_sensitivity(tested) -> None:
    """For each claim, a small table: the verdict as tested and under each alternative (generated, escaped)."""
    from .verdicts import REGISTRY

    parts = []
    for v, s in tested:
        claim = REGISTRY[v.claim]
        parts.append(f"**{v.claim}: how robust.** Reading tested: {claim.reading} Rule: {claim.rule} "
                     f"Robustness: {s.line()}.\n\n{s.table()}")
    say("\n\n".join(parts))
