"""build.py's steps, in order: validate the data → execute the notebooks (cached, in parallel) → hand over to publish.

Standard-library imports only at module level: a no-op rebuild checks hashes and stops without importing pandas,
matplotlib or Jupyter. Every module the worker threads use is imported by the main thread before the first thread
starts (`prepare_imports`): concurrent first imports are what made one build in six fail.
"""
from __future__ import annotations

import csv
import json
import os
import re
import sys
import time
from pathlib import Path

from . import cache, entries, messages, publish, uptodate
from .messages import BuildError, say
from .options import REPO_ROOT

PACKAGE = REPO_ROOT / "pricewar"
CHAPTER_NAME = re.compile(r"\d{2}_[A-Za-z0-9_]+\.ipynb")

# jsonschema (imported by nbformat and frictionless) registers an optional IRI format checker from the
# rfc3987_syntax package, which compiles a grammar at import: two seconds of every build, for a format neither
# notebooks nor our schema use. Marking the module absent makes jsonschema skip that checker.
sys.modules.setdefault("rfc3987_syntax", None)


# ---------------------------------------------------------------- notebooks

def chapter_notebooks(folder: Path) -> list[Path]:
    """The chapters, NN_name.ipynb, in order; copies and exports that Jupyter leaves beside them are ignored."""
    if not folder.is_dir():
        raise BuildError(f"The notebooks folder {folder} does not exist.", 2)
    chapters, stray = [], []
    for path in sorted(folder.glob("*.ipynb")):
        (chapters if CHAPTER_NAME.fullmatch(path.name) else stray).append(path)
    if stray:
        say(f"Ignoring {len(stray)} notebook(s) that are not chapters (chapters are named NN_name.ipynb): "
            + ", ".join(p.name for p in stray))
    return chapters


def notebook_meta(path: Path) -> dict:
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
            raise ValueError("no list of cells")
        if nb.get("nbformat") != 4:
            raise ValueError(f"nbformat {nb.get('nbformat')!r}, where Jupyter writes 4: open and save it in Jupyter")
    except (OSError, ValueError) as error:
        raise BuildError(f"{path} is not a readable notebook file ({error}). Nothing was built; the previous "
                         "report is untouched.", 1) from None
    return nb.get("metadata", {}).get("pricewar", {}) or {}


# ---------------------------------------------------------------- validate

class Validation:
    """Checks the data against the schema, in the main thread, before any notebook starts.

    Skipped when no data file changed since the last valid check (the no-op rebuild); otherwise every table is
    checked, since tables refer to each other.
    """

    def __init__(self, data: Path, state: cache.State, everything: bool):
        self.data, self.state = data, state
        self.files = {p.name: cache.file_hash(p) for p in sorted(data.iterdir()) if p.is_file()}
        old = state.data.get("validated")
        self.needed = everything or old != self.files
        self.problems: list = []

    def run(self) -> None:
        if not self.needed:
            return
        from ..schema import notices
        from ..schema import validate as check

        # Name files as the user would type them: relative to where build.py was run, else in full.
        label = os.path.relpath(self.data, Path.cwd())
        if label == ".":
            label = self.data.name
        elif label.startswith(".."):
            label = str(self.data)
        label = label.replace(os.sep, "/")
        self.problems = check(self.data, label=label)
        if not self.problems:
            for line in notices(self.data, label=label):
                say(line)
            self.state.data["validated"] = self.files

    def report(self) -> None:
        print(f"Data is not valid: {len(self.problems)} problem(s). Nothing was built; the previous report is "
              "untouched.", file=sys.stderr)
        for problem in self.problems:
            print(problem, file=sys.stderr)


def date_range(data: Path, table: str = "price_changes.csv") -> tuple[str, str]:
    """(first, last) date in the table the report is about; the last is the report's as-of date by default."""
    dates = []
    path = data / table
    if path.exists():
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
            for row in csv.DictReader(f):
                value = (row.get("date") or "").strip()
                if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                    dates.append(value)
    return (min(dates), max(dates)) if dates else ("", "")


# ---------------------------------------------------------------- execute

def code_hash() -> str:
    files = [p for p in PACKAGE.rglob("*.py") if "engine" not in p.relative_to(PACKAGE).parts]
    reqs = REPO_ROOT / "requirements.txt"
    return cache.tree_hash(files + ([reqs] if reqs.exists() else []))


def prepare_imports() -> None:
    """Import, in the main thread, everything the worker threads will use.

    Not only the modules named here: finding the kernel's spec imports IPython and ipykernel, and listing the
    local network interfaces imports psutil, lazily, on first use. Doing both once here means no worker thread
    ever runs a module's first import (tests/test_engine_race.py checks that none does).
    """
    import nbclient.client  # noqa: F401
    import nbformat  # noqa: F401
    from jupyter_client import localinterfaces
    from jupyter_client.manager import KernelManager
    from jupyter_client.provisioning import KernelProvisionerFactory

    from .. import fonts, paths, renders  # noqa: F401 (the main thread uses them while the kernels start)
    from . import execute  # noqa: F401

    "".encode("utf-8-sig")  # the codec the font step reads the data with, imported on first use
    fonts.variable_font()   # imports the font package
    KernelProvisionerFactory.instance()  # loads the provisioner entry points once
    KernelManager(kernel_name="python3").kernel_spec  # noqa: B018 (the lookup is the point)
    localinterfaces.localhost()


def records_dir(cache_dir: Path) -> Path:
    return Path(cache_dir) / "records"


def sync_records(cache_dir: Path, names: list[str]) -> Path:
    """The folder the scorecard reads: one record per chapter whose entry is whole, nothing else."""
    folder = records_dir(cache_dir)
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {}
    for name in names:
        if entries.manifest(cache_dir, name) is not None:
            path = entries.folder(cache_dir, name) / entries.RECORD
            if path.exists():
                wanted[f"{name}.json"] = path.read_bytes()
    for path in folder.iterdir():
        if path.name not in wanted:
            path.unlink()
    for filename, content in wanted.items():
        target = folder / filename
        if not target.exists() or target.read_bytes() != content:
            tmp = folder / f".{filename}.tmp"
            tmp.write_bytes(content)
            os.replace(tmp, target)
    return folder


# ---------------------------------------------------------------- the build

def run(args, cache_dir: Path, started: float) -> int:
    """The build, under its lock, when the no-op receipt (uptodate.py) did not answer."""
    uptodate.forget(cache_dir)  # whatever happens next, that receipt no longer describes the cache
    cache.load_memo(cache_dir)
    try:
        return _run(args, cache_dir, started, len(messages.said))
    finally:
        cache.save_memo()


def _run(args, cache_dir: Path, started: float, said_before: int) -> int:
    state = cache.State(cache_dir)
    entries.sweep(cache_dir)
    publish.sweep(args.out)

    # The chapters to run, known before validation: their kernels start (and import their modules) while the data
    # are checked, but no cell runs on data that have not been validated.
    every = chapter_notebooks(args.notebooks)
    meta = {p: notebook_meta(p) for p in every}
    chapters = [p.stem for p in every if not meta[p].get("after_chapters")]  # what the scorecard reads
    paths = every
    if args.only:
        paths = [p for p in every if args.only in (p.stem, p.name)]
    parameters = {"AS_OF": args.as_of} if args.as_of else {}
    executor = Executor(args, state, cache_dir, parameters)
    if not args.check:
        def prepare_page(name: str) -> None:  # imports on first use: a build with nothing to run imports none of it
            from . import pages

            pages.prepare(cache_dir, name, publish.renderer_hash())

        executor.on_commit = prepare_page
        executor.while_last = publish.warm_up
    first = [p for p in paths if not meta[p].get("after_chapters")]
    try:
        if not args.check and paths:
            executor.start(first)
        # 1. Data first: nothing runs on data that has not been validated.
        validation = Validation(args.data, state, everything=args.check)
        validation.run()
        if validation.problems:
            executor.abandon()
            validation.report()
            return 2
        state.save()
        if args.check:
            say(f"Data is valid: {args.data}")
            return 0
        first_day, last_day = date_range(args.data)
        if args.as_of and first_day and args.as_of < first_day:
            raise BuildError(f"--as-of {args.as_of} is before the first dated price in the data ({first_day}): "
                             "there would be nothing to report.", 2)
        as_of = args.as_of or last_day
        if args.only and not paths:
            raise BuildError(f"No chapter named {args.only!r} in {args.notebooks}", 2)
        if not paths:
            raise BuildError(f"No chapter notebooks (NN_name.ipynb) in {args.notebooks}", 2)

        # 2. Execute what is not cached: chapters first, then the notebooks that read their records.
        say(f"Building {len(paths)} notebook(s) with {args.jobs} worker(s)")
        executor.open()
        executor.finish([p for p in paths if meta[p].get("after_chapters")],
                        lambda: sync_records(cache_dir, chapters))
        executor.close()
    except BaseException:
        executor.abandon()
        raise
    state.save()
    if executor.failures:
        for failure in executor.failures:
            print(f"\nNotebook {failure.notebook} failed {failure.where}:\n{failure.detail}", file=sys.stderr)
        print("\nBuild failed; the previous report is untouched.", file=sys.stderr)
        return 1

    # 3. Publish (or, with --only, preview).
    names = [p.stem for p in paths]
    if args.only:
        preview = publish.write_preview(cache_dir, names, args.out, as_of, args.data, args.notebooks)
        say(f"Preview of {names[0]}: {preview / (names[0] + '.html')} (site/ and figures/ were not touched)")
        return 0
    key = publish.publish_key(cache_dir, names, as_of, args.data)
    # What was published where: one cache may serve several output folders (--cache-dir).
    if not isinstance(state.data.get("published"), dict):
        state.data["published"] = {}
    record = state.data["published"].setdefault(str(args.out), {})
    previous = record.get("files", {})
    if record.get("key") == key and publish.intact(args.out, previous):
        lines = messages.said[said_before:]
        messages.up_to_date(args.out, started)
        if not (validation.needed or executor.executed or args.force):  # a build that did nothing at all
            _write_receipt(args, cache_dir, state, lines, every, names)
        return 0
    rendered_at = time.perf_counter()
    record.pop("key", None)  # until the swap is done, the last record is not to be trusted
    state.save()

    def before_swap(ours: dict) -> None:  # files a killed swap may leave in place are the build's, not yours
        record["files"] = {n: {**previous.get(n, {}), **ours.get(n, {})} for n in publish.FOLDERS}
        state.save()

    published, changed = publish.publish(cache_dir, names, args.out, as_of, args.data, previous, before_swap,
                                         args.notebooks)
    record.update(key=key, files=published)
    state.save()
    now = time.perf_counter()
    say(f"Done: {len(executor.executed)} executed, {len(names) - len(executor.executed)} cached, "
        f"{now - started:.1f} s (render and publish {now - rendered_at:.1f} s). "
        f"Report: {args.out / 'site' / 'index.html'}")
    say("What changed since the previous report:" if changed else "What changed: nothing since the previous report.")
    for line in changed:
        say(f"  - {line}")
    return 0


def _write_receipt(args, cache_dir: Path, state: cache.State, lines: list[str], notebooks: list[Path],
                   names: list[str]) -> None:
    """What the decision above read, or a superset of it, for the next build to check in a few milliseconds: the
    data, the notebooks, the package (code and templates), requirements.txt, the cache's state, entries, records and
    work folder (the sweep), what the notebooks read, site/ and figures/, and the names in OUT (publish.sweep)."""
    reads = [k for n in names for k in entries.manifest(cache_dir, n)["reads"]]
    uptodate.write(
        args, cache_dir, lines,
        trees=[args.data, PACKAGE, entries.entries_dir(cache_dir), records_dir(cache_dir), args.out / "site",
               args.out / "figures"],
        files=[*notebooks, REPO_ROOT / "requirements.txt", state.path, entries.work_root(cache_dir),
               *(k[2:] for k in reads if k.startswith("F "))],
        folders=[args.notebooks, args.out, *(k[2:] for k in reads if k.startswith("D "))])


# ---------------------------------------------------------------- execute notebooks

class Executor:
    def __init__(self, args, state: cache.State, cache_dir: Path, parameters: dict):
        self.args, self.state, self.cache_dir, self.parameters = args, state, cache_dir, parameters
        self.static = {"code": code_hash(), "params": cache.text_hash(json.dumps(parameters, sort_keys=True))}
        self.failures: list = []
        self.executed: list[str] = []
        self.todo: list[Path] = []
        self.pool, self.futures, self.gate, self.notebooks = None, {}, None, {}
        self.font_cut = None  # the chart font being cut while the data are validated (a first build)
        self.characters = None
        # Called in the main thread with each notebook's name once its entry is committed (the build renders its
        # page then, while other notebooks still run). Worker threads import nothing new (prepare_imports); the
        # main thread may, as no other thread is importing.
        self.on_commit = None
        # Called in the main thread once only the notebooks after the chapters (the scorecard) are left to run.
        self.while_last = None
        self.zygote = None  # forks the kernels, its heavy imports done once (kernels.py)
        self.slots = None   # how many notebooks run cells at once (--jobs)

    def key(self, path: Path) -> dict:
        return dict(self.static, source=cache.file_hash(path), data=str(self.args.data))

    def is_cached(self, path: Path) -> bool:
        if self.args.force:
            return False
        manifest = entries.manifest(self.cache_dir, path.stem)
        return (manifest is not None and manifest.get("key") == self.key(path)
                and cache.reads_unchanged(manifest.get("reads", {})))

    def env(self, work: Path, name: str) -> dict:
        return {"PRICEWAR_DATA_DIR": str(self.args.data), "PRICEWAR_NOTEBOOKS_DIR": str(self.args.notebooks),
                "PRICEWAR_FIGURES_DIR": str(work / "figures"),
                "PRICEWAR_CHAPTER_DIR": str(work / "chapters"),
                "PRICEWAR_RECORDS_DIR": str(self.cache_dir / "records"),
                "PRICEWAR_READ_LOG": str(work / "reads.log"),
                "PRICEWAR_RENDER_CACHE": str(self.cache_dir / "renders"),
                "PRICEWAR_CODE_HASH": self.static["code"],  # what memoised results are keyed on (memo.py)
                "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg",
                # Kernels find the package even where it was not pip-installed (requirements.txt installs it too).
                "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]))}

    def run(self, paths: list[Path], later: list[Path] = (), between=None) -> None:
        """Execute what is not cached of `paths`, then of `later` (after `between()`, which prepares what they
        read)."""
        self.start(paths)
        self.open()
        self.finish(later, between)
        self.close()

    def start(self, paths: list[Path]) -> None:
        """Start a kernel for each notebook of `paths` that is not cached, one more at once than --jobs runs; each
        imports its modules and waits at the gate (`open`), then for a slot, before its first cell."""
        self.todo = [p for p in paths if not self._cached_say(p)]
        self.pool, self.futures, self.gate = None, {}, None
        if not self.todo:
            return
        if self.zygote is None and os.environ.get("PRICEWAR_ORDINARY_KERNELS") != "1":
            from .kernels import Zygote  # first: its imports then overlap everything below

            self.zygote = Zygote(dict(os.environ, **self.env(self.cache_dir, "")), self.args.notebooks)
        prepare_imports()
        from .execute import Gate, NotebookFailed, Slots, read_notebook

        self.notebooks = {}
        for path in self.todo:  # read and validated here, in the main thread: a broken file stops the build at once
            try:
                self.notebooks[path] = read_notebook(path)
            except NotebookFailed as failure:
                raise BuildError(f"{path} {failure.detail}. Nothing was built; the previous report is untouched.",
                                 1) from None
        # Longest first balances the workers: as long as the last build took, else by the notebook's size.
        durations = self.state.data.get("seconds", {})
        self.todo.sort(key=lambda p: -durations.get(p.stem, p.stat().st_size / 2500))
        from concurrent.futures import ThreadPoolExecutor

        self.gate = Gate()
        # One kernel more than --jobs: the next notebook's kernel starts while the others run, and its cells wait
        # for a free slot, so no notebook waits for a kernel to start once the first have.
        self.slots = Slots(max(1, self.args.jobs), [p.stem for p in self.todo])
        self.pool = ThreadPoolExecutor(max_workers=max(1, self.args.jobs) + 1)
        self.futures = {self.pool.submit(self._job, p, self.gate): p for p in self.todo}
        if self.font_cut is None:
            from .. import fonts

            self.font_cut = fonts.cut_in_background(self._chart_characters(), say)

    def _cached_say(self, path: Path) -> bool:
        if self.is_cached(path):
            say(f"  {path.stem:<24} cached")
            return True
        return False

    def _job(self, p: Path, gate):
        import shutil

        from .execute import execute

        work = entries.new_work_dir(self.cache_dir, p.stem)
        try:
            done = execute(p, self.notebooks[p], self.env(work, p.stem), self.parameters, self.args.timeout,
                           work / "kernel.stderr", gate, self.zygote, self.slots)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        if done is None:  # not needed after all
            shutil.rmtree(work, ignore_errors=True)
        return work, done

    def open(self) -> None:
        """The data are valid: cut the chart font (before the kernels race for it) and let the notebooks run."""
        if not self.todo:
            return
        from .. import fonts, renders

        renders.prune(self.cache_dir / "renders")  # no cell runs yet: nothing is using the folder
        self._font_cut_done()
        fonts.static_fonts(self._chart_characters(), say)  # what the background cut did not do (if it failed)
        say(f"  executing {len(self.todo)} notebook(s), {min(len(self.todo), max(1, self.args.jobs))} at a time")
        self.gate.open()

    def _chart_characters(self) -> str:
        """The characters the chart font covers: read once per build (the kernels wait for them)."""
        if self.characters is None:
            from .. import fonts

            self.characters = fonts.chart_characters(fonts.project_texts(self.args.data, self.args.notebooks))
        return self.characters

    def _font_cut_done(self, stop: bool = False) -> None:
        if self.font_cut is not None:
            if stop:
                self.font_cut.terminate()
            self.font_cut.wait()
            self.font_cut = None

    def abandon(self) -> None:
        """Stop the started kernels (invalid data, interrupted build); the cache keeps what was committed."""
        self._font_cut_done(stop=True)
        if self.pool is not None:
            from .execute import stop_all

            if self.gate is not None:
                self.gate.cancel()
            stop_all()
            self.pool.shutdown(wait=True, cancel_futures=True)
            entries.discard_work(self.cache_dir)
            self.pool = None
        self.close()

    def close(self) -> None:
        """Stop the kernel zygote: every notebook has run (or none will)."""
        if self.zygote is not None:
            self.zygote.stop()
            self.zygote = None
        entries.drop_work_root(self.cache_dir)

    def finish(self, later: list[Path] = (), between=None) -> None:
        """Wait for the started notebooks and commit each; then run `later` (the scorecard), whose kernels start
        while the last chapters run and whose first cell waits until `between()` has prepared their inputs."""
        later = list(later)
        if self.pool is None:  # nothing to run first
            if between is not None:
                between()
            if later:
                self.start(later)
                self.open()
                self.finish()
            return
        from concurrent.futures import as_completed

        from .execute import Gate, NotebookFailed, read_notebook

        pool, futures = self.pool, dict(self.futures)
        gates = {path: Gate() for path in later}
        for path in later:
            try:
                self.notebooks[path] = read_notebook(path)
            except NotebookFailed as failure:
                self.abandon()
                raise BuildError(f"{path} {failure.detail}. Nothing was built; the previous report is untouched.",
                                 1) from None
        # Queued behind the chapters: each kernel starts when a worker falls idle, then waits at its gate.
        self.slots.add([p.stem for p in later])
        queued = {pool.submit(self._job, p, gates[p]): p for p in later}
        try:
            for future in as_completed(futures):
                self._collect(futures[future], future)
            if between is not None and not self.failures:
                between()
            needed = [p for p in later if not self.failures and not self._cached_say(p)]
            if needed:
                say(f"  executing {len(needed)} notebook(s), {min(len(needed), max(1, self.args.jobs))} at a time")
            for path in later:
                (gates[path].open if path in needed else gates[path].cancel)()
            if needed and self.while_last is not None:
                self.while_last()
            for future in as_completed(queued):
                self._collect(queued[future], future)
        except BaseException:
            # Interrupted (Ctrl-C, SIGTERM) or broken: stop the kernels now rather than wait for their notebooks,
            # let the worker threads end, and remove this build's work folders. The cache keeps what was committed.
            self.abandon()
            raise
        pool.shutdown(wait=True)
        self.pool = None

    def _collect(self, path: Path, future) -> None:
        from .execute import NotebookFailed

        try:
            work, done = future.result()
        except NotebookFailed as failure:
            self.failures.append(failure)
            say(f"  {path.stem:<24} FAILED")
            return
        if done is None:
            return
        self.commit(path, work, done)
        say(f"  {path.stem:<24} executed  {done.seconds:5.1f} s")
        if self.on_commit is not None:
            self.on_commit(path.stem)

    def commit(self, path: Path, work: Path, done) -> None:
        import shutil

        import nbformat

        reads = cache.parse_read_log(work / "reads.log")
        for scratch in ("reads.log", "kernel.stderr"):
            (work / scratch).unlink(missing_ok=True)
        record = work / "chapters" / f"{path.stem}.json"
        if record.exists():
            record.rename(work / entries.RECORD)
        shutil.rmtree(work / "chapters", ignore_errors=True)
        nbformat.write(done.notebook, str(work / entries.NOTEBOOK))
        entries.commit(self.cache_dir, path.stem, work, self.key(path), reads, done.seconds)
        self.state.data.setdefault("seconds", {})[path.stem] = round(done.seconds, 2)
        self.executed.append(path.stem)
