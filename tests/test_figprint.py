"""figprint: equal fingerprints mean figures that draw the same; the same figure gets the same fingerprint in
every process, at any time; anything that changes the drawing changes it; what cannot be read gives None."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import matplotlib
import pandas as pd
import pytest
from matplotlib import pyplot as plt
from matplotlib import ticker

from pricewar import figprint, style

CHART = textwrap.dedent("""
    import pandas as pd
    from matplotlib import ticker
    from pricewar import figprint, style
    fig, ax = style.figure()
    days = pd.to_datetime(["2024-05-01", "2024-05-15", "2024-06-01"])   # a date axis: its locator holds 'now'
    ax.plot(days, [3.0, 2.0, 1.5], color=style.vendor_color("alibaba"), label="Qwen-Long")
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:.1f} yuan"))
    style.titles(fig, "A takeaway title", "Yuan per 1K tokens", "test source")
    print(figprint.fingerprint(fig).hex())
""")


def chart(y=(3.0, 2.0, 1.5), colour="alibaba", unit="yuan"):
    fig, ax = style.figure()
    days = pd.to_datetime(["2024-05-01", "2024-05-15", "2024-06-01"])
    ax.plot(days, list(y), color=style.vendor_color(colour), label="Qwen-Long")
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:.1f} {unit}"))
    style.titles(fig, "A takeaway title", "Yuan per 1K tokens", "test source")
    return fig


def test_the_same_figure_has_the_same_fingerprint_in_every_process():
    def run():
        result = subprocess.run([sys.executable, "-c", CHART], capture_output=True, text=True,
                                env={"PYTHONHASHSEED": "0", "MPLBACKEND": "Agg", **_env()})
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    first = run()
    time.sleep(1.1)  # a date locator made a second later holds another 'now'
    assert run() == first and len(first) == 64


def _env():
    import os
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONHASHSEED", "MPLBACKEND")}


@pytest.mark.parametrize("change", ["data", "colour", "formatter", "closure", "rcparams", "title"])
def test_what_changes_the_drawing_changes_the_fingerprint(change):
    base = figprint.fingerprint(chart())
    try:
        if change == "data":
            fig = chart(y=(3.0, 2.0, 1.4))
        elif change == "colour":
            fig = chart(colour="baidu")
        elif change == "formatter":  # the same formatter's code, edited (as in a notebook cell)
            fig = chart()
            fig.axes[0].yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:.2f} yuan"))
        elif change == "closure":  # the same code, another value in its closure
            fig = chart(unit="CNY")
        elif change == "rcparams":  # read when drawing, not held by the figure
            fig = chart()
            matplotlib.rcParams["path.simplify_threshold"] = 0.5
        else:
            fig = chart()
            fig._pricewar_texts[0].set_text("Another title")
        assert figprint.fingerprint(fig) not in (None, base)
    finally:
        matplotlib.rcParams["path.simplify_threshold"] = matplotlib.rcParamsDefault["path.simplify_threshold"]
        plt.close("all")
    assert figprint.fingerprint(chart()) == base


class OwnFormatter(ticker.Formatter):
    """A class defined outside library code (as in a notebook cell): its code is not in the fingerprint."""

    def __call__(self, x, pos=None):
        return f"{x}"


def test_a_figure_it_cannot_read_gets_none():
    fig = chart()
    fig.axes[0].yaxis.set_major_formatter(OwnFormatter())  # importable by name, but not library code
    assert figprint.fingerprint(fig) is None
    fig = chart()
    fig.axes[0]._held = (lambda: None).__code__.replace  # a built-in method of a code object: not picklable
    assert figprint.fingerprint(fig) is None
    plt.close("all")
