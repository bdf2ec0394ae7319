#!/usr/bin/env python3
"""Benchmark the build against the naive `jupyter nbconvert --execute`, in one run, as ratios.

Measures (median of --runs runs each, taken in rounds that run every step once, so that a shared machine's drift
in speed falls on all steps alike): (a) a cold build with no build cache (the chart font already cut in the user
cache), (b) the first build on a fresh machine: empty user cache (XDG_CACHE_HOME, so the chart font is cut and
matplotlib's font list built) and a fresh build cache, (c) the naive baseline, (d) a no-op rebuild (in the first
round, --runs times in a row), (e) a rebuild after appending one valid row to a CSV that only one notebook reads (a
different such CSV in each round), and (f) a rebuild after appending one valid row to price_changes.csv, which every
chapter reads. Works in a scratch folder (its own data copy, outputs, caches) and leaves the project tree as it
found it.
Last line: cold/naive=R1 noop_s=S2 one_csv/cold=R3 fresh/naive=R4 price_row/cold=R5
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def project_env(**extra) -> dict:
    """The environment every timed command gets: kernels import this checkout's package (as the build's do)."""
    env = {k: v for k, v in os.environ.items() if k != "MPLCONFIGDIR"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")]))
    env.update(extra)
    return env


def timed(cmd, env=None) -> float:
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=ROOT, env=env or project_env(), capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"command failed: {' '.join(map(str, cmd))}\n{result.stdout}\n{result.stderr}")
    return elapsed


def build(out: Path, data: Path, *extra) -> list:
    return [sys.executable, str(ROOT / "build.py"), "--out", str(out), "--data", str(data), *extra]


def single_reader_csvs(out: Path, data: Path) -> list[Path]:
    """The CSVs that exactly one notebook reads, according to the build's own read log."""
    readers: dict[str, set] = {}
    for path in sorted((out / ".build-cache" / "entries").glob("*/manifest.json")):
        name = path.parent.name
        for key in json.loads(path.read_text())["reads"]:
            if key.startswith("F ") and key.endswith(".csv"):
                readers.setdefault(Path(key[2:]).name, set()).add(name)
    found = [data / name for name, who in sorted(readers.items()) if len(who) == 1]
    if not found:
        sys.exit("no CSV is read by exactly one notebook")
    return found


def extra_row(original: bytes, i: int) -> bytes:
    """A valid new row: a copy of the last one whose free-text note is reworded (an exact copy would be rejected)."""
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(original.decode("utf-8-sig"))))
    row = dict(rows[-1])
    text = next(c for c in ("source_note", "evidence", "summary") if c in row)
    row[text] = f"{row[text]} (benchmark copy {i})"
    out = io.StringIO()
    csv.DictWriter(out, fieldnames=list(row), lineterminator="\n").writerow(row)
    prefix = b"" if original.endswith(b"\n") else b"\n"
    return prefix + out.getvalue().encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="pricewar-bench-"))
    try:
        data = scratch / "data"
        shutil.copytree(ROOT / "data", data)
        cold, noop, one_csv, fresh, price_row, naive = [], [], [], [], [], []
        notebooks = sorted(str(p) for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))
        edited = []
        # Round by round, every step once: a shared machine's speed drifts over minutes, and a ratio of two steps
        # measured far apart would measure the drift.
        for i in range(args.runs):
            out = scratch / f"cold{i}"
            cold.append(timed(build(out, data)))
            machine = scratch / f"machine{i}"
            (machine / "user-cache").mkdir(parents=True)
            fresh.append(timed(build(machine / "out", data), env=project_env(XDG_CACHE_HOME=str(machine / "user-cache"))))
            target = scratch / f"naive{i}"
            env = project_env(PRICEWAR_DATA_DIR=str(data), PRICEWAR_FIGURES_DIR=str(target / "figures"),
                              PRICEWAR_CHAPTER_DIR=str(target / "chapters"))
            naive.append(timed([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--execute",
                                "--output-dir", str(target), *notebooks], env=env))
            if i == 0:  # no-ops in a row on one output, its files settled by now (the steps above took a while)
                for _ in range(args.runs):
                    noop.append(timed(build(out, data)))
            # Each round edits the next such CSV in turn: a fair sample of what a re-runner touches, not the
            # cheapest one.
            readers = single_reader_csvs(out, data)
            csv = readers[i % len(readers)]
            edited.append(csv.name)
            original = csv.read_bytes()
            csv.write_bytes(original + extra_row(original, i))
            one_csv.append(timed(build(out, data)))
            csv.write_bytes(original)
            timed(build(out, data))
            prices = data / "price_changes.csv"
            original = prices.read_bytes()
            prices.write_bytes(original + extra_row(original, i))
            price_row.append(timed(build(out, data)))
            prices.write_bytes(original)
            timed(build(out, data))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    steps = {"cold build": cold, "no-op rebuild": noop, "one CSV edited": one_csv, "price row added": price_row,
             "fresh machine": fresh, "naive nbconvert": naive}
    med = {k: statistics.median(v) for k, v in steps.items()}
    print(f"{'step':<18}{'median s':>10}   runs")
    for name, value in med.items():
        print(f"{name:<18}{value:>10.2f}   {', '.join(f'{r:.2f}' for r in steps[name])}")
    print(f"(one CSV edited per round: {', '.join(edited)}; {os.cpu_count()} cores)")
    print(f"cold/naive={med['cold build'] / med['naive nbconvert']:.2f} noop_s={med['no-op rebuild']:.2f} "
          f"one_csv/cold={med['one CSV edited'] / med['cold build']:.2f} "
          f"fresh/naive={med['fresh machine'] / med['naive nbconvert']:.2f} "
          f"price_row/cold={med['price row added'] / med['cold build']:.2f}")

if __name__ == "__main__":
    main()
