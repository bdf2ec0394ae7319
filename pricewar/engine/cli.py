"""The command line of build.py: arguments, the one-build-at-a-time lock, and plain messages for every failure.

Exit codes: 0 built (or up to date), 1 a notebook or the file system failed, 2 the data or the command line is wrong.
"""
from __future__ import annotations

import argparse
import errno
import os
import signal
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
    """One build at a time per output folder and per cache folder, saying who holds a lock while it waits.

    On POSIX the lock is `flock` on a lock file, taken directly (what the filelock library does there, without its
    import cost on every no-op build); elsewhere the filelock library. The kernel drops a lock when its holder
    dies, however it dies, so a killed build never leaves a stale lock behind.
    """

    def __init__(self, out: Path, cache_dir: Path):
        # One order for all builds (sorted paths): two builds never wait for each other crosswise.
        locks = {Path(cache_dir) / ".build.lock": "with this cache", Path(out) / ".build.lock": "in this folder"}
        self.locks = sorted(locks.items())  # the same folder for both (--cache-dir OUT) is locked once
        self.held: list = []

    def __enter__(self):
        try:
            for path, what in self.locks:
                self.held.append(self._acquire(path, what))
        except BaseException:
            self.__exit__()
            raise
        return self

    @staticmethod
    def _owner(path: Path) -> str:
        try:
            return path.with_name(path.name + ".pid").read_text().strip() or "unknown"
        except OSError:
            return "unknown"

    def _acquire(self, path: Path, what: str):
        waiting = f"Another build is running {what} ({path.parent}, pid {{}}): waiting for it to finish."
        try:
            import fcntl
        except ImportError:  # Windows
            from filelock import FileLock, Timeout

            lock = FileLock(str(path))
            try:
                lock.acquire(timeout=0)
            except Timeout:
                say(waiting.format(self._owner(path)))
                lock.acquire()
            held = lock
        else:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    say(waiting.format(self._owner(path)))
                    fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                os.close(fd)
                raise
            held = fd
        try:
            path.with_name(path.name + ".pid").write_text(str(os.getpid()))
        except OSError:
            pass  # only used to say who holds the lock
        return held

    def __exit__(self, *exc):
        while self.held:
            held = self.held.pop()
            if isinstance(held, int):
                os.close(held)  # closing the descriptor releases the flock
            else:
                held.release()


def build(args) -> int:
    started = time.perf_counter()
    orchestrate.check_data_folder(args.data)
    args.out.mkdir(parents=True, exist_ok=True)
    cache_dir = (args.cache_dir or args.out / ".build-cache").resolve()
    cache_dir.mkdir(parents=True, exist_ok=True)
    with BuildLock(args.out, cache_dir):
        cache.load_memo(cache_dir)
        try:
            return _build_locked(args, cache_dir, started)
        finally:
            cache.save_memo()


def _build_locked(args, cache_dir: Path, started: float) -> int:
    state = cache.State(cache_dir)
    entries.sweep(cache_dir)
    publish.sweep(args.out)

    # The chapters to run, known before validation: their kernels start (and import their modules) while the data
    # are checked, but no cell runs on data that have not been validated.
    every = orchestrate.chapter_notebooks(args.notebooks)
    meta = {p: orchestrate.notebook_meta(p) for p in every}
    chapters = [p.stem for p in every if not meta[p].get("after_chapters")]  # what the scorecard reads
    paths = every
    if args.only:
        paths = [p for p in every if args.only in (p.stem, p.name)]
    parameters = {"AS_OF": args.as_of} if args.as_of else {}
    executor = orchestrate.Executor(args, state, cache_dir, parameters)
    if not args.check:
        def prepare_page(name: str) -> None:  # imports on first use: a build with nothing to run imports none of it
            from . import pages

            pages.prepare(cache_dir, name, publish.renderer_hash())

        executor.on_commit = prepare_page
    first = [p for p in paths if not meta[p].get("after_chapters")]
    try:
        if not args.check and paths:
            executor.start(first)
        # 1. Data first: nothing runs on data that has not been validated.
        validation = orchestrate.Validation(args.data, state, everything=args.check)
        validation.run()
        if validation.problems:
            executor.abandon()
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
        if args.only and not paths:
            raise BuildError(f"No chapter named {args.only!r} in {args.notebooks}", 2)
        if not paths:
            raise BuildError(f"No chapter notebooks (NN_name.ipynb) in {args.notebooks}", 2)

        # 2. Execute what is not cached: chapters first, then the notebooks that read their records.
        say(f"Building {len(paths)} notebook(s) with {args.jobs} worker(s)")
        executor.open()
        executor.finish([p for p in paths if meta[p].get("after_chapters")],
                        lambda: orchestrate.sync_records(cache_dir, chapters))
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
        say(f"Up to date: nothing changed ({time.perf_counter() - started:.2f} s). "
            f"Report: {args.out / 'site' / 'index.html'}")
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


def _os_message(error: OSError) -> str:
    where = f" ({error.filename})" if getattr(error, "filename", None) else ""
    if error.errno == errno.ENOSPC:
        return f"The disk is full{where}: free some space and build again."
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"The build may not write there{where}: {error.strerror}. Choose another --out folder or fix its permissions."
    if error.errno == errno.EEXIST:
        return f"There is a file where the build needs a folder{where}."
    if error.errno == errno.ENOTDIR:
        return f"A folder cannot be made there{where}: part of that path is a file, not a folder."
    return f"A file operation failed{where}: {error.strerror or error}."


def main(argv=None) -> int:
    args = parse_args(argv)
    args.data, args.notebooks, args.out = args.data.resolve(), args.notebooks.resolve(), args.out.resolve()
    # SIGTERM (kill, a closing CI job) and SIGHUP (a closed terminal) interrupt like Ctrl-C: cleanup code runs,
    # kernels are stopped, and a rename pair in progress is finished first.
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            try:
                signal.signal(getattr(signal, name), entries.on_signal)
            except ValueError:  # main() called outside the main thread: signals stay as they are
                break
    try:
        return build(args)
    except BuildError as error:
        print(str(error), file=sys.stderr)
        return error.code
    except OSError as error:
        print(_os_message(error) + " The previous report is untouched.", file=sys.stderr)
        return 1
    except KeyboardInterrupt as error:
        signum = getattr(error, "signum", signal.SIGINT)
        print(f"Interrupted ({signal.Signals(signum).name}); the previous report is untouched.", file=sys.stderr)
        return 128 + signum
