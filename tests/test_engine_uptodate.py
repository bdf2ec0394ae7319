"""The quick no-op: plain command lines are read as argparse reads them, and the no-op receipt answers only while
nothing it stamped has changed; a build that takes it imports none of the modules that build."""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest
from conftest import ROOT, clone_build, run_build

from pricewar.engine import cache, options, uptodate


def argparse_reads(argv):
    parser = argparse.ArgumentParser(prog="build.py")
    for name, spec in options.OPTIONS:
        parser.add_argument(name, **spec)
    return vars(parser.parse_args(argv))


@pytest.mark.parametrize("argv", [
    [], ["--out", "o", "--data", "d"], ["--out=o", "--check"], ["--force", "--jobs", "3", "--timeout=20"],
    ["--as-of", "2025-02-03", "--only", "01_timeline"], ["--cache-dir", "c", "--out", "a", "--out", "b"],
    ["--notebooks", "n=1"], ["--only", ""],
])
def test_a_plain_command_line_is_read_as_argparse_reads_it(argv):
    assert vars(options._plain(argv)) == argparse_reads(argv)
    assert vars(options.parse_args(argv)) == argparse_reads(argv)


@pytest.mark.parametrize("argv", [
    ["--help"], ["-h"], ["--ou", "o"], ["--out"], ["--jobs", "x"], ["--jobs", "-1"], ["--check=yes"],
    ["--as-of", "2025-02-30"], ["--out", "--check"], ["stray"], ["--", "--out"],
])
def test_anything_else_is_left_to_argparse(argv):
    assert options._plain(argv) is None


@pytest.fixture
def project(tmp_path, monkeypatch):
    """Two trees, a file and a folder listing, stamped by a receipt that takes any file as settled."""
    monkeypatch.setattr(cache, "SETTLED_NS", 0)
    monkeypatch.setattr(uptodate, "say", lambda line: printed.append(line))
    monkeypatch.setattr(uptodate, "up_to_date", lambda out, started: printed.append("up to date"))
    printed: list[str] = []
    for name in ("data/a.csv", "data/sub/b.csv", "site/index.html", "notebooks/01_x.ipynb"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    args = SimpleNamespace(out=tmp_path, data=tmp_path / "data", force=False, jobs=2)
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()

    def write():
        uptodate.write(args, cache_dir, ["  01_x  cached"], trees=[tmp_path / "data", tmp_path / "site"],
                       files=[tmp_path / "notebooks" / "01_x.ipynb", tmp_path / "absent"],
                       folders=[tmp_path / "notebooks"])

    def replay():
        printed.clear()
        return uptodate.replay(args, cache_dir, time.perf_counter())

    write()
    return SimpleNamespace(root=tmp_path, args=args, cache_dir=cache_dir, write=write, replay=replay,
                           printed=printed)


def test_the_receipt_repeats_what_the_build_printed(project):
    assert project.replay() and project.printed == ["  01_x  cached", "up to date"]
    assert project.replay(), "replaying changes nothing"


@pytest.mark.parametrize("change", [
    lambda root: (root / "data" / "sub" / "b.csv").write_text("data/sub/B.csv"),  # same size, other content
    lambda root: (root / "data" / "sub" / "c.csv").write_text("new"),
    lambda root: (root / "data" / "a.csv").unlink(),
    lambda root: (root / "site" / "index.html").touch(),
    lambda root: (root / "site" / "extra").mkdir(),
    lambda root: (root / "notebooks" / "01_x.ipynb").write_text("edited"),
    lambda root: (root / "notebooks" / "02_new.ipynb").write_text("{}"),
    lambda root: (root / "absent").write_text("now there"),
    lambda root: (root / "data" / "link").symlink_to(root / "site"),
])
def test_any_change_to_what_was_stamped_means_the_full_path(project, change):
    time.sleep(0.01)  # a later modification time even on a coarse clock of 10 ms
    change(project.root)
    assert not project.replay() and project.printed == []


def test_other_settings_or_a_damaged_receipt_mean_the_full_path(project):
    project.args.jobs = 3
    assert not project.replay()
    project.args.jobs = 2
    receipt = project.cache_dir / uptodate.RECEIPT
    for damage in ('{"lines": "abc"', "[]", '{"settings": 1}'):
        receipt.write_text(damage)
        assert not project.replay() and project.printed == []
    uptodate.forget(project.cache_dir)
    uptodate.forget(project.cache_dir)  # and again: nothing to forget is fine
    assert not receipt.exists()


def test_no_receipt_while_a_stamped_file_is_recent(project, monkeypatch):
    uptodate.forget(project.cache_dir)
    monkeypatch.setattr(cache, "SETTLED_NS", 3_000_000_000)
    (project.root / "data" / "a.csv").write_text("just written")
    project.write()
    assert not (project.cache_dir / uptodate.RECEIPT).exists()


# What a quick no-op leaves out: the modules that build, argparse, hashing, csv.
BUILDING = {"pricewar.engine.orchestrate", "pricewar.engine.cache", "pricewar.engine.entries",
            "pricewar.engine.publish", "argparse", "hashlib", "csv"}


def test_a_settled_no_op_takes_the_receipt_and_imports_nothing_that_builds(tmp_path, full_build, data_copy):
    out = clone_build(full_build, tmp_path / "out")
    args = ("--out", out, "--data", data_copy)
    assert "Up to date" in run_build(*args).stdout
    time.sleep(cache.SETTLED_NS / 1e9 + 0.2)  # the clone's files are settled now: this no-op writes a receipt
    full = run_build(*args)
    assert "Up to date" in full.stdout and (out / ".build-cache" / uptodate.RECEIPT).exists(), full.stdout

    quick = subprocess.run([sys.executable, "-X", "importtime", str(ROOT / "build.py"), *map(str, args)],
                           cwd=ROOT, capture_output=True, text=True, timeout=60, env=dict(os.environ))
    assert quick.returncode == 0, quick.stdout + quick.stderr[-2000:]
    same_time = re.compile(r"\(\d+\.\d+ s\)")
    assert same_time.sub("", quick.stdout) == same_time.sub("", full.stdout)
    imported = {line.rsplit("|", 1)[-1].strip() for line in quick.stderr.splitlines()
                if line.startswith("import time:")}
    assert "pricewar.engine.uptodate" in imported and not imported & BUILDING, sorted(imported & BUILDING)

    # An edit by hand is noticed at once: the report is published again and the receipt dropped.
    index = out / "site" / "index.html"
    index.write_bytes(index.read_bytes() + b"\n<!-- edited -->")
    again = run_build(*args)
    assert again.returncode == 0 and "Up to date" not in again.stdout, again.stdout + again.stderr
    assert "edited" not in index.read_text(encoding="utf-8")
    assert not (out / ".build-cache" / uptodate.RECEIPT).exists()
