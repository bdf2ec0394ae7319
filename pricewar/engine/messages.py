"""What the build tells the user: plain lines on stdout, and the error that ends a build with a message."""
from __future__ import annotations

import time

said: list[str] = []  # every line said, in order: a no-op build keeps its own for the next one to repeat


class BuildError(Exception):
    """A problem the user must fix, with the exit code it deserves (2: data or command line, 1: the rest)."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def say(line: str) -> None:
    said.append(line)
    print(line, flush=True)


def up_to_date(out, started: float) -> None:
    say(f"Up to date: nothing changed ({time.perf_counter() - started:.2f} s). Report: {out / 'site' / 'index.html'}")
