"""The look of every chart: one place for colours, fonts, titles, source lines and saving for slides.

Conventions (FT / Economist): the title states the finding, the subtitle says what is measured, in which unit and
over which period, and a source line sits inside the figure so it survives being pasted into a slide.
"""
from __future__ import annotations

import base64
import hashlib
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from . import fonts, paths  # noqa: E402

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
VERDICT_COLORS = {"supported": "#2e7d32", "partly supported": "#f9a825", "not supported": "#c62828",
                  "not testable with public data": "#9e9e9e"}

SLIDE_SIZE = (12.8, 7.2)   # inches: 16:9
PNG_DPI = 150              # 1920 x 1080 px


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
        # Latin text in DejaVu Sans; any glyph it lacks falls back to Noto Sans SC, glyph by glyph.
        "font.family": ["DejaVu Sans", cjk],
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
    fig.text(0.02, 0.955, title, fontsize=21, fontweight="bold", color=INK, ha="left", va="top")
    fig.text(0.02, 0.885, subtitle, fontsize=13.5, color=MUTED, ha="left", va="top")
    foot = f"Source: {source}" + (f"   Note: {note}" if note else "")
    fig.text(0.02, 0.025, foot, fontsize=10, color=MUTED, ha="left", va="bottom", wrap=True)
    fig._pricewar = {"title": title, "subtitle": subtitle, "source": source}


def save(fig, name: str, alt: str) -> None:
    """Write figures/<name>.png and .svg (byte-stable), show the figure in the notebook, and close it.

    `alt` says what the chart shows, for screen readers and for the page's caption.
    """
    out = paths.figures_dir()
    out.mkdir(parents=True, exist_ok=True)
    png, svg = out / f"{name}.png", out / f"{name}.svg"
    fig.savefig(png, dpi=PNG_DPI, metadata={"Software": None})
    fig.savefig(svg, metadata={"Date": None, "Creator": None})
    info = dict(getattr(fig, "_pricewar", {}), name=name, alt=alt)
    plt.close(fig)
    try:
        from IPython.display import display
    except ImportError:  # plain Python: the files are what matters
        return
    data = {"image/png": base64.b64encode(png.read_bytes()).decode(), "text/plain": alt}
    display(data, raw=True, metadata={"pricewar_figure": info})
