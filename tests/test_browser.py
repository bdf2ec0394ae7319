"""The built pages in a real browser (headless Chromium), with every network request blocked.

Needs Debian's chromium (`apt-get install chromium`); without it these tests are skipped with that message.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="Chromium not found: install it with `apt-get install chromium`")
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def open_page(browser, path: Path):
    """Open a page from disk; record every request that is not a local file, and every console error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    outside, errors = [], []

    def route(r):
        if r.request.url.startswith(("file://", "data:")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri(), wait_until="load")
    return context, page, outside, errors


def pages(full_build):
    return sorted((full_build / "site").glob("*.html"))


def test_pages_load_offline_without_errors_and_images_decode(browser, full_build):
    for path in pages(full_build):
        context, page, outside, errors = open_page(browser, path)
        page.evaluate("() => Promise.all([...document.images].map(i => { i.loading = 'eager'; return i.decode().catch(() => null); }))")
        broken = page.evaluate("() => [...document.images].filter(i => !(i.naturalWidth > 0)).map(i => i.src.slice(0, 80))")
        context.close()
        assert outside == [], f"{path.name} requested {outside}"
        assert errors == [], f"{path.name}: {errors}"
        assert broken == [], f"{path.name}: images that did not decode: {broken}"


def test_internal_links_resolve(browser, full_build):
    for path in pages(full_build):
        context, page, _, _ = open_page(browser, path)
        links = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
        ids = {}
        for href in links:
            url = urlparse(href)
            if url.scheme != "file":
                continue
            target = Path(unquote(url.path))
            assert target.exists(), f"{path.name} links to missing {target.name}"
            if url.fragment and target.suffix == ".html":
                if target not in ids:
                    other = context.new_page()
                    other.goto(target.as_uri())
                    ids[target] = set(other.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)"))
                    other.close()
                assert url.fragment in ids[target], f"{path.name}: #{url.fragment} not in {target.name}"
        context.close()


def test_chinese_text_renders_as_glyphs(browser, full_build):
    """Chinese in each of the page's font stacks (quote, table, prose) is drawn with real glyphs, not boxes."""
    from io import BytesIO

    from PIL import Image

    context, page, _, _ = open_page(browser, full_build / "site" / "index.html")
    page.evaluate("() => document.fonts.ready")
    for selector in (".scorecard .quote", ".scorecard td", ".summary p", "h1"):
        element = page.locator(selector).first
        element.evaluate("e => { e.textContent = '百度 腾讯 阿里云 字节跳动'; }")
        page.evaluate("() => document.fonts.ready")
        real = element.screenshot()
        # The same element with characters no font has: if it looks the same, the Chinese was drawn as boxes too.
        element.evaluate("e => { e.textContent = '\\uE000\\uE001 \\uE002\\uE003 \\uE004\\uE005\\uE006 \\uE007\\uE008\\uE009\\uE00A'; }")
        tofu = element.screenshot()
        assert real != tofu, f"{selector}: Chinese drawn as boxes"
        colours = Image.open(BytesIO(real)).convert("L").getcolors(maxcolors=65536)
        assert colours and len(colours) > 2, f"{selector}: blank"
    context.close()


def test_scorecard_lists_every_claim(browser, full_build):
    context, page, _, _ = open_page(browser, full_build / "site" / "index.html")
    claims = page.evaluate("() => [...document.querySelectorAll('.scorecard tbody th')].map(t => t.textContent.trim())")
    verdicts = page.evaluate("() => [...document.querySelectorAll('.scorecard .badge')].map(t => t.textContent.trim())")
    context.close()
    assert claims == [f"C{n}" for n in range(1, 12)]
    assert set(verdicts) <= {"supported", "partly supported", "not supported", "not testable with public data"}


def test_print_layout_hides_code_and_navigation(browser, full_build):
    context, page, _, _ = open_page(browser, full_build / "site" / "01_timeline.html")
    page.emulate_media(media="print")
    hidden = page.evaluate("() => [...document.querySelectorAll('details.code, nav.pager')]"
                           ".every(e => getComputedStyle(e).display === 'none')")
    pdf = page.pdf(format="A4")
    context.close()
    assert hidden and pdf[:4] == b"%PDF"


def test_page_weight_without_figures(full_build):
    site = full_build / "site"
    css = (site / "style.css").stat().st_size
    font = (site / "fonts" / "cjk.woff").stat().st_size
    for path in pages(full_build):
        if path.name == "report.html":
            continue  # the one-file edition embeds every figure on purpose
        weight = path.stat().st_size + css + font
        assert weight <= 150_000, f"{path.name}: {weight} bytes without figures"
