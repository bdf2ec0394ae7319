"""The chart style breaks wrapped texts itself, once per drawing: the same lines as matplotlib's own rule."""
import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from pricewar import fonts, style  # noqa: E402

WORDS = ("Source: data/decline_rates.csv (Epoch AI, a16z, Sam Altman, Stanford AI Index, Alibaba, TechRadar), "
         "benchmark_scores.csv, price_changes.csv   Note: prices, not costs; published rates cover different "
         "periods and benchmarks and one_very_long_word_that_cannot_be_broken_anywhere_at_all_in_this_line")
# Chinese words too, of characters the chart font holds (it is cut to the project's own texts).
CJK = "".join(c for c in fonts.chart_characters(fonts.project_texts()) if "\u4e00" <= c <= "\u9fff")[:12]


@pytest.mark.parametrize("x, ha", [(0.02, "left"), (0.5, "center"), (0.9, "right"), (0.7, "left")])
@pytest.mark.parametrize("size", [8, 10, 14])
def test_lines_are_matplotlibs(x, ha, size):
    fig, _ = style.figure()
    text = fig.text(x, 0.05, WORDS + f" {CJK[:4]} {CJK[4:]}\nA second paragraph\n\nafter an empty line", fontsize=size, ha=ha,
                    wrap=True)
    renderer = fig.canvas.get_renderer()
    text.draw(renderer)  # gives the text the renderer that matplotlib's rule measures with
    expected = text._get_wrapped_text()
    assert "\n" in expected.split("\nA second")[0] or ha == "center"  # the case does wrap
    assert style._broken_lines(text, text.get_text(), renderer) == expected
    matplotlib.pyplot.close(fig)


def test_texts_are_restored_after_the_block():
    fig, ax = style.figure()
    original = WORDS
    text = fig.text(0.02, 0.05, original, fontsize=10, wrap=True)
    rotated = ax.text(0.5, 0.5, original, rotation=90, wrap=True)
    with style._wrapped_once(fig):
        assert text.get_wrap() is False and "\n" in text.get_text()
        assert rotated.get_wrap() is True and rotated.get_text() == original  # left to matplotlib
    assert text.get_wrap() is True and text.get_text() == original
    matplotlib.pyplot.close(fig)
