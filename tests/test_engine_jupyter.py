"""Notebooks run outside the build (papermill here) are first-class and harmless: they see their parameters, and
write nothing that the build reads or publishes."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, site_files

CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# papermill's own command line, `papermill --help-notebook NOTEBOOK`, once per notebook in one process (importing
# papermill takes seconds).
HELP = r"""
import sys
from papermill.cli import papermill

for path in sys.argv[1:]:
    print("== " + path, flush=True)
    try:
        papermill.main(["--help-notebook", path], standalone_mode=False)
    except SystemExit:
        pass
"""


def test_papermill_lists_each_notebooks_parameters():
    pytest.importorskip("papermill")
    result = subprocess.run([sys.executable, "-c", HELP, *map(str, CHAPTERS)], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    helps = dict(block.split("\n", 1) for block in result.stdout.split("== ")[1:])
    assert sorted(helps) == sorted(map(str, CHAPTERS))
    for path, text in helps.items():
        assert "Parameters inferred for notebook" in text, text
        assert "DATA_DIR:" in text and "AS_OF:" in text, f"{path}:\n{text}"


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_papermill_run_with_another_as_of_changes_nothing_the_build_publishes(tmp_path):
    pytest.importorskip("papermill")
    # A copy of the project (one chapter, to keep it quick): papermill writes where the project's Jupyter runs
    # write, .jupyter-output/ in the project, which the test must not leave in the real checkout.
    def checkout_output():
        folder = ROOT / ".jupyter-output"
        return snapshot(folder) if folder.exists() else None

    untouched = checkout_output()
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "pricewar", repo / "pricewar", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "data", repo / "data")
    for name in ("build.py", "requirements.txt"):
        shutil.copy2(ROOT / name, repo / name)
    (repo / "notebooks").mkdir()
    shutil.copy2(ROOT / "notebooks" / "01_timeline.ipynb", repo / "notebooks")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRICEWAR_")}
    env["PYTHONPATH"] = str(repo)

    def build():
        result = subprocess.run([sys.executable, str(repo / "build.py")], cwd=repo, env=env, capture_output=True,
                                text=True, timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr
        return result

    build()
    built = {name: snapshot(repo / name) for name in ("site", "figures", ".build-cache")}

    run = subprocess.run([sys.executable, "-m", "papermill", "01_timeline.ipynb", str(tmp_path / "ran.ipynb"),
                          "-p", "AS_OF", "2024-06-30"], cwd=repo / "notebooks", env=env, capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "unknown parameter" not in run.stderr.lower(), run.stderr
    ran = json.loads((tmp_path / "ran.ipynb").read_text(encoding="utf-8"))
    injected = [c for c in ran["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert injected and "2024-06-30" in "".join(injected[0]["source"])
    jupyter = repo / ".jupyter-output"
    assert sorted((jupyter / "figures").glob("*.png")), "the papermill run should draw its figures"
    own = json.loads((jupyter / "chapters" / "01_timeline.json").read_text(encoding="utf-8"))
    cached = json.loads((repo / ".build-cache" / "entries" / "01_timeline" / "record.json").read_text("utf-8"))
    assert own != cached, "AS_OF should have changed what the chapter found (else this test proves nothing)"

    assert {name: snapshot(repo / name) for name in ("site", "figures", ".build-cache")} == built, \
        "the papermill run wrote into the build's folders"
    again = build()
    assert "Up to date" in again.stdout, again.stdout
    for name in ("site", "figures"):
        assert site_files(repo / name, False) == {k: v[0] for k, v in built[name].items()
                                                  if not k.endswith("changes.html")}
    assert checkout_output() == untouched, "the test wrote into this checkout's .jupyter-output/"
