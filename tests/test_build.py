"""The build engine: caching, determinism, failure handling and what the published pages may contain."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

from conftest import ROOT, manifest, record, run_build, site_files

CHAPTERS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))
# A page may link to another host (<a href>) but never load from one: no src, stylesheet, @import or url().
# (data-src and other data-* attributes load nothing: the source list keeps each address in one.)
EXTERNAL = re.compile(r"""(?<![\w-])(?:src|srcset|poster|data)\s*=\s*["']?\s*(?:https?:)?//|<link\b[^>]*\bhref\s*=\s*["']?\s*"""
                      r"""(?:https?:)?//|@import\s+(?:url\()?["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//""", re.I)
LINK = re.compile(r"<a\b[^>]*\bhref\s*=\s*[\"'](?:https?:)?//[^>]*>", re.I)


def executed_names(stdout: str) -> set[str]:
    return set(re.findall(r"^\s+(\S+)\s+executed", stdout, re.M))


def test_every_chapter_has_a_page_and_the_index_lists_them(full_build):
    site = full_build / "site"
    index = (site / "index.html").read_text(encoding="utf-8")
    for name in CHAPTERS:
        assert (site / f"{name}.html").exists()
        assert f'href="{name}.html"' in index


def test_no_page_loads_anything_from_another_host(full_build):
    for page in (full_build / "site").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not EXTERNAL.search(text), f"{page.name}: {EXTERNAL.search(text).group(0)}"
        for link in LINK.findall(text):  # links to sources open apart from the report and tell it nothing
            rel = re.search(r'\brel="([^"]*)"', link)
            assert rel and {"noopener", "noreferrer"} <= set(rel.group(1).split()), f"{page.name}: {link}"
    css = (full_build / "site" / "style.css").read_text(encoding="utf-8")
    assert not re.search(r"(@import|url\()\s*[\"']?(https?:)?//", css)


def test_no_error_output_in_any_page(full_build):
    for page in (full_build / "site").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "Traceback (most recent call last)" not in text, page.name
        assert not re.search(r"\b\w+Error\b:", re.sub(r"<details.*?</details>", "", text, flags=re.S)), page.name


def test_every_figure_exists_as_png_and_svg(full_build):
    figures = full_build / "figures"
    referenced = set()
    for page in (full_build / "site").glob("*.html"):
        referenced |= set(re.findall(r'src="figures/([^"]+)\.png"', page.read_text(encoding="utf-8")))
    assert referenced, "no figure in any page"
    for name in referenced:
        for ext in ("png", "svg"):
            assert (figures / f"{name}.{ext}").stat().st_size > 1000, f"{name}.{ext}"
            assert (full_build / "site" / "figures" / f"{name}.{ext}").exists()
    assert (figures / "price-war-charts.pptx").exists()


def test_png_figures_are_slide_sized(full_build):
    import struct

    for png in (full_build / "figures").glob("*.png"):
        width, height = struct.unpack(">II", png.read_bytes()[16:24])
        assert width >= 1600 and abs(width / height - 16 / 9) < 0.01, png.name


def test_scorecard_lists_all_claims(full_build):
    index = (full_build / "site" / "index.html").read_text(encoding="utf-8")
    for n in range(1, 12):
        assert f'id="C{n}"' in index


def test_noop_rebuild_executes_nothing(full_build, data_copy):
    before = site_files(full_build / "site")
    result = run_build("--out", full_build, "--data", data_copy)
    assert result.returncode == 0, result.stderr
    assert "Up to date" in result.stdout and executed_names(result.stdout) == set()
    assert site_files(full_build / "site") == before


# What only executing or rendering needs: a build with nothing to do imports none of it.
HEAVY = {"nbconvert", "mistune", "bleach", "pygments", "bs4", "jinja2", "markdown_it", "nh3", "nbformat", "nbclient",
         "jupyter_client", "pandas", "matplotlib"}


def test_noop_rebuild_imports_neither_renderer_nor_jupyter(full_build, data_copy):
    result = subprocess.run([sys.executable, "-X", "importtime", str(ROOT / "build.py"), "--out", str(full_build),
                             "--data", str(data_copy)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "Up to date" in result.stdout, result.stdout + result.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in result.stderr.splitlines()
                if line.startswith("import time:")}
    assert imported and not imported & HEAVY, sorted(imported & HEAVY)


def test_chapter_pages_carry_no_stock_notebook_styles(full_build):
    # nbconvert writes the chapters' bodies with the project's template (extends base, not lab): no lab classes,
    # no inline stylesheet or script, only the report's own style.css.
    for name in CHAPTERS:
        text = (full_build / "site" / f"{name}.html").read_text(encoding="utf-8")
        for stock in ("jp-", "<style", "<script", "highlight-ipynb", "mathjax"):
            assert stock not in text.lower(), f"{name}: {stock}"
        assert re.findall(r"<link\b[^>]*>", text) == ['<link rel="stylesheet" href="style.css">'], name


def test_csv_edit_reexecutes_only_notebooks_that_read_it(full_build, data_copy):
    readers = {name for name in CHAPTERS
               if any(k.endswith("/ride_hailing.csv") for k in manifest(full_build, name)["reads"])}
    assert readers and len(readers) < len(CHAPTERS), "ride_hailing.csv should be read by some but not all notebooks"
    path = data_copy / "ride_hailing.csv"
    original = path.read_bytes()
    try:
        last = original.decode("utf-8").rstrip("\n").splitlines()[-1]
        path.write_bytes(original + (last.replace(last.split(",")[0], "2016-12-31", 1) + "\n").encode("utf-8"))
        result = run_build("--out", full_build, "--data", data_copy)
        assert result.returncode == 0, result.stderr
        executed = executed_names(result.stdout)
        # The readers re-run; the scorecard may follow only because a reader's recorded verdicts changed.
        assert readers <= executed <= readers | {"07_scorecard"}
    finally:
        path.write_bytes(original)
        run_build("--out", full_build, "--data", data_copy)


def test_two_builds_are_byte_identical(full_build, data_copy, tmp_path):
    result = run_build("--out", tmp_path, "--data", data_copy, "--force", "--jobs", "2")
    assert result.returncode == 0, result.stderr
    for folder in ("site", "figures"):
        first, second = site_files(full_build / folder, False), site_files(tmp_path / folder, False)
        assert first.keys() == second.keys()
        changed = [name for name in first if first[name] != second[name]]
        assert not changed, f"{folder}: {changed}"


def test_failing_notebook_fails_the_build_and_keeps_the_last_report(tmp_path, data_copy):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", notebooks)
    out = tmp_path / "out"
    ok = run_build("--out", out, "--data", data_copy, "--notebooks", notebooks, "--only", "01_timeline")
    assert ok.returncode == 0, ok.stderr
    assert not (out / "site").exists(), "--only previews; it must not publish a one-chapter report"
    before = site_files(out / "site-preview")

    nb = json.loads((notebooks / "01_timeline.ipynb").read_text(encoding="utf-8"))
    code = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]
    nb["cells"][code[-1]]["source"] = "raise RuntimeError('deliberately broken')\n"
    (notebooks / "01_timeline.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    failed = run_build("--out", out, "--data", data_copy, "--notebooks", notebooks, "--only", "01_timeline")
    assert failed.returncode == 1
    assert f"01_timeline.ipynb failed at cell {code[-1] + 1}" in failed.stderr
    assert "deliberately broken" in failed.stderr
    assert site_files(out / "site-preview") == before


def test_verdict_follows_the_data_with_no_hand_edit(tmp_path):
    """Change the sourced Qwen-Long price and rebuild: the C1 verdict flips on its own, and the build says so."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    out = tmp_path / "out"

    def c1() -> str:
        return next(v["verdict"] for v in record(out, "01_timeline")["verdicts"] if v["claim"] == "C1")

    first = run_build("--out", out, "--data", data)
    assert first.returncode == 0, first.stderr
    before = c1()
    assert before in ("supported", "partly supported")
    path = data / "price_changes.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    edited = [line.replace(",0.0005,CNY/1K tokens,", ",0.0009,CNY/1K tokens,").replace(",0.5,CNY/1M tokens,",
                                                                                       ",0.9,CNY/1M tokens,")
              if ",alibaba,Qwen-Long,input," in line else line for line in lines]
    assert edited != lines
    path.write_text("\n".join(edited) + "\n", encoding="utf-8")
    result = run_build("--out", out, "--data", data)
    assert result.returncode == 0, result.stderr
    assert c1() == "not supported"
    assert f"Verdict C1: {before} → not supported" in result.stdout
    assert "not supported" in (out / "site" / "index.html").read_text(encoding="utf-8")
    assert f"Verdict C1: {before} → not supported" in (out / "site" / "changes.html").read_text(encoding="utf-8")


def test_slide_deck_has_one_slide_per_figure_with_title_and_source(full_build):
    from pptx import Presentation

    figures = sorted(p.stem for p in (full_build / "figures").glob("*.png"))
    deck = Presentation(str(full_build / "figures" / "price-war-charts.pptx"))
    assert deck.slide_width * 9 == deck.slide_height * 16
    slides = list(deck.slides)
    assert len(slides) == len(figures)
    for slide in slides:
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        pictures = [s for s in slide.shapes if s.shape_type == 13]
        assert len(pictures) == 1 and texts[0].strip() and any(t.startswith("Source: ") for t in texts)
