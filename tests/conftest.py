"""Shared fixtures. Builds go to temporary folders: tests never write into the project tree."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Kernels that tests start themselves (nbclient, papermill) import this checkout's package, not whichever copy
# happens to be pip-installed in development mode (the build does the same for its own kernels).
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")]))


def run_build(*args, cwd=ROOT, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=900)


def manifest(out: Path, name: str) -> dict:
    """The build's cache entry for one notebook: what it read, its key, its files."""
    return json.loads((out / ".build-cache" / "entries" / name / "manifest.json").read_text(encoding="utf-8"))


def record(out: Path, name: str) -> dict:
    """The chapter record a notebook committed in the build's cache."""
    return json.loads((out / ".build-cache" / "entries" / name / "record.json").read_text(encoding="utf-8"))


HISTORY = {"changes.html"}  # says what changed since the previous report: differs between histories by design


def site_files(folder: Path, history: bool = True) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and (history or p.name not in HISTORY)}


@pytest.fixture(scope="session")
def data_copy(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("data") / "data"
    shutil.copytree(ROOT / "data", target)
    return target


@pytest.fixture(scope="session")
def full_build(tmp_path_factory, data_copy) -> Path:
    """The whole report, built once from a copy of the data into a temporary folder."""
    out = tmp_path_factory.mktemp("build")
    result = run_build("--out", out, "--data", data_copy, "--jobs", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    return out


# ---------------------------------------------------------------- helpers for the engine tests

def clone_build(source: Path, target: Path, outputs: bool = True) -> Path:
    """A copy of a finished build's cache (and, with outputs, its site/ and figures/, modification times kept):
    a build into `target` with the same data and notebooks then executes nothing."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source / ".build-cache", target / ".build-cache", symlinks=True)
    state_file = target / ".build-cache" / "state.json"
    state = json.loads(state_file.read_text(encoding="utf-8"))
    published = state.get("published", {})
    if outputs and str(source.resolve()) in published:  # the record of what was published moves with the files
        published[str(target.resolve())] = published.pop(str(source.resolve()))
    else:
        published.pop(str(source.resolve()), None)
    state_file.write_text(json.dumps(state), encoding="utf-8")
    if outputs:
        for name in ("site", "figures"):
            shutil.copytree(source / name, target / name)
    return target


def notebooks_copy(target: Path, names=None) -> Path:
    """A copy of notebooks/ (only the named notebooks, if given)."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        if names is None or path.stem in names:
            shutil.copy2(path, target / path.name)
    return target


def edit_notebook(path: Path, index: int, source: str) -> None:
    """Insert a code cell at `index` of a notebook file."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"].insert(index, {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                               "source": source})
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def executed_names(stdout: str) -> set[str]:
    return set(re.findall(r"^\s+(\S+)\s+executed", stdout, re.M))


def build_command(*args) -> list[str]:
    return [sys.executable, str(ROOT / "build.py"), *map(str, args)]


class Running:
    """A build running in the background, its output read line by line as it comes."""

    def __init__(self, *args, env=None):
        self.lines: list[str] = []
        self.proc = subprocess.Popen(build_command(*args), cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, bufsize=1)
        self.err: list[str] = []
        self._readers = [threading.Thread(target=self._read, args=(self.proc.stdout, self.lines), daemon=True),
                         threading.Thread(target=self._read, args=(self.proc.stderr, self.err), daemon=True)]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream, into):
        for line in stream:
            into.append(line)

    def wait_for(self, pattern: str, timeout: float = 120) -> str:
        """Block until a line of stdout matches; fail if the build ends or the time runs out first."""
        deadline = time.monotonic() + timeout
        seen = 0
        while time.monotonic() < deadline:
            for line in self.lines[seen:]:
                if re.search(pattern, line):
                    return line
            seen = len(self.lines)
            if self.proc.poll() is not None:
                time.sleep(0.2)  # let the readers drain
                if any(re.search(pattern, line) for line in self.lines):
                    return next(line for line in self.lines if re.search(pattern, line))
                raise AssertionError(f"build ended before {pattern!r}:\n{self.stdout}\n{self.stderr}")
            time.sleep(0.02)
        raise AssertionError(f"no {pattern!r} within {timeout} s:\n{self.stdout}")

    def finish(self, timeout: float = 300) -> int:
        code = self.proc.wait(timeout)
        for reader in self._readers:
            reader.join(10)
        return code

    @property
    def stdout(self) -> str:
        return "".join(self.lines)

    @property
    def stderr(self) -> str:
        return "".join(self.err)


def children(pid: int) -> set[int]:
    """Process ids whose parent is pid (Linux /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def descendants(pid: int) -> set[int]:
    """Process ids started by pid, by its children, and so on (the kernels are the zygote's children)."""
    found, todo = set(), [pid]
    while todo:
        new = children(todo.pop()) - found
        found |= new
        todo += new
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def assert_same_files(first: Path, second: Path, ignore=("my-notes.txt",)) -> None:
    """site/ and figures/ of two builds hold the same files, byte for byte (changes.html aside)."""
    for folder in ("site", "figures"):
        a = {k: v for k, v in site_files(first / folder, False).items() if Path(k).name not in ignore}
        b = {k: v for k, v in site_files(second / folder, False).items() if Path(k).name not in ignore}
        assert sorted(a) == sorted(b), f"{folder}: {sorted(set(a) ^ set(b))}"
        differ = [name for name in a if a[name] != b[name]]
        assert not differ, f"{folder}: these differ: {differ}"
