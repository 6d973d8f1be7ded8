"""Run the playground app in the background, for tests and benchmarks.

    with AppServer(log_path="voila.log") as app:    # a free port on 127.0.0.1
        print(app.url, app.start_seconds)           # the server listens; seconds it took

The server is `python -m course.app --no-browser` started by `subprocess.Popen` (its
`execv` keeps the PID, so stopping it by that PID stops Voila and its kernels).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from course.app.__main__ import CHECKOUT

__all__ = ["AppServer", "free_port"]


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """`python -m course.app` on a free loopback port (see module doc)."""

    def __init__(self, project=CHECKOUT, *, port=None, log_path=None, timeout=90.0, env=None,
                 args=()):
        self.project = Path(project)
        self.port = free_port() if port is None else int(port)
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log_path = log_path
        self.timeout = float(timeout)
        self.env = dict(os.environ if env is None else env)
        self.args = list(args)  # more voila options
        self.process = None
        self.start_seconds = None
        self._log = None

    def __enter__(self):
        self._log = (open(self.log_path, "w") if self.log_path  # noqa: SIM115 - closed in stop
                     else subprocess.DEVNULL)
        started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "course.app", "--project", str(self.project), "--no-browser",
             f"--port={self.port}", *self.args],
            cwd=self.project, env=self.env, stdout=self._log, stderr=subprocess.STDOUT)
        try:
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(f"the playground app exited with code "
                                       f"{self.process.returncode}; see {self.log_path}")
                try:  # the port, not the page: a page request would start a kernel
                    with socket.create_connection(("127.0.0.1", self.port), timeout=2):
                        break
                except OSError:
                    if time.monotonic() - started > self.timeout:
                        raise RuntimeError(f"the playground app did not answer within "
                                           f"{self.timeout:.0f} s; see {self.log_path}") from None
                    time.sleep(0.1)
        except BaseException:
            self.stop()
            raise
        self.start_seconds = time.monotonic() - started
        return self

    def kernels(self):
        """PIDs of the kernels the server runs now (its child processes)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # Voila shuts its kernels down on SIGTERM
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log not in (None, subprocess.DEVNULL):
            self._log.close()
            self._log = None
