"""The look of every chart: one place for colours, fonts, titles, source lines and saving for slides and phones.

Conventions (FT / Economist): the title states the finding, the subtitle says what is measured, in which unit and
over which period, and a source line sits inside the figure so it survives being pasted into a slide.

`save` writes, from one figure: the slide PNG (1920 x 1080) and SVG, both carrying title, description, source and
licence in their metadata; a phone rendition (`<name>.phone.webp`, narrower and taller, same fonts in points, so its
text stays readable on a 390 px screen); and `<name>.csv`, the data the chart draws, read back from the figure.
"""
from __future__ import annotations

import base64
import contextlib
import csv
import hashlib
import io
import math
import os
import re
import sys
import warnings
from html import escape
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from . import fonts, paths, renders  # noqa: E402

# What else decides the pixels of a drawing with a given SVG: this module's code (layout, sizes), matplotlib's
# and Pillow's versions.
_RENDER_CODE = hashlib.sha256(Path(__file__).read_bytes() + matplotlib.__version__.encode()
                              + __import__("PIL").__version__.encode()).digest()

# One colour per vendor, the same in every chart. Chinese cloud vendors get strong hues, start-ups muted ones.
VENDOR_COLORS = {
    "alibaba": "#ff6a00",
    "bytedance": "#1f5bd8",
    "baidu": "#c8102e",
    "tencent": "#00a3a3",
    "huawei": "#8c564b",
    "iflytek": "#7b3fb5",
    "zhipu": "#2e8b57",
    "deepseek": "#4d6bfe",
    "moonshot": "#333333",
    "01ai": "#b8860b",
    "baichuan": "#d16ba5",
    "minimax": "#e377c2",
    "openai": "#10a37f",
    # the 2014-2016 ride-hailing war
    "didi": "#e69f00",
    "kuaidi": "#009e73",
    "didi_kuaidi": "#8d6e63",
    "uber_china": "#555555",
    "china": "#555555",
    "others": "#aaaaaa",
}
FALLBACK_COLORS = ["#6b8e23", "#4682b4", "#cd853f", "#708090", "#9acd32", "#bc8f8f"]
INK = "#222222"
MUTED = "#666666"
GRID = "#dddddd"
# White text on each passes WCAG AA (4.5:1): 5.1, 5.4, 5.6 and 5.3 to 1. The pages' badges use the same colours.
VERDICT_COLORS = {"supported": "#2e7d32", "partly supported": "#955f0b", "not supported": "#c62828",
                  "not testable with public data": "#6b6b6b"}

SLIDE_SIZE = (12.8, 7.2)   # inches: 16:9
PNG_DPI = 150              # 1920 x 1080 px

# The phone rendition: the same figure re-laid out narrower (fonts keep their size in points, so they grow relative
# to the chart), shown on a phone at PHONE_PX_PER_PT CSS pixels per point or larger: 10 pt is at least 9.2 px.
PHONE_WIDTHS = (5.0, 6.0, 7.5, 9.5)   # inches, tried in turn until no text collides that did not in the slide
PHONE_MIN_PT = 10.0                   # smaller text is set at this size in the phone rendition
PHONE_PX_PER_PT = 0.92
PHONE_DPI = 150                       # 750 px wide at 5 in: twice the CSS pixels a phone shows it at

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
REPORT = "China's 2024 LLM price war, claim by claim"
RIGHTS = f"{REPORT}. Licence: {LICENCE} ({LICENCE_URL}); credit the report and its sources."


def vendor_color(vendor: str) -> str:
    if vendor in VENDOR_COLORS:
        return VENDOR_COLORS[vendor]
    # A vendor added later still gets a stable colour of its own.
    index = int(hashlib.sha1(vendor.encode()).hexdigest(), 16) % len(FALLBACK_COLORS)
    return FALLBACK_COLORS[index]


_ready = False


def setup() -> None:
    """Register the CJK font and set the house style. Safe to call more than once."""
    global _ready
    if _ready:
        return
    names = []
    for path in fonts.static_fonts().values():
        font_manager.fontManager.addfont(str(path))
        names.append(font_manager.FontProperties(fname=str(path)).get_name())
    cjk = names[0]
    plt.rcParams.update({
        "font.family": [cjk],  # Noto Sans SC for Latin and Chinese alike: the pages' and slides' face too
        "font.size": 13,
        "axes.titlesize": 13,
        "axes.labelsize": 12,
        "axes.labelcolor": MUTED,
        "axes.edgecolor": MUTED,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.color": GRID,
        "grid.linewidth": 0.8,
        "xtick.color": MUTED,
        "ytick.color": MUTED,
        "legend.frameon": False,
        "figure.figsize": SLIDE_SIZE,
        "figure.dpi": 100,
        "savefig.dpi": PNG_DPI,
        "svg.hashsalt": "pricewar",       # stable SVG ids: same data, same bytes
        "svg.fonttype": "path",           # glyphs as outlines: slides need no font installed
        "path.simplify": True,
    })
    # A missing glyph would print as a box in a slide: make it an error, not a warning.
    warnings.filterwarnings("error", message=r".*[Gg]lyph .* missing from")
    _ready = True


def figure(nrows: int = 1, ncols: int = 1, left: float = 0.08, right: float = 0.86, **kwargs):
    """A 16:9 figure with room for the title block above and the source line below.

    Use left=0.2 or so when the y axis carries vendor names, right=0.97 when nothing is labelled at the right.
    """
    setup()
    fig, ax = plt.subplots(nrows, ncols, figsize=SLIDE_SIZE, **kwargs)
    fig.subplots_adjust(left=left, right=right, top=0.80, bottom=0.14)
    return fig, ax


def titles(fig, title: str, subtitle: str, source: str, note: str | None = None) -> None:
    """Takeaway title, measure/unit/period subtitle and an in-figure source line."""
    head = fig.text(0.02, 0.955, title, fontsize=21, fontweight="bold", color=INK, ha="left", va="top")
    sub = fig.text(0.02, 0.885, subtitle, fontsize=13.5, color=MUTED, ha="left", va="top")
    foot = f"Source: {source}" + (f"   Note: {note}" if note else "")
    low = fig.text(0.02, 0.025, foot, fontsize=10, color=MUTED, ha="left", va="bottom", wrap=True)
    fig._pricewar = {"title": title, "subtitle": subtitle, "source": source, "note": note or ""}
    fig._pricewar_texts = (head, sub, low)


def save(fig, name: str, alt: str, sources=None) -> None:
    """Write figures/<name>.png, .svg, .phone.webp and .csv (all byte-stable), show the figure in the notebook, close it.

    `alt` says what the chart shows, for screen readers and for the page's caption. `sources` (optional) gives the
    source_url of plotted points: a DataFrame or a list of dicts with `x` and `y` as passed to matplotlib (and
    optionally `series`) and `source_url`; a point drawn at that x and y gets that URL in the CSV. Points drawn with
    matplotlib's own `urls=` (scatter) carry theirs without it.
    """
    out = paths.figures_dir()
    out.mkdir(parents=True, exist_ok=True)
    png, svg = out / f"{name}.png", out / f"{name}.svg"
    meta = dict(getattr(fig, "_pricewar", {}))
    title = meta.get("title") or name
    source = meta.get("source", "")
    description = " ".join(_sentence(x) for x in (meta.get("subtitle", ""), alt, f"Source: {source}" if source else "",
                                                  f"Note: {meta['note']}" if meta.get("note") else "",
                                                  f"Licence: {LICENCE}") if x)
    # Taken before anything draws the figure: an earlier build's drawing of the same figure is reused whole.
    whole = _whole_key(fig, name, alt)
    rows = figure_data(fig, sources)
    _write_csv(out / f"{name}.csv", rows)
    phone_file = out / f"{name}.phone.webp"
    drawn = {"figure.svg": svg, "figure.png": png, "figure.phone.webp": phone_file}
    layout = renders.fetch(whole, drawn) if whole else None
    if layout is None:
        layout = _draw(fig, name, out, title, description, source)
        if whole:
            renders.store(whole, drawn, layout)
    info = dict(meta, name=name, alt=alt, crop=layout["crop"], licence=LICENCE)
    info["phone"] = layout["phone"]
    plt.close(fig)
    try:
        from IPython.display import display
    except ImportError:  # plain Python: the files are what matters
        return
    data = {"image/png": base64.b64encode(png.read_bytes()).decode(), "text/plain": alt}
    display(data, raw=True, metadata={"pricewar_figure": info})


def _whole_key(fig, name: str, alt: str) -> str | None:
    """The store's key for this figure's three drawings, or None (outside the build, or a figure that
    figprint cannot read): what the figure holds, what drawing reads around it, and the code that draws."""
    code = os.environ.get("PRICEWAR_CODE_HASH")
    if not code or renders.root() is None:
        return None
    from . import figprint

    found = figprint.fingerprint(fig)
    if found is None:
        return None
    import numpy

    versions = f"{sys.version}|{numpy.__version__}".encode()  # matplotlib's and Pillow's are in _RENDER_CODE
    return renders.key(b"figure-1", found, name.encode(), alt.encode(), code.encode(), versions, _RENDER_CODE)


def _draw(fig, name: str, out: Path, title: str, description: str, source: str) -> dict:
    """Write the SVG, then the PNG and phone rendition (or copy those of an earlier drawing with the same SVG);
    return the layout facts the page needs."""
    png, svg, phone_file = out / f"{name}.png", out / f"{name}.svg", out / f"{name}.phone.webp"
    # The SVG first: with the data and the PNG's metadata it identifies the drawing, and an unchanged drawing's
    # PNG and phone rendition are reused from an earlier build (renders.py) rather than drawn again.
    buffer = io.BytesIO()
    with _wrapped_once(fig):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Title": title,
                                                    "Description": description, "Rights": RIGHTS,
                                                    "Source": source or None})
    svg_bytes = _svg_with_desc(buffer.getvalue().decode("utf-8"), title, description).encode("utf-8")
    svg.write_bytes(svg_bytes)
    png_meta = {"Software": None, "Title": title, "Description": description, "Copyright": RIGHTS,
                "Source": source or None}
    drawing = renders.key(svg_bytes, (out / f"{name}.csv").read_bytes(), repr(sorted(png_meta.items())).encode(),
                          _RENDER_CODE)
    layout = renders.fetch(drawing, {"figure.png": png, "figure.phone.webp": phone_file})
    if layout is None:
        with _wrapped_once(fig):
            fig.savefig(png, dpi=PNG_DPI, metadata=png_meta)
            boxes = _axes_boxes(fig)  # measured once, for the crop and for the phone layout's starting point
            crop = _slide_crop(fig, boxes)
        layout = {"crop": crop, "phone": _save_phone(fig, phone_file, boxes)}
        renders.store(drawing, {"figure.png": png, "figure.phone.webp": phone_file}, layout)
    return layout


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?", ")")) else text + "."


# --- Wrapped text, measured once ----------------------------------------------------------------------------------
@contextlib.contextmanager
def _wrapped_once(fig):
    """Within the block, each text set with wrap=True holds its lines already broken, and wrap is off.

    Matplotlib breaks a wrapped text afresh each time it lays the text out (every draw, every extent asked for),
    measuring the line word by word; the source line alone cost more than a second per chart. Here each line is
    found by bisection with the chart renderer's metrics, the same break matplotlib's rule gives (the longest run
    of words that fits), and the SVG and PNG show the same lines. Rotated texts, mathtext and usetex are left to
    matplotlib. The texts are restored afterwards: the phone layout wraps from the originals.
    """
    from matplotlib import cbook
    from matplotlib.text import Text

    renderer = fig.canvas.get_renderer()
    changed = []
    for text in fig.findobj(Text):
        original = text.get_text()
        if (not text.get_wrap() or not text.get_visible() or not original or text.get_rotation() % 360
                or text.get_usetex() or cbook.is_math_text(original)):
            continue
        changed.append((text, original))
        text.set_text(_broken_lines(text, original, renderer))
        text.set_wrap(False)
    try:
        yield
    finally:
        for text, original in changed:
            text.set_text(original)
            text.set_wrap(True)


def _broken_lines(text, original: str, renderer) -> str:
    """`original` broken as matplotlib's wrap rule breaks it: words joined by single spaces, each line the longest
    run of words no wider than the distance from the text's anchor to the figure's edge (a single word that is
    wider stands alone); line breaks in the text are kept."""
    x0, _ = text.get_transform().transform(text.get_position())
    box = text.get_figure(root=True).bbox
    left, right = box.x1 - x0, x0 - box.x0
    limit = {"left": left, "right": right}.get(text.get_horizontalalignment(), 2 * min(left, right))
    props = text.get_fontproperties()

    def fits(words) -> bool:
        return math.ceil(renderer.get_text_width_height_descent(" ".join(words), props, ismath=False)[0]) <= limit

    lines = []
    for paragraph in original.split("\n"):
        words = paragraph.split(" ")
        while words:
            low, high = 1, len(words)  # words[:low] is taken even if too wide; find the longest run that fits
            while low < high:
                mid = (low + high + 1) // 2
                if fits(words[:mid]):
                    low = mid
                else:
                    high = mid - 1
            lines.append(" ".join(words[:low]))
            words = words[low:]
    return "\n".join(lines)


# --- SVG metadata --------------------------------------------------------------------------------------------------
def _svg_with_desc(text: str, title: str, description: str) -> str:
    """The SVG with <desc> after its <title>, and labelled as an image by both (screen readers, search, editors)."""
    desc = f"<desc id=\"desc\">{escape(description, quote=False)}</desc>\n"
    text = re.sub(r"(<svg\b[^>]*?)>", r'\1 role="img" aria-labelledby="title desc">', text, count=1)
    if "<title>" in text:
        text = text.replace("<title>", '<title id="title">', 1)
        end = text.index("</title>") + len("</title>")
        return text[:end] + "\n " + desc + text[end:]
    head = text.index(">", text.index("<svg")) + 1
    return text[:head] + f'\n <title id="title">{escape(title, quote=False)}</title>\n ' + desc + text[head:]


# --- The slide picture's crop ----------------------------------------------------------------------------------------
def _axes_boxes(fig) -> dict:
    """{id(axes): its box with tick labels and titles, in display pixels} for each visible axes (None: nothing)."""
    renderer = fig.canvas.get_renderer()
    return {id(a): a.get_tightbbox(renderer) for a in fig.axes if a.get_visible()}


def _slide_crop(fig, boxes: dict) -> dict:
    """Fractions of the picture above everything but the title, and below everything but the source line: a slide
    that sets the title and source as text crops them off the picture rather than showing them twice. `boxes`:
    _axes_boxes(fig)."""
    texts = getattr(fig, "_pricewar_texts", None)
    if not texts:
        return {"top": 0.0, "bottom": 0.0}
    renderer = fig.canvas.get_renderer()
    height = fig.bbox.height
    head, _, foot = texts
    others = list(boxes.values())
    others += [t.get_window_extent(renderer) for t in fig.texts if t not in (head, foot) and t.get_text()]
    others = [b for b in others if b is not None and b.width > 0]
    # Cut half-way between the title and whatever is below it, and between the source line and what is above it.
    title_end = height - head.get_window_extent(renderer).y0
    rest_top = min([height - b.y1 for b in others] or [title_end])
    foot_top = foot.get_window_extent(renderer).y1
    rest_bottom = min([b.y0 for b in others] or [foot_top])
    top = (title_end + rest_top) / 2 if rest_top > title_end else rest_top
    bottom = (foot_top + rest_bottom) / 2 if rest_bottom > foot_top else rest_bottom
    return {"top": round(max(0.0, top) / height, 4), "bottom": round(max(0.0, bottom) / height, 4)}


# --- What the chart draws, as a table ------------------------------------------------------------------------------
CSV_COLUMNS = ["panel", "kind", "series", "x", "x_label", "y", "y_label", "base", "colour", "source_url"]


def figure_data(fig, sources=None) -> list[dict]:
    """One row per mark the figure draws: line points, scatter points, bars (panels made of text: their texts).

    Values are read back from the artists, so the table is exactly what was plotted: dates on date axes as ISO
    days, categories as their names, and a row's x_label / y_label is the tick label at that position, if any.
    Decoration is left out: grid-coloured rules, empty legend proxies and annotations.
    """
    from matplotlib import colors as mcolors
    from matplotlib.collections import PathCollection
    from matplotlib.container import BarContainer
    from matplotlib.text import Annotation

    rows: list[dict] = []
    lookup = _source_lookup(fig, sources)
    for number, ax in enumerate(fig.axes, 1):
        panel = ax.get_title(loc="left") or ax.get_title() or ax.get_title(loc="right") or f"panel {number}"
        panel = " ".join(panel.split())
        xv, yv = _axis_values(ax.xaxis), _axis_values(ax.yaxis)
        xl, yl = _tick_labels(ax.xaxis), _tick_labels(ax.yaxis)
        start = len(rows)

        def add(kind, series, x, y, colour, base=None, url=""):
            rx, ry = xv(x), yv(y)
            rows.append({"panel": panel, "kind": kind, "series": series, "x": rx, "x_label": xl.get(_key(x), ""),
                         "y": ry, "y_label": yl.get(_key(y), ""), "base": "" if base is None else _num(base),
                         "colour": colour, "source_url": url or lookup.get((series, rx, ry))
                         or lookup.get(("", rx, ry), "")})

        bar_patches = set()
        for container in ax.containers:
            if not isinstance(container, BarContainer):
                continue
            series = _label(container)
            horizontal = getattr(container, "orientation", "vertical") == "horizontal"
            for patch in container.patches:
                bar_patches.add(id(patch))
                colour = mcolors.to_hex(patch.get_facecolor(), keep_alpha=False)
                if horizontal:
                    add("barh", series or _vendor_of(colour), patch.get_x() + patch.get_width(),
                        patch.get_y() + patch.get_height() / 2, colour, base=patch.get_x())
                else:
                    add("bar", series or _vendor_of(colour), patch.get_x() + patch.get_width() / 2,
                        patch.get_y() + patch.get_height(), colour, base=patch.get_y())
        for line in ax.get_lines():
            if not line.get_visible() or _is_decoration(line, ax):
                continue
            colour = mcolors.to_hex(line.get_color(), keep_alpha=False)
            series = _label(line) or _vendor_of(colour)
            xs, ys = line.get_xdata(orig=True), line.get_ydata(orig=True)
            transform = line.get_transform()
            if transform is not ax.transData:
                x_data, y_data = _is_data(transform, ax, "x"), _is_data(transform, ax, "y")
                if x_data != y_data:  # axvline / axhline: one row with the value it marks
                    add("rule", series, _seq(xs)[0] if x_data else None, _seq(ys)[0] if y_data else None, colour)
                continue  # drawn in axes or figure coordinates: decoration
            for x, y in zip(_seq(xs), _seq(ys)):
                add("line", series, x, y, colour)
        for coll in ax.collections:
            if not isinstance(coll, PathCollection) or not coll.get_visible():
                continue
            offsets = coll.get_offsets()
            if len(offsets) == 0 or coll.get_offset_transform() != ax.transData:
                continue
            faces = coll.get_facecolors()
            edges = coll.get_edgecolors()
            urls = coll.get_urls() or []
            for i, (x, y) in enumerate(offsets):
                face = faces[i % len(faces)] if len(faces) else None
                use = face if face is not None and face[3] > 0 and tuple(face[:3]) != (1, 1, 1) else (
                    edges[i % len(edges)] if len(edges) else (0, 0, 0, 1))
                colour = mcolors.to_hex(use, keep_alpha=False)
                url = urls[i] if i < len(urls) and urls[i] else ""
                add("point", _label(coll) or _vendor_of(colour), x, y, colour, url=url)
        marks = [r["kind"] for r in rows[start:]]
        if not any(k in ("bar", "barh", "point") for k in marks) and marks.count("line") < 3:
            # A chart made of text (a table, a grid, a list of verdicts; a rule or two at most): its texts are what
            # it shows.
            for text in ax.texts:
                if isinstance(text, Annotation) or not text.get_visible() or not text.get_text().strip():
                    continue
                if text.get_transform() not in (ax.transData, ax.transAxes):
                    continue
                x, y = text.get_position()
                rows.append({"panel": panel, "kind": "text", "series": " ".join(text.get_text().split()),
                             "x": _num(x), "x_label": "", "y": _num(y), "y_label": "", "base": "",
                             "colour": mcolors.to_hex(text.get_color(), keep_alpha=False), "source_url": ""})
    return rows


def _write_csv(path, rows: list[dict]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _seq(values):
    try:
        return list(values)
    except TypeError:
        return [values]


def _label(artist) -> str:
    label = artist.get_label() or ""
    return "" if label.startswith("_") else label


def _vendor_of(colour: str) -> str:
    """The vendor whose house colour this is, if exactly one has it (charts colour marks by vendor)."""
    matches = [v for v, c in VENDOR_COLORS.items() if c.lower() == colour.lower()]
    return matches[0] if len(matches) == 1 else ""


def _is_data(transform, ax, which: str) -> bool:
    """Whether the transform's x (or y) is in data coordinates (axhline: data y, axes x; axvline the reverse)."""
    part = getattr(transform, "_x" if which == "x" else "_y", None)
    return (part if part is not None else transform) is ax.transData


def _is_decoration(line, ax) -> bool:
    from matplotlib import colors as mcolors

    if len(_seq(line.get_xdata(orig=True))) == 0:
        return True
    colour = mcolors.to_hex(line.get_color(), keep_alpha=False)
    return colour.lower() == GRID.lower() and line.get_transform() is not ax.transData


def _num(value) -> str:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(f):
        return ""
    return f"{f:.10g}"


def _key(value) -> str:
    try:
        return f"{float(value):.6g}"
    except (TypeError, ValueError):
        return str(value)


def _axis_values(axis):
    """value -> text for this axis: ISO dates on a date axis, category names on a category axis, else numbers."""
    from matplotlib import dates as mdates
    from matplotlib.category import StrCategoryConverter

    converter = axis.get_converter()
    if isinstance(converter, StrCategoryConverter) and axis.get_units() is not None:
        names = {v: k for k, v in axis.get_units()._mapping.items()}

        def category(value):
            if value is None:
                return ""
            if isinstance(value, str):
                return value
            return str(names.get(value, _num(value)))
        return category
    if converter is not None and "date" in type(converter).__name__.lower():
        def date(value):
            if value is None:
                return ""
            try:
                number = float(mdates.date2num(value)) if not isinstance(value, (int, float)) else float(value)
            except (TypeError, ValueError):
                return str(value)
            if math.isnan(number):
                return ""
            day = mdates.num2date(number)
            return day.date().isoformat() if abs(number - round(number)) < 1e-9 else day.strftime("%Y-%m-%dT%H:%M")
        return date
    return lambda value: "" if value is None else _num(_plain(value))


def _plain(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def _tick_labels(axis) -> dict:
    """{position: label} for ticks placed with set_*ticks(positions, labels): rows named on the axis."""
    from matplotlib.ticker import FixedLocator

    locator = axis.get_major_locator()
    if not isinstance(locator, FixedLocator):
        return {}
    locs = list(locator.locs)
    try:
        labels = axis.get_major_formatter().format_ticks(locs)
    except Exception:  # a formatter that needs a drawn axis: no names, the numbers stay
        return {}
    return {_key(position): " ".join(str(label).split()) for position, label in zip(locs, labels)}


def _source_lookup(fig, sources) -> dict:
    """{(series, x text, y text): source_url} from the `sources` argument, converted like the plotted values."""
    if sources is None:
        return {}
    records = sources.to_dict("records") if hasattr(sources, "to_dict") else list(sources)
    out = {}
    axes = fig.axes[0] if fig.axes else None
    for record in records:
        x, y = record.get("x"), record.get("y")
        ax = record.get("axes", axes)
        if ax is None:
            continue
        xv, yv = _axis_values(ax.xaxis), _axis_values(ax.yaxis)
        try:
            key_x = xv(ax.xaxis.convert_units(x)) if x is not None else ""
            key_y = yv(ax.yaxis.convert_units(y)) if y is not None else ""
        except Exception:  # a value the axis cannot convert matches nothing
            continue
        out[(str(record.get("series", "") or ""), key_x, key_y)] = str(record.get("source_url", "") or "")
    return out


# --- The phone rendition ---------------------------------------------------------------------------------------------
def _save_phone(fig, target, boxes: dict | None = None) -> dict:
    """Re-lay the figure out for a phone and save it; return its size and the CSS width the pages show it at.

    The title block is wrapped to the new width; the axes keep their arrangement (side-by-side panels are stacked)
    and are fitted, with their tick labels, between the title block and the source line; automatic ticks are
    thinned where their labels would touch; text smaller than PHONE_MIN_PT is set at that size. The narrowest width
    in PHONE_WIDTHS at which no more texts overlap or leave the figure than in the slide is used (else the width
    with the least such trouble); pages show a rendition wider than the phone in a box that scrolls sideways.
    """
    # One renderer measures every layout: text metrics depend on the resolution only, and its cache then serves
    # every width tried.
    renderer = fig.canvas.get_renderer()
    found = _drawn_texts(fig, renderer)
    base_overlaps, base_outside = _text_trouble(fig, renderer, found)
    # No width narrower than the widest single text (a table row, a long label) can work: skip those.
    widest = max([(b[2] - b[0]) / fig.dpi for b in found if not b[4]] or [0.0])
    widths = [w for w in PHONE_WIDTHS if w - 2 * _Plan.MARGIN >= widest] or [PHONE_WIDTHS[-1]]
    plan = _Plan(fig, renderer, boxes)
    _bump_fonts(fig)
    chosen, best = None, None
    for width in widths:
        plan.apply(width)
        overlaps, outside = _text_trouble(fig, renderer)
        if overlaps <= base_overlaps and outside <= base_outside:
            chosen = width
            break
        trouble = overlaps - base_overlaps + outside - base_outside
        if best is None or trouble < best[0]:
            best = (trouble, width)
    if chosen is None:  # no width is as clean as the slide: the least troubled one
        chosen = best[1]
        plan.apply(chosen)
    # Lossless WebP: a third of the PNG's bytes, the same pixels, the same bytes for the same figure.
    fig.savefig(target, dpi=PHONE_DPI, format="webp", pil_kwargs={"lossless": True, "quality": 20, "method": 1})
    w, h = fig.get_size_inches()
    return {"width": int(round(w * PHONE_DPI)), "height": int(round(h * PHONE_DPI)),
            "css_width": int(round(chosen * 72 * PHONE_PX_PER_PT)), "inches": round(float(chosen), 3)}


def _bump_fonts(fig) -> None:
    from matplotlib.text import Text

    for ax in fig.axes:
        for which in ("x", "y"):
            axis = ax.xaxis if which == "x" else ax.yaxis
            for group, ticks in (("major", axis.get_major_ticks()), ("minor", axis.get_minor_ticks())):
                if ticks and ticks[0].label1.get_fontsize() < PHONE_MIN_PT:
                    ax.tick_params(axis=which, which=group, labelsize=PHONE_MIN_PT)
    for text in fig.findobj(Text):
        if text.get_fontsize() < PHONE_MIN_PT:
            text.set_fontsize(PHONE_MIN_PT)


def _drawn_texts(fig, renderer):
    """Every text the figure draws, with its box in pixels and whether it belongs to the title block (which the
    phone layout wraps itself); tick labels only of the ticks that are drawn."""
    from matplotlib.text import Text

    ticks = set()
    out = []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                ticks.update((id(tick.label1), id(tick.label2)))
            if not ax.axison or not axis.get_visible():
                continue
            for tick in axis._update_ticks():
                for label in (tick.label1, tick.label2):
                    if label.get_visible() and label.get_text().strip():
                        out.append(label)
    for text in fig.findobj(Text):
        if id(text) in ticks or not text.get_visible() or not text.get_text().strip():
            continue
        if text.axes is not None and not text.axes.get_visible():
            continue
        out.append(text)
    own = {id(t) for t in getattr(fig, "_pricewar_texts", ())}
    # A legend places its texts only when drawn: it counts as one box, which it computes itself for any layout.
    legends = [a.get_legend() for a in fig.axes if a.get_legend() is not None] + list(fig.legends)
    inside = {id(t) for leg in legends for t in [*leg.get_texts(), leg.get_title()]}
    out = [t for t in out if id(t) not in inside]
    boxes = []
    for leg in legends:
        if leg.get_visible():
            box = leg.get_window_extent(renderer)
            if box.width > 0 and box.height > 0:
                boxes.append((box.x0, box.y0, box.x1, box.y1, False))
    for text in out:
        try:
            box = text.get_window_extent(renderer)
        except (RuntimeError, ValueError):
            continue
        if box.width > 0 and box.height > 0 and math.isfinite(box.x0):
            boxes.append((box.x0, box.y0, box.x1, box.y1, id(text) in own))
    return boxes


def _text_trouble(fig, renderer, found=None) -> tuple[int, int]:
    """(pairs of texts that overlap, texts that run out of the figure)."""
    found = _drawn_texts(fig, renderer) if found is None else found
    width, height = fig.bbox.width, fig.bbox.height
    outside = sum(1 for x0, y0, x1, y1, own in found
                  if not own and (x0 < -2 or y0 < -2 or x1 > width + 2 or y1 > height + 2))
    overlaps = 0
    boxes = sorted(b[:4] for b in found)
    for i, (ax0, ay0, ax1, ay1) in enumerate(boxes):
        for bx0, by0, bx1, by1 in boxes[i + 1:]:
            if bx0 >= ax1 - 1:
                break
            w = min(ax1, bx1) - max(ax0, bx0) - 1
            h = min(ay1, by1) - max(ay0, by0) - 1
            if w > 0 and h > 0 and w * h > 0.1 * min((ax1 - ax0) * (ay1 - ay0), (bx1 - bx0) * (by1 - by0)):
                overlaps += 1
    return overlaps, outside


class _Plan:
    """The slide layout, remembered so that each phone width is laid out from it afresh."""

    MARGIN = 0.12   # inches
    GAP = 0.12

    def __init__(self, fig, renderer, boxes: dict | None = None):
        """`boxes`: _axes_boxes(fig) of the slide layout, if already measured."""
        self.fig = fig
        self.renderer = renderer
        self.size = fig.get_size_inches().copy()
        w, h = self.size
        texts = getattr(fig, "_pricewar_texts", None) or ()
        self.head = [(t, t.get_text()) for t in texts[:2]]
        self.foot = [(t, t.get_text()) for t in texts[2:]]
        own = {id(t) for t in texts}
        self.loose = [(t, t.get_position()) for t in fig.texts if id(t) not in own]
        axes = [a for a in fig.axes if a.get_visible()]
        self.positions = {id(a): a.get_position().frozen() for a in axes}
        self.columns = _columns(axes)
        self.locators = [(axis, axis.get_major_locator()) for a in axes for axis in (a.xaxis, a.yaxis)]
        self.blocks = []
        for column in self.columns:
            union = _union([self.positions[id(a)] for a in column])
            tight = _union_boxes([boxes[id(a)] if boxes else a.get_tightbbox(renderer) for a in column], fig.dpi)
            self.blocks.append((column, union, tight))
        # Loose figure texts (rare) move with the first column's block.

    def apply(self, width: float) -> None:
        fig = self.fig
        margin, gap = self.MARGIN, self.GAP
        renderer = self.renderer
        inner = width - 2 * margin
        head_h = 0.0
        for text, original in self.head:
            text.set_wrap(False)
            text.set_text(_wrap(text, original, inner, renderer))
            head_h += _height(text, renderer, fig.dpi) + gap
        foot_h = 0.0
        for text, original in self.foot:
            text.set_wrap(False)
            text.set_text(_wrap(text, original, inner, renderer))
            foot_h += _height(text, renderer, fig.dpi) + gap
        for axis, locator in self.locators:
            axis.set_major_locator(locator)
        ncols = len(self.blocks)
        factor = 1.0 if ncols == 1 else max(0.55, 1 / math.sqrt(ncols))
        # A column of stacked panels keeps its full height; a single panel beside others gets less.
        heights = [max(1.6, tight.height * (1.0 if len(column) > 1 else factor)) for column, _, tight in self.blocks]
        total = margin + head_h + gap + sum(heights) + gap * (ncols - 1) + foot_h + margin
        fig.set_size_inches(width, total, forward=False)
        w, h = width, total
        y = h - margin
        for text, _ in self.head:
            text.set_position((margin / w, y / h))
            text.set_va("top")
            y -= _height(text, renderer, fig.dpi) + gap
        y -= gap
        if self.foot:
            text = self.foot[0][0]
            text.set_position((margin / w, margin / h))
            text.set_va("bottom")
        for (column, union, tight), block_h in zip(self.blocks, heights):
            region = (margin, y - block_h, w - margin, y)      # x0, y0, x1, y1 in inches
            self._fit(column, union, tight, region)
            y -= block_h + gap
        for axis, _ in self.locators:
            _thin_ticks(axis, renderer)
        if self.loose and self.blocks:
            column, union, _ = self.blocks[0]
            for text, (x, yy) in self.loose:
                text.set_position(self._map(union, self._target[0], (x, yy)))

    def _fit(self, column, union, tight, region) -> None:
        fig = self.fig
        w, h = fig.get_size_inches()
        w0, h0 = self.size
        # Start from the slide's overhangs (tick labels beside the axes), then correct from the drawn result.
        over = [union.x0 * w0 - tight.x0, union.y0 * h0 - tight.y0, tight.x1 - union.x1 * w0, tight.y1 - union.y1 * h0]
        box = [region[0] + over[0], region[1] + over[1], region[2] - over[2], region[3] - over[3]]
        renderer = self.renderer
        box = self._sane(box, region)
        self._place(column, union, box)
        # One correction: measure what the first placement drew (tick labels change with the axes' size) and move
        # the axes so that, labels included, they fill the region.
        drawn = _union_boxes([a.get_tightbbox(renderer) for a in column], fig.dpi)
        if drawn is not None:
            shift = [region[0] - drawn.x0, region[1] - drawn.y0, region[2] - drawn.x1, region[3] - drawn.y1]
            if max(abs(s) for s in shift) >= 0.01:
                box = self._sane([b + d for b, d in zip(box, shift)], region)
                self._place(column, union, box)
        self._target = (box,)

    @staticmethod
    def _sane(box, region):
        x0, y0, x1, y1 = box
        min_w = 0.3 * (region[2] - region[0])
        min_h = 0.3 * (region[3] - region[1])
        if x1 - x0 < min_w:
            x0, x1 = region[2] - min_w - 0.05, region[2] - 0.05
        if y1 - y0 < min_h:
            y0, y1 = region[1] + 0.05, region[1] + 0.05 + min_h
        return [x0, y0, x1, y1]

    def _place(self, column, union, box) -> None:
        from matplotlib.transforms import Bbox

        w, h = self.fig.get_size_inches()
        for ax in column:
            p = self.positions[id(ax)]
            fx0 = (p.x0 - union.x0) / union.width if union.width else 0
            fx1 = (p.x1 - union.x0) / union.width if union.width else 1
            fy0 = (p.y0 - union.y0) / union.height if union.height else 0
            fy1 = (p.y1 - union.y0) / union.height if union.height else 1
            x0 = box[0] + fx0 * (box[2] - box[0])
            x1 = box[0] + fx1 * (box[2] - box[0])
            y0 = box[1] + fy0 * (box[3] - box[1])
            y1 = box[1] + fy1 * (box[3] - box[1])
            ax.set_position(Bbox([[x0 / w, y0 / h], [x1 / w, y1 / h]]))
            if len(self.columns) > 1:
                _show_shared_labels(ax)

    def _map(self, union, box, xy):
        w, h = self.fig.get_size_inches()
        x, y = xy
        fx = (x - union.x0) / union.width if union.width else 0
        fy = (y - union.y0) / union.height if union.height else 0
        return ((box[0] + fx * (box[2] - box[0])) / w, (box[1] + fy * (box[3] - box[1])) / h)


def _thin_ticks(axis, renderer) -> None:
    """Where tick labels placed by an automatic locator now touch, keep every second (third, ...) tick."""
    from matplotlib.ticker import FixedLocator

    locator = axis.get_major_locator()
    if isinstance(locator, FixedLocator) or not axis.get_visible() or not axis.axes.axison:
        return
    vertical = axis.axis_name == "y"
    locs = None
    for step in (1, 2, 3, 4, 6):
        ticks = [t for t in axis._update_ticks() if t in axis.get_major_ticks()]
        boxes = sorted((b.y0, b.y1) if vertical else (b.x0, b.x1)
                       for t in ticks for label in (t.label1, t.label2)
                       if label.get_visible() and label.get_text().strip()
                       for b in [label.get_window_extent(renderer)])
        if all(b[0] >= a[1] + 3 for a, b in zip(boxes, boxes[1:])):
            return
        if locs is None:
            low, high = sorted(axis.get_view_interval())
            locs = [v for v in locator() if low <= v <= high]
        axis.set_major_locator(FixedLocator(locs[::step + 1]))
        formatter = axis.get_major_formatter()
        if hasattr(formatter, "_locator"):  # AutoDateFormatter asks its locator for the tick unit
            formatter._locator = locator


def _columns(axes) -> list[list]:
    """Axes grouped into side-by-side columns (left to right); a column may hold several stacked axes."""
    columns: list[list] = []
    for ax in sorted(axes, key=lambda a: a.get_position().x0):
        p = ax.get_position()
        for column in columns:
            right = max(a.get_position().x1 for a in column)
            left = min(a.get_position().x0 for a in column)
            if p.x0 < right - 0.02 and p.x1 > left + 0.02:
                column.append(ax)
                break
        else:
            columns.append([ax])
    return columns


def _show_shared_labels(ax) -> None:
    """Stacked panels that shared a y axis with the panel on their left show its tick labels themselves."""
    siblings = ax.get_shared_y_axes().get_siblings(ax)
    if len(siblings) > 1 and not ax.yaxis.get_tick_params().get("labelleft", True):
        ax.tick_params(axis="y", labelleft=True)


def _union(boxes):
    from matplotlib.transforms import Bbox

    return Bbox.union(boxes)


def _union_boxes(boxes, dpi):
    """Union of display boxes, in inches."""
    from matplotlib.transforms import Bbox

    boxes = [b for b in boxes if b is not None and b.width > 0 and math.isfinite(b.x0)]
    if not boxes:
        return None
    u = Bbox.union(boxes)
    return Bbox([[u.x0 / dpi, u.y0 / dpi], [u.x1 / dpi, u.y1 / dpi]])


def _height(text, renderer, dpi) -> float:
    return text.get_window_extent(renderer).height / dpi


def _wrap(text, original: str, width_in: float, renderer) -> str:
    """The text with line breaks so that each line fits width_in inches at the text's font (words measured once)."""
    dpi = text.figure.dpi
    props = text.get_fontproperties()

    def measure(s):
        return renderer.get_text_width_height_descent(s, props, ismath=False)[0] / dpi

    space = measure("a a") - measure("aa")
    lines = []
    for paragraph in original.split("\n"):
        line, used = "", 0.0
        for word in paragraph.split(" "):
            w = measure(word) if word else 0.0
            if line and used + space + w > width_in * 0.97:
                lines.append(line)
                line, used = word, w
            else:
                line, used = (f"{line} {word}", used + space + w) if line else (word, w)
        lines.append(line)
    return "\n".join(lines)
