"""Numbered references: claim boxes, tables and charts cite their sources as [N], linking to entry N of the page's
one source list; every entry names the host, what the data take from it, the date, the grade and the address."""
from __future__ import annotations

import re

import pandas as pd

from pricewar import chapter
from pricewar.engine import references


def _page(*parts: str) -> str:
    return "\n".join(parts)


def test_citations_are_numbered_from_one_list_per_page_and_charts_get_theirs():
    chapter._CITED.clear()
    a = pd.DataFrame({"source_url": ["https://a.example/1"], "source_quality": ["A"], "source_note": ["says a"],
                      "date": pd.to_datetime(["2024-05-21"])})
    b = pd.DataFrame({"source_url": ["https://b.example/2?x=1&y=2"], "source_quality": ["C"], "summary": ["says b"],
                      "date": pd.to_datetime(["2024-06-01"])})
    box = (f'<div class="verdict" id="C1" data-figures="chart_one"><p>evidence{chapter.cite(chapter.citation_rows(b))}'
           f'</p></div>')
    figure = ('<figure id="fig-chart_one" class="chart"><img alt="x"><figcaption>What it shows. '
              '<span class="downloads">Download</span></figcaption></figure>')
    figure2 = figure.replace("chart_one", "chart_two")
    own = f'<p class="figure-refs" data-figure="chart_two">{chapter.cite(chapter.citation_rows(a, b)).strip()}</p>'
    first_list = chapter.sources_html(a)     # an early list, and the chapter's own at the end
    body = references.number(_page(box, figure, figure2, own, first_list, chapter.sources_html(a, b)))
    chapter._CITED.clear()
    assert body.count('<ol class="sources">') == 1
    ids = re.findall(r'<li id="src-(\d+)"', body)
    assert ids == ["1", "2"]
    assert re.search(r'<li id="src-1" data-src="https://a.example/1">', body)
    # The box cites b as [2]; chart one takes the box's references, chart two its own (printed after it).
    assert re.search(r'class="verdict".*?<span class="refs">Sources: <a class="ref" href="#src-2"', body, re.S)
    one = re.search(r'<figure id="fig-chart_one".*?</figure>', body, re.S).group(0)
    two = re.search(r'<figure id="fig-chart_two".*?</figure>', body, re.S).group(0)
    assert re.findall(r'href="#src-(\d+)"', one) == ["2"] and re.findall(r'href="#src-(\d+)"', two) == ["1", "2"]
    assert one.index('class="refs"') < one.index('class="downloads"')
    assert 'class="figure-refs"' not in body and 'class="cite"' not in body


def test_an_address_cited_but_not_listed_gets_an_entry():
    chapter._CITED.clear()
    refs = chapter.cite([{"source_url": "https://c.example/%E5%AD%97", "source_quality": "B"}])
    chapter._CITED.clear()
    body = references.number(f"<p>text{refs}</p>")
    assert '<a class="ref" href="#src-1"' in body and '<li id="src-1"' in body and "c.example" in body


def test_the_source_list_includes_everything_cited_on_the_page():
    chapter._CITED.clear()
    cited = pd.DataFrame({"source_url": ["https://d.example/x"], "source_quality": ["B"], "source_note": ["d"],
                          "date": ["2024-05-01"]})
    chapter.cite(cited)
    html = chapter.sources_html(pd.DataFrame({"source_url": ["https://e.example/y"], "source_quality": ["A"]}))
    chapter._CITED.clear()
    assert 'data-src="https://d.example/x"' in html and 'data-src="https://e.example/y"' in html


def test_every_reference_resolves_and_every_claim_and_chart_cites(full_build):
    pages = sorted((full_build / "site").glob("*.html"))
    cited_pages = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        ids = set(re.findall(r'\sid="([^"]+)"', text))
        refs = re.findall(r'<a class="ref" href="#([^"]+)"', text)
        assert all(r in ids for r in refs), f"{page.name}: {sorted(set(r for r in refs if r not in ids))[:5]}"
        if page.name in ("report.html", "index.html", "gallery.html", "changes.html"):
            continue
        cited_pages += bool(refs)
        for box in re.finditer(r'<div class="verdict" id="(C\d+)[^"]*".*?</div>', text, re.S):
            assert 'class="ref"' in box.group(0), f"{page.name}: the {box.group(1)} box cites no source"
        for fig in re.finditer(r'<figure id="fig-([^"]+)" class="chart">.*?</figure>', text, re.S):
            caption = re.search(r"<figcaption>.*?</figcaption>", fig.group(0), re.S).group(0)
            assert 'class="ref"' in caption, f"{page.name}: the caption of {fig.group(1)} cites no source"
        items = re.findall(r'<li id="src-(\d+)"[^>]*>(.*?)</li>', text, re.S)
        assert [int(n) for n, _ in items] == list(range(1, len(items) + 1)), f"{page.name}: one numbering"
        for n, item in items:
            assert 'class="host"' in item and 'class="grade">grade ' in item and 'class="addr"' in item, (page.name, n)
        if items:
            assert text.count('<ol class="sources">') == 1, page.name
    assert cited_pages >= 7
