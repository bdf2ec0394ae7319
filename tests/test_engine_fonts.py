"""Byte-identical across machines: two builds, each with its own empty user cache (so each cuts its own fonts and
builds matplotlib's font list afresh), write the same bytes."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

from conftest import assert_same_files, notebooks_copy, run_build


def test_two_fresh_machines_build_the_same_bytes(tmp_path, data_copy):
    notebooks = notebooks_copy(tmp_path / "notebooks", ["01_timeline"])

    def build(machine: str):
        env_cache = tmp_path / machine / "cache"
        env_cache.mkdir(parents=True)
        env = dict(os.environ, XDG_CACHE_HOME=str(env_cache), MPLCONFIGDIR=str(tmp_path / machine / "mpl"))
        return run_build("--out", tmp_path / machine / "out", "--data", data_copy, "--notebooks", notebooks,
                         env=env)

    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(build, ["one", "two"])
    for result in (first, second):
        assert result.returncode == 0, result.stdout + result.stderr
        assert "cutting the chart font" in result.stdout, "the font cache was not empty"
    one, two = tmp_path / "one" / "out", tmp_path / "two" / "out"
    assert sorted((one / "site" / "fonts").iterdir()), "no page font"
    assert_same_files(one, two)


def test_the_background_cut_makes_the_fonts_an_in_process_cut_would(tmp_path, monkeypatch):
    """The first build cuts the chart font in another process while it validates: the same bytes as a cut here,
    nothing started when the fonts are there already, and no partial file when it is stopped."""
    from pricewar import fonts

    chars = fonts.chart_characters(["é×→字節坐标"])
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "background"))
    lines = []
    process = fonts.cut_in_background(chars, lines.append)
    assert process is not None and process.wait(timeout=120) == 0
    assert lines and "cutting the chart font" in lines[0]
    background = {style: path.read_bytes() for style, path in fonts.static_paths(chars).items()}
    assert fonts.cut_in_background(chars) is None, "already cut: nothing to start"

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "here"))
    here = {style: path.read_bytes() for style, path in fonts.static_fonts(chars).items()}
    assert here == background

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "stopped"))
    process = fonts.cut_in_background(chars)
    process.terminate()
    process.wait(timeout=60)
    folder = fonts.cache_dir()
    assert not folder.exists() or not [p for p in folder.iterdir() if p.suffix == ".tmp"]
