"""Kernels forked from a process that has done the heavy imports once (zygote.py), for nbclient.

A kernel launched so is the kernel `python -m ipykernel_launcher -f FILE` would be, in the same folder with the same
environment: the modules the zygote imported read nothing at import time that differs between kernels. Where that
cannot be promised, the kernel is launched the ordinary way: another interpreter or kernel command, an environment
that differs in anything but the variables below, or a zygote that is not (or no longer) there.
"""
from __future__ import annotations

import array  # noqa: F401 (socket.send_fds needs it; imported here, in the main thread)
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

from .zygote import HEADER, kill_group

# Variables a kernel may have that the zygote has not: jupyter_client's own, and the report package's settings,
# which only the package reads (the zygote does not import it).
PER_KERNEL = ("JPY_", "PRICEWAR_")
LAUNCH_KEYWORDS = {"env", "cwd", "stdout", "stderr", "stdin", "kernel_id", "extra_arguments"}
# What ipykernel sets where no backend is chosen, before any cell runs; matplotlib reads it when imported, so the
# zygote must have imported it with the same value.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def _as_kernel_sees(env) -> dict:
    env = {k: v for k, v in env.items() if not k.startswith(PER_KERNEL)}
    if not env.get("MPLBACKEND"):
        env["MPLBACKEND"] = INLINE_BACKEND
    return env


class Zygote:
    """The forking process of one build: started with the kernels' common environment, stopped with the build."""

    def __init__(self, env: dict, cwd: Path):
        self.env = _as_kernel_sees(env)
        self.cwd = str(cwd)
        folder = tempfile.mkdtemp(prefix="pricewar-kernels-")
        self.address = os.path.join(folder, "zygote.sock")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(self.address)
        os.chmod(self.address, 0o600)
        listener.listen(64)
        # Started in its own session, as kernels are, so that a Ctrl-C reaches the build only (which stops all).
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pricewar.engine.zygote", str(listener.fileno())], stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=self.cwd, env=self.env,
            pass_fds=(listener.fileno(),), start_new_session=True)
        listener.close()  # the zygote holds it; connections queue there until its imports are done
        self.folder = folder
        self.manager = None  # its kernel manager class (manager_class)

    def serves(self, cmd: list, kw: dict) -> bool:
        """Whether the kernel that `cmd` and `kw` describe is what a fork of the zygote becomes."""
        if self.process.poll() is not None or set(kw) - LAUNCH_KEYWORDS or kw.get("extra_arguments"):
            return False
        if len(cmd) < 3 or cmd[1:3] != ["-m", "ipykernel_launcher"]:
            return False
        if os.path.realpath(cmd[0]) != os.path.realpath(sys.executable):
            return False
        if os.path.realpath(kw.get("cwd") or os.getcwd()) != os.path.realpath(self.cwd):
            return False
        return _as_kernel_sees(kw.get("env") or os.environ) == self.env

    def fork(self, cmd: list, kw: dict) -> ForkedKernel | None:
        """Ask for a kernel; None if the zygote cannot give one (the caller then launches it itself)."""
        fds = [_fd(kw.get("stdout"), 1), _fd(kw.get("stderr"), 2)]
        request = json.dumps({"argv": cmd[3:], "env": dict(kw.get("env") or os.environ),
                              "cwd": kw.get("cwd") or os.getcwd()}).encode("utf-8")
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.settimeout(60)  # its imports take about a second; a zygote that hangs is not waited for
            conn.connect(self.address)
            socket.send_fds(conn, [HEADER.pack(len(request))], fds)
            conn.sendall(request)
            answer = b""
            while not answer.endswith(b"\n"):  # byte by byte: what follows (its exit status) is read later
                byte = conn.recv(1)
                if not byte:
                    raise OSError("no kernel")
                answer += byte
            answer = answer.decode()
            if not answer.startswith("pid "):
                raise OSError("no kernel")
            return ForkedKernel(conn, int(answer.split()[1]))
        except (OSError, ValueError):
            conn.close()
            return None

    def stop(self) -> None:
        """End the zygote and any kernel still running (end of its input is what it waits for)."""
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        try:
            os.unlink(self.address)
            os.rmdir(self.folder)
        except OSError:
            pass


def _fd(stream, default: int) -> int:
    if stream is None:
        return default  # inherited, as Popen would
    if isinstance(stream, int):
        return stream if stream >= 0 else default
    return stream.fileno()


class ForkedKernel:
    """A forked kernel, as jupyter_client uses a Popen: pid, poll, wait, kill, terminate, send_signal."""

    stdin = stdout = stderr = None

    def __init__(self, conn: socket.socket, pid: int):
        self.conn, self.pid, self.returncode = conn, pid, None
        self.args = ["ipykernel_launcher (forked)"]
        conn.setblocking(False)

    def _read_status(self, timeout: float | None) -> None:
        self.conn.settimeout(timeout)
        try:
            data = self.conn.recv(256)
        except (BlockingIOError, socket.timeout):
            return
        except OSError:
            data = b""
        if data.startswith(b"exit "):
            self.returncode = int(data.split()[1])
        else:  # the zygote is gone, and took its kernels with it
            kill_group(self.pid)
            self.returncode = -signal.SIGKILL
        self.conn.close()

    def poll(self) -> int | None:
        if self.returncode is None:
            self._read_status(0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            self._read_status(timeout)
        if self.returncode is None:
            raise subprocess.TimeoutExpired(self.args, timeout)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def close(self) -> None:
        """Let the kernel go: the zygote kills a kernel whose connection is closed."""
        self.conn.close()


class ForkProvisioner(LocalProvisioner):
    """The local provisioner, but kernels come from the zygote where it can give them."""

    zygote: Zygote | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs):
        zygote = self.zygote
        kernel = zygote.fork(cmd, kwargs) if zygote is not None and zygote.serves(cmd, kwargs) else None
        if kernel is None:
            return await super().launch_kernel(cmd, **kwargs)
        self.process, self.pid, self.pgid = kernel, kernel.pid, kernel.pid
        self.cwd = kwargs.get("cwd") or os.getcwd()
        return self.connection_info

    async def cleanup(self, restart: bool = False) -> None:
        if isinstance(self.process, ForkedKernel):
            self.process.close()
        await super().cleanup(restart)


def manager_class(zygote: Zygote | None) -> type[AsyncKernelManager]:
    """nbclient's kernel manager class, whose kernels are forked by `zygote` (ordinary ones if it is None)."""
    if zygote is None:
        return AsyncKernelManager
    if zygote.manager is not None:
        return zygote.manager

    class ForkedKernelManager(AsyncKernelManager):
        async def _async_pre_start_kernel(self, **kw):
            if self.provisioner is None:
                self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or str(uuid.uuid4())
                self.provisioner = ForkProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec,
                                                   parent=self)
                self.provisioner.zygote = zygote
            return await super()._async_pre_start_kernel(**kw)

    zygote.manager = ForkedKernelManager
    return ForkedKernelManager
