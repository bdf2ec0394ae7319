"""The command line of build.py: arguments, the one-build-at-a-time lock, and plain messages for every failure.

Exit codes: 0 built (or up to date), 1 a notebook or the file system failed, 2 the data or the command line is wrong.
"""
from __future__ import annotations

import argparse
import errno
import os
import sys
import time
from pathlib import Path

from . import cache, entries, orchestrate, publish
from .orchestrate import REPO_ROOT, BuildError, say

# jsonschema (imported by nbformat and frictionless) registers an optional IRI format checker from the
# rfc3987_syntax package, which compiles a grammar at import: two seconds of every build, for a format neither
# notebooks nor our schema use. Marking the module absent makes jsonschema skip that checker.
sys.modules.setdefault("rfc3987_syntax", None)


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
    p.add_argument("--only", metavar="NAME", help="preview one chapter (e.g. 01_timeline) in OUT/site-preview/; "
                   "site/ and figures/ are not touched")
    p.add_argument("--timeout", type=int, default=300, help="seconds a cell may run (default 300)")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", type=iso_day, help="use only data dated up to this day")
    p.add_argument("--out", type=Path, default=REPO_ROOT, help="folder that receives site/ and figures/ (default: the project)")
    p.add_argument("--data", type=Path, default=REPO_ROOT / "data", help="data folder (default: data/)")
    p.add_argument("--notebooks", type=Path, default=REPO_ROOT / "notebooks", help="notebooks folder")
    p.add_argument("--cache-dir", type=Path, help="build cache (default: OUT/.build-cache)")
    return p.parse_args(argv)


class BuildLock:
    """One build at a time per output folder (filelock), saying who holds it while it waits."""

    def __init__(self, out: Path):
        from filelock import FileLock

        self.path = out / ".build.lock"
        self.owner = out / ".build.lock.pid"
        self.lock = FileLock(str(self.path))

    def __enter__(self):
        from filelock import Timeout

        try:
            self.lock.acquire(timeout=0)
        except Timeout:
            try:
                pid = self.owner.read_text().strip() or "unknown"
            except OSError:
                pid = "unknown"
            say(f"Another build is running in this folder (pid {pid}): waiting for it to finish.")
            self.lock.acquire()
        self.owner.write_text(str(os.getpid()))
        return self

    def __exit__(self, *exc):
        self.lock.release()


def build(args) -> int:
    started = time.perf_counter()
    orchestrate.check_data_folder(args.data)
    args.out.mkdir(parents=True, exist_ok=True)
    cache_dir = (args.cache_dir or args.out / ".build-cache").resolve()
    with BuildLock(args.out):
        state = cache.State(cache_dir)
        entries.sweep(cache_dir)
        publish.sweep(args.out)

        # 1. Data first: nothing runs on data that has not been validated.
        validation = orchestrate.Validation(args.data, state, everything=args.check)
        validation.run()
        if validation.problems:
            validation.report()
            return 2
        state.save()
        if args.check:
            say(f"Data is valid: {args.data}")
            return 0
        first_day, last_day = orchestrate.date_range(args.data)
        if args.as_of and first_day and args.as_of < first_day:
            raise BuildError(f"--as-of {args.as_of} is before the first dated price in the data ({first_day}): "
                             "there would be nothing to report.", 2)
        as_of = args.as_of or last_day
        parameters = {"AS_OF": args.as_of} if args.as_of else {}

        # 2. Execute what is not cached: chapters first, then the notebooks that read their records.
        every = orchestrate.chapter_notebooks(args.notebooks)
        meta = {p: orchestrate.notebook_meta(p) for p in every}
        chapters = [p.stem for p in every if not meta[p].get("after_chapters")]  # what the scorecard reads
        paths = every
        if args.only:
            paths = [p for p in every if args.only in (p.stem, p.name)]
            if not paths:
                raise BuildError(f"No chapter named {args.only!r} in {args.notebooks}", 2)
        if not paths:
            raise BuildError(f"No chapter notebooks (NN_name.ipynb) in {args.notebooks}", 2)
        say(f"Building {len(paths)} notebook(s) with {args.jobs} worker(s)")
        executor = orchestrate.Executor(args, state, cache_dir, parameters)
        executor.run([p for p in paths if not meta[p].get("after_chapters")])
        if not executor.failures:
            orchestrate.sync_records(cache_dir, chapters)
            executor.run([p for p in paths if meta[p].get("after_chapters")])
        state.save()
        if executor.failures:
            for failure in executor.failures:
                print(f"\nNotebook {failure.notebook} failed {failure.where}:\n{failure.detail}", file=sys.stderr)
            print("\nBuild failed; the previous report is untouched.", file=sys.stderr)
            return 1

        # 3. Publish (or, with --only, preview).
        names = [p.stem for p in paths]
        if args.only:
            preview = publish.write_preview(cache_dir, names, args.out, as_of, args.data)
            say(f"Preview of {names[0]}: {preview / (names[0] + '.html')} (site/ and figures/ were not touched)")
            return 0
        key = publish.publish_key(cache_dir, names, as_of)
        previous = state.data.get("published_files", {})
        if state.data.get("published") == key and publish.intact(args.out, previous):
            say(f"Up to date: nothing changed ({time.perf_counter() - started:.2f} s). "
                f"Report: {args.out / 'site' / 'index.html'}")
            return 0
        rendered_at = time.perf_counter()
        state.data.pop("published", None)  # until the swap is done, the last record is not to be trusted
        state.save()
        published, changed = publish.publish(cache_dir, names, args.out, as_of, args.data, previous)
        state.data["published"], state.data["published_files"] = key, published
        state.save()
        now = time.perf_counter()
        say(f"Done: {len(executor.executed)} executed, {len(names) - len(executor.executed)} cached, "
            f"{now - started:.1f} s (render and publish {now - rendered_at:.1f} s). "
            f"Report: {args.out / 'site' / 'index.html'}")
        say("What changed since the previous report:" if changed else "What changed: nothing since the previous report.")
        for line in changed:
            say(f"  - {line}")
        return 0


def _os_message(error: OSError) -> str:
    where = f" ({error.filename})" if getattr(error, "filename", None) else ""
    if error.errno == errno.ENOSPC:
        return f"The disk is full{where}: free some space and build again."
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"The build may not write there{where}: {error.strerror}. Choose another --out folder or fix its permissions."
    return f"A file operation failed{where}: {error.strerror or error}."


def main(argv=None) -> int:
    args = parse_args(argv)
    args.data, args.notebooks, args.out = args.data.resolve(), args.notebooks.resolve(), args.out.resolve()
    try:
        return build(args)
    except BuildError as error:
        print(str(error), file=sys.stderr)
        return error.code
    except OSError as error:
        print(_os_message(error) + " The previous report is untouched.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; the previous report is untouched.", file=sys.stderr)
        return 130
