"""Execute one notebook with nbclient, the way Jupyter would, from the notebooks folder."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path


class NotebookFailed(Exception):
    def __init__(self, notebook: str, cell: int | None, detail: str):
        super().__init__(f"{notebook}: cell {cell}: {detail}")
        self.notebook, self.cell, self.detail = notebook, cell, detail


@dataclass
class Executed:
    name: str
    notebook: object  # nbformat.NotebookNode
    seconds: float


def inject_parameters(nb, parameters: dict) -> int | None:
    """Add an `injected-parameters` cell after the `parameters` cell (papermill's convention); return its index."""
    import nbformat

    if not parameters:
        return None
    index = next((i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])), -1)
    source = "# Parameters set by build.py\n" + "\n".join(f"{k} = {v!r}" for k, v in sorted(parameters.items()))
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    cell.pop("id", None)
    nb.cells.insert(index + 1, cell)
    return index + 1


def _tail(text: str, lines: int = 12) -> str:
    import re

    text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # drop terminal colours
    return "\n".join(text.strip().splitlines()[-lines:])


def execute(path: Path, env: dict, parameters: dict, timeout: int, stderr_log: Path) -> Executed:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    start = time.perf_counter()
    nb = nbformat.read(path, as_version=4)
    injected = inject_parameters(nb, parameters)
    # The kernel is thrown away after the run: no need to wait for a graceful shutdown.
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            shutdown_kernel="immediate", resources={"metadata": {"path": str(path.parent)}})
    kernel_env = dict(os.environ, **env)
    try:
        # The kernel's own chatter (transport warnings, ...) goes to a log file, not to the build's output.
        with open(stderr_log, "w", encoding="utf-8") as err:
            client.execute(env=kernel_env, stderr=err)
    except (CellExecutionError, CellTimeoutError) as error:
        cell = next((i for i, c in enumerate(nb.cells)
                     if any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        if cell is not None:  # number cells as the notebook file does, from 1, without the injected cell
            cell = cell + 1 - (1 if injected is not None and cell > injected else 0)
        if isinstance(error, CellTimeoutError):
            detail = f"timed out after {timeout} s"
        else:
            detail = _tail(str(error))
        raise NotebookFailed(path.name, cell, detail) from None
    except Exception as error:  # kernel died, bad JSON, ...
        raise NotebookFailed(path.name, None, f"{type(error).__name__}: {error}") from None
    return Executed(path.stem, nb, time.perf_counter() - start)
