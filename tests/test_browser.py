"""The built pages in a real browser (headless Chromium), with every network request blocked.

Needs Debian's chromium (`apt-get install chromium`); without it these tests are skipped with that message. The
accessibility checks inject axe-core from npm: `npm install --prefix tests/.node axe-core@4.14.1` (the tests run
that when the package is missing, and skip the accessibility checks, saying why, where npm cannot install it).

Each page is opened once at desktop width (1280 px) and once as a phone (390 px, then resized to 360 px); the
tests below check what those two passes saw.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from pricewar import style

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="Chromium not found: install it with `apt-get install chromium`")
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
AXE_VERSION = "4.14.1"
AXE = Path(__file__).parent / ".node" / "node_modules" / "axe-core" / "axe.min.js"
PHONE_WIDTHS = (390, 360)

DECODE = "() => Promise.all([...document.images].map(i => { i.loading = 'eager'; return i.decode().catch(() => null); }))"
AXE_RUN = """async () => {
    const r = await axe.run(document, {resultTypes: ['violations']});
    return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
                                   target: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def open_page(browser, path: Path, width: int = 1280, **options):
    """Open a page from disk; record every request that is not a local file, and every console error."""
    context = browser.new_context(viewport={"width": width, "height": 900}, **options)
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


def axe_script() -> Path | str:
    """axe-core's script, installed with npm if missing; a string saying why where it cannot be had."""
    if AXE.exists():
        return AXE
    npm = shutil.which("npm")
    if not npm:
        return "npm is missing"
    try:
        subprocess.run([npm, "install", "--prefix", str(AXE.parents[2]), "--no-save", "--no-audit", "--no-fund",
                        f"axe-core@{AXE_VERSION}"], check=True, capture_output=True, timeout=180)
    except (subprocess.SubprocessError, OSError) as error:
        return f"npm could not install it ({error})"
    return AXE if AXE.exists() else "npm did not install it"


@pytest.fixture(scope="module")
def axe():
    return axe_script()


def _axe(page, axe) -> list | None:
    if not isinstance(axe, Path):
        return None
    page.add_script_tag(path=str(axe))
    return page.evaluate(AXE_RUN)


def _desktop_pass(browser, full_build, axe) -> dict:
    """Every page at 1280 px: outside requests, errors, undecoded images, links, ids, axe's violations."""
    seen = {}
    for path in pages(full_build):
        context, page, outside, errors = open_page(browser, path)
        page.evaluate(DECODE)
        seen[path.name] = {
            "outside": list(outside), "errors": list(errors),  # before axe, whose own requests fail on file://
            "broken": page.evaluate("() => [...document.images].filter(i => !(i.naturalWidth > 0))"
                                    ".map(i => i.src.slice(0, 80))"),
            "links": page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)"),
            "ids": set(page.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)")),
            "axe": _axe(page, axe)}
        context.close()
    return seen


def _phone_pass(browser, full_build, axe) -> dict:
    """Every page on a 390 px phone (then 360 px): page widths, the charts as shown, axe's violations."""
    seen = {}
    for path in pages(full_build):
        context, page, _, _ = open_page(browser, path, PHONE_WIDTHS[0], device_scale_factor=2, is_mobile=True,
                                        has_touch=True)
        page.evaluate(DECODE)
        widths = {}
        charts = page.evaluate("""() => [...document.querySelectorAll('figure.chart img')].map(i => ({
            src: i.currentSrc, shown: i.getBoundingClientRect().width, natural: i.naturalWidth}))""")
        violations = _axe(page, axe)
        for width in PHONE_WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            widths[width] = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        seen[path.name] = {"widths": widths, "charts": charts, "axe": violations}
        context.close()
    return seen


def _in_own_browser(job, full_build, axe) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            return job(b, full_build, axe)
        finally:
            b.close()


@pytest.fixture(scope="module")
def passes(full_build, axe) -> dict:
    """The desktop and the phone pass, run at the same time in two browsers (each page is opened once in each)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        desktop = pool.submit(_in_own_browser, _desktop_pass, full_build, axe)
        phone = pool.submit(_in_own_browser, _phone_pass, full_build, axe)
        return {"desktop": desktop.result(), "phone": phone.result()}


@pytest.fixture(scope="module")
def desktop(passes) -> dict:
    return passes["desktop"]


@pytest.fixture(scope="module")
def phone(passes) -> dict:
    return passes["phone"]


def test_pages_load_offline_without_errors_and_images_decode(desktop):
    for name, seen in desktop.items():
        assert seen["outside"] == [], f"{name} requested {seen['outside']}"
        assert seen["errors"] == [], f"{name}: {seen['errors']}"
        assert seen["broken"] == [], f"{name}: images that did not decode: {seen['broken']}"


def test_internal_links_resolve(desktop, full_build):
    site = full_build / "site"
    for name, seen in desktop.items():
        for href in seen["links"]:
            url = urlparse(href)
            if url.scheme != "file":
                continue
            target = Path(unquote(url.path))
            assert target.exists(), f"{name} links to missing {target.name}"
            if url.fragment and target.suffix == ".html" and target.parent == site:
                assert url.fragment in desktop[target.name]["ids"], f"{name}: #{url.fragment} not in {target.name}"


@pytest.mark.parametrize("width", PHONE_WIDTHS)
def test_no_page_is_wider_than_a_phone(phone, width):
    """Tables and charts scroll in their own boxes; the page itself never scrolls sideways."""
    for name, seen in phone.items():
        scroll, inner = seen["widths"][width]
        assert scroll <= inner == width, f"{name} is {scroll} px wide at {width}"


def test_chart_text_is_readable_on_a_phone(phone):
    """At 390 px each chart shows its phone rendition, drawn so that its smallest text is at least 9 CSS px."""
    checked = 0
    for name, seen in phone.items():
        if name == "report.html":
            continue  # the one-file edition carries the slide images only
        for chart in seen["charts"]:
            assert chart["src"].endswith(".phone.webp"), f"{name}: {chart['src']}"
            px_per_pt = chart["shown"] / (chart["natural"] / style.PHONE_DPI * 72)
            assert style.PHONE_MIN_PT * px_per_pt >= 9, f"{name}: {chart['src']} at {px_per_pt:.2f} px per point"
            checked += 1
    assert checked >= 15


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_axe_finds_no_accessibility_violation(request, axe, width):
    """axe-core's default rules (WCAG 2 A/AA and best practices) on every page, at 1280 and at 390 px."""
    if not isinstance(axe, Path):
        pytest.skip(f"axe-core is not available: {axe}; run npm install --prefix tests/.node axe-core@{AXE_VERSION}")
    seen = request.getfixturevalue(width)
    problems = [dict(v, page=name) for name, s in seen.items() for v in s["axe"]]
    assert problems == [], json.dumps(problems, indent=1)


def test_pages_use_only_the_shipped_fonts(browser, full_build):
    """Every text is drawn with the shipped faces (Noto Sans SC, DejaVu Sans Mono), never a machine's own."""
    context, page, _, _ = open_page(browser, full_build / "site" / "01_timeline.html")
    page.evaluate("() => document.fonts.ready")
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    cdp = context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    used = set()
    for selector in ("h1", "h2", "p", ".verdict p", "table td", "figcaption", "code", "pre code", "summary",
                     "ol.sources li", ".badge", "header.site", "footer.site", "[lang|=zh]"):
        for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"][:3]:
            used |= {f["familyName"] for f in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]}
    context.close()
    assert used and used <= {"Noto Sans SC", "Noto Sans SC Thin", "DejaVu Sans Mono"}, used


def test_chinese_text_renders_as_glyphs(browser, full_build):
    """Chinese in each of the page's text styles (quote, table, prose, heading) is drawn with real glyphs."""
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
    hidden = page.evaluate("() => [...document.querySelectorAll('details.code, nav.pager, nav.toc')]"
                           ".every(e => getComputedStyle(e).display === 'none')")
    pdf = page.pdf(format="A4")
    context.close()
    assert hidden and pdf[:4] == b"%PDF"


def test_page_weight_without_figures(full_build):
    site = full_build / "site"
    css = (site / "style.css").stat().st_size
    fonts = sum(p.stat().st_size for p in (site / "fonts").glob("*.woff"))
    # The subsets grow with the Chinese characters the data use (a few hundred): a budget, not an exact size.
    assert fonts <= 200_000, f"the three font subsets weigh {fonts} bytes"
    for path in pages(full_build):
        if path.name == "report.html":
            continue  # the one-file edition embeds every figure on purpose
        weight = path.stat().st_size + css + fonts
        # A chapter carries its code (folded), tables with a Sources column and a source list of up to ~180
        # entries: heavy for a text page, light beside one chart.
        assert weight <= 420_000, f"{path.name}: {weight} bytes without figures"
