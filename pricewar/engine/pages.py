"""Chapter pages kept between builds: a page is rendered again only when its executed notebook or the renderer
changed.

Rendering a page (nbconvert, then the page's own passes) is a few tenths of a second per chapter, all of it at the
end of a build, when one core is often idle. So a page is rendered as soon as its notebook is committed (while the
other notebooks still run) and kept in the build cache beside the entries, keyed by the executed notebook's hash
and the renderer's code; publishing then only reads it. A kept page is used only if its content matches the hash
recorded with it.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

from . import entries

FOLDER = "pages"


def _key(cache_dir: Path, name: str, renderer: str) -> str | None:
    manifest = entries.manifest(cache_dir, name)
    if manifest is None:
        return None
    return hashlib.sha256(f"{manifest['files'][entries.NOTEBOOK]}|{renderer}".encode()).hexdigest()


def page(cache_dir: Path, name: str, renderer: str):
    """The rendered page of entry `name` (render.Page): kept from an earlier render of the same notebook by the
    same renderer, else rendered now (and kept). Raises render.Unshowable for an output it cannot show."""
    import nbformat

    from .render import Figure, Page, notebook_page

    key = _key(cache_dir, name, renderer)
    path = Path(cache_dir) / FOLDER / f"{name}.json"
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        content = json.dumps(kept["page"], sort_keys=True)
        if key is not None and kept["key"] == key and kept["sha"] == hashlib.sha256(content.encode()).hexdigest():
            data = kept["page"]
            return Page(data["name"], data["title"], data["body"], [Figure(**f) for f in data["figures"]])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    # Our own output, verified by its manifest: nbformat's slow schema validation is skipped.
    text = (entries.folder(cache_dir, name) / entries.NOTEBOOK).read_text(encoding="utf-8")
    result = notebook_page(name, nbformat.from_dict(json.loads(text)))
    if key is not None:
        data = asdict(result)
        content = json.dumps(data, sort_keys=True)
        record = {"key": key, "sha": hashlib.sha256(content.encode()).hexdigest(), "page": data}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_text(json.dumps(record, sort_keys=True), encoding="utf-8")
            tmp.replace(path)
        except OSError:
            pass  # not kept: publishing renders it again
    return result


def prepare(cache_dir: Path, name: str, renderer: str) -> None:
    """Render and keep the page of a notebook just committed, ahead of publishing. Any problem is left for
    publishing to report, where it stops the build with its message."""
    try:
        page(cache_dir, name, renderer)
    except Exception:  # noqa: BLE001 (reported by publish, which renders it again)
        pass
