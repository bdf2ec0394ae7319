"""Kernels forked from the zygote (engine/kernels.py) are the kernels Jupyter would start, and die with the build."""
from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, Running, alive, assert_same_files, descendants, run_build

from pricewar.engine import execute, kernels, orchestrate

# What a kernel would see differently if it were not a fresh `python -m ipykernel_launcher`: where it runs, its
# path, its arguments, its settings, matplotlib's backend and whether a figure shows inline, its parent.
PROBE = [
    "import os, sys, json\n"
    "print(json.dumps({'cwd': os.getcwd(), 'path0': sys.path[0], 'argv0': os.path.basename(sys.argv[0]),\n"
    "                  'setting': os.environ.get('PRICEWAR_PROBE'), 'main': type(sys.modules['__main__']).__name__,\n"
    "                  'hashseed': os.environ.get('PYTHONHASHSEED'), 'parent_alive': os.getppid() != 1}))",
    "import matplotlib\nprint(matplotlib.get_backend())",
    "import matplotlib.pyplot as plt\nplt.plot([1, 2], [3, 4]);",
    "import random\nprint(random.random())",
]


def probe_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in PROBE]
    path = folder / "probe.ipynb"
    nbformat.write(nb, str(path))
    return path


def outputs(path: Path, env: dict, zygote, log: Path) -> list:
    done = execute.execute(path, execute.read_notebook(path), env, {}, 120, log, zygote=zygote)
    return [[{k: v for k, v in o.items() if k in ("output_type", "name", "text", "data")} for o in c.outputs]
            for c in done.notebook.cells]


@pytest.mark.parametrize("backend", ["Agg", None])  # None: ipykernel's inline backend, as in Jupyter
def test_a_forked_kernel_runs_a_notebook_as_an_ordinary_one_does(tmp_path, monkeypatch, backend):
    monkeypatch.delenv("MPLBACKEND", raising=False)
    orchestrate.prepare_imports()
    path = probe_notebook(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    if backend:
        env["MPLBACKEND"] = backend
    zygote = kernels.Zygote(env, tmp_path)
    try:
        assert zygote.serves([sys.executable, "-m", "ipykernel_launcher", "-f", "x.json"],
                             {"env": dict(env, PRICEWAR_PROBE="a"), "cwd": str(tmp_path)})
        forked = [outputs(path, {"PRICEWAR_PROBE": name, **({"MPLBACKEND": backend} if backend else {})},
                          zygote, tmp_path / "err") for name in ("a", "b")]
    finally:
        zygote.stop()
    plain = outputs(path, {"PRICEWAR_PROBE": "a", **({"MPLBACKEND": backend} if backend else {})}, None,
                    tmp_path / "err")
    assert forked[0][:3] == plain[:3]
    assert '"setting": "b"' in forked[1][0][0]["text"]  # each kernel has its own settings
    # A fresh process draws its own random seed: so does each forked kernel.
    assert forked[0][3] != forked[1][3]
    if backend is None:
        assert "image/png" in plain[2][-1]["data"], plain[2]  # the inline backend did show the figure


def test_the_zygote_declines_a_kernel_it_would_not_be(tmp_path):
    env = dict(os.environ, MPLBACKEND="Agg")
    zygote = kernels.Zygote(env, tmp_path)
    cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", "x.json"]
    try:
        assert zygote.serves(cmd, {"env": dict(env, JPY_SESSION_NAME="s"), "cwd": str(tmp_path)})
        assert not zygote.serves(cmd, {"env": dict(env, OMP_NUM_THREADS="1"), "cwd": str(tmp_path)})
        assert not zygote.serves(cmd, {"env": dict(env, MPLBACKEND="svg"), "cwd": str(tmp_path)})
        assert not zygote.serves(cmd, {"env": env, "cwd": str(ROOT)})
        assert not zygote.serves(["/usr/bin/python3", *cmd[1:]], {"env": env, "cwd": str(tmp_path)}) \
            or os.path.realpath("/usr/bin/python3") == os.path.realpath(sys.executable)
        assert not zygote.serves([sys.executable, "-m", "other_kernel", "-f", "x.json"],
                                 {"env": env, "cwd": str(tmp_path)})
        assert not zygote.serves(cmd, {"env": env, "cwd": str(tmp_path), "preexec_fn": print})
    finally:
        zygote.stop()
    assert not zygote.serves(cmd, {"env": env, "cwd": str(tmp_path)})  # stopped: kernels start the usual way


def test_ordinary_kernels_build_the_same_report(tmp_path, full_build, data_copy):
    out = tmp_path / "out"
    result = run_build("--out", out, "--data", data_copy, "--jobs", "2",
                       env=dict(os.environ, PRICEWAR_ORDINARY_KERNELS="1"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert_same_files(full_build, out)


def test_no_kernel_outlives_a_killed_build(tmp_path, data_copy):
    build = Running("--out", tmp_path / "out", "--data", data_copy, "--jobs", "2", "--force")
    build.wait_for(r"executing \d+ notebook")
    time.sleep(2)
    started = descendants(build.proc.pid)
    assert len(started) >= 3, "expected the zygote and running kernels"
    os.kill(build.proc.pid, signal.SIGKILL)
    build.finish()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and [pid for pid in started if alive(pid)]:
        time.sleep(0.1)
    assert not [pid for pid in started if alive(pid)], "processes outlived the killed build"
