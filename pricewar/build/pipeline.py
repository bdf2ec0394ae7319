"""build.py's steps: validate → execute (cached, parallel) → render → publish atomically.

Standard-library imports only at module level: a no-op rebuild checks hashes and stops without importing
pandas, matplotlib or Jupyter.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path

from . import cache

# jsonschema (imported by nbformat and frictionless) registers an optional IRI format checker from the
# rfc3987_syntax package, which compiles a grammar at import: two seconds of every build, for a format neither
# notebooks nor our schema use. Marking the module absent makes jsonschema skip that checker, as it does when the
# package is not installed.
sys.modules.setdefault("rfc3987_syntax", None)

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGE = REPO_ROOT / "pricewar"
DECK_NAME = "price-war-charts.pptx"


def iso_day(text: str) -> str:
    """argparse type for --as-of: a real calendar day written YYYY-MM-DD."""
    import datetime as dt
    import re

    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            pass
    raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD")


def parse_args(argv):
    p = argparse.ArgumentParser(prog="build.py", description="Validate the data, execute the notebooks, render the report.")
    p.add_argument("--check", action="store_true", help="validate the data only")
    p.add_argument("--force", action="store_true", help="ignore the cache and execute every notebook")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="notebooks executed at once (default: cores)")
    p.add_argument("--only", metavar="NAME", help="build one notebook (e.g. 01_timeline) and its page")
    p.add_argument("--timeout", type=int, default=300, help="seconds a cell may run (default 300)")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", type=iso_day, help="use only data dated up to this day")
    p.add_argument("--out", type=Path, default=REPO_ROOT, help="folder that receives site/ and figures/ (default: the project)")
    p.add_argument("--data", type=Path, default=REPO_ROOT / "data", help="data folder (default: data/)")
    p.add_argument("--notebooks", type=Path, default=REPO_ROOT / "notebooks", help="notebooks folder")
    p.add_argument("--cache-dir", type=Path, help="build cache (default: OUT/.build-cache)")
    return p.parse_args(argv)


def say(line: str) -> None:
    print(line, flush=True)


# ---------------------------------------------------------------- validate

class Validation:
    """Checks the data against the schema, only the tables that changed since the last valid build.

    It can run in a thread beside the first notebooks: if the data turn out invalid, nothing is published and the
    notebooks that ran on them are forgotten by the cache.
    """

    def __init__(self, data: Path, state: cache.State, everything: bool):
        self.data, self.state = data, state
        self.files = {p.name: cache.file_hash(p) for p in sorted(data.iterdir()) if p.is_file()}
        old = state.data.get("validated") or {}
        old = old if isinstance(old, dict) else {}
        changed = {name for name, h in self.files.items() if old.get(name) != h}
        removed = set(old) - set(self.files)
        if everything or removed or {"datapackage.json", "vendors.csv"} & changed:
            self.only = None  # the schema or the vendor list changed: check every table
        else:
            self.only = {name for name in changed if name.endswith(".csv")}
        self.needed = everything or bool(changed or removed)
        self.problems: list = []

    def run(self) -> None:
        if not self.needed:
            return
        from ..schema import validate as check

        # Name files as the user would type them: relative to where build.py was run, else in full.
        label = os.path.relpath(self.data, Path.cwd())
        if label == ".":
            label = self.data.name
        elif label.startswith(".."):
            label = str(self.data)
        label = label.replace(os.sep, "/")
        self.problems = check(self.data, label=label, only=self.only)
        if not self.problems:
            self.state.data["validated"] = self.files

    def report(self) -> None:
        print(f"Data is not valid: {len(self.problems)} problem(s). Nothing was built; the previous report is "
              "untouched.", file=sys.stderr)
        for problem in self.problems:
            print(problem, file=sys.stderr)


def latest_date(data: Path) -> str:
    """The newest date in the data: the report's as-of date unless --as-of says otherwise."""
    newest = ""
    for path in data.glob("*.csv"):
        # Read leniently: a broken file is validation's to report, with its row and column.
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
            for row in csv.DictReader(f):
                value = (row.get("date") or "").strip()
                if len(value) == 10 and value > newest:
                    newest = value
    return newest


# ---------------------------------------------------------------- execute

def code_hash() -> str:
    files = [p for p in PACKAGE.rglob("*.py") if "build" not in p.relative_to(PACKAGE).parts]
    reqs = REPO_ROOT / "requirements.txt"
    return cache.tree_hash(files + ([reqs] if reqs.exists() else []))


def notebook_meta(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("pricewar", {})


class Executor:
    def __init__(self, args, state: cache.State, cache_dir: Path, parameters: dict):
        self.args, self.state, self.cache_dir, self.parameters = args, state, cache_dir, parameters
        self.static = {"code": code_hash(), "params": cache.text_hash(json.dumps(parameters, sort_keys=True))}
        self.failures: list = []
        self.executed: list[str] = []
        self.started: list[str] = []

    def forget_started(self) -> None:
        """The notebooks that ran in this build ran on data now known to be bad: the cache must not trust them."""
        for name in self.started:
            self.state.data["notebooks"].pop(name, None)

    def key(self, path: Path) -> dict:
        return dict(self.static, source=cache.file_hash(path), data=str(self.args.data.resolve()))

    def is_cached(self, path: Path) -> bool:
        entry = self.state.data["notebooks"].get(path.stem)
        return (not self.args.force and entry is not None and entry.get("key") == self.key(path)
                and (self.cache_dir / "executed" / path.name).exists()
                and cache.reads_unchanged(entry.get("reads", {})))

    def env(self, name: str) -> dict:
        figures = self.cache_dir / "figures" / name
        shutil.rmtree(figures, ignore_errors=True)  # a renamed figure must not linger
        log = self.cache_dir / "reads" / f"{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.unlink(missing_ok=True)
        return {"PRICEWAR_DATA_DIR": str(self.args.data.resolve()), "PRICEWAR_FIGURES_DIR": str(figures),
                "PRICEWAR_CHAPTER_DIR": str(self.cache_dir / "chapters"), "PRICEWAR_READ_LOG": str(log),
                "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg",
                # Kernels find the package even where it was not pip-installed (requirements.txt installs it too).
                "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]))}

    def run(self, paths: list[Path], stop=lambda: False) -> None:
        """Execute what is not cached; `stop()` true means do not start any more (the data proved invalid)."""
        todo = []
        for path in paths:
            if self.is_cached(path):
                say(f"  {path.stem:<24} cached")
            else:
                todo.append(path)
        if not todo:
            return
        from concurrent.futures import ThreadPoolExecutor, as_completed

        from .. import fonts
        from .execute import NotebookFailed, execute

        fonts.static_fonts()  # cut the CJK font once, before parallel kernels race for it
        durations = {k: v.get("seconds", 0) for k, v in self.state.data["notebooks"].items()}
        todo.sort(key=lambda p: -durations.get(p.stem, 0))  # longest first balances the workers
        def job(p):
            if stop():
                return None
            self.started.append(p.stem)
            return execute(p, self.env(p.stem), self.parameters, self.args.timeout,
                           self.cache_dir / "reads" / f"{p.stem}.stderr")

        with ThreadPoolExecutor(max_workers=max(1, self.args.jobs)) as pool:
            futures = {pool.submit(job, p): p for p in todo}
            for future in as_completed(futures):
                path = futures[future]
                try:
                    done = future.result()
                except NotebookFailed as failure:
                    self.failures.append(failure)
                    say(f"  {path.stem:<24} FAILED")
                    continue
                if done is None:
                    continue
                self.store(path, done)
                say(f"  {path.stem:<24} executed  {done.seconds:5.1f} s")

    def store(self, path: Path, done) -> None:
        import nbformat

        target = self.cache_dir / "executed" / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(done.notebook, str(target))
        reads = cache.parse_read_log(self.cache_dir / "reads" / f"{path.stem}.log")
        self.state.data["notebooks"][path.stem] = {"key": self.key(path), "reads": reads,
                                                   "seconds": round(done.seconds, 2)}
        self.executed.append(path.stem)


# ---------------------------------------------------------------- render and publish

def publish_key(state: cache.State, names: list[str], as_of: str) -> str:
    """What the published report depends on: each notebook's execution record (its inputs, which determine its
    outputs, since execution is deterministic), the renderer's own code and templates, and the as-of date."""
    entries = json.dumps([state.data["notebooks"].get(n) for n in names], sort_keys=True)
    renderer = [p for p in (PACKAGE / "build").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    renderer += [PACKAGE / "chapters" / "scorecard.py", PACKAGE / "verdicts.py"]
    return cache.text_hash(entries + cache.tree_hash(renderer) + as_of + "|".join(names))


def render(cache_dir: Path, names: list[str], target: Path, as_of: str) -> None:
    import nbformat

    from .deck import build_deck
    from .render import Site, load_records, notebook_page

    records = load_records(cache_dir / "chapters")
    def read(name):  # our own output, already valid: skip nbformat's slow schema validation
        text = (cache_dir / "executed" / f"{name}.ipynb").read_text(encoding="utf-8")
        return nbformat.from_dict(json.loads(text))

    pages = [notebook_page(n, read(n)) for n in names]
    figures = [f for p in pages for f in p.figures]
    seen = {}
    for f in figures:
        if f.name in seen:
            raise SystemExit(f"figure name {f.name!r} is used by both {seen[f.name]} and {f.chapter}")
        seen[f.name] = f.chapter
    fig_out = target / "figures"
    fig_out.mkdir(parents=True)
    for f in figures:
        for ext in ("png", "svg"):
            shutil.copy2(cache_dir / "figures" / f.chapter / f"{f.name}.{ext}", fig_out / f"{f.name}.{ext}")
    build_deck(figures, fig_out, fig_out / DECK_NAME, as_of)
    summary = next((r.get("summary", []) for r in reversed(list(records.values())) if r.get("summary")), [])
    Site(target, as_of).write_all(pages, {n: records[n] for n in names if n in records}, summary)


def swap(new: Path, final: Path) -> None:
    """Replace `final` by `new` with renames only, so a reader never sees a half-written folder."""
    old = final.with_name(f".{final.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    new.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def publish(out: Path, staged: Path) -> None:
    figures_copy = out / ".figures-new"
    shutil.rmtree(figures_copy, ignore_errors=True)
    shutil.copytree(staged / "figures", figures_copy)
    swap(staged, out / "site")
    swap(figures_copy, out / "figures")


# ---------------------------------------------------------------- main

def main(argv=None) -> int:
    started = time.perf_counter()
    args = parse_args(argv)
    args.data, args.notebooks, args.out = args.data.resolve(), args.notebooks.resolve(), args.out.resolve()
    cache_dir = (args.cache_dir or args.out / ".build-cache").resolve()
    state = cache.State(cache_dir)

    validation = Validation(args.data, state, everything=args.check)
    if args.check:
        validation.run()
        if validation.problems:
            validation.report()
            return 2
        state.save()
        say(f"Data is valid: {args.data}")
        return 0

    paths = sorted(args.notebooks.glob("[0-9]*.ipynb"))
    if args.only:
        paths = [p for p in paths if p.stem == args.only or p.name == args.only]
        if not paths:
            print(f"No notebook named {args.only!r} in {args.notebooks}", file=sys.stderr)
            return 2
    if not paths:
        print(f"No notebooks in {args.notebooks}", file=sys.stderr)
        return 2
    as_of = args.as_of or latest_date(args.data)
    parameters = {"AS_OF": args.as_of} if args.as_of else {}

    say(f"Building {len(paths)} notebook(s) with {args.jobs} worker(s)")
    executor = Executor(args, state, cache_dir, parameters)
    first = [p for p in paths if not notebook_meta(p).get("after_chapters")]
    later = [p for p in paths if notebook_meta(p).get("after_chapters")]
    # Validation runs beside the first notebooks; if the data are bad, they stop starting and nothing is published.
    checker = threading.Thread(target=validation.run)
    checker.start()
    executor.run(first, stop=lambda: bool(validation.problems))
    checker.join()
    if validation.problems:
        executor.forget_started()
        state.save()
        validation.report()
        return 2
    if not executor.failures:
        executor.run(later)  # e.g. the scorecard, which reads what the chapters recorded
    state.save()
    if executor.failures:
        for failure in executor.failures:
            print(f"\nNotebook {failure.notebook} failed at cell {failure.cell}:\n{failure.detail}", file=sys.stderr)
        print("\nBuild failed; the previous report is untouched.", file=sys.stderr)
        return 1

    names = [p.stem for p in paths]
    key = publish_key(state, names, as_of)
    site = args.out / "site"
    if state.data.get("published") == key and (site / "index.html").exists() and (args.out / "figures").is_dir():
        say(f"Up to date: nothing changed ({time.perf_counter() - started:.2f} s). Report: {site / 'index.html'}")
        return 0
    staged = args.out / ".site-new"
    shutil.rmtree(staged, ignore_errors=True)
    executed_at = time.perf_counter()
    try:
        render(cache_dir, names, staged, as_of)
        publish(args.out, staged)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    state.data["published"] = key
    state.save()
    now = time.perf_counter()
    say(f"Done: {len(executor.executed)} executed, {len(names) - len(executor.executed)} cached, "
        f"{now - started:.1f} s (render and publish {now - executed_at:.1f} s). Report: {site / 'index.html'}")
    return 0
