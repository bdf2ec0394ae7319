"""Links, not loads: a page may link to another host, but loads nothing from one.

Loads are what a browser fetches by itself: src and srcset, <link href> (stylesheets, icons, preloads), poster,
data attributes of <object>, @import and url() in style sheets and style attributes, and references in the SVG
files. Links (<a href>) to other hosts are allowed only as http(s) addresses that pass validation, and open with
rel="noopener noreferrer".
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

from pricewar.chapter import safe_url

OUTSIDE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)      # http://, https://, //host, ftp://...
CSS_LOAD = re.compile(r"""@import\s+(?:url\()?\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?//|url\(\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?//""", re.I)
LOAD_ATTRIBUTES = {"src", "srcset", "poster", "data", "background", "action", "formaction", "ping", "manifest"}


class Audit(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.loads, self.links, self.bad_links = [], [], []
        self._style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name, value in attrs:
            value = value or ""
            if name in LOAD_ATTRIBUTES:
                candidates = [part.strip().split(" ")[0] for part in value.split(",")] if name == "srcset" else [value]
                self.loads += [f"<{tag} {name}={c}>" for c in candidates if OUTSIDE.match(c)]
            if name == "style" and CSS_LOAD.search(value):
                self.loads.append(f"<{tag} style={value[:60]}>")
        if tag in ("link", "base") and OUTSIDE.match(a.get("href") or ""):
            self.loads.append(f"<{tag} href={a.get('href')}>")
        if tag in ("script", "iframe", "embed", "object", "frame") and not a.get("src", "").startswith("data:"):
            self.loads.append(f"<{tag}>")  # the report runs no script and embeds no other document
        if tag == "a" and OUTSIDE.match(a.get("href") or ""):
            href = a["href"]
            self.links.append(href)
            rel = set((a.get("rel") or "").split())
            if safe_url(href) != href or not href.lower().startswith(("http://", "https://")) \
                    or not {"noopener", "noreferrer"} <= rel:
                self.bad_links.append(f"{href} rel={a.get('rel')}")
        self._style = tag == "style"

    def handle_data(self, data):
        if self._style and CSS_LOAD.search(data):
            self.loads.append(f"<style> {CSS_LOAD.search(data).group(0)}")

    def handle_endtag(self, tag):
        self._style = False


def audit(text: str) -> Audit:
    a = Audit()
    a.feed(text)
    return a


def test_pages_link_to_sources_but_load_nothing_from_another_host(full_build):
    site = full_build / "site"
    linked = 0
    for page in sorted(site.rglob("*.html")):
        result = audit(page.read_text(encoding="utf-8"))
        assert result.loads == [], f"{page.name} loads from another host: {result.loads[:5]}"
        assert result.bad_links == [], f"{page.name}: links that are not validated http(s) with rel: {result.bad_links[:5]}"
        linked += len(result.links)
    assert linked > 100, "the chapters' source lists should link to their sources"
    for sheet in site.rglob("*.css"):
        assert not CSS_LOAD.search(sheet.read_text(encoding="utf-8")), sheet.name


def test_svg_figures_reference_nothing_outside_themselves(full_build):
    for svg in (full_build / "figures").glob("*.svg"):
        text = svg.read_text(encoding="utf-8")
        body = text[text.index("<svg"):]
        assert not re.search(r"""(?:xlink:)?href\s*=\s*["']\s*(?:[a-z][a-z0-9+.-]*:)?//""", body, re.I), svg.name
        assert not CSS_LOAD.search(body), svg.name


def test_the_audit_catches_loads_and_accepts_links():
    bad = audit('<img src="https://x.org/a.png"><link rel=stylesheet href="//cdn.x/s.css">'
                '<div style="background:url(https://x.org/b.png)"></div><style>@import "https://x.org/c.css";</style>'
                '<picture><source srcset="figures/a.webp, https://x.org/b.webp 2x"></picture><script></script>')
    assert len(bad.loads) == 6
    good = audit('<a href="https://example.com/a?b=1" rel="noopener noreferrer">x</a><img src="figures/a.png">')
    assert good.loads == [] and good.bad_links == [] and good.links == ["https://example.com/a?b=1"]
    assert audit('<a href="https://example.com/a">no rel</a>').bad_links
    assert audit('<a href="javascript:alert(1)">x</a>').links == []  # not another host; the sanitizer drops it
