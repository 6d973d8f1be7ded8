"""Run an ``autograder`` command as an unprivileged user, from a test that runs as root.

CI runs as root, and the grader's non-root path (level userns) must be tested too. The
user :data:`USER` is created when absent. The interpreter, the checkout and the course
may lie under folders that user may not enter (``/root`` is 0700, and so is pytest's
``/tmp/pytest-of-root``), so the command runs in a private mount namespace in which each
such folder is replaced by an empty, enterable one holding only the path needed below it.
Nothing on the host changes but the course folder's owner.
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

USER = "autograder-ci"
ROOT = Path(__file__).resolve().parents[2]


def available() -> str:
    """Why this cannot run here ("" when it can)."""
    if os.geteuid() != 0:
        return "needs root, to act as another user"
    missing = [t for t in ("unshare", "setpriv", "useradd", "bwrap") if not shutil.which(t)]
    return f"needs {', '.join(missing)}" if missing else ""


def ensure_user() -> tuple[int, int]:
    try:
        entry = pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell",
                        "/usr/sbin/nologin", USER], check=True, capture_output=True)
        entry = pwd.getpwnam(USER)
    return entry.pw_uid, entry.pw_gid


def _closed_ancestors(path: Path) -> list[tuple[Path, str]]:
    """(folder, child name) for each ancestor of ``path`` that others may not enter."""
    found = []
    for folder in reversed(path.parents):
        if folder != path and not folder.stat().st_mode & 0o001:
            found.append((folder, path.relative_to(folder).parts[0]))
    return found


def _opening_script(paths: list[Path]) -> str:
    """Shell lines (run as root in a private mount namespace) that make ``paths`` reachable:
    a closed folder becomes an empty tmpfs holding a bind of the one entry needed."""
    lines, stash = ["set -e", "stash=$(mktemp -d)"], 0
    done: set[tuple[Path, str]] = set()
    for path in paths:
        for folder, child in _closed_ancestors(path):
            if (folder, child) in done:
                continue
            done.add((folder, child))
            keep, inner = f"$stash/{stash}", shlex.quote(str(folder / child))
            stash += 1
            lines += [f"mkdir -p {keep}", f"mount --rbind {inner} {keep}",
                      f"mount -t tmpfs -o mode=755 opened {shlex.quote(str(folder))}",
                      f"mkdir -p {inner}" if Path(folder / child).is_dir()
                      else f"touch {inner}",
                      f"mount --rbind {keep} {inner}"]
    return "\n".join(lines)


def run(argv: list[str], course: Path, *, wrapper: list[str] = (), timeout: float = 600,
        env: dict | None = None) -> subprocess.CompletedProcess:
    """``python -m autograder.cli ARGV`` as :data:`USER`, who is made the owner of ``course``."""
    uid, gid = ensure_user()
    for folder, _, files in os.walk(course):
        os.chown(folder, uid, gid)
        for name in files:
            os.chown(os.path.join(folder, name), uid, gid, follow_symlinks=False)
    python = Path(sys.executable)
    needed = [python, python.resolve(), ROOT, course]
    script = _opening_script(needed)
    command = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--init-groups", "--",
               *wrapper, str(python), "-B", "-m", "autograder.cli", *argv]
    script += "\nexec " + " ".join(shlex.quote(part) for part in command)
    child_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(course),
                 "LANG": "C.UTF-8", "TMPDIR": "/tmp", "PYTHONDONTWRITEBYTECODE": "1",
                 **(env or {})}
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "--",
                           "/bin/sh", "-c", script], capture_output=True, text=True,
                          timeout=timeout, env=child_env, cwd="/")
