"""Numbers into words, so the sentences in the notebooks are generated from the data and never go stale."""
from __future__ import annotations

import math


def pct(fraction: float, digits: int | None = None) -> str:
    """0.975 -> '97.5%', 0.8 -> '80%' (one decimal only where it matters, never rounding 97.5 up to 98)."""
    if digits is not None:
        return f"{fraction * 100:.{digits}f}%"
    text = f"{fraction * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def times(factor: float) -> str:
    """3.2 -> '3.2-fold', 150 -> '150-fold'."""
    return f"{factor:,.0f}-fold" if factor >= 10 else f"{factor:.1f}-fold"


def big(value: float) -> str:
    """1.5e9 -> '1.5 billion', 3e13 -> '30 trillion'."""
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"), (1e3, "thousand")):
        if abs(value) >= size:
            number = value / size
            text = f"{number:,.0f}" if number >= 100 else f"{number:.3g}"
            return f"{text} {word}"
    return f"{value:,.0f}"


def yuan(value: float) -> str:
    """Price in yuan per million tokens, with as many digits as matter."""
    if value == 0:
        return "free"
    if value >= 10:
        return f"{value:,.0f} yuan"
    return f"{value:.3g} yuan"


def day(date) -> str:
    import pandas as pd  # here, not at the top: the report engine uses this module without pandas

    d = pd.Timestamp(date)
    return f"{d.day} {d.strftime('%B %Y')}"


def days(delta) -> str:
    import pandas as pd

    n = int(pd.Timedelta(delta).days) if not isinstance(delta, (int, float)) else int(delta)
    return "the same day" if n == 0 else ("1 day" if n == 1 else f"{n} days")


def listing(items) -> str:
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def grades(values) -> str:
    """'grade C' or 'grades B and C', from the grades of some source rows."""
    g = sorted({str(v) for v in values if str(v) and str(v) != "nan"})
    return ("grade " if len(g) == 1 else "grades ") + listing(g)


def log10_span(low: float, high: float) -> float:
    return math.log10(high / low)
