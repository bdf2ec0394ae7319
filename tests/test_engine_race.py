"""The build never fails at random: threads never import a module for the first time, and repeated cold builds
all succeed (a thread race once crashed one build in six)."""
from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from conftest import ROOT, build_command

# Runs the build's own Executor on two small notebooks, two at a time, with the build's page rendering after each
# commit (in the main thread), and prints every module a worker thread imported for the first time: such an import
# can race with another thread's. (The main thread may import while the workers run, as they import nothing.)
WATCH = r'''
import argparse, json, sys, threading
from pathlib import Path

sys.modules.setdefault("rfc3987_syntax", None)
first_imports = []


class Spy:
    """Asked first for every module not yet in sys.modules: records who asks, finds nothing itself."""
    def find_spec(self, name, path=None, target=None):
        if threading.current_thread() is not threading.main_thread():
            first_imports.append(f"{name} (in {threading.current_thread().name})")
        return None


sys.meta_path.insert(0, Spy())
from pricewar.engine import cache, orchestrate, pages, publish

folder = Path(sys.argv[1])
cells = ["from IPython.display import HTML, Markdown, display\ndisplay(Markdown('**bold**'), HTML('<b>x</b>'))",
         "import sys\nprint('out'); print('err', file=sys.stderr)\n{'a': 1}",
         "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()"]
notebooks = folder / "notebooks"
notebooks.mkdir()
for name in ("01_a", "02_b"):  # written as plain JSON: nothing of nbformat is imported before the build's own code
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": c}
                    for c in cells],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    (notebooks / f"{name}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
args = argparse.Namespace(data=Path(sys.argv[2]), notebooks=notebooks, force=True, jobs=2, timeout=120)
executor = orchestrate.Executor(args, cache.State(folder / "cache"), folder / "cache", {})
executor.on_commit = lambda name: pages.prepare(folder / "cache", name, publish.renderer_hash())
executor.run(sorted(notebooks.glob("*.ipynb")))
assert not executor.failures, [str(f) for f in executor.failures]
assert sorted(p.name for p in (folder / "cache" / pages.FOLDER).iterdir()) == ["01_a.json", "02_b.json"]
print(json.dumps(sorted(set(first_imports))))
'''


def test_no_module_is_first_imported_while_worker_threads_run(tmp_path, data_copy):
    result = subprocess.run([sys.executable, "-c", WATCH, str(tmp_path), str(data_copy)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    imported = json.loads(result.stdout.strip().splitlines()[-1])
    assert imported == [], f"first imported by worker threads (move them to prepare_imports): {imported}"


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run(build_command(*args), cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_repeated_cold_builds_never_crash(tmp_path, data_copy):
    """Six `--check` runs and six cold one-chapter builds, each on an empty cache, two at a time."""
    jobs = [("--check", "--out", tmp_path / f"check{i}", "--data", data_copy) for i in range(6)]
    jobs += [("--only", "01_timeline", "--out", tmp_path / f"only{i}", "--data", data_copy) for i in range(6)]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda args: run(*args), jobs))
    for args, result in zip(jobs, results):
        output = result.stdout + result.stderr
        assert result.returncode == 0, f"{args[:2]}: exit {result.returncode}\n{output}"
        assert "Traceback" not in output and "Error" not in output, f"{args[:2]}:\n{output}"
    assert all("Data is valid" in r.stdout for r in results[:6])
    assert all("01_timeline              executed" in r.stdout for r in results[6:])
