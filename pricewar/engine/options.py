"""build.py's options, defined once in OPTIONS, and the check that --data names a data folder.

argparse (with its help and error messages) reads the command line unless every word of it is an option spelled
out in full with a valid value: the common case, read here directly, since importing and setting up argparse
costs a no-op build more than a tenth of its time.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from types import SimpleNamespace

from .messages import BuildError

REPO_ROOT = Path(__file__).resolve().parents[2]


def iso_day(text: str) -> str:
    """argparse type for --as-of: a real calendar day written YYYY-MM-DD, not after today (the data cannot show
    what will be known later, and the pages would print that day as the data's date)."""
    import datetime as dt
    import re

    message = f"{text!r} is not a date written YYYY-MM-DD"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            day = None
        if day is not None and day <= dt.date.today():
            return day.isoformat()
        if day is not None:
            message = (f"{text!r} is after today ({dt.date.today().isoformat()}): leave --as-of out for everything "
                       "known so far")
    import argparse

    raise argparse.ArgumentTypeError(message)


def whole_number(text: str) -> int:
    """argparse type for --jobs and --timeout: a whole number, 1 or more."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        import argparse

        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return value


OPTIONS = (
    ("--check", {"action": "store_true", "help": "validate the data only"}),
    ("--force", {"action": "store_true", "help": "ignore the cache and execute every notebook"}),
    ("--jobs", {"type": whole_number, "default": os.cpu_count() or 1, "help": "notebooks executed at once (default: cores)"}),
    ("--only", {"metavar": "NAME", "help": "preview one chapter (e.g. 01_timeline) in OUT/site-preview/; "
                "site/ and figures/ are not touched"}),
    ("--timeout", {"type": whole_number, "default": 300, "help": "seconds a cell may run (default 300)"}),
    ("--as-of", {"metavar": "YYYY-MM-DD", "type": iso_day, "help": "use only data dated up to this day"}),
    ("--out", {"type": Path, "default": REPO_ROOT, "help": "folder that receives site/ and figures/ "
               "(default: the project)"}),
    ("--data", {"type": Path, "default": REPO_ROOT / "data", "help": "data folder (default: data/)"}),
    ("--notebooks", {"type": Path, "default": REPO_ROOT / "notebooks", "help": "notebooks folder"}),
    ("--cache-dir", {"type": Path, "help": "build cache (default: OUT/.build-cache)"}),
)


def parse_args(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _plain(argv)
    if args is None:
        import argparse

        p = argparse.ArgumentParser(prog="build.py",
                                    description="Validate the data, execute the notebooks, render the report.")
        for name, spec in OPTIONS:
            p.add_argument(name, **spec)
        args = p.parse_args(argv)
    return args


def _plain(argv: list[str]):
    """What argparse would make of argv if each word is an option named in full (`--out DIR` or `--out=DIR`) with
    a valid value that does not start with '-'; None for anything else (argparse then reads it, or says why not)."""
    specs = {name: spec for name, spec in OPTIONS}
    values = {}
    for name, spec in OPTIONS:
        default = spec.get("default", False if spec.get("action") == "store_true" else None)
        if isinstance(default, str) and "type" in spec:  # as argparse does
            default = spec["type"](default)
        values[name[2:].replace("-", "_")] = default
    words = iter(argv)
    for word in words:
        name, equals, value = word.partition("=")
        spec = specs.get(name)
        if spec is None:
            return None
        if spec.get("action") == "store_true":
            if equals:
                return None
            value = True
        else:
            if not equals:
                value = next(words, "-")
                if value.startswith("-"):
                    return None
            try:
                value = spec.get("type", str)(value)
            except Exception:  # argparse reports it
                return None
        values[name[2:].replace("-", "_")] = value
    return SimpleNamespace(**values)


def check_data_folder(data: Path) -> None:
    if not data.is_dir():
        what = "is a file, not a folder" if data.exists() else "does not exist"
        raise BuildError(f"The data folder {data} {what} (--data names it).", 2)
    package = data / "datapackage.json"
    try:
        json.loads(package.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BuildError(f"{package} is missing: the data folder needs its schema.", 2) from None
    except (OSError, ValueError) as error:
        raise BuildError(f"{package} is not valid JSON ({error}).", 2) from None
