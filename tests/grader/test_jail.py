"""The child's jail: what it can reach, what it shares, and when its processes die.

Each test starts real jailed children (no mocks) through :mod:`autograder.sandbox` with a
setup cell and one probe, the way grading does, and reads what the probe returned.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from autograder_corpus import HOARDS_THREADS

from autograder import jail, sandbox

ROOT = Path(__file__).resolve().parents[2]
AS_ROOT = os.geteuid() == 0


@pytest.fixture(scope="module")
def box(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("jail-run")
    os.chmod(run_dir, 0o755)
    sandbox.build_library(run_dir / "lib", [])
    return sandbox.prepare(run_dir, run_dir / "lib")


def run_child(box, code: str, timeout: float = 30.0, limits=None, on_start=None):
    """(values or None, error or None, lease uid) of ``probe()`` defined by ``code``."""
    job = {"setup": [["setup", textwrap.dedent(code)]], "answer": [], "visible": [],
           "probes": [{"label": "p:x", "function": "probe", "args": []}],
           "max_values": 10**5, "drivers": ""}
    child = sandbox.Child(box, job, limits or sandbox.Limits())
    uid = child.lease.uid if child.lease else None
    if on_start:
        on_start(child)
    events, deadline = [], time.monotonic() + timeout
    try:
        while (event := child.next_event(deadline)) is not None:
            events.append(event)
    except TimeoutError:
        child.kill()
    child.finish()
    cells = [e["error"] for e in events if e["event"] == "cell" and e["error"]]
    probe = next((e for e in events if e["event"] == "probe"), None)
    if probe is None or probe["error"]:
        return None, (cells or [probe and probe["error"]] or ["no probe"])[0], uid
    value = probe["value"]
    data = np.frombuffer(base64.b64decode(value["b64"]), dtype="<f8")
    return data.reshape(value["shape"]), None, uid


def _pool_processes() -> set[int]:
    return sandbox._uids_in_use()


def test_the_trial_child_picked_the_level_this_host_allows(box):
    assert box.level == ("root" if AS_ROOT else "userns")
    assert 0 < box.start_seconds < 10


def test_the_jail_holds_only_the_allowlist(box):
    """No checkout, course, home or host folder but the interpreter's; /tmp the only
    writable folder; no notebook anywhere; `course` only as the run's tripwired copy."""
    code = f'''
    import os
    def probe():
        bad = []
        for top, dirs, files in os.walk("/"):
            if top.startswith("/proc"):
                dirs[:] = []
                continue
            if not top.startswith("/tmp"):
                try:
                    with open(os.path.join(top, ".probe"), "w"):
                        bad.append(1.0)
                except OSError:
                    pass
            for name in files:
                if name.endswith(".ipynb") or name == "gradebook.db":
                    bad.append(2.0)
            for name in dirs:
                if name in ("autograder", "nbgrader", "IPython", "jupyter_server"):
                    bad.append(3.0)
                if name == "course" and top != "/grader/lib":
                    bad.append(4.0)
        for path in {str(ROOT)!r}, "/home", "/etc/passwd", "/var", "/run", "/srv", "/opt", "/sys":
            if os.path.exists(path):
                bad.append(5.0)
        top = sorted(os.listdir("/"))
        return [len(bad), *bad[:5], float(set(top) <= {{"dev", "etc", "grader", "lib", "lib64",
                "bin", "sbin", "proc", "root", "tmp", "usr"}})]
    '''
    values, error, _ = run_child(box, code, timeout=120)
    assert error is None, error
    assert values[0] == 0, values
    assert values[-1] == 1.0


def test_tmp_is_private_and_bounded(box):
    """A child fills /tmp: it stops at the limit, and the next child finds /tmp empty."""
    fill = '''
    import os
    def probe():
        written = 0
        try:
            with open("/tmp/hoard", "wb") as handle:
                while written < 400 * 2**20:
                    handle.write(b"x" * 2**20)
                    written += 2**20
        except OSError:
            pass
        return [written, len(os.listdir("/tmp"))]
    '''
    limits = sandbox.Limits(tmp_bytes=16 * 2**20, file_bytes=1024 * 2**20)
    values, error, _ = run_child(box, fill, limits=limits)
    assert error is None, error
    assert values[0] <= 16 * 2**20
    lists = 'import os\ndef probe():\n    return [len(os.listdir("/tmp"))]'
    later, error, _ = run_child(box, lists)
    assert error is None and later[0] == 0, (later, error)


DENIED_CALLS = '''
import ctypes, errno, os
libc = ctypes.CDLL(None, use_errno=True)
def call(number, *args):
    ctypes.set_errno(0)
    result = libc.syscall(number, *args)
    return ctypes.get_errno() if result == -1 else 0
def probe():
    # add_key, request_key, keyctl(KEYCTL_GET_KEYRING_ID), ptrace(TRACEME),
    # unshare(CLONE_NEWUSER), mount, setns, memfd_create, memfd_secret, shmget, shmat
    errors = [call(248, b"user", b"answers", b"42", 2, -4), call(249, b"user", b"x", None, -4),
              call(250, 0, -4, 0), call(101, 0, 0, 0, 0), call(272, 0x10000000),
              call(165, b"none", b"/tmp", b"tmpfs", 0, None), call(308, 0, 0),
              call(319, b"hoard", 0), call(447, 0), call(29, 0, 2**20, 0o1600),
              call(30, 0, None, 0)]
    try:
        os.memfd_create("hoard")
        errors.append(0)
    except OSError as exc:
        errors.append(exc.errno)
    try:
        os.fork()
        errors.append(0)
    except OSError as exc:
        errors.append(exc.errno)
    return errors
'''


@pytest.mark.skipif(os.uname().machine != "x86_64", reason="system call numbers of x86_64")
def test_the_key_store_ptrace_mounts_namespaces_shared_memory_and_forks_are_denied(box):
    values, error, _ = run_child(box, DENIED_CALLS)
    assert error is None, error
    assert list(values) == [1.0] * 13  # EPERM for each


@pytest.mark.skipif(not AS_ROOT, reason="the uid pool is the root level's")
def test_concurrent_children_get_distinct_uids_and_pid_1_is_bubblewrap(box):
    code = '''
    import os
    def probe():
        with open("/proc/1/cmdline", "rb") as handle:
            init = handle.read().split(b"\\0")[0]
        return [os.getuid(), os.getpid(), float(init.endswith(b"bwrap"))]
    '''
    found = []
    threads = [threading.Thread(target=lambda: found.append(run_child(box, code)))
               for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    uids = {int(values[0]) for values, error, _ in found}
    assert len(uids) == 3 and all(sandbox.UID_BASE <= u < sandbox.UID_BASE + sandbox.UID_SLOTS
                                  for u in uids)
    assert all(values[1] != 1 and values[2] == 1.0 for values, _, _ in found)


def test_a_thread_hoard_does_not_reach_a_classmate(box):
    """One child takes every thread it may and holds them; a classmate graded at the same
    time still starts 100 threads."""
    hoard = HOARDS_THREADS + 'def probe():\n    return [_held]\n'
    honest = '''
    import threading, time
    def probe():
        time.sleep(2)
        done = []
        threads = [threading.Thread(target=lambda: done.append(1)) for _ in range(100)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return [len(done)]
    '''
    results = {}
    hoarder = threading.Thread(target=lambda: results.update(hoard=run_child(box, hoard)))
    hoarder.start()
    results["honest"] = run_child(box, honest)
    hoarder.join()
    assert results["hoard"][1] is None and results["hoard"][0][0] < 300, results["hoard"]
    assert results["honest"][1] is None and results["honest"][0][0] == 100, results["honest"]


SETSID_SLEEPER = '''
import os, threading, time
def probe():
    os.setsid()
    for _ in range(3):
        threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
    time.sleep(600)
    return [0]
'''


def _gone(uid, seconds=10.0) -> bool:
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        if uid not in _pool_processes():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.skipif(not AS_ROOT, reason="processes are found by their pool uid")
def test_a_setsid_child_dies_at_its_deadline(box):
    started = time.monotonic()
    values, error, uid = run_child(box, SETSID_SLEEPER, timeout=3)
    assert values is None and time.monotonic() - started < 15
    assert _gone(uid), f"processes of uid {uid} outlived the deadline"


GRADER = '''
import sys, time
from pathlib import Path
from autograder import sandbox
run_dir = Path(sys.argv[1])
sandbox.build_library(run_dir / "lib", [])
box = sandbox.prepare(run_dir, run_dir / "lib")
job = {"setup": [["setup", sys.argv[2]]], "answer": [], "visible": [], "drivers": "",
       "probes": [{"label": "p:x", "function": "probe", "args": []}], "max_values": 10}
child = sandbox.Child(box, job, sandbox.Limits())
while (event := child.next_event(time.monotonic() + 60))["event"] != "function":
    pass
print(child.lease.uid, flush=True)
time.sleep(600)
'''


@pytest.mark.skipif(not AS_ROOT, reason="processes are found by their pool uid")
def test_every_process_of_a_child_dies_when_the_grader_is_killed(tmp_path):
    """kill -9 of the grader while its child (setsid, threads, sleeping) runs."""
    os.chmod(tmp_path, 0o755)
    grader = subprocess.Popen([sys.executable, "-c", GRADER, str(tmp_path), SETSID_SLEEPER],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        uid = int(grader.stdout.readline())
        time.sleep(0.5)
        assert uid in _pool_processes()
    finally:
        grader.send_signal(signal.SIGKILL)
        grader.wait()
    assert _gone(uid), f"processes of uid {uid} outlived the grader"


def test_without_bubblewrap_grading_stops_with_what_to_install(tmp_path, monkeypatch):
    import shutil

    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name == "bwrap"
                        else real(name, *a, **k))
    with pytest.raises(sandbox.JailUnavailable, match="apt-get install bubblewrap"):
        sandbox.prepare(tmp_path, tmp_path / "lib")


def test_the_allowlist_leaves_out_course_autograder_and_jupyter():
    entries = jail.site_entries()
    assert "numpy" in entries and "scipy" in entries
    assert not {"course", "autograder", "IPython", "nbgrader", "jupyterlab", "notebook",
                "pytest"} & set(entries)
    assert not any(path.is_relative_to(ROOT / "course") or path.is_relative_to(ROOT /
                   "autograder") for path in entries.values())


def test_a_closed_folder_on_the_way_is_not_walkable(tmp_path):
    inner = tmp_path / "closed" / "open"
    inner.mkdir(parents=True)
    os.chmod(tmp_path / "closed", 0o700)
    assert jail.walkable(str(tmp_path), sandbox.UID_BASE, sandbox.UID_BASE) == bool(
        all(p.stat().st_mode & 0o001 for p in [*tmp_path.parents, tmp_path]))
    assert not jail.walkable(str(inner), sandbox.UID_BASE, sandbox.UID_BASE)
    assert json.dumps(jail.relay_prefix({}))== "[]"
