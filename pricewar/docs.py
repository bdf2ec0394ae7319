"""The generated parts of the READMEs: data/README.md's column reference (from datapackage.json) and README.md's
method table (from the claim registry). One source for each, so the documentation cannot drift.

    python -m pricewar.docs          rewrite both sections in place
    python -m pricewar.docs --check  exit 1 if either is out of date (the tests run this)
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from . import paths
from .verdicts import REGISTRY

START, END = "<!-- generated:{name} -->", "<!-- end generated:{name} -->"


def _allowed(field: dict) -> str:
    c = field.get("constraints", {})
    parts = []
    if "enum" in c:
        parts.append(", ".join(f"`{v}`" for v in c["enum"]))
    if "pattern" in c:
        parts.append(f"pattern `{c['pattern']}`")
    if "minimum" in c:
        parts.append(f">= {c['minimum']}")
    if "maximum" in c:
        parts.append(f"<= {c['maximum']}")
    return ", ".join(parts)


def column_reference(package: dict) -> str:
    out = []
    for r in package["resources"]:
        out.append(f"### `{r['path']}` — {r.get('title', r['name'])}\n\n{r.get('description', '')}\n")
        out.append("| column | type | required | allowed values / unit | meaning |\n|---|---|---|---|---|")
        for f in r["schema"]["fields"]:
            required = "yes" if f.get("constraints", {}).get("required") else ""
            kind = "date (YYYY-MM-DD)" if f["type"] == "date" else f["type"]
            desc = f.get("description", "").replace("|", "\\|")
            out.append(f"| `{f['name']}` | {kind} | {required} | {_allowed(f)} | {desc} |")
        keys = r["schema"].get("foreignKeys", [])
        if keys:
            def cols(v):
                return ", ".join(f"`{x}`" for x in ([v] if isinstance(v, str) else v))
            out.append("\nRefers to: " + "; ".join(
                f"{cols(k['fields'])} → `{k['reference']['resource']}.csv` {cols(k['reference']['fields'])}"
                for k in keys))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def method_table() -> str:
    rows = ["| claim | the article | reading tested | chapter |", "|---|---|---|---|"]
    for c in REGISTRY.values():
        rows.append(f"| {c.id} | {c.text} (「{c.quote}」) | {c.reading} | `{c.chapter}` |")
    return "\n".join(rows) + "\n"


def _replace(text: str, name: str, body: str) -> str:
    start, end = START.format(name=name), END.format(name=name)
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise ValueError(f"markers {start} … {end} not found")
    return pattern.sub(lambda _: f"{start}\n{body}{end}", text)


def targets() -> list[tuple[Path, str, str]]:
    package = json.loads((paths.REPO_ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    return [(paths.REPO_ROOT / "data" / "README.md", "columns", column_reference(package)),
            (paths.REPO_ROOT / "README.md", "method", method_table())]


def main(argv=None) -> int:
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    stale = []
    for path, name, body in targets():
        text = path.read_text(encoding="utf-8")
        new = _replace(text, name, body)
        if new != text:
            if check:
                stale.append(f"{path.name} ({name})")
            else:
                path.write_text(new, encoding="utf-8")
    if stale:
        print("Out of date: " + ", ".join(stale) + ". Run: python -m pricewar.docs", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
