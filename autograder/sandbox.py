"""Start the child process that runs student code, each in a jail of its own.

Every child runs in a bubblewrap jail (:mod:`autograder.jail` says what it can reach) with
new user, PID, network, IPC, UTS and cgroup namespaces, no capabilities, no further user
namespaces, a new session, and bubblewrap's own process as PID 1 (never student code).
Two levels, chosen by a trial run of the full jail before the class run (:func:`prepare`):

- ``root`` (grading as root, as in CI): each concurrent child gets a uid of its own from
  :data:`UID_BASE` up (a lock file per uid, so that two graders never share one), so no
  two children share a process limit, a key ring or any other per-user kernel object.
  Folders of the allowlist that this uid may not walk to (a Python under ``/root``) are
  bound at a relay folder in a private mount namespace first.
- ``userns`` (not root, unprivileged user namespaces allowed): each child is its own user
  namespace, so its process and thread limits count there, not against a classmate's.

No level runs student code outside a jail: if neither works, grading stops with one
sentence that says what this host lacks (:class:`JailUnavailable`).

Always, inside: ``python -I -S -B`` with an explicit ``sys.path``, a minimal environment,
resource limits (address space, CPU time, processes, file size, open files, no core
files) and a seccomp filter (``_child._seccomp``) that allows threads but no new process
and denies the key store, ptrace, mounts and namespaces. When the budget ends, when the
grader finishes and when the grader dies (``kill -9`` included: ``--die-with-parent``) the
jail's PID 1 is killed, and with it every process inside, ``setsid`` or not.
"""

from __future__ import annotations

import fcntl
import json
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder import jail, protocol

CHILD_SCRIPT = Path(__file__).with_name("_child.py")
# More than this many bytes on the result channel ends the child (a flood, not results).
MAX_CHANNEL_BYTES = 64 * 2**20
MAX_LINE_BYTES = 16 * 2**20  # one event; a million float64 values take about 11 MB
UID_BASE = 1_900_000_000  # uids of root-level children: UID_BASE .. UID_BASE + UID_SLOTS - 1
UID_SLOTS = 4096
UID_LOCKS = Path("/run/autograder-uids")
TRIAL_SECONDS = 60.0


class JailUnavailable(RuntimeError):
    """No isolation level works on this host; the message says what it lacks."""


@dataclass
class Limits:
    memory_bytes: int = 2**30
    cpu_seconds: int = 60
    processes: int = 256
    file_bytes: int = 16 * 2**20
    open_files: int = 256
    tmp_bytes: int = 64 * 2**20  # the child's private /tmp (memory, not disk)

    def as_rlimits(self) -> dict[str, int]:
        return {
            "RLIMIT_AS": self.memory_bytes,
            "RLIMIT_CPU": self.cpu_seconds,
            "RLIMIT_NPROC": self.processes,
            "RLIMIT_FSIZE": self.file_bytes,
            "RLIMIT_NOFILE": self.open_files,
            "RLIMIT_CORE": 0,
        }

    def fingerprint(self) -> str:
        return json.dumps({**self.as_rlimits(), "tmp": self.tmp_bytes}, sort_keys=True)


class UidLease:
    """One uid of the root level's pool, held (by an exclusive lock) until released."""

    def __init__(self):
        UID_LOCKS.mkdir(mode=0o700, exist_ok=True)
        busy = _uids_in_use()
        for slot in range(UID_SLOTS):
            uid = UID_BASE + slot
            if uid in busy:
                continue  # a process still runs as this uid: never share it
            handle = open(UID_LOCKS / f"{uid}.lock", "a+")  # noqa: SIM115 - held until release
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                continue
            self.uid, self._handle = uid, handle
            return
        raise RuntimeError(f"all {UID_SLOTS} sandbox uids from {UID_BASE} are in use")

    def release(self):
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _uids_in_use() -> set[int]:
    """Real uids of the running processes in the pool's range."""
    found = set()
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                uid = entry.stat(follow_symlinks=False).st_uid
            except OSError:
                continue
            if UID_BASE <= uid < UID_BASE + UID_SLOTS:
                found.add(uid)
    return found


@dataclass
class Sandbox:
    """How children are started during one grading run."""

    level: str  # "root" or "userns"
    mounts: jail.Mounts
    relays: dict = field(default_factory=dict)  # host path -> relay path (level root)
    start_seconds: float = 0.0  # the trial child's start, to its first event

    def describe(self) -> str:
        who = ("as a uid of its own" if self.level == "root"
               else "in a user namespace of its own")
        return (f"each child in a bubblewrap jail {who} (level {self.level}); it sees only "
                f"{self.mounts.describe()}; jail start {self.start_seconds * 1000:.0f} ms")


def remove_stale_folders() -> list[Path]:
    """Remove run and job folders (``autograder-run-PID-*``...) left by a grader that was
    killed: its PID no longer runs. A relay still mounted there is left alone."""
    removed = []
    for path in Path(tempfile.gettempdir()).glob("autograder-*-*-*"):
        kind, _, rest = path.name.removeprefix("autograder-").partition("-")
        pid = rest.partition("-")[0]
        if kind not in ("job", "lib", "run", "relay") or not pid.isdigit() or not path.is_dir():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            if not any(os.path.ismount(p) for p in path.glob("relay/*")):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
        except (PermissionError, OverflowError):
            pass  # alive (another user's), or not a PID
    return removed


def build_library(lib: Path, tripwires: list[str]) -> list[str]:
    """The run's library folder: a copy of ``course`` with ``tripwires`` switched off, the
    child's harness and IPython's cell transformer; returns the tripwire warnings."""
    from autograder import tripwire

    lib.mkdir()
    warnings = tripwire.build_copy("course", tripwires, lib)
    shutil.copy2(CHILD_SCRIPT, lib / "_autograder_child.py")
    (lib / "_autograder_ipython").mkdir()
    for file in jail.ipython_transformer_files():
        shutil.copy2(file, lib / "_autograder_ipython" / file.name)
    return warnings


def _requested_level(level: str) -> str:
    root = os.geteuid() == 0
    if level == "auto":
        return "root" if root else "userns"
    if level == "root" and not root:
        raise JailUnavailable("isolation level root needs the grader to run as root: run it "
                              "as root, or choose --isolation auto")
    if level == "userns" and root:
        raise JailUnavailable("as root, children get uids of their own (level root); level "
                              "userns would map them to root: choose --isolation auto")
    if level not in ("root", "userns"):
        raise JailUnavailable(f"unknown isolation level {level!r}: choose auto, root or "
                              f"userns")
    return level


def _missing_tools(level: str) -> str:
    needs = {"bwrap": "bubblewrap"}
    if level == "root":
        needs.update(setpriv="util-linux", unshare="util-linux")
    missing = sorted({package for tool, package in needs.items() if not shutil.which(tool)})
    if missing:
        return (f"this host lacks {' and '.join(missing)}, which every grading child's jail "
                f"needs: install it (Debian or Ubuntu: apt-get install {' '.join(missing)}) "
                f"and grade again")
    return ""


def prepare(run_dir: Path, lib: Path, level: str = "auto") -> Sandbox:
    """The sandbox for one run whose library folder is ``lib``, after a trial child
    imported NumPy and returned a number through the full jail; or JailUnavailable."""
    level = _requested_level(level)
    problem = _missing_tools(level)
    if problem:
        raise JailUnavailable(problem)
    for folder in (run_dir, lib, *lib.rglob("*")):
        if folder.is_dir():
            os.chmod(folder, 0o755)
        else:
            os.chmod(folder, 0o644)
    mounts = jail.build_mounts(lib)
    relays = {}
    if level == "root":
        # Relays live in /tmp (sticky, open to all), whatever TMPDIR is: each pool uid
        # must be able to walk to them.
        relay_dir = Path(tempfile.mkdtemp(prefix=f"autograder-relay-{os.getpid()}-",
                                          dir="/tmp"))  # noqa: S108
        os.chmod(relay_dir, 0o755)
        (run_dir / "relay").symlink_to(relay_dir)
        for i, (host, _) in enumerate(mounts.binds):
            if not jail.walkable(host, UID_BASE, UID_BASE):
                relay = relay_dir / str(i)
                relay.mkdir() if os.path.isdir(host) else relay.touch()
                relays[host] = str(relay)
    box = Sandbox(level, mounts, relays)
    box.start_seconds = _trial(box)
    return box


_TRIAL_SETUP = "def trial():\n    import numpy\n    return numpy.arange(4.0).sum()\n"


def _trial(box: Sandbox) -> float:
    """Run one child through the whole jail; its start time, or JailUnavailable."""
    job = protocol.job([("trial", _TRIAL_SETUP)], [], [{"label": "trial:x",
                                                        "function": "trial", "args": []}], [])
    started = time.monotonic()
    child = Child(box, job, Limits(cpu_seconds=int(TRIAL_SECONDS)))
    value, first = None, None
    try:
        while True:
            event = child.next_event(started + TRIAL_SECONDS)
            if event is None:
                break
            first = first or time.monotonic() - started
            if event.get("event") == "probe" and isinstance(event.get("value"), dict):
                value = float(protocol.decode_value(event["value"]).sum())
    except TimeoutError:
        child.kill()
    child.finish()
    if value == 6.0:
        return first or 0.0
    said = child.stderr_text().strip().splitlines()
    reason = said[0] if said else "it ended without a message"
    if any(sign in reason for sign in ("new namespace", "uid map", "No permissions to creat",
                                       "Operation not permitted")):
        raise JailUnavailable(
            f"this host does not let the grader make a child's jail ({reason}): "
            + ("check that unprivileged user namespaces are allowed for the sandbox uids "
               "(sysctl user.max_user_namespaces > 0)" if box.level == "root" else
               "run the grader as root, or allow unprivileged user namespaces (sysctl "
               "kernel.unprivileged_userns_clone=1 and user.max_user_namespaces > 0; on "
               "Ubuntu 24.04 an AppArmor profile for bwrap)"))
    raise JailUnavailable(f"a trial child could not import NumPy and return a number in "
                          f"its jail ({reason}): nothing was graded")


class Child:
    """One jailed child process running ``_child.py`` on one job."""

    def __init__(self, sandbox: Sandbox, job: dict, limits: Limits):
        self.lease = UidLease() if sandbox.level == "root" else None
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": jail.JAIL_TMP,
            "LANG": "C.UTF-8",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": jail.JAIL_TMP,
        }
        job = dict(job, limits=limits.as_rlimits())
        inner = [sandbox.mounts.python, "-I", "-S", "-B",
                 f"{jail.JAIL_LIB}/_autograder_child.py", jail.JAIL_LIB, jail.JAIL_SITE]
        argv = jail.bwrap_argv(sandbox.mounts, limits.tmp_bytes, env, inner,
                               sandbox.relays if self.lease else None)
        if self.lease:
            uid = self.lease.uid
            argv = [*jail.relay_prefix(sandbox.relays), "setpriv", f"--reuid={uid}",
                    f"--regid={uid}", "--clear-groups", "--", *argv]
        argv[0] = shutil.which(argv[0]) or argv[0]
        self.process = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True, close_fds=True, env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
        )
        self.started = time.monotonic()
        self.events: queue.Queue = queue.Queue()
        self.flooded = False
        self._stderr = bytearray()
        threading.Thread(target=self._read, daemon=True).start()
        self._stderr_reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._stderr_reader.start()
        try:
            self.process.stdin.write(json.dumps(job).encode())
            self.process.stdin.close()
        except (BrokenPipeError, OSError):
            pass

    def _read_stderr(self):
        """Keep the first 8 KiB (bubblewrap's own errors); drain and drop the rest."""
        while chunk := self.process.stderr.read(65536):
            if len(self._stderr) < 8192:
                self._stderr += chunk[:8192 - len(self._stderr)]

    def stderr_text(self) -> str:
        """What the jail's processes wrote to stderr (after the child has ended)."""
        self._stderr_reader.join(timeout=5)
        return bytes(self._stderr).decode("utf-8", "replace")

    def _read(self):
        total = 0
        while True:
            line = self.process.stdout.readline(MAX_LINE_BYTES)
            if not line:
                break
            total += len(line)
            if total >= MAX_CHANNEL_BYTES or not line.endswith(b"\n"):
                self.flooded = True  # a flood, or one line longer than any event
                self.kill()
                break
            try:
                event = protocol.checked(json.loads(line))
            except (ValueError, RecursionError):
                event = None
            self.events.put(event or {"event": "garbage"})
        self.events.put(None)  # end of channel

    def next_event(self, deadline: float):
        """The next event, ``None`` at end of channel, or raise TimeoutError at ``deadline``."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        try:
            return self.events.get(timeout=remaining)
        except queue.Empty:
            raise TimeoutError from None

    def kill(self):
        """End the jail: its PID 1 dies with bubblewrap, and every process inside with it."""
        if self.process.returncode is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def finish(self) -> str:
        """Wait for the child to end; describe how it ended (``""`` for a clean exit)."""
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
            code = self.process.wait()
        self.cleanup()
        if code == 0:
            return ""
        if code < 0:
            name = signal.Signals(-code).name
            return f"the process was killed by {name}"
        return f"the process exited with code {code}"

    def cleanup(self):
        self.kill()
        if self.lease:
            self.lease.release()
