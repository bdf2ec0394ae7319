"""Numbered references, one numbering per page: every cited source becomes [N], linking to entry N of the page's
source list at its end.

The chapters mark what a claim box, a table or a chart cites (`pricewar.chapter.cite`: elements of class "cite"
carrying the address in `data-src`) and print one source list (entries carrying `data-src`). Here, per page: the
lists are joined into one at the place of the last, numbered 1..N in order; each citation becomes a link to its
entry; a chart's citations (printed after it, or those of the claim boxes that name the chart) move into its
caption. An address cited but missing from the list gets an entry of its own, so every `#src-N` resolves.
"""
from __future__ import annotations

import html
import re

LIST = re.compile(r'<ol class="sources">(.*?)</ol>', re.S)
ITEM = re.compile(r'<li id="src-[^"]*" data-src="([^"]*)">(.*?)</li>', re.S)
CITE = re.compile(r'<(a|span)\b([^>]*\bclass="cite"[^>]*)>.*?</\1>', re.S)
SRC = re.compile(r'\bdata-src="([^"]*)"')
REF = r'<a class="ref" href="#src-(\d+)"[^>]*>\[\d+\]</a>'
REFS = re.compile(rf'<span class="refs">([^<]*?):\s*((?:{REF}(?:,\s*)?)+)</span>')
EARLIER = re.compile(r'(?:<h2[^>]*>Sources</h2>\s*(?:<p class="sources-intro">.*?</p>\s*)?)?'
                     r'<ol class="sources">.*?</ol>', re.S)
FIGURE_REFS = re.compile(r'<p class="figure-refs" data-figure="([^"]*)">(.*?)</p>', re.S)


def link(n: int) -> str:
    return f'<a class="ref" href="#src-{n}" title="Source {n}">[{n}]</a>'


def links(numbers) -> str:
    return " ".join(link(n) for n in sorted({int(n) for n in numbers}))


def number(body: str) -> str:
    """The page with its sources numbered once and every citation linked to its entry."""
    lists = list(LIST.finditer(body))
    entries: dict[str, str] = {}
    for found in lists:
        for url, inner in ITEM.findall(found.group(1)):
            entries.setdefault(url, inner)
    for match in CITE.finditer(body):  # cited but not listed: an entry with what is known, its address
        url = (SRC.search(match.group(2)) or [None, ""])[1]
        if url and url not in entries:
            text = html.unescape(url)
            entries[url] = (f'<span class="host">{html.escape(_host(text))}</span> · <span class="grade">grade ?'
                            f'</span><span class="addr">{html.escape(text)}</span>')
    if not entries:
        return body
    numbers = {url: n for n, url in enumerate(entries, 1)}

    items = "\n".join(f'<li id="src-{numbers[url]}" data-src="{url}">{inner}</li>' for url, inner in entries.items())
    joined = f'<ol class="sources">\n{items}\n</ol>'
    if lists:  # one list, where the last one was; an earlier one goes with its heading and introduction
        last = lists[-1]
        head, tail = body[:last.start()], body[last.end():]
        body = EARLIER.sub("", head) + joined + tail
    else:
        body += f'\n<h2 id="sources">Sources</h2>\n{joined}'

    def ref(match):
        found = SRC.search(match.group(2))
        return link(numbers[found.group(1)]) if found else match.group(0)

    body = CITE.sub(ref, body)
    # "Sources: [4] [1] [4]" -> "Sources: [1] [4]"
    body = REFS.sub(lambda m: f'<span class="refs">{m.group(1)}: {links(re.findall(REF, m.group(2)))}</span>', body)
    return _into_captions(body)


def _into_captions(body: str) -> str:
    """Each chart's references in its caption: those printed after it, else those of the claim boxes naming it."""
    own: dict[str, list[str]] = {}

    def take(match):
        own.setdefault(html.unescape(match.group(1)), []).extend(re.findall(r'href="#src-(\d+)"', match.group(2)))
        return ""

    body = FIGURE_REFS.sub(take, body)
    body = re.sub(r'<div class="output html">\s*</div>\n?', "", body)
    by_claims: dict[str, list[str]] = {}
    for box in re.finditer(r'<div class="verdict"[^>]*\sdata-figures="([^"]*)"[^>]*>(.*?)</div>', body, re.S):
        for name in html.unescape(box.group(1)).split():
            by_claims.setdefault(name, []).extend(re.findall(r'href="#src-(\d+)"', box.group(2)))

    def caption(match):
        name = html.unescape(match.group(1))
        numbers = own.get(name) or by_claims.get(name) or []
        if not numbers:
            return match.group(0)
        block = match.group(0)
        at = block.index('<span class="downloads">')
        return block[:at] + f'<span class="refs">Sources: {links(numbers)}</span> ' + block[at:]

    return re.sub(r'<figure id="fig-([^"]+)" class="chart">.*?</figure>', caption, body, flags=re.S)


def _host(url: str) -> str:
    from ..chapter import display_address

    return display_address(url)[0]
