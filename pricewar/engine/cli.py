"""The command line of build.py: read the options, take the lock, let the no-op receipt answer or run the build,
and say in plain words what went wrong.

Exit codes: 0 built (or up to date), 1 a notebook or the file system failed, 2 the data or the command line is wrong.
The modules that build (orchestrate and what it imports) are compiled only when the receipt (uptodate.py) does not
answer: compiling them from source was a third of a no-op build's time.
"""
from __future__ import annotations

import errno
import signal
import sys
import time

from . import interrupts, uptodate
from .lock import BuildLock
from .messages import BuildError
from .options import check_data_folder, parse_args


def build(args) -> int:
    started = time.perf_counter()
    check_data_folder(args.data)
    args.out.mkdir(parents=True, exist_ok=True)
    cache_dir = (args.cache_dir or args.out / ".build-cache").resolve()
    cache_dir.mkdir(parents=True, exist_ok=True)
    with BuildLock(args.out, cache_dir):
        if uptodate.replay(args, cache_dir, started):
            return 0
        from . import orchestrate

        return orchestrate.run(args, cache_dir, started)


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
                signal.signal(getattr(signal, name), interrupts.on_signal)
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
