"""Turn executed notebooks into article pages: prose and figures first, code folded away, no request to any host.

A chapter's body is written by nbconvert with the project's template (convert.py); this module adds the page's
passes (table boxes, unique ids, heading anchors, contents) and writes the site. Figures are referenced as files in
figures/ (the same files presenters get), not embedded, to keep pages light; the single-file edition embeds them.
"""
from __future__ import annotations

import base64
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markdown_it import MarkdownIt

TEMPLATES = Path(__file__).parent / "templates"
REPORT_TITLE = "China's 2024 LLM price war, claim by claim"
PHONE_COLUMN = 360  # CSS px of the text column on a 390 px phone (style.css: .75rem margins)
# Raw HTML in Markdown is shown as text: prose may carry values from the data, and they must never become markup.
_md = MarkdownIt("commonmark", {"html": False}).enable("table")
# What a notebook's HTML output may contain: the verdict boxes, tables and lists the chapters make. Everything else
# (scripts, handlers, styles, links other than http(s) or within the site) is removed: a last line of defence
# behind the escaping the chapters do themselves.
ALLOWED_TAGS = {"a", "b", "blockquote", "br", "caption", "code", "div", "em", "h1", "h2", "h3", "h4", "i", "li", "ol",
                "p", "pre", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
                "tr", "ul"}
ALLOWED_ATTRIBUTES = {"*": {"class", "id", "lang", "title"}, "a": {"href"}, "th": {"scope", "colspan", "rowspan"},
                      "td": {"colspan", "rowspan"}, "ol": {"start"}}


def markdown(text: str) -> str:
    return _md.render(text)


def sanitize(markup: str) -> str:
    import nh3

    return nh3.clean(markup, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https"},
                     generic_attribute_prefixes={"data-"}, link_rel="noopener noreferrer")


class Unshowable(ValueError):
    """An output the pages cannot show (an unknown type, an error): the build stops, naming notebook and cell."""


@dataclass
class Figure:
    name: str
    title: str
    subtitle: str
    source: str
    alt: str
    chapter: str = ""
    note: str = ""
    phone: dict = field(default_factory=dict)   # size of <name>.phone.webp and the CSS width pages show it at
    crop: dict = field(default_factory=dict)    # fractions of the picture above and below the title block


@dataclass
class Page:
    name: str            # e.g. 01_timeline
    title: str
    body: str
    figures: list[Figure] = field(default_factory=list)

    @property
    def filename(self) -> str:
        return f"{self.name}.html"


def figure_from(info: dict, chapter: str) -> Figure:
    """The figure an output's `pricewar_figure` metadata describes (pricewar.style writes it)."""
    return Figure(info["name"], info.get("title", info["name"]), info.get("subtitle", ""), info.get("source", ""),
                  info.get("alt", ""), chapter, info.get("note", ""), dict(info.get("phone") or {}),
                  dict(info.get("crop") or {}))


def figure_markup(fig: Figure) -> str:
    """A chart: the phone rendition on narrow screens, the slide image elsewhere; a tap opens it full size."""
    e = html.escape
    name = e(fig.name, quote=True)
    # The image's alt carries the text drawn inside it (title, subtitle); the caption says what it shows.
    alt = e(" ".join(x for x in (fig.title.rstrip(".") + ".", fig.subtitle) if x.strip(".")), quote=True)
    phone = fig.phone
    source, style, wide = "", "", ""
    if phone.get("width"):
        css_width = int(phone.get("css_width", 0))
        source = (f'<source media="(max-width: 40rem)" srcset="figures/{name}.phone.webp" type="image/webp" '
                  f'width="{int(phone["width"])}" height="{int(phone["height"])}">')
        style = f' style="--phone-w: {css_width}px"'
        if css_width > PHONE_COLUMN:
            wide = '<span class="pan-hint">Wider than the screen: scroll it sideways, or tap to open it. </span>'
    return (f'<figure id="fig-{name}" class="chart"><div class="frame"><a class="enlarge" href="figures/{name}.png"'
            f' title="Open the chart full size">'
            f'<picture>{source}<img src="figures/{name}.png" alt="{alt}" width="1920" height="1080"'
            f' loading="lazy"{style}></picture></a></div><figcaption>{wide}{e(fig.alt)} '
            f'<span class="downloads">Download <a href="figures/{name}.png">PNG</a> · '
            f'<a href="figures/{name}.svg">SVG</a> · <a href="figures/{name}.csv">Data (CSV)</a></span>'
            f'</figcaption></figure>')


def notebook_page(name: str, nb) -> Page:
    """The chapter page of an executed notebook: nbconvert writes the body (convert.py), then the page's passes."""
    from .convert import convert  # here, not above: a build with nothing to render imports no nbconvert

    body, title, figures = convert(name, nb)
    body = anchor_headings(unique_ids(scroll_tables(body)))
    return Page(name, title, add_contents(body, title), figures)


def code_label(source: str, output: str, section: str, parameters: bool = False,
               charts: list[str] | None = None) -> str:
    """What a code fold holds, in words: its first comment, else what its output is, else its section."""
    first = next((line.strip() for line in source.splitlines() if line.strip()), "")
    if parameters:
        return "Code: the parameters a re-runner may change"
    if first.startswith("#"):
        comment = first.lstrip("#").strip().rstrip(".")
        comment = re.sub(r"^Parameters:\s*", "the parameters: ", comment)
        if comment:
            return "Code: " + _shorten(comment, 70)
    if charts:
        return f'Code: the chart "{_shorten(charts[0], 70)}"'
    claims = re.findall(r'<div class="verdict" id="(C\d+)"', output)
    if claims:
        return "Code: the verdict" + ("s " if len(claims) > 1 else " ") + ", ".join(claims)
    if 'class="sources"' in output:
        return "Code: the source list"
    if "chapter.record(" in source:
        return "Code: the chapter's finding, recorded for the overview"
    if re.match(r"(import|from)\s", first):
        return "Code: imports and data loading"
    where = f'"{_shorten(section, 50)}"' if section else "this chapter"
    if "<table" in output:
        return f"Code: the table in {where}"
    if output:
        return f"Code: the text in {where}"
    return f"Code: a step of {where}"


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 3].rsplit(" ", 1)[0] + "..."


def scroll_tables(body: str) -> str:
    """Every table in a box of its own that scrolls sideways, so a wide table never widens the page; the box is
    focusable (keyboard users can scroll it) and named by the table's first column headings."""
    count = 0

    def wrap(match):
        nonlocal count
        count += 1
        heads = [html.unescape(re.sub(r"<[^>]+>", "", h)).strip() for h in
                 re.findall(r"<th\b[^>]*>(.*?)</th>", match.group(0), flags=re.S)[:3]]
        label = f"Table {count}" + (": " + ", ".join(h for h in heads if h) if any(heads) else "")
        return (f'<div class="table-scroll" role="region" aria-label="{html.escape(_shorten(label, 90), quote=True)}"'
                f' tabindex="0">{match.group(0)}</div>')

    return re.sub(r"<table\b.*?</table>", wrap, body, flags=re.S)


def unique_ids(body: str) -> str:
    """A page shows a claim's box more than once (in its section, then with the others): only the first keeps
    the id, so that #C4 has one target."""
    seen: dict[str, int] = {}

    def fix(match):
        key = match.group(1)
        seen[key] = seen.get(key, 0) + 1
        return match.group(0) if seen[key] == 1 else f' id="{key}-{seen[key]}"'

    return re.sub(r'\sid="([^"]+)"', fix, body)


def slug(text: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", "", text)).lower()
    return re.sub(r"[^\w]+", "-", text).strip("-") or "section"


def anchor_headings(body: str) -> str:
    """An id on every h2 and h3 (from its text, unique in the page), so each section can be linked to."""
    taken = set(re.findall(r'\sid="([^"]+)"', body))

    def add(match):
        level, attrs, inner = match.group(1), match.group(2), match.group(3)
        if " id=" in attrs:
            return match.group(0)
        base = slug(inner)
        key, n = base, 2
        while key in taken:
            key, n = f"{base}-{n}", n + 1
        taken.add(key)
        return f'<h{level}{attrs} id="{key}">{inner}</h{level}>'

    return re.sub(r"<h([23])((?:\s[^>]*)?)>(.*?)</h\1>", add, body, flags=re.S)


def add_contents(body: str, title: str = "") -> str:
    """A short contents list of the page's h2 sections, after the chapter's opening block."""
    entries = re.findall(r'<h2[^>]*\sid="([^"]+)"[^>]*>(.*?)</h2>', body, flags=re.S)
    if len(entries) < 2:
        return body
    items = "".join(f'<li><a href="#{key}">{inner}</a></li>' for key, inner in entries)
    label = html.escape(f"Contents: {_shorten(title, 60)}" if title else "Contents", quote=True)
    nav = f'<nav class="toc" aria-label="{label}"><p class="toc-head">In this chapter</p><ol>{items}</ol></nav>'
    match = re.search(r"<h1\b.*?</div>", body, flags=re.S)
    if not match:
        return nav + body
    return body[:match.end()] + nav + body[match.end():]


DATA_ZIP = "price-war-data.zip"
FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
# Where the project lives online, for citations; None until it has a public address (then set it here).
REPOSITORY_URL: str | None = None
LICENCES = {"text": ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
            "code": ("MIT", "https://opensource.org/license/mit")}


def write_data_zip(data: Path, target: Path) -> None:
    """data/*.csv, datapackage.json and README.md in one zip, byte-stable: sorted, fixed times and modes."""
    import zipfile

    files = sorted(Path(data).glob("*.csv")) + [Path(data) / n for n in ("datapackage.json", "README.md")]
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted((p for p in files if p.is_file()), key=lambda p: p.name):
            info = zipfile.ZipInfo(f"data/{path.name}", date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            zf.writestr(info, path.read_bytes())


def data_version(zip_path: Path) -> str:
    """A short hash of the data (the zip's file names and contents): same data, same version, on any machine."""
    import hashlib
    import zipfile

    digest = hashlib.sha256()
    if zip_path.exists():
        with zipfile.ZipFile(zip_path) as zf:
            for name in sorted(zf.namelist()):
                digest.update(name.encode() + b"\0" + zf.read(name) + b"\0")
    return digest.hexdigest()[:10]


class Site:
    """Writes every page of the report into one folder."""

    def __init__(self, out: Path, as_of: str, data: Path | None = None, notebooks: Path | None = None):
        self.out = Path(out)
        self.as_of = as_of
        self.data = Path(data) if data else None
        self.notebooks = Path(notebooks) if notebooks else None
        self.env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                               keep_trailing_newline=True)

    def _context(self) -> dict:
        version = data_version(self.out / DATA_ZIP)
        return {"report_title": REPORT_TITLE, "as_of": self.as_of, "data_version": version,
                "data_zip": DATA_ZIP if (self.out / DATA_ZIP).exists() else None, "licences": LICENCES,
                "repository": REPOSITORY_URL}

    def _write(self, name: str, template: str, **context) -> None:
        text = self.env.get_template(template).render(**self._context(), **context)
        (self.out / name).write_text(text, encoding="utf-8")

    def write_all(self, pages: list[Page], records: dict[str, dict], summary: list[str]) -> None:
        from .webfont import write_fonts

        self.out.mkdir(parents=True, exist_ok=True)
        if self.data is not None:
            write_data_zip(self.data, self.out / DATA_ZIP)
        (self.out / "style.css").write_text((TEMPLATES / "style.css").read_text(encoding="utf-8"), encoding="utf-8")
        figures = [f for p in pages for f in p.figures]
        from ..chapters.scorecard import rows

        # All eleven claims, in order; one that no chapter tested shows as such rather than vanishing.
        verdicts = rows([records[p.name] for p in pages if p.name in records])
        for i, page in enumerate(pages):
            prev_page = pages[i - 1] if i > 0 else None
            next_page = pages[i + 1] if i + 1 < len(pages) else None
            self._write(page.filename, "chapter.html", page=page, prev=prev_page, next=next_page, number=i + 1)
        self._write("index.html", "index.html", pages=pages, records=records, verdicts=verdicts, summary=summary,
                    claims=_claims(), bibtex=self.bibtex())
        self._write("gallery.html", "gallery.html", figures=figures, pages=pages)
        self._write("changes.html", "changes.html", lines=None)  # the real list follows (write_changes)
        # The fonts hold exactly the characters of the pages as written (the one-file edition uses the same).
        written = [p.read_text(encoding="utf-8") for p in sorted(self.out.glob("*.html"))]
        written += [t for pair in _claims().values() for t in pair] + summary
        code = re.findall(r"<pre\b.*?</pre>", "\n".join(written), flags=re.S)
        statics = None
        if self.data is not None:  # the chart fonts, which the build has cut already: the page fonts' source
            from .. import fonts

            cut = fonts.static_fonts(fonts.chart_characters(fonts.project_texts(self.data, self.notebooks)))
            statics = {weight: cut[style] for style, weight in fonts.WEIGHTS.items()}
        write_fonts(written, code, self.out / "fonts", statics)
        css = (TEMPLATES / "style.css").read_text(encoding="utf-8")
        for font in sorted((self.out / "fonts").glob("*.woff")):
            data = base64.b64encode(font.read_bytes()).decode()
            css = css.replace(f"url(fonts/{font.name})", f"url(data:font/woff;base64,{data})")
        self._write("report.html", "report.html", pages=[_embedded(p, self.out) for p in pages], verdicts=verdicts,
                    summary=summary, claims=_claims(), css=css, bibtex=self.bibtex())

    def bibtex(self) -> str:
        version = data_version(self.out / DATA_ZIP)
        year = (self.as_of or "")[:4] or "n.d."
        fields = [("title", "{China's 2024 LLM price war, claim by claim: a reproducible data report}"),
                  ("year", year), ("note", f"Data as of {self.as_of}, data version {version}; "
                                            "text, data and figures CC BY 4.0")]
        if REPOSITORY_URL:
            fields.append(("url", REPOSITORY_URL))
        body = ",\n".join(f"  {k} = {{{v}}}" if not v.startswith("{") else f"  {k} = {v}" for k, v in fields)
        return f"@misc{{pricewar{year}{version[:4]},\n{body}\n}}"

    def write_changes(self, lines: list[str]) -> None:
        self._write("changes.html", "changes.html", lines=lines)


def _claims() -> dict:
    from ..verdicts import CLAIMS

    return CLAIMS


def _embedded(page: Page, out: Path) -> Page:
    """The page with figure files inlined as data: URIs and links made internal, for the one-file edition."""
    def inline(match):
        data = base64.b64encode((out / "figures" / f"{match.group(1)}.png").read_bytes()).decode()
        return f'src="data:image/png;base64,{data}"'

    body = re.sub(r'<source [^>]*>', "", page.body)          # the phone rendition stays on the site
    body = re.sub(r' style="--phone-w: \d+px"', "", body)
    body = re.sub(r'src="figures/([^"]+)\.png"', inline, body)
    body = re.sub(r'<a class="enlarge" href="figures/[^"]+"[^>]*>(<picture>.*?</picture>)</a>', r"\1", body)
    body = re.sub(r'<span class="downloads">.*?</span>', "", body)
    body = re.sub(r'href="#', f'href="#{page.name}-', body)
    body = re.sub(r'aria-label="', f'aria-label="{html.escape(page.title, quote=True)}: ', body)
    body = re.sub(r'\sid="([^"]+)"', lambda m: f' id="{page.name}-{m.group(1)}"', body)
    return Page(page.name, page.title, body, page.figures)


def load_records(folder: Path) -> dict[str, dict]:
    records = {}
    for path in sorted(Path(folder).glob("*.json")):
        records[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return records
