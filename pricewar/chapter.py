"""What a notebook publishes besides its charts: generated prose, its verdicts and finding, and its source list.

`record` writes chapters/<name>.json; the scorecard notebook and the index page read those files.
"""
from __future__ import annotations

import json
import re
from html import escape

import pandas as pd

from . import paths
from .data import record_listing, record_read
from .verdicts import CLAIMS, Verdict


def say(markdown: str, sources=None) -> None:
    """Show generated Markdown as prose in the page. With `sources` (a frame or a list of frames: the rows a table
    in the Markdown was computed from), each table cites them in a line under it."""
    from IPython.display import HTML, Markdown, display

    if sources is None:
        display(Markdown(markdown))
        return
    frames = [f for f in (sources if isinstance(sources, (list, tuple)) else [sources]) if isinstance(f, pd.DataFrame)]
    refs = cite(citation_rows(*frames), "Sources of the table above")
    line = f'<p class="table-refs">{refs.strip()}</p>' if refs else ""
    display(HTML(_markdown(markdown).replace("</table>", "</table>" + line)))


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
    """The claim box; every text in it is escaped (the evidence quotes values from the data). Its evidence cites
    the sources it rests on; the page numbers them from its source list (`[3]` linking to `#src-3`)."""
    text, quote = CLAIMS[v.claim]
    figures = f' data-figures="{escape(" ".join(v.figures))}"' if v.figures else ""
    return (f'<div class="verdict" id="{escape(v.claim)}" data-verdict="{escape(v.verdict)}"{figures}>'
            f'<p class="claim"><b>{escape(v.claim)}</b> {escape(text)} <span lang="zh-Hant">「{escape(quote)}」</span>'
            f'</p><p><span class="badge">{escape(v.verdict)}</span> {escape(v.evidence)}'
            f'{cite(v.citations)}</p></div>')


def show_verdicts(verdicts: list[Verdict]) -> None:
    from IPython.display import HTML, display

    display(HTML("\n".join(verdict_markdown(v) for v in verdicts)))



def sources(*frames: pd.DataFrame) -> None:
    """The chapter's source list: every distinct source_url in the rows it used, as a link, with what it supports.

    Each entry shows the host, what the rows say the page says (source_note, summary or evidence, shortened), the
    date or period of those rows, the quality grade and a readable form of the address (percent-decoded, a
    translation proxy shown as such with the page it wraps, tracking parameters named). The link is the address
    exactly as recorded, and only an http(s) address becomes a link. Every value is HTML-escaped.
    """
    from IPython.display import HTML, display

    display(HTML(sources_html(*frames)))


# --- Numbered references -------------------------------------------------------------------------------------------
# A claim box, a table or a figure cites the rows it rests on with cite(); the page then numbers every cited address
# from its one source list (pricewar.engine.references). Each notebook runs in a kernel of its own, so what was
# cited is remembered here until the chapter prints its source list, which always includes it.
_CITED: list[dict] = []
CITATION_FIELDS = ("source_url", "source_quality", "source_note", "date")


def citation_rows(*frames: pd.DataFrame) -> list[dict]:
    """One dict per distinct source address in the frames (best grade, what the rows say, their dates), best
    grade first."""
    rows = [f for f in frames if isinstance(f, pd.DataFrame) and len(f) and "source_url" in f]
    if not rows:
        return []
    return [{"source_url": url, "source_quality": grades[0] if grades else "", "source_note": _paraphrase(group),
             "date": _dates(group)} for url, grades, group in _by_address(pd.concat(rows, ignore_index=True))]


def _by_address(table: pd.DataFrame) -> list[tuple[str, list[str], pd.DataFrame]]:
    """(address, its grades best first, its rows) for each distinct source address in the table: best-graded
    first, then by host and address."""
    table = table[table["source_url"].notna() & table["source_url"].astype(str).str.strip().ne("")]
    entries = []
    for url, group in table.groupby("source_url", sort=False):
        grades = sorted({str(g) for g in group.get("source_quality", pd.Series(dtype=str)).dropna()},
                        key=lambda g: GRADE_ORDER.get(g, 9))
        entries.append((str(url), grades, group))
    entries.sort(key=lambda e: (GRADE_ORDER.get(e[1][0], 9) if e[1] else 9, display_address(e[0])[0].lower(), e[0]))
    return entries


def cite(citations, label: str = "Sources") -> str:
    """Markup citing these sources (dicts from citation_rows, or frames): each is named by its host, linked where
    its address is valid; the built page shows them as numbers linking to its source list. Remembered for the
    chapter's source list."""
    if isinstance(citations, pd.DataFrame):
        citations = citation_rows(citations)
    citations = [c for c in citations if c.get("source_url")]
    if not citations:
        return ""
    _CITED.extend(citations)
    parts = []
    for c in citations:
        url = str(c["source_url"])
        host = display_address(url)[0]
        link = safe_url(url)
        parts.append(f'<a class="cite" data-src="{escape(url, quote=True)}" href="{escape(link, quote=True)}">'
                     f'{escape(host)}</a>' if link else
                     f'<span class="cite" data-src="{escape(url, quote=True)}">{escape(host)}</span>')
    if not label:  # in a table's cell: the numbers alone
        return f'<span class="refs">{", ".join(parts)}</span>'
    return f' <span class="refs">{escape(label)}: {", ".join(parts)}</span>'


def figure_sources(name: str, *frames: pd.DataFrame) -> None:
    """Cite the rows a chart draws: the page puts the numbers into the chart's caption."""
    from IPython.display import HTML, display

    refs = cite(citation_rows(*frames), "Sources of the chart above")
    if refs:
        display(HTML(f'<p class="figure-refs" data-figure="{escape(name, quote=True)}">{refs.strip()}</p>'))


def table(frame: pd.DataFrame, intro: str = "", sources=None, by=None) -> None:
    """Show a table whose numbers cite the rows they were computed from (see table_html)."""
    from IPython.display import HTML, display

    display(HTML(table_html(frame, intro, sources, by)))


_MD = None


def _markdown(text: str) -> str:
    global _MD
    if _MD is None:
        from markdown_it import MarkdownIt

        _MD = MarkdownIt("commonmark", {"html": False}).enable("table")  # as the page renders generated prose
    return _MD.render(text)


def table_html(frame: pd.DataFrame, intro: str = "", sources=None, by=None) -> str:
    """A table (and the Markdown introducing it) whose numbers cite their sources; the page numbers them [N].

    Each row cites the rows it was computed from, in a last column "Sources": its own `source_url` (a column not
    shown), or, with `by`, the rows of `sources` (a frame or a list of frames) whose `by.name` column (or, for a
    frame `by`, every one of its columns) equals the row's key. `by` is aligned with `frame` by index: the keys
    as the data hold them, before the table relabels them. Without either, the table's sources (`sources`) are
    cited in one line under it. Every value is escaped (the Markdown is rendered without HTML).
    """
    frames = [f for f in (sources if isinstance(sources, (list, tuple)) else [sources]) if isinstance(f, pd.DataFrame)]
    rows = pd.concat([f for f in frames if len(f) and "source_url" in f], ignore_index=True) \
        if any(len(f) and "source_url" in f for f in frames) else pd.DataFrame(columns=["source_url"])
    shown = frame.drop(columns=[c for c in ("source_url",) if c in frame])
    cells: list[str] = []
    if by is not None or "source_url" in frame:
        keys = by.to_frame() if isinstance(by, pd.Series) else by
        marks = []
        for index in frame.index:
            if keys is not None:
                key = keys.loc[index]
                match = rows
                for column in keys.columns:
                    match = match[match[column].astype(str) == str(key[column])] if column in match else match.iloc[0:0]
            else:
                url = frame.at[index, "source_url"]
                match = frame.loc[[index]] if pd.notna(url) and str(url).strip() else frame.iloc[0:0]
            cells.append(cite(citation_rows(match), label=""))
            marks.append(f"CITEREF{len(cells) - 1}X" if cells[-1] else "")
        shown = shown.assign(Sources=marks)
    markup = _markdown((intro + "\n\n" if intro else "") + shown.to_markdown(index=False))
    for i, cell in enumerate(cells):
        markup = markup.replace(f"CITEREF{i}X", cell, 1)
    if not cells:
        refs = cite(citation_rows(rows), "Sources of the table above")
        markup += f'<p class="table-refs">{refs.strip()}</p>' if refs else ""
    return markup


def cited_frame() -> pd.DataFrame:
    """Everything cited so far in this kernel, as rows for sources()."""
    return pd.DataFrame(_CITED, columns=list(CITATION_FIELDS))


GRADE_ORDER = {"A": 0, "B": 1, "C": 2}
PARAPHRASE_COLUMNS = ("source_note", "summary", "evidence")
DATE_COLUMNS = ("date", "period")
TRACKING = re.compile(r"^(utm_[a-z_]+|ref|ref_src|spm|from|fbclid|gclid|share_token|scene|source)$", re.I)
PROXIES = {  # host: (what to call it, the query parameter that holds the wrapped address)
    "translate.baiducontent.com": ("Baidu Translate", ("query", "url", "u")),
    "translate.google.com": ("Google Translate", ("u",)),
    "translate.goog": ("Google Translate", ()),
    "web.archive.org": ("the Wayback Machine", ()),
}


def sources_html(*frames: pd.DataFrame) -> str:
    rows = []
    for frame in frames:
        if frame is None or "source_url" not in frame:
            continue
        keep = [c for c in ("source_url", "source_quality", *PARAPHRASE_COLUMNS, *DATE_COLUMNS) if c in frame]
        rows.append(frame[keep])
    if _CITED:  # every address cited on the page is in its list, once
        listed = set(pd.concat(rows)["source_url"].dropna().astype(str)) if rows else set()
        cited = cited_frame().drop_duplicates("source_url")
        rows.append(cited[~cited["source_url"].isin(listed)])
    if not rows:
        return '<h2>Sources</h2><p>No sourced rows.</p>'
    entries = _by_address(pd.concat(rows, ignore_index=True))
    items = "\n".join(_source_item(i, url, grades, group) for i, (url, grades, group) in enumerate(entries, 1))
    intro = ("Grades: A primary or major outlet, B trade media or a named outlet's repost, C aggregator. Each entry: "
             "where the page is, what the data take from it, when, its grade, and its address.")
    return (f'<h2>Sources</h2>\n<p class="sources-intro">{escape(intro)}</p>\n'
            f'<ol class="sources">\n{items}\n</ol>')


def _source_item(number: int, url: str, grades: list[str], group: pd.DataFrame) -> str:
    host, readable, notes = display_address(url)
    link = safe_url(url)
    name = (f'<a href="{escape(link, quote=True)}" rel="noopener noreferrer">{escape(host)}</a>' if link
            else f"<span>{escape(host)}</span>")
    what = _paraphrase(group)
    when = _dates(group)
    meta = ([f'<span class="when">{escape(when)}</span>'] if when else []) + [
        f'<span class="grade">grade {escape("/".join(grades) or "?")}</span>']
    if len(group) > 1:
        meta.append(f'<span class="grade">{len(group)} rows</span>')
    address = escape(readable) + "".join(f' <span class="addr-note">({escape(n)})</span>' for n in notes)
    text = f'<span class="host">{name}</span>' + (f' — <span class="what">{escape(what)}</span>' if what else "")
    return f'<li id="src-{number}" data-src="{escape(url, quote=True)}">{text} · {" · ".join(meta)}<span class="addr">{address}</span></li>'


def safe_url(url: str) -> str | None:
    """The address if it is a well-formed http(s) URL that can go into a link unchanged, else None."""
    from urllib.parse import urlsplit

    text = str(url).strip()
    if not text or any(c.isspace() or ord(c) < 0x20 or c in "\"<>`\\" for c in text):
        return None
    try:
        parts = urlsplit(text)
        parts.port  # raises on a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return text


def display_address(url: str) -> tuple[str, str, list[str]]:
    """(host to show, the address decoded for reading, notes about it) for one source address."""
    from urllib.parse import parse_qsl, unquote, urlsplit

    text = str(url).strip()
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower()
    except ValueError:
        return text, text, ["not a valid web address"]
    notes: list[str] = []
    proxy = next(((name, keys) for h, (name, keys) in PROXIES.items() if host == h or host.endswith("." + h)), None)
    if proxy:
        name, keys = proxy
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        inner = next((query[k] for k in keys if query.get(k, "").startswith(("http://", "https://"))), None)
        if inner is None and host.endswith("web.archive.org"):
            match = re.search(r"/web/\d+[a-z_]*/(https?://.+)$", parts.path + ("?" + parts.query if parts.query else ""))
            inner = match.group(1) if match else None
        if inner:
            inner_host, inner_readable, inner_notes = display_address(inner)
            return inner_host, f"via {name}: {inner_readable}", inner_notes
        notes.append(f"through {name}")
    tracking = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True) if TRACKING.match(k)})
    if tracking:
        notes.append("tracking parameter" + ("s " if len(tracking) > 1 else " ") + ", ".join(tracking))
    readable = unquote(text, errors="replace")
    shown = host[4:] if host.startswith("www.") else host
    return shown or text, readable, notes


def _paraphrase(group: pd.DataFrame, width: int = 160) -> str:
    for column in PARAPHRASE_COLUMNS:
        if column in group:
            values = [str(v).strip() for v in group[column].dropna() if str(v).strip()]
            if values:
                text = " ".join(values[0].split())
                if len(text) > width:
                    text = text[:width - 3].rsplit(" ", 1)[0] + "..."  # ASCII: the CJK face's … is full-width
                return text + (f" (and {len(set(values)) - 1} more)" if len(set(values)) > 1 else "")
    return ""


def _dates(group: pd.DataFrame) -> str:
    for column in DATE_COLUMNS:
        if column in group:
            values = []
            for v in group[column].dropna():
                v = v.date().isoformat() if hasattr(v, "date") and not isinstance(v, str) else str(v).strip()
                if v and v not in values and v != "NaT":
                    values.append(v)
            if values:
                values.sort()
                return values[0] if len(values) == 1 else (", ".join(values) if len(values) <= 2 else
                                                           f"{values[0]} to {values[-1]}")
    return ""


def show_sensitivity(tested) -> None:
    """For each claim, a small table: the verdict as tested and under each alternative (generated, escaped)."""
    from IPython.display import HTML, display

    from .verdicts import REGISTRY

    parts = []
    for v, s in tested:
        claim = REGISTRY[v.claim]
        intro = (f"**{v.claim}: how robust.** Reading tested: {claim.reading} Rule: {claim.rule} "
                 f"Robustness: {s.line()}.")
        # The alternatives are the verdict's own inputs, changed: the table cites the verdict's sources.
        refs = cite(v.citations, f"Sources of the {v.claim} verdict tested")
        parts.append(_markdown(intro + "\n\n" + s.table())
                     + (f'<p class="table-refs">{refs.strip()}</p>' if refs else ""))
    display(HTML("\n".join(parts)))
