"""SIGINT, SIGTERM and SIGHUP interrupt the build like Ctrl-C, except in the middle of a rename pair."""
from __future__ import annotations

from contextlib import contextmanager

_signals = {"depth": 0, "pending": None}


class Interrupted(KeyboardInterrupt):
    """SIGINT, SIGTERM or SIGHUP, raised in the main thread so that cleanup code runs."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def on_signal(signum, _frame=None) -> None:
    """Signal handler: interrupt the build now, or at the end of the rename in progress."""
    if _signals["depth"]:
        _signals["pending"] = signum
        return
    raise Interrupted(signum)


@contextmanager
def critical():
    """Renames that must not be cut in two by an interrupt: a signal arriving meanwhile takes effect after them.

    (SIGKILL cannot wait: what it cuts in two, the next build's sweep puts right.)
    """
    _signals["depth"] += 1
    try:
        yield
    finally:
        _signals["depth"] -= 1
        if not _signals["depth"] and _signals["pending"] is not None:
            signum, _signals["pending"] = _signals["pending"], None
            raise Interrupted(signum)
