"""What a reader finds on the pages: anchors and contents, labelled code, citation, licences, the data download."""
from __future__ import annotations

import hashlib
import re
import zipfile
from html import unescape

from conftest import ROOT

CHAPTERS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))


def read(full_build, name: str) -> str:
    return (full_build / "site" / name).read_text(encoding="utf-8")


def test_every_heading_has_an_id_and_each_chapter_opens_with_its_contents(full_build):
    for name in CHAPTERS:
        page = read(full_build, f"{name}.html")
        headings = re.findall(r"<h([23])([^>]*)>", page)
        assert all(' id="' in attrs for _, attrs in headings), f"{name}: a heading without an id"
        ids = re.findall(r'\sid="([^"]+)"', page)
        assert len(ids) == len(set(ids)), f"{name}: duplicate ids"
        h2 = re.findall(r'<h2[^>]*\sid="([^"]+)"', page)
        if len(h2) >= 2:
            toc = re.search(r'<nav class="toc".*?</nav>', page, re.S)
            assert toc, f"{name}: no contents list"
            assert re.findall(r'href="#([^"]+)"', toc.group(0)) == h2
            assert page.index('<nav class="toc"') < page.index("<h2"), f"{name}: the contents list comes first"
        assert "<h1" in page, f"{name}: the chapter title is not a heading"


def test_one_file_edition_keeps_ids_unique(full_build):
    ids = re.findall(r'\sid="([^"]+)"', read(full_build, "report.html"))
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})[:10]


def test_scorecard_links_each_claim_to_its_box_in_the_chapter(full_build):
    index = read(full_build, "index.html")
    links = re.findall(r'href="(\d\d_[a-z_]+)\.html#(C\d+)"', index)
    assert {claim for _, claim in links} == {f"C{n}" for n in range(1, 12)} - _untested(index)
    for chapter, claim in links:
        page = read(full_build, f"{chapter}.html")
        assert f'<div class="verdict" id="{claim}"' in page, f"{claim} has no box in {chapter}"


def _untested(index: str) -> set[str]:
    return {c for c in re.findall(r'<tr data-verdict="not testable with public data" id="(C\d+)"', index)
            if f'#{c}"' not in index}


def test_code_folds_say_what_they_hold(full_build):
    for name in CHAPTERS:
        labels = [unescape(s) for s in re.findall(r"<summary>(.*?)</summary>", read(full_build, f"{name}.html"))]
        assert labels, name
        assert "Show code" not in labels
        assert all(label.startswith("Code: ") and len(label) > 10 for label in labels), labels
        assert len(labels) == len(set(labels)), f"{name}: two folds with the same label"


def test_every_page_has_a_skip_link_data_version_and_cite_link(full_build):
    version = None
    for page in sorted((full_build / "site").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert '<a class="skip" href="#main">' in text and 'id="main"' in text, page.name
        found = re.search(r"data version <code>([0-9a-f]{10})</code>", text)
        assert found, f"{page.name}: no data version"
        version = version or found.group(1)
        assert found.group(1) == version
        if page.name != "report.html":
            assert 'href="index.html#cite"' in text and "CC BY 4.0" in text and "MIT" in text, page.name
    index = read(full_build, "index.html")
    assert '<h2 id="cite">Cite and reuse</h2>' in index
    bibtex = unescape(re.search(r'<pre class="bibtex"[^>]*><code>(.*?)</code></pre>', index, re.S).group(1))
    assert bibtex.startswith("@misc{") and version in bibtex and bibtex.count("{") == bibtex.count("}")


def test_data_package_download_is_complete_and_byte_stable(full_build, data_copy, tmp_path):
    from pricewar.engine.render import DATA_ZIP, data_version, write_data_zip

    path = full_build / "site" / DATA_ZIP
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert names == sorted(names)
        assert {n.split("/")[-1] for n in names} >= {p.name for p in data_copy.glob("*.csv")} | {"datapackage.json"}
        assert all(i.date_time == (2024, 1, 1, 0, 0, 0) for i in zf.infolist())
        assert zf.read("data/vendors.csv") == (data_copy / "vendors.csv").read_bytes()
    again = tmp_path / "again.zip"
    write_data_zip(data_copy, again)
    assert hashlib.sha256(again.read_bytes()).digest() == hashlib.sha256(path.read_bytes()).digest()
    assert data_version(again) in read(full_build, "index.html")


def test_figures_link_their_data_and_a_full_size_view(full_build):
    gallery = read(full_build, "gallery.html")
    figures = sorted(p.stem for p in (full_build / "figures").glob("*.png"))
    for name in figures:
        assert f'href="figures/{name}.csv"' in gallery, name
    for chapter in CHAPTERS:
        page = read(full_build, f"{chapter}.html")
        for name in re.findall(r'<figure id="fig-([^"]+)" class="chart">', page):
            block = re.search(rf'<figure id="fig-{name}".*?</figure>', page, re.S).group(0)
            assert f'<a class="enlarge" href="figures/{name}.png"' in block
            assert f'srcset="figures/{name}.phone.webp"' in block
            assert f'href="figures/{name}.csv">Data (CSV)</a>' in block


def test_licence_file_names_both_licences():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in text and "CC BY 4.0" in text and "Permission is hereby granted" in text


def test_a_data_edit_no_notebook_reads_still_changes_the_download_and_the_version(tmp_path, full_build, data_copy):
    """data/README.md is read by no notebook: nothing executes again, yet the data zip and the data version shown
    on every page follow it."""
    from conftest import clone_build, run_build

    from pricewar.engine.render import DATA_ZIP, data_version

    out = clone_build(full_build, tmp_path / "out")
    shown = re.compile(r"data version <code>([0-9a-f]{10})</code>")
    before_zip = (out / "site" / DATA_ZIP).read_bytes()
    before = shown.search(read(out, "index.html")).group(1)
    readme = data_copy / "README.md"
    original = readme.read_bytes()
    try:
        readme.write_bytes(original + b"\nOne more line, read by no notebook.\n")
        result = run_build("--out", out, "--data", data_copy)
    finally:
        readme.write_bytes(original)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Up to date" not in result.stdout and "0 executed" in result.stdout, result.stdout
    after_zip = out / "site" / DATA_ZIP
    assert after_zip.read_bytes() != before_zip
    with zipfile.ZipFile(after_zip) as zf:
        assert zf.read("data/README.md").endswith(b"read by no notebook.\n")
    for page in ("index.html", "01_timeline.html", "report.html"):
        after = shown.search(read(out, page)).group(1)
        assert after != before and after == data_version(after_zip), page
