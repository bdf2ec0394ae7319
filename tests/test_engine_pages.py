"""Kept chapter pages: rendered once per executed notebook and renderer, reused when both are unchanged, never a
damaged one."""
from __future__ import annotations

import json

from conftest import clone_build, executed_names, run_build, site_files


def test_pages_are_kept_reused_and_a_damaged_one_rendered_again(tmp_path, full_build, data_copy):
    out = clone_build(full_build, tmp_path / "out")
    kept = out / ".build-cache" / "pages"
    names = sorted(p.stem for p in (out / ".build-cache" / "entries").iterdir() if not p.name.startswith("."))
    assert sorted(p.stem for p in kept.glob("*.json")) == names, "every chapter's page is kept after a build"
    published = site_files(out / "site", history=False)

    damaged = kept / f"{names[0]}.json"
    record = json.loads(damaged.read_text(encoding="utf-8"))
    record["page"]["body"] = record["page"]["body"].replace("<p>", "<p>INJECTED ", 1)  # valid JSON, wrong content
    damaged.write_text(json.dumps(record), encoding="utf-8")
    before = {p.name: p.stat().st_mtime_ns for p in kept.glob("*.json")}
    (out / "site" / "index.html").unlink()  # something to publish again; every notebook is cached

    result = run_build("--out", out, "--data", data_copy, "--jobs", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    assert executed_names(result.stdout) == set()
    again = site_files(out / "site", history=False)
    assert sorted(again) == sorted(published)
    assert [n for n in again if again[n] != published[n]] == [], "the same pages as before, byte for byte"
    assert all(b"INJECTED" not in content for content in again.values())
    rewritten = sorted(p.name for p in kept.glob("*.json") if p.stat().st_mtime_ns != before[p.name])
    assert rewritten == [damaged.name], "only the damaged page is rendered again; the others are reused"
