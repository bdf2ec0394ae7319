"""The render cache: an unchanged chart's PNG and phone rendition are reused, never a wrong or damaged one."""
from __future__ import annotations

import csv
import io
import os
import time

import pandas as pd
import pytest
from conftest import clone_build, run_build, site_files

from pricewar import renders, style


def draw(folder, monkeypatch, y=(3.0, 2.0, 1.5), cache=None, code=None):
    """Save one small chart into `folder` (with the render cache at `cache`, or none; with the package's code hash
    `code`, as the build passes it, or none); return its files' bytes."""
    monkeypatch.setenv("PRICEWAR_FIGURES_DIR", str(folder))
    if cache is None:
        monkeypatch.delenv("PRICEWAR_RENDER_CACHE", raising=False)
    else:
        monkeypatch.setenv("PRICEWAR_RENDER_CACHE", str(cache))
    if code is None:
        monkeypatch.delenv("PRICEWAR_CODE_HASH", raising=False)
    else:
        monkeypatch.setenv("PRICEWAR_CODE_HASH", code)
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: shown.append(k.get("metadata")))
    fig, ax = style.figure()
    days = pd.to_datetime(["2024-05-01", "2024-05-15", "2024-06-01"])
    ax.plot(days, list(y), color=style.vendor_color("alibaba"), label="Qwen-Long")
    style.titles(fig, "A takeaway title", "Yuan per 1K tokens", "test source")
    style.save(fig, "chart", "A test chart.")
    files = {ext: (folder / f"chart.{ext}").read_bytes() for ext in ("png", "svg", "phone.webp", "csv")}
    return files, shown[0]["pricewar_figure"]


@pytest.fixture
def no_redraw(monkeypatch):
    """Make drawing the PNG or the phone rendition an error: what a cache hit must not need."""
    def forbid(*args, **kwargs):
        raise AssertionError("drew again although the drawing was cached")

    def arm():
        monkeypatch.setattr(style, "_save_phone", forbid)
    return arm


def test_an_unchanged_chart_is_copied_not_drawn(tmp_path, monkeypatch, no_redraw):
    plain, plain_info = draw(tmp_path / "plain", monkeypatch)
    first, info = draw(tmp_path / "one", monkeypatch, cache=tmp_path / "cache")
    assert first == plain and info == plain_info, "the cache must not change what is written"
    no_redraw()
    again, again_info = draw(tmp_path / "two", monkeypatch, cache=tmp_path / "cache")
    assert again == plain and again_info == plain_info


def test_an_unchanged_figure_is_not_drawn_at_all(tmp_path, monkeypatch):
    """Under the build (code hash given), a figure that figprint finds unchanged gets its SVG, PNG and phone
    rendition from the store: matplotlib draws nothing."""
    plain, plain_info = draw(tmp_path / "plain", monkeypatch)
    first, _ = draw(tmp_path / "one", monkeypatch, cache=tmp_path / "cache", code="code-1")
    assert first == plain

    def forbid(*args, **kwargs):
        raise AssertionError("drew the figure although it was unchanged")

    monkeypatch.setattr("matplotlib.figure.Figure.savefig", forbid)
    again, info = draw(tmp_path / "two", monkeypatch, cache=tmp_path / "cache", code="code-1")
    assert again == plain and info == plain_info
    with pytest.raises(AssertionError, match="drew the figure"):  # other code: drawn again
        draw(tmp_path / "three", monkeypatch, cache=tmp_path / "cache", code="code-2")
    with pytest.raises(AssertionError, match="drew the figure"):  # other data: drawn again
        draw(tmp_path / "four", monkeypatch, y=(3.0, 2.0, 1.0), cache=tmp_path / "cache", code="code-1")


def test_a_changed_chart_is_drawn_again(tmp_path, monkeypatch):
    draw(tmp_path / "one", monkeypatch, cache=tmp_path / "cache")
    changed, _ = draw(tmp_path / "two", monkeypatch, y=(3.0, 2.0, 1.0), cache=tmp_path / "cache")
    fresh, _ = draw(tmp_path / "plain", monkeypatch, y=(3.0, 2.0, 1.0))
    assert changed == fresh
    assert len([p for p in (tmp_path / "cache").iterdir()]) == 2


def test_a_damaged_entry_is_drawn_again_and_repaired(tmp_path, monkeypatch, no_redraw):
    plain, _ = draw(tmp_path / "plain", monkeypatch)
    draw(tmp_path / "one", monkeypatch, cache=tmp_path / "cache")
    (entry,) = list((tmp_path / "cache").iterdir())
    damaged = entry / "figure.png"
    damaged.write_bytes(damaged.read_bytes()[:-10] + b"0123456789")  # same size, other bytes
    again, _ = draw(tmp_path / "two", monkeypatch, cache=tmp_path / "cache")
    assert again == plain
    no_redraw()  # repaired: the next save is a hit
    third, _ = draw(tmp_path / "three", monkeypatch, cache=tmp_path / "cache")
    assert third == plain
    (entry / "info.json").unlink()
    monkeypatch.undo()
    fourth, _ = draw(tmp_path / "four", monkeypatch, cache=tmp_path / "cache")
    assert fourth == plain


def test_outside_the_build_no_cache_is_read_or_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    draw(tmp_path / "out", monkeypatch)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_prune_keeps_the_most_recent_and_removes_leftovers(tmp_path):
    for i in range(5):
        (tmp_path / f"entry{i}").mkdir()
        os.utime(tmp_path / f"entry{i}", (time.time() - 100 + i, time.time() - 100 + i))
    (tmp_path / ".tmp-123-abc").mkdir()  # what a killed kernel leaves
    renders.prune(tmp_path, keep=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entry3", "entry4"]


def test_a_new_price_row_reuses_drawings_and_publishes_what_a_clean_build_would(tmp_path, full_build, data_copy):
    """The commonest edit re-runs every chapter: unchanged charts are copied, and the report is the same, byte for
    byte, as one built from nothing on the same data."""
    out = clone_build(full_build, tmp_path / "out")
    prices = data_copy / "price_changes.csv"
    original = prices.read_bytes()
    # A second source for a fact already in the table: every chapter re-runs, few charts change.
    rows = list(csv.DictReader(io.StringIO(original.decode("utf-8"))))
    row = dict(rows[-1])
    row["source_note"] = row["source_note"] + " (a second reading of the same page)"
    buffer = io.StringIO()
    csv.DictWriter(buffer, fieldnames=list(row), lineterminator="\n").writerow(row)
    try:
        prices.write_bytes(original.rstrip(b"\n") + b"\n" + buffer.getvalue().encode("utf-8"))
        cache = out / ".build-cache" / "renders"
        before = {p.name: p.stat().st_mtime for p in cache.iterdir()}
        result = run_build("--out", out, "--data", data_copy, "--jobs", "2")
        assert result.returncode == 0, result.stdout + result.stderr
        reused = [name for name in before if (cache / name).stat().st_mtime > before[name]]
        assert reused, "no drawing was reused"
        clean = run_build("--out", tmp_path / "clean", "--data", data_copy, "--jobs", "2")
        assert clean.returncode == 0, clean.stdout + clean.stderr
        for folder in ("figures", "site"):
            ours, theirs = site_files(out / folder, history=False), site_files(tmp_path / "clean" / folder,
                                                                                history=False)
            assert sorted(ours) == sorted(theirs)
            assert [n for n in ours if ours[n] != theirs[n]] == []
    finally:
        prices.write_bytes(original)
