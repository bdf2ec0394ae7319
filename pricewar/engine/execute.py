"""Execute one notebook with nbclient, the way Jupyter would, from the notebooks folder.

Imported by the build's main thread before any worker thread starts (see orchestrate.prepare_imports): importing
modules in several threads at once is what made builds fail at random.
"""
from __future__ import annotations

import ast
import asyncio
import atexit
import os
import re
import signal
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from . import kernels


class NotebookFailed(Exception):
    def __init__(self, notebook: str, cell: int | None, detail: str):
        where = f"cell {cell}" if cell is not None else "before its first cell"
        super().__init__(f"{notebook}: {where}: {detail}")
        self.notebook, self.cell, self.detail = notebook, cell, detail

    @property
    def where(self) -> str:
        return f"at cell {self.cell}" if self.cell is not None else "before its first cell ran"


_running: dict[int, NotebookClient] = {}  # worker thread id -> its client, so that stop_all can reach the kernels
_stopping = threading.Event()


class Stopped(Exception):
    """The build is being interrupted: no further cell runs."""


def _kill(client) -> None:
    """Kill the client's kernel process, if it is still running, with the processes it started."""
    process = getattr(getattr(getattr(client, "km", None), "provisioner", None), "process", None)
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGKILL)  # the kernel leads its own process group
    except (OSError, AttributeError):
        try:
            process.kill()
        except OSError:
            pass


def stop_all() -> None:
    """Kill every running kernel (from the main thread, when the build is interrupted); start no new cell."""
    _stopping.set()
    for client in list(_running.values()):
        _kill(client)


class Cancelled(Exception):
    """The notebook turned out not to be needed (its inputs were unchanged, or the data were invalid)."""


class Gate:
    """Holds a started kernel before the notebook's first cell until the build opens it (the data are valid, the
    records the notebook reads are ready) or cancels it. Kernel start and the heavy imports so overlap the work
    that must come first: validation, and the chapters before the scorecard."""

    def __init__(self, opened: bool = False):
        self._decided = threading.Event()
        self._go = opened
        if opened:
            self._decided.set()

    def open(self) -> None:
        self._go = True
        self._decided.set()

    def cancel(self) -> None:
        self._decided.set()

    async def wait(self) -> None:
        while not self._decided.is_set():
            if _stopping.is_set():
                raise Stopped()
            await asyncio.sleep(0.02)
        if not self._go:
            raise Cancelled()


class Slots:
    """How many notebooks may run cells at once, and in which order they start: a kernel that has started waits
    here, before its first cell, for a free slot and for the notebooks before it in `order` to have started (or
    to have dropped out), so that the longest run first however fast each kernel starts."""

    def __init__(self, count: int, order: list[str]):
        self._free = threading.Semaphore(count)
        self._lock = threading.Lock()
        self._waiting = list(order)

    async def take(self, name: str) -> None:
        while True:
            if _stopping.is_set():
                raise Stopped()
            with self._lock:
                if self._waiting and self._waiting[0] == name and self._free.acquire(blocking=False):
                    self._waiting.pop(0)
                    return
            await asyncio.sleep(0.02)

    def add(self, names: list[str]) -> None:
        """Notebooks to start after those already waiting."""
        with self._lock:
            self._waiting += names

    def drop(self, name: str) -> None:
        """`name` will not run (cancelled, failed to start): the notebooks after it need not wait for it."""
        with self._lock:
            if name in self._waiting:
                self._waiting.remove(name)

    def give_back(self) -> None:
        self._free.release()


def warm_imports(nb) -> str:
    """Code that imports, silently and without binding any name, the modules the notebook's cells import at top
    level: run while the kernel waits at its gate. A module that fails to import is skipped here (the notebook's
    own cell then fails, and says where)."""
    names = []
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        try:
            tree = ast.parse("".join(cell.get("source", "")))
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module)
    names = list(dict.fromkeys(names))
    if not names:
        return ""
    return ("def _pricewar_warm(names):\n    import importlib\n    for name in names:\n        try:\n"
            "            importlib.import_module(name)\n        except Exception:\n            pass\n"
            f"_pricewar_warm({names!r})\ndel _pricewar_warm\n")


@dataclass
class Executed:
    name: str
    notebook: object  # nbformat.NotebookNode
    seconds: float


def inject_parameters(nb, parameters: dict) -> int | None:
    """Add an `injected-parameters` cell after the `parameters` cell (papermill's convention); return its index."""
    if not parameters:
        return None
    index = next((i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])), -1)
    source = "# Parameters set by build.py\n" + "\n".join(f"{k} = {v!r}" for k, v in sorted(parameters.items()))
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters", "remove-cell"]})
    cell.pop("id", None)
    nb.cells.insert(index + 1, cell)
    return index + 1


def _tail(text: str, lines: int = 12) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # drop terminal colours
    return "\n".join(text.strip().splitlines()[-lines:])


def read_notebook(path: Path):
    """The notebook, validated against Jupyter's schema, or NotebookFailed naming the file.

    Called in the main thread: the first validation compiles the schema, which must not happen in two worker
    threads at once.
    """
    try:
        with warnings.catch_warnings():
            # A notebook edited by hand or saved by an older Jupyter may lack cell ids; it runs the same.
            warnings.filterwarnings("ignore", message="Cell is missing an id field")
            nb = nbformat.read(path, as_version=4)
            nbformat.validate(nb)
        return nb
    except Exception as error:  # JSON errors, schema errors, unreadable file
        detail = str(error).strip().splitlines()[0] if str(error).strip() else "no detail"
        raise NotebookFailed(path.name, None, f"is not a readable notebook file ({type(error).__name__}: "
                             f"{detail})") from None


def execute(path: Path, nb, env: dict, parameters: dict, timeout: int, stderr_log: Path,
            gate: Gate | None = None, zygote=None, slots: Slots | None = None) -> Executed | None:
    """Run the notebook `nb` (read from `path` by read_notebook) in a new kernel started in path's folder.

    The kernel starts and imports the notebook's modules at once; its first cell waits for `gate` to open. None if
    the gate was cancelled. `zygote` (kernels.Zygote), if given, forks the kernel; `slots`, if given, is waited
    for after the gate.
    """
    start = time.perf_counter()
    injected = inject_parameters(nb, parameters)
    running = {"cell": None, "slot": False}
    warm = warm_imports(nb)

    async def on_notebook_start(**_):
        if warm:
            await client.async_wait_for_reply(client.kc.execute(warm, silent=True, store_history=False))
        if gate is not None:
            await gate.wait()
        if slots is not None:
            await slots.take(path.stem)
            running["slot"] = True
        nonlocal start
        start = time.perf_counter()  # the notebook's own time, for scheduling: from its first cell

    def on_start(cell, cell_index, **_):
        if _stopping.is_set():  # the kernel may have started after stop_all looked for it
            raise Stopped()
        running["cell"] = cell_index

    # The kernel is thrown away after the run: no need to wait for a graceful shutdown.
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            shutdown_kernel="immediate", resources={"metadata": {"path": str(path.parent)}},
                            on_cell_start=on_start, on_notebook_start=on_notebook_start,
                            kernel_manager_class=kernels.manager_class(zygote))
    kernel_env = dict(os.environ, **env)

    def file_cell(index):  # number cells as the notebook file does, from 1, without the injected cell
        if index is None:
            return None
        return index + 1 - (1 if injected is not None and index > injected else 0)

    if _stopping.is_set():
        raise NotebookFailed(path.name, None, "the build was interrupted")
    _running[threading.get_ident()] = client
    try:
        # The kernel's own chatter (transport warnings, ...) goes to a log file, not to the build's output.
        with open(stderr_log, "w", encoding="utf-8") as err:
            client.execute(env=kernel_env, stderr=err)
    except Cancelled:
        return None
    except Stopped:
        raise NotebookFailed(path.name, file_cell(running["cell"]), "the build was interrupted") from None
    except CellTimeoutError:
        raise NotebookFailed(path.name, file_cell(running["cell"]),
                             f"the cell was still running after {timeout} s and was stopped (--timeout sets the "
                             "limit)") from None
    except DeadKernelError:
        raise NotebookFailed(path.name, file_cell(running["cell"]),
                             "the Python kernel died while running this cell (out of memory, or the process "
                             "was killed)") from None
    except CellExecutionError as error:
        failed = next((i for i, c in enumerate(nb.cells)
                       if any(o.get("output_type") == "error" for o in c.get("outputs", []))), running["cell"])
        raise NotebookFailed(path.name, file_cell(failed), _tail(str(error))) from None
    except Exception as error:  # the kernel could not start, ...
        if _stopping.is_set():
            raise NotebookFailed(path.name, file_cell(running["cell"]), "the build was interrupted") from None
        raise NotebookFailed(path.name, file_cell(running["cell"]), f"{type(error).__name__}: {error}") from None
    finally:
        if running["slot"]:
            slots.give_back()
        elif slots is not None:
            slots.drop(path.stem)
        _running.pop(threading.get_ident(), None)
        _kill(client)  # normally long gone; not when the kernel failed to start or to shut down
        # nbclient registers a clean-up at exit for each run and leaves it registered when the kernel died
        # halfway: it would print a traceback when the build exits.
        atexit.unregister(client._cleanup_kernel)
    return Executed(path.stem, nb, time.perf_counter() - start)
