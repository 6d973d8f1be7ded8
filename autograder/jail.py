"""What a child can reach: an allowlist of read-only paths, mounted by bubblewrap.

A child's file system starts empty. Into it go, read-only and at their own paths, only:

- the interpreter's executable, its standard library (with any ``site-packages`` folder in
  it replaced by an empty one) and the folders of the shared libraries they load (found
  with ``ldd``), plus the symbolic links that lead to them (``/lib64 -> usr/lib64``...);
- the top-level entries of the allowed distributions (:data:`ALLOWED_DISTRIBUTIONS` and
  what they require), gathered under ``/grader/site``: NumPy, SciPy, scikit-learn,
  matplotlib, tqdm and their dependencies, and nothing else of site-packages (not the
  ``course`` or ``autograder`` of a non-editable install, not Jupyter);
- the run's library folder at ``/grader/lib`` (the tripwired copy of ``course``, the
  child's harness and IPython's cell transformer);
- a fresh ``/proc`` of its own PID namespace, a minimal ``/dev`` and a private,
  size-limited ``/tmp`` (memory, not disk), which is its home and working folder.

Nothing else of the host exists inside: no course folder, no checkout or other clone, no
home folder, no ``/etc``, no world-writable folder of the host. Every bind is opened here
and handed to bubblewrap as a file descriptor, so the child's uid needs no right to walk
the host's path: a folder that the child's uid may not walk to (a Python installed under
``/root``) is first bound, by root in a private mount namespace, at a relay folder it may.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

ALLOWED_DISTRIBUTIONS = ("numpy", "scipy", "scikit-learn", "matplotlib", "tqdm")
JAIL_SITE = "/grader/site"
JAIL_LIB = "/grader/lib"
JAIL_TMP = "/tmp"  # noqa: S108 - the child's own tmpfs, not the host's /tmp


@dataclass(frozen=True)
class Mounts:
    """The child's file system, as bubblewrap operations (host paths are never written)."""

    python: str  # the interpreter's executable (the same path inside and outside)
    binds: tuple[tuple[str, str], ...]  # (host path, path inside), read-only
    symlinks: tuple[tuple[str, str], ...]  # (target, path inside)
    masks: tuple[str, ...]  # paths inside that get an empty, read-only folder
    site_entries: tuple[str, ...] = field(default=())  # names under JAIL_SITE

    def describe(self) -> str:
        return (f"the interpreter, its standard library, {len(self.site_entries)} package "
                f"entries ({', '.join(ALLOWED_DISTRIBUTIONS)} and their dependencies), the "
                f"run's library copy and a private /tmp")


def _requirements(name: str) -> list[str]:
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        texts = importlib.metadata.distribution(name).requires or []
    except importlib.metadata.PackageNotFoundError:
        return []
    found = []
    for text in texts:
        try:
            req = Requirement(text)
        except InvalidRequirement:
            continue
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            found.append(req.name)
    return found


def distribution_closure(names=ALLOWED_DISTRIBUTIONS) -> list[str]:
    """The installed distributions among ``names`` and everything they require."""
    seen, todo = [], list(names)
    while todo:
        name = todo.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        try:
            importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        seen.append(key)
        todo += _requirements(name)
    return sorted(seen)


def _top_level_entries(name: str) -> dict[str, Path]:
    """{entry name: host path} of one distribution's top-level files and folders."""
    dist = importlib.metadata.distribution(name)
    entries = {}
    for file in dist.files or []:
        parts = Path(file).parts
        if not parts or parts[0] in ("..", "/") or parts[0].endswith((".dist-info",
                                                                      ".egg-info")):
            continue
        if len(parts) == 1 and not parts[0].endswith((".py", ".so", ".pyd")):
            continue  # e.g. a .pth file: never run (python -S), so not needed
        if parts[0] == "__pycache__":
            continue
        path = Path(dist.locate_file(parts[0]))
        if path.exists():
            entries[parts[0]] = path.resolve()
    return entries


def site_entries(names=ALLOWED_DISTRIBUTIONS) -> dict[str, Path]:
    entries: dict[str, Path] = {}
    for name in distribution_closure(names):
        entries.update(_top_level_entries(name))
    for forbidden in ("course", "autograder", "IPython", "nbgrader"):
        entries.pop(forbidden, None)
    return entries


def _shared_library_dirs(files: list[Path]) -> set[Path]:
    """Folders of the shared libraries that ``files`` load, as ``ldd`` reports them."""
    ldd = shutil.which("ldd")
    if not ldd or not files:
        return set()
    found = set()
    for start in range(0, len(files), 64):
        done = subprocess.run([ldd, *map(str, files[start:start + 64])], capture_output=True,
                              text=True, timeout=60)
        for path in re.findall(r"(/\S+\.so[\w.]*)\s", done.stdout):
            found.add(Path(path).parent)
    return found


def _path_ops(path: Path, symlinks: dict, binds: dict):
    """Make host ``path`` reachable inside the jail: recreate each symbolic link on the way
    (``/lib64 -> usr/lib64``) and bind the real folder or file at the end."""
    current = Path("/")
    for part in path.parts[1:]:
        candidate = current / part
        if candidate.is_symlink():
            target = os.readlink(candidate)
            symlinks.setdefault(str(candidate), target)
            current = candidate.resolve()
        else:
            current = candidate
    binds.setdefault(str(current), str(current))
    return current


def _outermost(binds: dict) -> dict:
    """Drop binds that lie inside another bind (the outer one already brings them)."""
    paths = sorted(binds)
    keep = {}
    for path in paths:
        if not any(Path(path).is_relative_to(k) for k in keep):
            keep[path] = binds[path]
    return keep


def build_mounts(lib: Path) -> Mounts:
    """The allowlist for one grading run, whose library folder is ``lib``."""
    python = Path(os.path.realpath(sys.executable))
    stdlib = Path(sysconfig.get_path("stdlib")).resolve()
    dynload = Path(sysconfig.get_path("platstdlib")).resolve() / "lib-dynload"
    symlinks: dict[str, str] = {}
    binds: dict[str, str] = {}
    _path_ops(python, symlinks, binds)
    _path_ops(stdlib, symlinks, binds)
    entries = site_entries()
    loaded = [python, *sorted(dynload.glob("*.so"))]
    shared = sysconfig.get_config_var("LDLIBRARY") or ""
    libdir = sysconfig.get_config_var("LIBDIR") or ""
    if shared.endswith(".so") or ".so." in shared:
        loaded.append(Path(libdir) / shared)
    for lib_dir in sorted(_shared_library_dirs([p for p in loaded if p.exists()])):
        _path_ops(lib_dir, symlinks, binds)
    ld_cache = Path("/etc/ld.so.cache")
    if ld_cache.is_file():
        binds[str(ld_cache)] = str(ld_cache)
    binds = _outermost(binds)
    masks = tuple(str(stdlib / name) for name in ("site-packages", "dist-packages")
                  if (stdlib / name).is_dir())
    binds_out = list(binds.items())
    binds_out += [(str(path), f"{JAIL_SITE}/{name}") for name, path in sorted(entries.items())]
    binds_out.append((str(lib.resolve()), JAIL_LIB))
    return Mounts(str(python), tuple(binds_out), tuple(sorted(symlinks.items(),
                                                              key=lambda kv: kv[0].count("/"))),
                  masks, tuple(sorted(entries)))


def ipython_transformer_files() -> list[Path]:
    """IPython's cell transformer and its one helper, copied into the run's library so that
    the child (not the grader) turns %magics and !commands into Python."""
    spec = importlib.util.find_spec("IPython")
    if spec is None or not spec.submodule_search_locations:
        return []
    root = Path(next(iter(spec.submodule_search_locations)))
    return [root / "utils" / "tokenutil.py", root / "core" / "inputtransformer2.py"]


def bwrap_argv(mounts: Mounts, tmp_bytes: int, env: dict, argv: list[str],
               relays: dict | None = None) -> list[str]:
    """The bubblewrap command for one child; ``relays`` maps a host path to the relay
    folder where it is bound (:func:`relay_prefix`)."""
    relays = relays or {}
    cmd = ["bwrap", "--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc",
           "--unshare-uts", "--unshare-cgroup-try", "--disable-userns", "--die-with-parent",
           "--new-session", "--hostname", "grader", "--clearenv"]
    for key, value in env.items():
        cmd += ["--setenv", key, value]
    for path, target in mounts.symlinks:
        cmd += ["--symlink", target, path]
    for host, inside in mounts.binds:
        cmd += ["--ro-bind", relays.get(host, host), inside]
    for mask in mounts.masks:
        cmd += ["--perms", "0555", "--size", "4096", "--tmpfs", mask, "--remount-ro", mask]
    cmd += ["--proc", "/proc", "--dev", "/dev", "--remount-ro", "/dev",
            "--perms", "1777", "--size", str(tmp_bytes), "--tmpfs", JAIL_TMP,
            "--remount-ro", "/", "--chdir", JAIL_TMP, "--", *argv]
    return cmd


def walkable(path: str, uid: int, gid: int) -> bool:
    """Whether ``uid`` (in group ``gid`` only) may walk down to ``path`` and read it."""
    current = Path(path)
    for folder in [*reversed(current.parents), current]:
        try:
            info = folder.stat()
        except OSError:
            return False
        if folder == current and not folder.is_dir():
            return bool(info.st_mode & 0o004) or info.st_uid == uid
        bits = (0o100 if info.st_uid == uid else 0o010 if info.st_gid == gid else 0o001)
        if not info.st_mode & bits:
            return False
    return True


def relay_prefix(relays: dict) -> list[str]:
    """A command prefix that binds each host path of ``relays`` (read-only) at its relay
    folder in a private mount namespace, then runs the rest of the command line."""
    if not relays:
        return []
    script = ('set -e; while [ "$1" != -- ]; do mount --rbind "$1" "$2"; '
              'mount -o remount,bind,ro "$2"; shift 2; done; shift; exec "$@"')
    pairs = [part for host, relay in relays.items() for part in (host, relay)]
    return ["unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", script,
            "relay", *pairs, "--"]
