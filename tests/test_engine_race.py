"""The build never fails at random: threads never import a module for the first time, and repeated cold builds
all succeed (a thread race once crashed one build in six)."""
from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from conftest import ROOT, build_command

# Runs the build's own Executor on two small notebooks, two at a time, and prints every module that entered
# sys.modules while its worker threads were running: any such import can race with another thread's.
WATCH = r'''
import argparse, concurrent.futures as cf, json, sys
from pathlib import Path

sys.modules.setdefault("rfc3987_syntax", None)
seen = {}


class Watched(cf.ThreadPoolExecutor):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        seen["before"] = set(sys.modules)

    def shutdown(self, *args, **kwargs):
        super().shutdown(*args, **kwargs)
        seen.setdefault("after", set(sys.modules))


cf.ThreadPoolExecutor = Watched
from pricewar.engine import cache, orchestrate

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
executor.run(sorted(notebooks.glob("*.ipynb")))
assert not executor.failures, [str(f) for f in executor.failures]
print(json.dumps(sorted(seen["after"] - seen["before"])))
'''


def test_no_module_is_first_imported_while_worker_threads_run(tmp_path, data_copy):
    result = subprocess.run([sys.executable, "-c", WATCH, str(tmp_path), str(data_copy)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    imported = json.loads(result.stdout.strip().splitlines()[-1])
    assert imported == [], f"imported while notebooks ran in threads (move them to prepare_imports): {imported}"


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
