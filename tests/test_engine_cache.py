"""The cache and the published folders: damage means "do it again", never a traceback or a stale report; files the
build did not write are never deleted; --only previews; stray notebooks are ignored; the build says what changed."""
from __future__ import annotations

import csv
import io
import json
import shutil

from conftest import assert_same_files, clone_build, executed_names, notebooks_copy, run_build, site_files


def snapshot(folder):
    """Every file's bytes and modification time."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_damaged_cache_entries_are_executed_again(tmp_path, full_build, data_copy):
    out = clone_build(full_build, tmp_path / "out")
    cache = out / ".build-cache"
    entries = cache / "entries"
    (entries / "01_timeline" / "executed.ipynb").write_text('{"cells": [garbage', encoding="utf-8")
    figure = sorted((entries / "07_scorecard" / "figures").glob("*.png"))[0]
    figure.write_bytes(b"\x89PNG garbage")
    shutil.rmtree(entries / "05_who_can_cut")
    (entries / "02_price_cuts" / "manifest.json").unlink()
    (cache / "state.json").write_text("{ not json", encoding="utf-8")
    (cache / "hashes.json").write_bytes(b"\x00\xff garbage")
    result = run_build("--out", out, "--data", data_copy, "--jobs", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert executed_names(result.stdout) == {"01_timeline", "02_price_cuts", "05_who_can_cut", "07_scorecard"}
    assert_same_files(full_build, out)
    again = run_build("--out", out, "--data", data_copy)
    assert "Up to date" in again.stdout and executed_names(again.stdout) == set(), again.stdout


def test_outputs_deleted_or_edited_by_hand_are_restored(tmp_path, full_build, data_copy):
    out = clone_build(full_build, tmp_path / "out")
    (out / "site" / "02_price_cuts.html").unlink()
    (out / "site" / "fonts").rename(tmp_path / "fonts-moved-away")
    (out / "figures" / "01_may_2024_cascade.svg").unlink()
    (out / "figures" / "07_scorecard.png").write_bytes(b"edited by hand")
    result = run_build("--out", out, "--data", data_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Up to date" not in result.stdout and executed_names(result.stdout) == set(), result.stdout
    assert "What changed: nothing since the previous report." in result.stdout
    assert_same_files(full_build, out)

    shutil.rmtree(out / "figures")
    result = run_build("--out", out, "--data", data_copy)
    assert result.returncode == 0 and "Up to date" not in result.stdout, result.stdout + result.stderr
    assert_same_files(full_build, out)


def test_files_the_build_did_not_write_survive_every_build(tmp_path, full_build, data_copy):
    out = clone_build(full_build, tmp_path / "out", outputs=False)
    state = json.loads((out / ".build-cache" / "state.json").read_text(encoding="utf-8"))
    assert not state.get("published"), "this build must start with no record of what it published"
    mine = {out / "site" / "my-notes.txt": "before the first build\n",
            out / "figures" / "my-notes.txt": "slides to do\n",
            out / "figures" / "drafts" / "sketch.svg": "<svg/>\n"}

    def put(paths):
        for path, text in paths.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")

    def check():
        for path, text in mine.items():
            assert path.exists() and path.read_text(encoding="utf-8") == text, f"{path} was lost or changed"

    put(mine)
    args = ("--out", out, "--data", data_copy)
    first = run_build(*args)
    assert first.returncode == 0, first.stdout + first.stderr
    check()
    assert_same_files(full_build, out, ignore=("my-notes.txt", "sketch.svg"))

    between = {out / "site" / "extra" / "notes.md": "added between builds\n"}
    put(between)
    mine.update(between)
    (out / "site" / "index.html").unlink()  # the next build must publish again
    second = run_build(*args)
    assert second.returncode == 0 and "Up to date" not in second.stdout, second.stdout + second.stderr
    check()
    assert not list(out.rglob("*.yours"))

    for extra in (("--only", "01_timeline"), ()):
        result = run_build(*args, *extra)
        assert result.returncode == 0, result.stdout + result.stderr
        check()


def test_only_writes_a_preview_and_never_touches_the_report(tmp_path, full_build, data_copy):
    out = clone_build(full_build, tmp_path / "out")
    before = {name: snapshot(out / name) for name in ("site", "figures")}
    result = run_build("--out", out, "--data", data_copy, "--only", "01_timeline")
    assert result.returncode == 0, result.stdout + result.stderr
    preview = out / "site-preview"
    assert (preview / "01_timeline.html").exists() and (preview / "index.html").exists()
    assert not (preview / "02_price_cuts.html").exists()
    assert sorted(p.name for p in (preview / "figures").glob("*.png")) == sorted(
        p.name for p in (full_build / "figures").glob("01_*.png"))
    assert {name: snapshot(out / name) for name in ("site", "figures")} == before
    after = run_build("--out", out, "--data", data_copy)
    assert "Up to date" in after.stdout, after.stdout

    fresh = tmp_path / "fresh"
    clone_build(full_build, fresh, outputs=False)
    result = run_build("--out", fresh, "--data", data_copy, "--only", "01_timeline")
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (fresh / "site").exists() and not (fresh / "figures").exists()
    assert (fresh / "site-preview" / "01_timeline.html").exists()


def test_stray_notebooks_are_ignored_with_one_notice(tmp_path, full_build, data_copy):
    notebooks = notebooks_copy(tmp_path / "notebooks")
    original = notebooks / "01_timeline.ipynb"
    strays = ["01_timeline-Copy1.ipynb", "01_timeline.nbconvert.ipynb", "Untitled.ipynb"]
    for name in strays:
        shutil.copy2(original, notebooks / name)
    (notebooks / ".ipynb_checkpoints").mkdir()
    shutil.copy2(original, notebooks / ".ipynb_checkpoints" / "01_timeline-checkpoint.ipynb")
    out = clone_build(full_build, tmp_path / "out", outputs=False)
    result = run_build("--out", out, "--data", data_copy, "--notebooks", notebooks)
    assert result.returncode == 0, result.stdout + result.stderr
    notices = [line for line in result.stdout.splitlines() if "Ignoring" in line]
    assert len(notices) == 1, result.stdout
    assert all(name in notices[0] for name in strays) and "checkpoint" not in notices[0]
    assert executed_names(result.stdout) == set(), "a stray notebook was executed"
    assert_same_files(full_build, out)


def edited_row(path, column, change) -> bytes:
    """The table with `column` of its last row changed by `change`, written back in the table's own style."""
    original = path.read_bytes()
    rows = list(csv.reader(io.StringIO(original.decode("utf-8-sig"))))
    index = rows[0].index(column)
    rows[-1][index] = change(rows[-1][index])
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    return text.getvalue().encode("utf-8")


def test_the_build_says_what_changed(tmp_path, full_build, data_copy):
    out = clone_build(full_build, tmp_path / "out")
    args = ("--out", out, "--data", data_copy, "--jobs", "2")
    index = (out / "site" / "index.html").read_text(encoding="utf-8")
    assert (out / "site" / "changes.html").exists() and 'href="changes.html"' in index

    table = data_copy / "cloud_price_cuts.csv"
    original = table.read_bytes()
    before = site_files(out / "figures")
    try:
        table.write_bytes(edited_row(table, "max_cut_fraction", lambda v: f"{float(v) - 0.04:.2f}"))
        result = run_build(*args)
        assert result.returncode == 0, result.stdout + result.stderr
        after = site_files(out / "figures")
        redrawn = sorted({name.rsplit(".", 1)[0] for name in after
                          if name.endswith((".png", ".svg")) and after[name] != before.get(name)})
        assert redrawn, "the edit should change a figure"
        assert "What changed since the previous report:" in result.stdout, result.stdout
        listed = next(line for line in result.stdout.splitlines() if "Figures redrawn with different content" in line)
        assert all(name in listed for name in redrawn), (redrawn, listed)
        changes = (out / "site" / "changes.html").read_text(encoding="utf-8")
        assert all(name in changes for name in redrawn)
        assert 'href="changes.html"' in (out / "site" / "index.html").read_text(encoding="utf-8")

        (out / "site" / "index.html").unlink()  # publishes again, with nothing changed since
        same = run_build(*args)
        assert same.returncode == 0 and executed_names(same.stdout) == set(), same.stdout + same.stderr
        assert "What changed: nothing since the previous report." in same.stdout, same.stdout
        assert "Nothing changed since the previous report" in (out / "site" / "changes.html").read_text(
            encoding="utf-8")
        noop = run_build(*args)
        assert "Up to date: nothing changed" in noop.stdout, noop.stdout
    finally:
        table.write_bytes(original)
