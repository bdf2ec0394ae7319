"""Turn executed notebooks into article pages: prose and figures first, code folded away, no request to any host.

Figures are referenced as files in figures/ (the same files presenters get), not embedded, to keep pages light;
the single-file edition embeds them instead.
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
# Raw HTML in Markdown is shown as text: prose may carry values from the data, and they must never become markup.
_md = MarkdownIt("commonmark", {"html": False}).enable("table")
# What a notebook's HTML output may contain: the verdict boxes, tables and lists the chapters make. Everything else
# (scripts, handlers, styles, links other than http(s) or within the site) is removed: a last line of defence
# behind the escaping the chapters do themselves.
ALLOWED_TAGS = {"a", "b", "blockquote", "br", "caption", "code", "div", "em", "h2", "h3", "h4", "i", "li", "ol",
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


@dataclass
class Figure:
    name: str
    title: str
    subtitle: str
    source: str
    alt: str
    chapter: str = ""


@dataclass
class Page:
    name: str            # e.g. 01_timeline
    title: str
    body: str
    figures: list[Figure] = field(default_factory=list)

    @property
    def filename(self) -> str:
        return f"{self.name}.html"


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _figure_html(info: dict, chapter: str) -> tuple[str, Figure]:
    fig = Figure(info["name"], info.get("title", info["name"]), info.get("subtitle", ""), info.get("source", ""),
                 info.get("alt", ""), chapter)
    caption = html.escape(fig.alt)
    markup = (f'<figure id="fig-{fig.name}"><a href="figures/{fig.name}.svg">'
              f'<img src="figures/{fig.name}.png" alt="{html.escape(fig.alt, quote=True)}" width="1920" height="1080"'
              f' loading="lazy"></a><figcaption>{caption} '
              f'<span class="downloads">Download <a href="figures/{fig.name}.png">PNG</a> · '
              f'<a href="figures/{fig.name}.svg">SVG</a></span></figcaption></figure>')
    return markup, fig


def _outputs_html(outputs: list, chapter: str, figures: list[Figure], cell: int = 0) -> str:
    parts = []
    for out in outputs:
        kind = out.get("output_type")
        if kind == "stream":
            if out.get("name") == "stdout":
                parts.append(f'<pre class="output">{html.escape(_text(out.get("text", "")))}</pre>')
            continue  # stderr (warnings, progress bars) is for the build log, not for readers
        if kind == "error":
            raise ValueError(f"{chapter}: an error output reached the renderer")
        data = out.get("data", {})
        info = out.get("metadata", {}).get("pricewar_figure")
        if info:
            markup, fig = _figure_html(info, chapter)
            figures.append(fig)
            parts.append(markup)
        elif "text/html" in data:
            parts.append(f'<div class="output html">{sanitize(_text(data["text/html"]))}</div>')
        elif "text/markdown" in data:
            parts.append(f'<div class="output prose">{sanitize(markdown(_text(data["text/markdown"])))}</div>')
        elif "image/png" in data or "image/svg+xml" in data:
            # Embedded as an image (data: URI): an SVG shown through <img> can run nothing and load nothing.
            alt = html.escape(_text(data.get("text/plain", "chart")), quote=True)
            if "image/png" in data:
                uri = f'data:image/png;base64,{_text(data["image/png"]).strip()}'
            else:
                uri = "data:image/svg+xml;base64," + base64.b64encode(_text(data["image/svg+xml"]).encode()).decode()
            parts.append(f'<figure><img src="{uri}" alt="{alt}"></figure>')
        elif "text/latex" in data:
            parts.append(f'<pre class="output">{html.escape(_text(data["text/latex"]))}</pre>')
        elif "application/json" in data:
            parts.append(f'<pre class="output">{html.escape(json.dumps(data["application/json"], indent=1))}</pre>')
        elif "text/plain" in data:
            parts.append(f'<pre class="output">{html.escape(_text(data["text/plain"]))}</pre>')
        elif data:
            raise ValueError(f"{chapter}: cell {cell} has an output of type {', '.join(sorted(data))}, which the "
                             "report cannot show; display it as text, Markdown, HTML, PNG or SVG")
    return "\n".join(parts)


def notebook_page(name: str, nb) -> Page:
    figures: list[Figure] = []
    parts, title = [], name
    for number, cell in enumerate(nb.cells, 1):
        tags = set(cell.get("metadata", {}).get("tags", []))
        if "remove-cell" in tags:
            continue
        source = _text(cell.get("source", ""))
        if cell.cell_type == "markdown":
            if title == name:
                match = re.search(r"^#\s+(.+)$", source, re.M)
                if match:
                    title = match.group(1).strip()
            parts.append(f'<div class="prose">{sanitize(markdown(source))}</div>')
        elif cell.cell_type == "code":
            if source.strip() and "remove-input" not in tags:
                parts.append('<details class="code"><summary>Show code</summary>'
                             f'<pre><code class="language-python">{html.escape(source)}</code></pre></details>')
            if "remove-output" not in tags:
                parts.append(_outputs_html(cell.get("outputs", []), name, figures, number))
    return Page(name, title, "\n".join(p for p in parts if p), figures)


class Site:
    """Writes every page of the report into one folder."""

    def __init__(self, out: Path, as_of: str):
        self.out = Path(out)
        self.as_of = as_of
        self.env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                               keep_trailing_newline=True)

    def _write(self, name: str, template: str, **context) -> None:
        text = self.env.get_template(template).render(report_title=REPORT_TITLE, as_of=self.as_of, **context)
        (self.out / name).write_text(text, encoding="utf-8")

    def write_all(self, pages: list[Page], records: dict[str, dict], summary: list[str]) -> None:
        from .webfont import cjk_characters, subset

        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / "style.css").write_text((TEMPLATES / "style.css").read_text(encoding="utf-8"), encoding="utf-8")
        claims_text = [t for pair in _claims().values() for t in pair]
        subset(cjk_characters([p.body for p in pages] + claims_text + summary), self.out / "fonts" / "cjk.woff")
        from ..fonts import licence_file

        # The font travels with its licence (SIL Open Font License 1.1), as the licence asks.
        (self.out / "fonts" / "OFL.txt").write_bytes(licence_file().read_bytes())
        figures = [f for p in pages for f in p.figures]
        from ..chapters.scorecard import rows

        # All eleven claims, in order; one that no chapter tested shows as such rather than vanishing.
        verdicts = rows([records[p.name] for p in pages if p.name in records])
        for i, page in enumerate(pages):
            prev_page = pages[i - 1] if i > 0 else None
            next_page = pages[i + 1] if i + 1 < len(pages) else None
            self._write(page.filename, "chapter.html", page=page, prev=prev_page, next=next_page, number=i + 1)
        self._write("index.html", "index.html", pages=pages, records=records, verdicts=verdicts, summary=summary,
                    claims=_claims())
        self._write("gallery.html", "gallery.html", figures=figures, pages=pages)
        font = base64.b64encode((self.out / "fonts" / "cjk.woff").read_bytes()).decode()
        css = (TEMPLATES / "style.css").read_text(encoding="utf-8").replace(
            "url(fonts/cjk.woff)", f"url(data:font/woff;base64,{font})")
        self._write("report.html", "report.html", pages=[_embedded(p, self.out) for p in pages], verdicts=verdicts,
                    summary=summary, claims=_claims(), css=css)


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

    body = re.sub(r'src="figures/([^"]+)\.png"', inline, page.body)
    body = re.sub(r'<a href="figures/[^"]+">(<img [^>]+>)</a>', r"\1", body)
    body = re.sub(r'<span class="downloads">.*?</span>', "", body)
    return Page(page.name, page.title, body, page.figures)


def load_records(folder: Path) -> dict[str, dict]:
    records = {}
    for path in sorted(Path(folder).glob("*.json")):
        records[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return records
