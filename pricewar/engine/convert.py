"""A chapter's body from its executed notebook, by nbconvert's HTMLExporter with the project's own template.

The template (nbtemplates/pricewar) extends nbconvert's `base`, not `lab`: it writes only the body, with the
report's markup and no stylesheet. Cells are hidden by tag with nbconvert's TagRemovePreprocessor (`remove-cell`,
`remove-input`, `remove-output`). Markdown goes through the project's markdown-it (raw HTML shown as text) and every
HTML output through its sanitizer; an output the report cannot show fails the build, naming notebook and cell.

Imported only when a page is rendered (render.notebook_page): a no-op build imports none of nbconvert.
"""
from __future__ import annotations

import base64
import html
import json
import re
from functools import lru_cache
from pathlib import Path

from jinja2 import pass_context
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor
from traitlets import List, default
from traitlets.config import Config

from .render import Figure, Unshowable, code_label, figure_from, figure_markup, markdown, sanitize

NBTEMPLATES = Path(__file__).parent / "nbtemplates"
# The first of these an output has is shown (the template's filter_data_type); an output with none of them fails
# the build (unshowable).
SHOWN = ["text/html", "text/markdown", "image/png", "image/svg+xml", "text/latex", "application/json", "text/plain"]
TAGS = {"remove_cell_tags": {"remove-cell"}, "remove_input_tags": {"remove-input"},
        "remove_all_outputs_tags": {"remove-output"}}


def text(value) -> str:
    """A notebook string as one string (nbformat may keep it as a list of lines)."""
    return "".join(value) if isinstance(value, list) else str(value)


class NumberCells(Preprocessor):
    """Each cell's number in the notebook (1-based, as Jupyter and the build's messages count), kept in its metadata
    before any cell is removed: error messages name cells by it."""

    def preprocess(self, nb, resources):
        for number, cell in enumerate(nb.cells, 1):
            cell.metadata["pricewar_cell"] = number
        return nb, resources


class LabelCodeCells(Preprocessor):
    """What the template needs from the notebook as a whole, after the tags have removed what they remove: the
    page title (its first `# ` heading), its figures in order, and a label for each code fold (render.code_label,
    which needs the fold's section heading and what its outputs show; a label used twice gets "(2)")."""

    def preprocess(self, nb, resources):
        name = resources["metadata"]["name"]
        title, section, seen, figures = name, "", {}, []
        for cell in nb.cells:
            source = text(cell.get("source", ""))
            hidden = cell.metadata.get("transient", {}).get("remove_source", False)
            if cell.cell_type == "markdown" and not hidden:
                if title == name and (match := re.search(r"^#\s+(.+)$", source, re.M)):
                    title = match.group(1).strip()
                if headings := re.findall(r"^#{2,3}\s+(.+)$", source, re.M):
                    section = headings[-1].strip()
            elif cell.cell_type == "code":
                outputs = cell.get("outputs", [])
                charts = [figure_from(info, name) for out in outputs if out.get("output_type") != "stream"
                          and (info := out.get("metadata", {}).get("pricewar_figure"))]
                figures += charts
                if source.strip() and not hidden:
                    tags = set(cell.metadata.get("tags", []))
                    label = code_label(source, shown_markup(outputs), section, "parameters" in tags,
                                       [f.title for f in charts])
                    seen[label] = seen.get(label, 0) + 1
                    cell.metadata["pricewar_label"] = label if seen[label] == 1 else f"{label} ({seen[label]})"
        resources["pricewar"] = {"title": title, "figures": figures}
        return nb, resources


def shown_markup(outputs: list) -> str:
    """What a code cell's outputs show, as far as its label needs: the HTML (sanitized, as the page shows it) and
    Markdown, a stand-in for anything else shown; nothing for stderr."""
    parts = []
    for out in outputs:
        if out.get("output_type") == "stream":
            if out.get("name") == "stdout":
                parts.append("<pre>")
            continue
        data = out.get("data", {})
        if out.get("metadata", {}).get("pricewar_figure"):
            parts.append("<figure>")
        elif "text/html" in data:
            parts.append(sanitize(text(data["text/html"])))
        elif "text/markdown" in data:
            parts.append(markdown(text(data["text/markdown"])))
        elif data:
            parts.append("<pre>")
    return "\n".join(parts)


# ---------------------------------------------------------------- template filters

def data_type(data: dict) -> list[str]:
    """The type of an output's data the page shows, as nbconvert's filter_data_type gives it (without its warning
    when there is none: the template then fails the build)."""
    return [mimetype for mimetype in SHOWN if mimetype in data][:1]


def prose(source) -> str:
    return sanitize(markdown(text(source)))


def escape_html(value) -> str:
    return html.escape(text(value))


def image_uri(data: dict, mimetype: str) -> str:
    if mimetype == "image/png":
        return f"data:image/png;base64,{text(data['image/png']).strip()}"
    return "data:image/svg+xml;base64," + base64.b64encode(text(data[mimetype]).encode()).decode()


def json_text(value) -> str:
    return json.dumps(value, indent=1)


def figure(info: dict) -> str:
    return figure_markup(figure_from(info, ""))


@pass_context
def unshowable(context, data: dict) -> str:
    notebook, cell = _where(context)
    raise Unshowable(f"{notebook}: cell {cell} has an output of type {', '.join(sorted(data))}, which the report "
                     "cannot show; display it as text, Markdown, HTML, PNG or SVG")


@pass_context
def error_output(context, output) -> str:
    notebook, cell = _where(context)
    raise Unshowable(f"{notebook}: cell {cell} has an error output, which reached the renderer")


def _where(context) -> tuple[str, int]:
    return context["resources"]["metadata"]["name"], context["cell"].metadata.get("pricewar_cell", 0)


FILTERS = {"filter_data_type": data_type, "text": text, "prose": prose, "clean_html": sanitize,
           "escape_html": escape_html, "image_uri": image_uri, "json_text": json_text, "figure": figure,
           "unshowable": unshowable, "error_output": error_output}


class ChapterExporter(HTMLExporter):
    """HTMLExporter with the pricewar template, the project's filters and only the preprocessors above."""

    default_preprocessors = List([])  # nbconvert's defaults are off but for magics highlighting: none of them here
    preprocessors = List([NumberCells, TagRemovePreprocessor, LabelCodeCells])

    @default("template_name")
    def _template_name_default(self):
        return "pricewar"

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self):
        return [str(NBTEMPLATES)]

    @property
    def default_config(self):
        c = super().default_config
        c.merge(Config({"TagRemovePreprocessor": TAGS}))
        return c

    def default_filters(self):
        yield from super().default_filters()
        yield from FILTERS.items()

    def from_notebook_node(self, nb, resources=None, **kw):
        # TemplateExporter's conversion, without what HTMLExporter adds to it for the lab template: a widget-aware
        # data-type filter, a pygments highlighter, and a BeautifulSoup pass (alt texts, tab stops on jp- cells)
        # that would re-serialise every tag of the page. The template writes alt texts itself.
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


@lru_cache(maxsize=1)
def exporter() -> ChapterExporter:
    return ChapterExporter()


def convert(name: str, nb) -> tuple[str, str, list[Figure]]:
    """(body, title, figures) of the notebook `name`: the body as the chapter page shows it, before the page's
    own passes (table boxes, ids, contents)."""
    body, resources = exporter().from_notebook_node(nb, resources={"metadata": {"name": name}})
    return body.rstrip("\n"), resources["pricewar"]["title"], resources["pricewar"]["figures"]
