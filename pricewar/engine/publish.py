"""Render the committed cache entries into site/ and figures/, and swap them into place.

The new report is written to a staging folder and moved into place with renames only, so a reader never sees a
half-written folder and a failed or killed build leaves the last report as it was. The build remembers every file
it published (size and modification time): a file deleted or edited by hand makes the next build publish again,
and a file in site/ or figures/ that the build did not write (your own notes, say) is carried over, never deleted.
"""
from __future__ import annotations

import json
from pathlib import Path

from . import cache, entries

DECK_NAME = "price-war-charts.pptx"
FOLDERS = ("site", "figures")
PREVIEW = "site-preview"
ENGINE = Path(__file__).resolve().parent


def data_hash(data: Path | None) -> str:
    """Every file in the data folder, by name and content: the site's data version and its data download follow
    any change there (a README edit included), even one that no notebook reads."""
    if data is None or not Path(data).is_dir():
        return ""
    files = sorted(p for p in Path(data).rglob("*") if p.is_file() and not p.name.startswith("."))
    return cache.text_hash("\n".join(f"{p.relative_to(data).as_posix()}\0{cache.file_hash(p)}" for p in files))


def renderer_hash() -> str:
    """The renderer's own code and templates (and the scorecard's, whose page it draws)."""
    renderer = [p for p in ENGINE.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    package = ENGINE.parent
    renderer += [package / "chapters" / "scorecard.py", package / "verdicts.py"]
    return cache.tree_hash(renderer)


def publish_key(cache_dir: Path, names: list[str], as_of: str, data: Path | None = None) -> str:
    """What the published report depends on: each entry's manifest (its inputs and output hashes), the renderer's
    own code and templates, the as-of date, and every file of the data folder (the data download and the data
    version shown on every page come from it)."""
    manifests = [entries.manifest(cache_dir, n) for n in names]
    return cache.text_hash(json.dumps(manifests, sort_keys=True) + renderer_hash() + as_of
                           + "|".join(names) + "|data:" + data_hash(data))


def signature(folder: Path) -> dict[str, list]:
    """{relative path: [size, mtime_ns]} of every file under folder."""
    out = {}
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                st = path.stat()
                out[path.relative_to(folder).as_posix()] = [st.st_size, st.st_mtime_ns]
    return out


def intact(out: Path, published: dict) -> bool:
    """Every file the last publish wrote is still there, unchanged."""
    for name in FOLDERS:
        current = signature(out / name)
        if any(current.get(rel) != sig for rel, sig in published.get(name, {}).items()):
            return False
        if not published.get(name):
            return False
    return True


def warm_up() -> None:
    """Import what publishing uses, ahead of it: called while the last notebook (the scorecard) runs on one core
    and the other is idle, so that those imports are off the build's serial tail. Harmless if never called, and
    if an import fails: publishing imports the same modules and reports what is wrong there."""
    try:
        import pptx.enum.text  # noqa: F401
        import pptx.oxml.ns  # noqa: F401
        import pptx.util  # noqa: F401
        from fontTools import subset  # noqa: F401
        from fontTools.ttLib import TTFont  # noqa: F401
        from PIL import ImageFont  # noqa: F401

        from . import changes, deck, references, render, webfont  # noqa: F401
    except Exception:  # noqa: BLE001 (only a head start; the scorecard is running and must not be stopped)
        pass


def render(cache_dir: Path, names: list[str], target: Path, as_of: str, data: Path, notebooks: Path | None = None) -> dict:
    """Write the whole report into target (site files, with figures/ inside); return the summary of it."""
    import shutil

    from . import changes, references
    from .deck import write_deck
    from .orchestrate import BuildError
    from .pages import page as chapter_page
    from .render import Site, Unshowable

    records = {n: r for n in names if (r := entries.record(cache_dir, n)) is not None}
    renderer = renderer_hash()
    try:
        pages = [chapter_page(cache_dir, n, renderer) for n in names]
    except Unshowable as error:
        raise BuildError(f"{error}. Nothing was published; the previous report is untouched.", 1) from None
    for page in pages:  # one numbering of the sources per page; claims, tables and charts cite by number
        page.body = references.number(page.body)
    figures = [f for p in pages for f in p.figures]
    seen = {}
    for f in figures:
        if f.name in seen:
            raise ValueError(f"figure name {f.name!r} is used by both {seen[f.name]} and {f.chapter}")
        seen[f.name] = f.chapter
    fig_out = target / "figures"
    fig_out.mkdir(parents=True)
    for f in figures:
        made = entries.figure_files(cache_dir, f.chapter)
        for filename, path in made.items():  # every file of the figure: png, svg, csv, phone webp
            if filename.startswith(f"{f.name}.") and path.is_file():
                shutil.copyfile(path, fig_out / filename)
    write_deck(figures, fig_out, fig_out / DECK_NAME, as_of, keep=Path(cache_dir) / "deck")
    summary = next((r.get("summary", []) for r in reversed(list(records.values())) if r.get("summary")), [])
    report = changes.summarise(records, fig_out, data)
    Site(target, as_of, data, notebooks).write_all(pages, records, summary)
    return report


def _staging(out: Path, name: str) -> Path:
    return out / f".{name}-new-{entries.token()}"


def sweep(out: Path) -> None:
    """Tidy what killed builds left behind (called under the build lock).

    A build killed between the two renames of a swap leaves no site/ (or figures/) but the last report under its
    `.site-old-*` name: that is put back, with your own files in it. Staging folders hold only copies: removed.
    """
    if not out.is_dir():
        return
    hidden = [p for p in out.iterdir() if p.name.startswith(".") and ("-old-" in p.name or "-new-" in p.name)]
    if not hidden:
        return
    import shutil

    for name in FOLDERS + (PREVIEW,):
        final = out / name
        olds = sorted((p for p in hidden if p.name.startswith(f".{name}-old-")), key=lambda p: p.stat().st_mtime_ns)
        if olds and not final.exists():
            olds.pop().rename(final)
        for stale in olds + sorted(p for p in hidden if p.name.startswith(f".{name}-new-")):
            shutil.rmtree(stale, ignore_errors=True)


def _carry_over(old: Path, new: Path, ours: dict) -> None:
    """Copy into `new` every file of `old` the build did not write, so that the swap deletes nothing of yours."""
    import shutil
    if not old.is_dir():
        return
    for path in sorted(old.rglob("*")):
        rel = path.relative_to(old).as_posix()
        if path.is_file() and rel not in ours:
            dest = new / rel
            if dest.exists():
                if ours:  # a file of yours where the build now writes one of its own: keep yours beside it
                    dest = dest.with_name(dest.name + ".yours")
                else:     # no record of what the build wrote before (an older build): the build's own file
                    continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest)


def swap(new: Path, final: Path) -> None:
    """Replace `final` by `new` with renames only (an interrupt waits until both are done)."""
    import shutil
    old = final.with_name(f".{final.name}-old-{entries.token()}")
    with entries.critical():
        if final.exists():
            final.rename(old)
        new.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def previous_summary(out: Path) -> dict | None:
    try:
        return json.loads((out / "site" / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def publish(cache_dir: Path, names: list[str], out: Path, as_of: str, data: Path,
            previous: dict, before_swap=None, notebooks: Path | None = None) -> tuple[dict, list[str]]:
    """Render, then move site/ and figures/ into place. Returns (what was published, what changed).

    `before_swap(ours)` is called with what the build is about to publish, before anything is moved: the caller
    records it, so that if this build is killed halfway, the next one knows these files as the build's own.
    """
    import shutil

    from . import changes
    from .render import Site

    site_new = _staging(out, "site")
    figures_new = _staging(out, "figures")
    try:
        summary = render(cache_dir, names, site_new, as_of, data, notebooks)
        changed = changes.compare(previous_summary(out), summary)
        (site_new / "summary.json").write_text(json.dumps(summary, indent=1, sort_keys=True, ensure_ascii=False),
                                               encoding="utf-8")
        Site(site_new, as_of).write_changes(changed)
        shutil.copytree(site_new / "figures", figures_new)
        ours = {"site": signature(site_new), "figures": signature(figures_new)}
        for name, staged in (("site", site_new), ("figures", figures_new)):
            _carry_over(out / name, staged, previous.get(name, {}))
        if before_swap is not None:
            before_swap(ours)
        with entries.critical():
            swap(site_new, out / "site")
            swap(figures_new, out / "figures")
    finally:
        shutil.rmtree(site_new, ignore_errors=True)
        shutil.rmtree(figures_new, ignore_errors=True)
    # Renames keep modification times, so the staged files' signatures are the published ones'; files carried
    # over from you are not the build's and stay out of the record.
    return ours, changed


def write_preview(cache_dir: Path, names: list[str], out: Path, as_of: str, data: Path,
                  notebooks: Path | None = None) -> Path:
    """--only: the named chapters alone, in OUT/site-preview/ (site/ and figures/ are not touched)."""
    import shutil
    staged = _staging(out, "site")
    try:
        render(cache_dir, names, staged, as_of, data, notebooks)
        final = out / PREVIEW
        swap(staged, final)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    return final
