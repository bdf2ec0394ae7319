"""One build at a time per output folder and per cache folder."""
from __future__ import annotations

import os
from pathlib import Path

from .messages import say


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
