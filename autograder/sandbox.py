"""Start the child process that runs student code, as isolated as the system allows.

Three isolation levels, picked once per grading run by :func:`detect`:

- ``root`` (grading as root, as in CI): the child runs as the unprivileged user
  ``autograder-sandbox`` (created with useradd when absent) inside new mount, network,
  IPC and PID namespaces (``unshare``). Read-only tmpfs mounts hide the course folder
  (sources, submissions, gradebook, seed key), the project checkout, the ``autograder``
  package (references) and the real ``course`` package. The interpreter and site-packages
  are bind-mounted read-only into the job folder; no network; it sees only its own
  processes. Every world-writable folder (/tmp, /var/tmp, /dev/shm, /run/lock...) and its
  working folder are fresh, size-limited tmpfs mounts of its own: what it writes dies with
  it, never reaches another student's child and cannot fill the grader's disk.
- ``userns`` (not root, unprivileged user namespaces allowed): the same namespaces,
  hiding and private scratch folders, plus the user's home hidden, with all capabilities
  dropped. The child keeps the grading user's uid (root's, if root asks for this level),
  so every other mount is remounted read-only: it can read that user's files outside the
  hidden folders, and change none.
- ``plain`` (no ``unshare``): only the measures below; the child can read and write
  whatever the grading user can, the course folder included (results, gradebook).

Always: ``python -I -S -B`` with an explicit ``sys.path`` (job folder + site-packages, no
``.pth`` files run), a fresh empty working directory, a minimal environment, resource
limits (address space, CPU time, processes, file size, open files, no core files), a
seccomp filter that allows threads but no new process (``_child._forbid_new_processes``:
per-process limits would otherwise multiply under a fork bomb) and a new
session whose whole process group (and PID namespace) is SIGKILLed at the deadline, or when
the grading process itself dies (``setpriv --pdeathsig``).
"""

from __future__ import annotations

import json
import os
import pwd
import queue
import shlex
import shutil
import signal
import site
import stat
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder.events import checked

SANDBOX_USER = "autograder-sandbox"
CHILD_SCRIPT = Path(__file__).with_name("_child.py")
# More than this many bytes on the result channel ends the child (a flood, not results).
MAX_CHANNEL_BYTES = 64 * 2**20


@dataclass
class Limits:
    memory_bytes: int = 2**30
    cpu_seconds: int = 60
    processes: int = 256
    file_bytes: int = 16 * 2**20
    open_files: int = 256

    def as_rlimits(self) -> dict[str, int]:
        return {
            "RLIMIT_AS": self.memory_bytes,
            "RLIMIT_CPU": self.cpu_seconds,
            "RLIMIT_NPROC": self.processes,
            "RLIMIT_FSIZE": self.file_bytes,
            "RLIMIT_NOFILE": self.open_files,
            "RLIMIT_CORE": 0,
        }


@dataclass
class Scratch:
    """Sizes of the child's private tmpfs mounts (they use memory, not disk)."""

    tmp_bytes: int = 64 * 2**20  # its working folder, and the new /tmp
    other_bytes: int = 8 * 2**20  # each other world-writable folder (/dev/shm, /var/tmp...)
    inodes: int = 4096


@dataclass
class Sandbox:
    """How children are started during one grading run."""

    level: str  # "root", "userns" or "plain"
    hidden: list[Path] = field(default_factory=list)
    uid: int | None = None
    gid: int | None = None
    note: str = ""
    # World-writable folders, replaced in the child's mount namespace by private tmpfs.
    writable: list[Path] = field(default_factory=list)
    scratch: Scratch = field(default_factory=Scratch)

    def describe(self) -> str:
        return {
            "root": f"as user {SANDBOX_USER} in mount/net/ipc/pid namespaces, course hidden, "
                    f"private /tmp",
            "userns": "in user/mount/net/ipc/pid namespaces, course and home hidden, "
                      "private /tmp",
            "plain": "with resource limits only (no namespaces available): student code "
                     "can read and write the course folder",
        }[self.level] + (f"; {self.note}" if self.note else "")


def _fstab_field(value) -> str:
    """A path or option as one fstab field (libmount reads these octal escapes back)."""
    text = str(value)
    for char in "\\ \t\n":
        text = text.replace(char, f"\\{ord(char):03o}")
    return text


def _site_dirs() -> list[Path]:
    dirs = [Path(p) for p in site.getsitepackages()] + [Path(sysconfig.get_path("purelib"))]
    unique = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in unique:
            unique.append(d.resolve())
    return unique


def package_dir(package) -> Path:
    """The folder of an imported package (also when an editable install made it a namespace)."""
    if getattr(package, "__file__", None):
        return Path(package.__file__).resolve().parent
    return next(Path(p).resolve() for p in package.__path__ if Path(p).is_dir())


def _hidden_paths(course_dir: Path) -> list[Path]:
    import autograder
    import course

    hidden = [course_dir.resolve()]
    for package in (autograder, course):
        pkg_dir = package_dir(package)
        hidden.append(pkg_dir)
        if (pkg_dir.parent / "pyproject.toml").exists():
            hidden.append(pkg_dir.parent)  # a source checkout: hide all of it
    return hidden


def _world_writable() -> list[Path]:
    """Folders anyone may write to (outermost only): /tmp, /var/tmp, /dev/shm, /run/lock...

    The usual places and the entries of /, /var, /run and /dev are looked at; the sandbox
    user (or the grading user's own files, at level userns) could write elsewhere only
    where an administrator made a deeper folder world-writable.
    """
    candidates = {Path(tempfile.gettempdir()), Path("/tmp"), Path("/var/tmp"),
                  Path("/dev/shm"), Path("/run/lock"), Path("/var/lock"), Path("/dev/mqueue")}
    for top in ("/", "/var", "/run", "/dev"):
        try:
            candidates |= {Path(e.path) for e in os.scandir(top)
                           if e.is_dir(follow_symlinks=False)}
        except OSError:
            pass
    found = set()
    for path in candidates:
        try:
            real = path.resolve(strict=True)
            mode = real.stat().st_mode
        except (OSError, RuntimeError):
            continue
        if stat.S_ISDIR(mode) and mode & stat.S_IWOTH and real != Path("/proc"):
            found.add(real)
    return sorted(p for p in found if not any(q in p.parents for q in found))


def remove_stale_folders() -> list[Path]:
    """Remove job and library folders (``autograder-job-PID-*``, ``autograder-lib-PID-*`` in
    the temporary folder) left by a grader that was killed: its PID no longer runs."""
    removed = []
    for path in Path(tempfile.gettempdir()).glob("autograder-*-*-*"):
        kind, _, rest = path.name.removeprefix("autograder-").partition("-")
        pid = rest.partition("-")[0]
        if kind not in ("job", "lib") or not pid.isdigit() or not path.is_dir():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
        except (PermissionError, OverflowError):
            pass  # alive (another user's), or not a PID
    return removed


def _ensure_user() -> tuple[int, int]:
    """uid and gid of the sandbox user, creating it (as a system user) when absent."""
    try:
        entry = pwd.getpwnam(SANDBOX_USER)
    except KeyError:
        # Two graders may race here; whichever useradd wins, the user then exists.
        done = subprocess.run(
            ["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
             "--shell", "/usr/sbin/nologin", SANDBOX_USER],
            capture_output=True, text=True,
        )
        try:
            entry = pwd.getpwnam(SANDBOX_USER)
        except KeyError:
            raise RuntimeError(f"could not create the sandbox user {SANDBOX_USER}: "
                               f"{done.stderr.strip()}") from None
    return entry.pw_uid, entry.pw_gid


def _namespaces_work(args: list[str]) -> bool:
    try:
        done = subprocess.run(
            ["unshare", *args, "--", "true"], capture_output=True, timeout=20
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def detect(course_dir: Path, level: str = "auto") -> Sandbox:
    """The strongest isolation available here (or ``level`` when it is not "auto")."""
    hidden = _hidden_paths(course_dir)
    have_tools = shutil.which("unshare") and shutil.which("setpriv")
    if level == "auto":
        if have_tools and os.geteuid() == 0 and _namespaces_work(_ROOT_NS):
            level = "root"
        elif have_tools and _namespaces_work(_USER_NS):
            level = "userns"
        else:
            level = "plain"
    if level == "root":
        uid, gid = _ensure_user()
        return Sandbox("root", hidden, uid, gid, writable=_world_writable())
    if level == "userns":
        home = Path(os.path.expanduser("~"))
        if home.is_dir() and home != Path("/"):
            hidden.append(home.resolve())
        return Sandbox("userns", hidden, writable=_world_writable())
    return Sandbox("plain", hidden, note="grade as root, or where user namespaces work, "
                                         "for isolation")


_ROOT_NS = ["--mount", "--net", "--ipc", "--pid", "--fork", "--kill-child", "--mount-proc"]
_USER_NS = ["--user", "--map-root-user", *_ROOT_NS]


class Child:
    """One sandboxed child process running ``_child.py`` on one job."""

    def __init__(self, sandbox: Sandbox, job: dict, lib_template: Path, limits: Limits):
        self.workdir = Path(tempfile.mkdtemp(prefix=f"autograder-job-{os.getpid()}-"))
        for hidden in sandbox.hidden:
            if hidden == self.workdir or hidden in self.workdir.parents:
                raise RuntimeError(f"the temporary folder {self.workdir} lies inside {hidden}")
        lib = self.workdir / "lib"
        lib.mkdir()
        from autograder.tripwire import copy_template

        copy_template(lib_template, lib)
        shutil.copy2(CHILD_SCRIPT, lib / "_autograder_child.py")
        cwd = self.workdir / "cwd"
        cwd.mkdir(mode=0o700)
        os.chmod(self.workdir, 0o755)

        python = Path(os.path.realpath(sys.executable))
        prefix = Path(sys.base_prefix).resolve()
        sites = _site_dirs()
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(cwd),
            "LANG": "C.UTF-8",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": str(cwd),
        }
        job = dict(job, limits=limits.as_rlimits())
        if sandbox.level == "plain":
            argv = [str(python), "-I", "-S", "-B", str(lib / "_autograder_child.py"),
                    str(lib), *map(str, sites)]
        else:
            if sandbox.level == "root":
                os.chown(cwd, sandbox.uid, sandbox.gid)
            argv, env = self._jailed(sandbox, python, prefix, sites, lib, env)
        if shutil.which("setpriv"):
            # If the grader dies (even by SIGKILL), its children die with it.
            argv = ["setpriv", "--pdeathsig", "KILL", "--", *argv]
        self.process = subprocess.Popen(
            argv, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )
        self.started = time.monotonic()
        self.events: queue.Queue = queue.Queue()
        self.flooded = False
        threading.Thread(target=self._read, daemon=True).start()
        try:
            self.process.stdin.write(json.dumps(job).encode())
            self.process.stdin.close()
        except (BrokenPipeError, OSError):
            pass

    def _jailed(self, sandbox, python, prefix, sites, lib, env):
        """The command that builds the child's mount namespace, then drops to the child.

        Every mount is one line of ``JOB/fstab``, made by a single ``mount --all`` (one
        process instead of one per mount): read-only binds of the interpreter and
        site-packages, read-only empty tmpfs over the hidden folders, and fresh
        size-limited tmpfs (memory, not disk) over every world-writable folder and the
        working folder, so that nothing the child writes outlives it, reaches another
        student's child, or fills the grader's disk. The job folder itself usually lies
        in /tmp: the new /tmp is made inside it, the job folder is bound into that at its
        own path, and the new /tmp is then moved into place.
        """
        staged_py = self.workdir / "py"
        staged_py.mkdir()
        binds = [(prefix, staged_py)]
        staged_sites = []
        for i, site_dir in enumerate(sites):
            target = self.workdir / f"site{i}"
            target.mkdir()
            binds.append((site_dir, target))
            staged_sites.append(target)
        table = [(source, target, "none", "rbind,ro") for source, target in binds]
        table.append((lib, lib, "none", "bind,ro"))  # its own copy of course and the harness
        to_hide = list(sandbox.hidden)
        for hidden in sandbox.hidden:  # the same folders seen through the staged binds
            for source, target in binds:
                if hidden != source and hidden.is_relative_to(source):
                    to_hide.append(target / hidden.relative_to(source))
        # A folder under another hidden folder is already hidden (and its mount point gone).
        outermost = {h for h in to_hide if not any(o in h.parents for o in to_hide)}
        table += [("autograder-hidden", hidden, "tmpfs", "ro,size=16k,mode=755")
                  for hidden in sorted(outermost) if hidden.is_dir()]
        lines = ["set -e", f"mount --all --fstab {shlex.quote(str(self.workdir / 'fstab'))}"]
        lines += self._private_scratch(sandbox, table)
        if sandbox.level == "userns":
            lines += self._read_only_elsewhere(sandbox)
        with open(self.workdir / "fstab", "w", encoding="utf-8") as handle:
            handle.writelines(" ".join([*map(_fstab_field, row), "0", "0"]) + "\n"
                              for row in table)
        if python.is_relative_to(prefix):
            staged_python = staged_py / python.relative_to(prefix)
        else:
            raise RuntimeError(f"the interpreter {python} lies outside {prefix}")
        drop = ["setpriv", "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all"]
        if sandbox.level == "root":
            drop[1:1] = [f"--reuid={sandbox.uid}", f"--regid={sandbox.gid}", "--clear-groups"]
        child = [*drop, "--", str(staged_python), "-I", "-S", "-B",
                 str(lib / "_autograder_child.py"), str(lib), *map(str, staged_sites)]
        lines.append("exec " + " ".join(shlex.quote(a) for a in child))
        ns = _ROOT_NS if sandbox.level == "root" else _USER_NS
        env = dict(env, LD_LIBRARY_PATH=str(staged_py / "lib"))
        return ["unshare", *ns, "--", "/bin/sh", "-c", "\n".join(lines)], env

    def _private_scratch(self, sandbox, table: list) -> list[str]:
        """Add the scratch tmpfs mounts to ``table``; shell lines to run after it is mounted."""
        limits = sandbox.scratch
        cwd = self.workdir / "cwd"
        owner = f",uid={sandbox.uid},gid={sandbox.gid}" if sandbox.level == "root" else ""
        table.append(("autograder-cwd", cwd, "tmpfs", f"size={limits.tmp_bytes},"
                      f"nr_inodes={limits.inodes},mode=700,nosuid,nodev{owner}"))
        lines = []
        for folder in sandbox.writable:
            size = limits.tmp_bytes if folder == Path(tempfile.gettempdir()).resolve() \
                else limits.other_bytes
            options = f"size={size},nr_inodes={limits.inodes},mode=1777,nosuid,nodev"
            if folder not in self.workdir.parents:
                table.append(("autograder-scratch", folder, "tmpfs", options))
                continue
            staging = self.workdir / "scratch"
            staging.mkdir(exist_ok=True)
            table.append(("autograder-scratch", staging, "tmpfs", options))
            table.append((self.workdir, staging / self.workdir.relative_to(folder), "none",
                          "rbind,X-mount.mkdir"))
            lines.append(f"mount --move {shlex.quote(str(staging))} {shlex.quote(str(folder))}")
        lines.append(f"cd {shlex.quote(str(cwd))}")
        return lines

    def _read_only_elsewhere(self, sandbox) -> list[str]:
        """Shell lines remounting read-only every writable mount but the child's scratch.

        At level userns the child keeps the grading user's uid (real root's, if root asked
        for this level), so without this it could change that user's files anywhere, the
        interpreter's standard library included. Each mount keeps its own flags (some are
        locked in a user namespace); any failure stops the child before it starts.
        """
        keep = ["/proc", *map(str, sandbox.writable), str(self.workdir / "cwd")]
        patterns = "|".join(f"{shlex.quote(k)}|{shlex.quote(k)}/*" for k in keep)
        return [
            "while read -r _ _ _ _ target options _; do",
            "  case $target in *\\\\*) target=$(printf '%b' \"$target\");; esac",
            f"  case $target in {patterns}) continue;; esac",
            "  case $options in ro*) continue;; esac",
            '  mount -o "remount,bind,ro${options#rw}" "$target"',
            "done < /proc/self/mountinfo",
        ]

    def _read(self):
        total = 0
        while True:
            line = self.process.stdout.readline(MAX_CHANNEL_BYTES)
            if not line:
                break
            total += len(line)
            if total >= MAX_CHANNEL_BYTES:
                self.flooded = True
                self.kill()
                break
            try:
                event = checked(json.loads(line))
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
        shutil.rmtree(self.workdir, ignore_errors=True)
