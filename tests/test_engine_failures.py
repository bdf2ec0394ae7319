"""Failures say where: the notebook and cell, the file, or the folder, in plain words, with the right exit code, and
the last report left as it was."""
from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, assert_same_files, clone_build, edit_notebook, notebooks_copy, run_build

# Inserted after a notebook's title and parameters cells: cell 3 of the file.
CELL = 3


@pytest.fixture(scope="module")
def broken_run(tmp_path_factory, full_build, data_copy):
    """One build of two notebooks, one with a cell that hangs, one with a cell that kills its kernel."""
    tmp = tmp_path_factory.mktemp("broken")
    notebooks = notebooks_copy(tmp / "notebooks", ["01_timeline", "02_price_cuts"])
    edit_notebook(notebooks / "01_timeline.ipynb", CELL - 1, "import time\ntime.sleep(60)")
    edit_notebook(notebooks / "02_price_cuts.ipynb", CELL - 1, "import os\nos._exit(1)")
    out = clone_build(full_build, tmp / "out")  # validation cached
    before = {name: json.dumps(sorted(p.name for p in (out / name).rglob("*"))) for name in ("site", "figures")}
    result = run_build("--out", out, "--data", data_copy, "--notebooks", notebooks, "--timeout", "5", "--jobs", "2")
    return result, out, before


def failure_paragraph(stderr: str, notebook: str) -> str:
    return next(block for block in stderr.split("\n\n") if notebook in block)


def test_a_hanging_cell_is_stopped_and_named(broken_run):
    result, _, _ = broken_run
    assert result.returncode == 1, result.stdout + result.stderr
    text = failure_paragraph(result.stderr, "01_timeline.ipynb")
    assert f"01_timeline.ipynb failed at cell {CELL}" in text and "5 s" in text, result.stderr
    assert "Traceback" not in result.stderr


def test_a_dead_kernel_is_named_with_its_cell(broken_run):
    result, _, _ = broken_run
    text = failure_paragraph(result.stderr, "02_price_cuts.ipynb")
    assert f"02_price_cuts.ipynb failed at cell {CELL}" in text and "kernel died" in text, result.stderr


def test_failed_notebooks_leave_the_last_report(broken_run, full_build):
    result, out, before = broken_run
    assert "previous report is untouched" in result.stderr
    assert_same_files(full_build, out)
    assert not list((out / ".build-cache" / "work").glob("*")), "work folders of failed notebooks left behind"


def test_an_output_the_pages_cannot_show_is_named_in_one_sentence(tmp_path, full_build, data_copy):
    # Chapter 1 cut to its title and parameters cells, then a cell whose output no page can show.
    notebooks = notebooks_copy(tmp_path / "notebooks", ["01_timeline"])
    nb = json.loads((notebooks / "01_timeline.ipynb").read_text(encoding="utf-8"))
    nb["cells"] = nb["cells"][:CELL - 1]
    (notebooks / "01_timeline.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    edit_notebook(notebooks / "01_timeline.ipynb", CELL - 1,
                  "from IPython.display import display\ndisplay({'application/x-unknown': '?'}, raw=True)")
    out = clone_build(full_build, tmp_path / "out")
    result = run_build("--out", out, "--data", data_copy, "--notebooks", notebooks)
    assert result.returncode == 1, result.stdout + result.stderr
    assert (f"01_timeline: cell {CELL} has an output of type application/x-unknown, which the report cannot show"
            in result.stderr), result.stderr
    assert "previous report is untouched" in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert_same_files(full_build, out)


@pytest.mark.parametrize("content", ["this is not a notebook", '{"cells": [{"cell_type": "code"}]}'])
def test_an_unreadable_notebook_is_named_in_one_sentence(tmp_path, full_build, data_copy, content):
    notebooks = notebooks_copy(tmp_path / "notebooks", ["01_timeline"])
    (notebooks / "01_timeline.ipynb").write_text(content, encoding="utf-8")
    out = clone_build(full_build, tmp_path / "out")
    result = run_build("--out", out, "--data", data_copy, "--notebooks", notebooks)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "01_timeline.ipynb" in result.stderr and "not a readable notebook" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert len([line for line in result.stderr.splitlines() if "01_timeline.ipynb" in line]) == 1, result.stderr
    assert_same_files(full_build, out)


def test_a_broken_datapackage_is_named(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "datapackage.json").write_text('{"resources": [', encoding="utf-8")
    result = run_build("--out", tmp_path / "out", "--data", data)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "datapackage.json" in lines[0] and "not valid JSON" in lines[0], result.stderr
    assert not (tmp_path / "out" / "site").exists()


@pytest.mark.parametrize("option", ["--jobs", "--timeout"])
@pytest.mark.parametrize("value", ["0", "-2", "two"])
def test_a_count_that_is_not_a_whole_number_is_refused(option, value):
    result = run_build("--check", option, value)
    assert result.returncode == 2
    assert f"argument {option}: '{value}' is not a whole number of 1 or more" in result.stderr


def test_a_missing_data_folder_is_named(tmp_path):
    result = run_build("--out", tmp_path / "out", "--data", tmp_path / "no-such-folder")
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no-such-folder" in lines[0] and "does not exist" in lines[0], result.stderr


def test_as_of_before_any_data_is_refused(tmp_path, full_build, data_copy):
    out = clone_build(full_build, tmp_path / "out")
    result = run_build("--out", out, "--data", data_copy, "--as-of", "2020-01-01")
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "2020-01-01" in lines[0] and "before the first" in lines[0], result.stderr
    assert "executed" not in result.stdout
    assert_same_files(full_build, out)


@pytest.mark.parametrize("form", ["separate", "joined"])
def test_as_of_after_today_is_refused(tmp_path, full_build, data_copy, form):
    """An as-of view after today would print a day the data cannot reach as the data's date (both ways of writing
    the option: the fast reader and argparse)."""
    import datetime as dt

    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    out = clone_build(full_build, tmp_path / "out")
    words = ["--as-of", tomorrow] if form == "separate" else [f"--as-of={tomorrow}"]
    result = run_build("--out", out, "--data", data_copy, *words)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"'{tomorrow}' is after today ({dt.date.today().isoformat()})" in result.stderr, result.stderr
    assert "executed" not in result.stdout
    assert_same_files(full_build, out)


def test_out_inside_a_file_is_one_sentence(tmp_path, data_copy):
    """Something that fails even for root: an output folder below a regular file."""
    (tmp_path / "a-file").write_text("x")
    result = run_build("--out", tmp_path / "a-file" / "out", "--data", data_copy)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "a-file" in lines[0] and "Traceback" not in result.stderr, result.stderr


def mounts_work() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=1m none /mnt"], capture_output=True)
    return probe.returncode == 0


needs_mounts = pytest.mark.skipif(sys.platform != "linux" or not mounts_work(),
                                  reason="needs `unshare -m` and mount (root in a Linux mount namespace)")


def in_namespace(script: str) -> subprocess.CompletedProcess:
    """Run a shell script in a private mount namespace: its mounts vanish when it ends."""
    return subprocess.run(["unshare", "-m", "sh", "-ec", script], capture_output=True, text=True, timeout=300)


@needs_mounts
def test_a_read_only_output_folder_is_one_sentence(tmp_path, full_build, data_copy):
    out = clone_build(full_build, tmp_path / "out")
    state = out / ".build-cache" / "state.json"
    state.write_text(json.dumps(dict(json.loads(state.read_text()), published={})))  # so that it must publish
    q = shlex.quote
    build = " ".join(map(q, [sys.executable, str(ROOT / "build.py"), "--out", str(out), "--data", str(data_copy)]))
    result = in_namespace(f"mount --bind {q(str(out))} {q(str(out))}\nmount -o remount,bind,ro {q(str(out))}\n"
                          f"{build} && echo BUILT || echo EXIT=$?")
    assert "EXIT=1" in result.stdout, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "may not write" in lines[0] and "Read-only" in lines[0], result.stderr
    assert_same_files(full_build, out)


@needs_mounts
def test_a_full_disk_is_one_sentence_and_keeps_the_report(tmp_path, full_build, data_copy):
    """The output folder on a small file system: the report is in place, a new one does not fit beside it."""
    source = clone_build(full_build, tmp_path / "source")
    (source / ".build-cache").rename(tmp_path / "cache")
    cache = tmp_path / "cache"
    size_mb = sum(p.stat().st_size for p in source.rglob("*") if p.is_file()) // 2**20 + 3
    out, kept = tmp_path / "out", tmp_path / "kept"
    out.mkdir()
    q = shlex.quote
    build = " ".join(map(q, [sys.executable, str(ROOT / "build.py"), "--out", str(out), "--data", str(data_copy),
                             "--cache-dir", str(cache)]))
    result = in_namespace(f"mount -t tmpfs -o size={size_mb}m none {q(str(out))}\n"
                          f"cp -a {q(str(source))}/. {q(str(out))}/\n"
                          f"{build} && echo BUILT || echo EXIT=$?\n"
                          f"ls -A {q(str(out))}\n"
                          f"cp -a {q(str(out))} {q(str(kept))}")
    assert "EXIT=1" in result.stdout, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "disk is full" in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    listing = result.stdout.split("EXIT=1", 1)[1].split()
    assert not [name for name in listing if name.startswith((".site-", ".figures-"))], listing
    assert_same_files(full_build, kept)
