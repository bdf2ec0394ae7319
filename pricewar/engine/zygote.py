"""A process that has imported the kernels' heavy modules once and forks a Jupyter kernel for each notebook.

Every kernel would otherwise spend most of a second of CPU importing the same things (ipykernel, numpy, pandas,
matplotlib): on two cores that is a fair share of a build. Run by the build (kernels.Zygote), never by hand:

    python -m pricewar.engine.zygote LISTEN_FD

It accepts connections on the inherited listening socket LISTEN_FD; each asks for one kernel: a JSON request (argv
after `-m ipykernel_launcher`, environment, folder) with the kernel's stdout and stderr as passed file descriptors.
It forks, answers the child's pid, and later its exit status, then closes the connection. A closed connection kills
its kernel; end of input on stdin (the build has exited, however it exited) kills every kernel and ends this process.

Only modules that read nothing at import that differs between kernels are imported here (see kernels.py), and no
thread is started before a fork. This module imports nothing of the report's own package.
"""
from __future__ import annotations

import importlib
import importlib.util
import json
import os
import selectors
import signal
import socket
import struct
import sys

# The kernels' common heavy imports. Not matplotlib.pyplot (it looks for a running IPython when imported) nor the
# report's package (which reads each kernel's own settings).
PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger",
           "IPython.core.history", "sqlite3", "pdb", "psutil", "numpy", "pandas", "matplotlib", "matplotlib.figure", "matplotlib.dates",
           "matplotlib.ticker", "matplotlib.backends.backend_agg", "matplotlib.backends.backend_svg")
HEADER = struct.Struct("!I")  # a request's length, sent with its file descriptors


def _recv_exactly(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise EOFError("connection closed mid-request")
        data += chunk
    return data


def read_request(conn: socket.socket) -> tuple[dict, list[int]]:
    head, fds, _, _ = socket.recv_fds(conn, HEADER.size, 4)
    if len(head) < HEADER.size:
        head += _recv_exactly(conn, HEADER.size - len(head))
    (size,) = HEADER.unpack(head)
    return json.loads(_recv_exactly(conn, size).decode("utf-8")), fds


def kill_group(pid: int, sig: int = signal.SIGKILL) -> None:
    try:
        os.killpg(pid, sig)  # each kernel leads its own process group
    except OSError:
        pass


def _die_with_parent() -> None:
    """Linux: the kernel is killed if this process dies (were it killed, nothing else would stop the kernel)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _become_kernel(request: dict, fds: list[int], keep_closed: list, pipes: tuple) -> None:
    """In the forked child: become the kernel the request describes, as `python -m ipykernel_launcher ARGV` would
    in that folder with that environment. Never returns."""
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for item in keep_closed:
            item.close()
        for fd in pipes:
            os.close(fd)
        os.setsid()
        _die_with_parent()
        devnull = os.open(os.devnull, os.O_RDWR)
        stdout, stderr = (fds + [-1, -1])[:2]
        os.dup2(devnull, 0)
        os.dup2(stdout if stdout >= 0 else devnull, 1)
        os.dup2(stderr if stderr >= 0 else devnull, 2)
        for fd in {devnull, *fds} - {0, 1, 2}:
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        launcher = importlib.util.find_spec("ipykernel_launcher")
        sys.argv = [launcher.origin if launcher else "ipykernel_launcher", *request["argv"]]
        # As ipykernel_launcher does: the folder is not on the path while ipykernel loads (IPython adds it back).
        if sys.path and (sys.path[0] == "" or os.path.abspath(sys.path[0]) == os.getcwd()):
            del sys.path[0]
        for name in ("random", "numpy.random"):  # a fresh process would have drawn its own seed
            module = sys.modules.get(name)
            if module is not None:
                module.seed()
        from ipykernel import kernelapp

        # Its parent is this process, not the build: watched so (and, unlike with no parent, no banner printed).
        kernelapp.IPKernelApp.launch_instance(parent_handle=os.getppid())
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except BaseException:  # noqa: BLE001 (the kernel's stderr is the place to say why)
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def serve(listener: socket.socket) -> None:
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 (the kernel then imports it itself, and says what is wrong)
            pass
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes the selector below through wake_w
    selector = selectors.DefaultSelector()
    selector.register(sys.stdin.fileno(), selectors.EVENT_READ, "stdin")
    selector.register(listener, selectors.EVENT_READ, "listener")
    selector.register(wake_r, selectors.EVENT_READ, "wake")
    kernels: dict[int, socket.socket] = {}   # pid -> its connection
    try:
        while True:
            for key, _ in selector.select():
                if key.data == "stdin":
                    if not os.read(sys.stdin.fileno(), 4096):
                        return  # the build is gone
                elif key.data == "wake":
                    os.read(wake_r, 4096)
                elif key.data == "listener":
                    conn, _ = listener.accept()
                    try:
                        request, fds = read_request(conn)
                    except (OSError, EOFError, ValueError):
                        conn.close()
                        continue
                    pid = os.fork()
                    if pid == 0:
                        _become_kernel(request, fds, [listener, selector, conn, *kernels.values()], (wake_r, wake_w))
                    for fd in fds:
                        os.close(fd)
                    conn.sendall(f"pid {pid}\n".encode())
                    kernels[pid] = conn
                    selector.register(conn, selectors.EVENT_READ, pid)
                else:  # the build closed a kernel's connection: it no longer wants that kernel
                    pid = key.data
                    try:
                        closed = not key.fileobj.recv(4096)
                    except OSError:
                        closed = True
                    if closed:
                        kill_group(pid)
            _reap(kernels, selector)
    finally:
        for pid in kernels:
            kill_group(pid)
        os._exit(0)  # nothing to tidy: no need to wait for the imported modules to be torn down


def _reap(kernels: dict, selector) -> None:
    """Tell each finished kernel's connection its exit status, and close it."""
    while kernels:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        conn = kernels.pop(pid, None)
        if conn is None:
            continue
        selector.unregister(conn)
        try:
            conn.sendall(f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
        except OSError:
            pass
        conn.close()


if __name__ == "__main__":
    serve(socket.socket(fileno=int(sys.argv[1])))
