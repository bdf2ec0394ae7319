"""What changed since the previous published report: verdicts, headline numbers, figures, sources.

Each publish stores a summary of the report (`site/summary.json`); the next publish compares its own with it,
prints the differences and writes them as `site/changes.html`.
"""
from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?(?:\s?(?:x|%|yuan|days?|bn|trillion|billion|million))?")


def _numbers(text: str) -> list[str]:
    return NUMBER.findall(text or "")


def summarise(records: dict, figures: Path, data: Path) -> dict:
    verdicts, headlines = {}, {}
    for name, record in records.items():
        for v in record.get("verdicts", []):
            verdicts[v["claim"]] = v["verdict"]
            headlines[v["claim"]] = v.get("evidence", "")
        if record.get("finding"):
            headlines[f"{name} finding"] = record["finding"]
    digests = {}
    for path in sorted(figures.glob("*")):
        if path.suffix in (".png", ".svg", ".csv"):
            digests.setdefault(path.stem, hashlib.sha256())
            digests[path.stem].update(path.read_bytes())
    sources = set()
    for path in sorted(Path(data).glob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                for key, value in row.items():
                    if key and key.endswith("source_url") and value and value.strip():
                        sources.add(value.strip())
    return {"verdicts": verdicts, "headlines": headlines,
            "figures": {k: d.hexdigest() for k, d in digests.items()}, "sources": sorted(sources)}


def _claim_key(key: str):
    m = re.fullmatch(r"C(\d+)", key)
    return (0, int(m.group(1)), "") if m else (1, 0, key)


def compare(old: dict | None, new: dict) -> list[str]:
    """Plain sentences, one per change; an empty list means nothing changed."""
    if not old:
        return ["First published report: there is no earlier report to compare with."]
    lines = []
    for claim in sorted(set(old.get("verdicts", {})) | set(new["verdicts"]), key=_claim_key):
        a, b = old.get("verdicts", {}).get(claim), new["verdicts"].get(claim)
        if a != b:
            lines.append(f"Verdict {claim}: {a or 'not reported'} → {b or 'not reported'}")
    for key in sorted(set(old.get("headlines", {})) | set(new["headlines"]), key=_claim_key):
        a, b = old.get("headlines", {}).get(key, ""), new["headlines"].get(key, "")
        if a == b:
            continue
        na, nb = _numbers(a), _numbers(b)
        if na != nb and len(na) == len(nb):
            pairs = [f"{x} → {y}" for x, y in zip(na, nb) if x != y]
            lines.append(f"Numbers in {key}: " + "; ".join(pairs))
        elif na != nb:
            lines.append(f"Numbers in {key}: {', '.join(na) or 'none'} → {', '.join(nb) or 'none'}")
        else:
            lines.append(f"Wording of {key} changed (same numbers)")
    figures_old, figures_new = old.get("figures", {}), new["figures"]
    changed = sorted(n for n in figures_new if n in figures_old and figures_old[n] != figures_new[n])
    added = sorted(set(figures_new) - set(figures_old))
    removed = sorted(set(figures_old) - set(figures_new))
    if changed:
        lines.append(f"Figures redrawn with different content ({len(changed)}): {', '.join(changed)}")
    if added:
        lines.append(f"New figures ({len(added)}): {', '.join(added)}")
    if removed:
        lines.append(f"Figures no longer made ({len(removed)}): {', '.join(removed)}")
    s_old, s_new = set(old.get("sources", [])), set(new["sources"])
    if s_new - s_old:
        lines.append(f"Sources added ({len(s_new - s_old)}): " + ", ".join(sorted(s_new - s_old)[:10])
                     + (" …" if len(s_new - s_old) > 10 else ""))
    if s_old - s_new:
        lines.append(f"Sources removed ({len(s_old - s_new)}): " + ", ".join(sorted(s_old - s_new)[:10])
                     + (" …" if len(s_old - s_new) > 10 else ""))
    return lines
