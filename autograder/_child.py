"""The harness that runs student code, inside the sandboxed child process.

It is copied next to a tripwired copy of ``course`` and started as
``python -I -S -B _child.py LIBDIR SITEDIR...``. It reads one JSON job from stdin, lowers
its own resource limits, runs the setup cells, the student's answer cells, the probes and
the visible test cells, and writes one JSON event per line to the result channel (the
original stdout). Student output goes to /dev/null. It never sees reference answers:
everything it writes is data that the parent judges. It imports only the standard
library and NumPy, and nothing from ``autograder``. A probe may name a driver: a function
of the assignment's ``drivers.py`` (sent in the job as text, loaded after the student's
cells) that makes the call, e.g. handing the student's function an objective or an
executor, and may return a dict of arrays.
"""

import base64
import json
import os
import sys
import time
import traceback


def _apply_limits(limits):
    import resource

    for name, value in limits.items():
        which = getattr(resource, name)
        resource.setrlimit(which, (int(value), int(value)))


# System calls that no answer needs, denied by number (x86_64, aarch64): the kernel's key
# store (add_key, request_key, keyctl), ptrace and reading other processes' memory, mounts
# (old and new API), chroot and pivot_root, namespaces (unshare, setns), io_uring (its
# operations would bypass this filter), bpf, perf events, userfaultfd, modules, kexec, and
# anonymous memory files (memfd_create, memfd_secret) and System V shared memory (shmget,
# shmat, shmctl): their pages escape the address-space limit, so a child could hold
# gigabytes in them.
_DENIED = {
    "x86_64": (248, 249, 250, 101, 310, 311, 165, 166, 155, 161, 272, 308, 425, 426, 427,
               428, 429, 430, 431, 432, 433, 442, 321, 298, 323, 175, 313, 176, 246, 320,
               319, 447, 29, 30, 31, 67),
    "aarch64": (217, 218, 219, 117, 270, 271, 40, 39, 41, 51, 97, 268, 425, 426, 427,
                428, 429, 430, 431, 432, 433, 442, 280, 241, 282, 105, 273, 106, 104, 294,
                279, 447, 194, 196, 195, 197),
}


def _seccomp():
    """Let this process start threads but no other process, and deny ``_DENIED`` (seccomp
    filter; Linux only).

    Limits such as the address space are per process, so a fork bomb would multiply them
    by the process limit (hundreds of GB) and starve the machine. Blocked: fork, vfork,
    clone without CLONE_THREAD (so posix_spawn, subprocess, multiprocessing), and system
    calls of another ABI (int 0x80, x32); clone3 reports ENOSYS, so that the C library
    makes its threads with clone. Returns whether the filter is in place.
    """
    import ctypes
    import platform
    import struct

    known = {"x86_64": (0xC000003E, (57, 58), 56), "aarch64": (0xC00000B7, (), 220)}
    if platform.machine() not in known:
        return False
    audit_arch, forks, clone = known[platform.machine()]
    denied = _DENIED[platform.machine()]
    load, equal, at_least, has_bits, ret = 0x20, 0x15, 0x35, 0x45, 0x06  # BPF opcodes
    code = [(load, 4, None, None),  # seccomp_data.arch
            (equal, audit_arch, None, "deny"),
            (load, 0, None, None),  # seccomp_data.nr
            (at_least, 0x40000000, "deny", None),  # x32 system calls
            *[(equal, number, "deny", None) for number in (*forks, *denied)],
            (equal, 435, "enosys", None),  # clone3
            (equal, clone, None, "allow"),
            (load, 16, None, None),  # clone's flags (low 32 bits of args[0])
            (has_bits, 0x00010000, "allow", "deny")]  # CLONE_THREAD
    targets = {"allow": len(code), "deny": len(code) + 1, "enosys": len(code) + 2}
    code += [(ret, 0x7FFF0000, None, None),  # allow
             (ret, 0x00050000 | 1, None, None),  # fail with EPERM
             (ret, 0x00050000 | 38, None, None)]  # fail with ENOSYS
    program = b"".join(
        struct.pack("HBBI", op, 0 if yes is None else targets[yes] - i - 1,
                    0 if no is None else targets[no] - i - 1, k)
        for i, (op, k, yes, no) in enumerate(code))

    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]

    libc = ctypes.CDLL(None, use_errno=True)
    filters = ctypes.create_string_buffer(program)
    prog = Program(len(code), ctypes.cast(filters, ctypes.c_char_p))
    return (libc.prctl(38, 1, 0, 0, 0) == 0  # PR_SET_NO_NEW_PRIVS
            and libc.prctl(22, 2, ctypes.byref(prog), 0, 0) == 0)  # PR_SET_SECCOMP, FILTER


def _cell_transformer(libdir):
    """IPython's cell transformer (%magics, !commands -> Python), loaded from the copy of
    its two files in ``libdir/_autograder_ipython`` without importing IPython; here, in the
    jail and under the child's limits, never in the grader. Identity if it cannot load."""
    import importlib.util
    import types

    names = ["IPython", "IPython.utils", "IPython.core"]
    try:
        for name in names:
            stub = types.ModuleType(name)
            stub.__path__ = []
            sys.modules[name] = stub
        loaded = {}
        for name, file in (("IPython.utils.tokenutil", "tokenutil.py"),
                           ("IPython.core.inputtransformer2", "inputtransformer2.py")):
            path = os.path.join(libdir, "_autograder_ipython", file)
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = loaded[name] = module
            names.append(name)
            spec.loader.exec_module(module)
            setattr(sys.modules[name.rpartition(".")[0]], name.rpartition(".")[2], module)
        manager = loaded["IPython.core.inputtransformer2"].TransformerManager()
    except Exception:
        return lambda source: source
    finally:
        for name in names:
            sys.modules.pop(name, None)

    def transform(source):
        try:
            return manager.transform_cell(source)
        except Exception:  # the SyntaxError is reported as the student's when it runs
            return source

    return transform


def _describe(exc, filename_prefix="<cell "):
    """Type, message and the line of the student's cell where ``exc`` happened."""
    line = None
    cell = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if frame.f_code.co_filename.startswith(filename_prefix):
            cell = frame.f_code.co_filename[len(filename_prefix):-1]
            line = lineno
    message = str(exc)
    if isinstance(exc, SyntaxError) and str(exc.filename or "").startswith(filename_prefix):
        # raised by compile(), so no frame of the cell: its place is in the exception
        cell, line = exc.filename[len(filename_prefix):-1], exc.lineno
        message = str(exc.msg)
    if len(message) > 300:
        message = message[:300] + "..."
    return {"type": type(exc).__name__, "message": message, "cell": cell, "line": line}


class _IPythonStub:
    """Enough of ``get_ipython()`` for magics such as %matplotlib to be no-ops."""

    def __init__(self):
        self.ast_transformers = []
        self.input_transformers_post = []
        self.input_transformers_cleanup = []
        self.user_ns = {}

    def run_line_magic(self, *args, **kwargs):
        return None

    def run_cell_magic(self, *args, **kwargs):
        return None

    def system(self, *args, **kwargs):
        return None

    def getoutput(self, *args, **kwargs):
        return []


def main():
    libdir, *sitedirs = sys.argv[1:]
    sys.path[:0] = [libdir]
    sys.path.extend(sitedirs)
    job = json.loads(sys.stdin.read())
    _apply_limits(job["limits"])
    _seccomp()

    # The result channel is a private copy of stdout; fds 1 and 2 now lead nowhere, so
    # nothing the student prints (from Python or C) can mix with the results.
    channel = os.fdopen(os.dup(1), "w", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    sys.stdout = open(os.devnull, "w")
    sys.stderr = open(os.devnull, "w")

    def emit(**event):
        channel.write(json.dumps(event) + "\n")
        channel.flush()

    import _autograder_tripwire as tripwire
    import numpy as np

    def decode(arg):
        if isinstance(arg, dict) and "__rng__" in arg:
            return np.random.default_rng(arg["__rng__"])
        if isinstance(arg, dict) and "__array__" in arg:
            return np.asarray(arg["__array__"], dtype=float)
        return arg

    def encode(value):
        array = np.asarray(value, dtype=float)
        if array.size > job["max_values"]:
            raise ValueError(f"returned {array.size} values, far more than asked for")
        data = np.ascontiguousarray(array, dtype="<f8").tobytes()
        return {"shape": list(array.shape), "b64": base64.b64encode(data).decode("ascii")}

    namespace = {"__name__": "__main__", "get_ipython": _IPythonStub}
    emit(event="ready")
    transform = _cell_transformer(libdir)
    job["answer"] = [(cell_id, transform(source)) for cell_id, source in job["answer"]]
    for kind in ("setup", "answer"):
        for cell_id, source in job[kind]:
            try:
                exec(compile(source, f"<cell {cell_id}>", "exec"), namespace)
                emit(event="cell", kind=kind, id=cell_id, error=None)
            except BaseException as exc:  # the student's cell may raise anything
                emit(event="cell", kind=kind, id=cell_id, error=_describe(exc))
    emit(event="cells_done")

    # The assignment's probe drivers (harness code, no answers) are loaded only now, after
    # the student's cells, into a namespace of their own.
    drivers = {"__name__": "_autograder_drivers"}
    try:
        exec(compile(job.get("drivers") or "", "<drivers>", "exec"), drivers)
    except BaseException:
        drivers = {}

    def student(name):
        found = namespace.get(name)
        if not callable(found):
            raise NameError(f"name {name!r} is not defined")
        return found

    current = None
    for probe in job["probes"]:
        if probe["function"] != current:
            current = probe["function"]
            emit(event="function", name=current)
        del tripwire.hits[:]
        start = time.perf_counter()
        value = error = None
        try:
            function = namespace.get(probe["function"])
            if not callable(function):
                raise NameError(f"name {probe['function']!r} is not defined")
            args = [decode(arg) for arg in probe["args"]]
            if probe.get("driver"):
                driver = drivers.get(probe["driver"])
                if not callable(driver):
                    raise RuntimeError(f"the grader's probe {probe['driver']!r} did not load")
                result = driver(function, student, *args)
            else:
                result = function(*args)
        except BaseException as exc:
            error = _describe(exc)
        else:
            try:
                if probe.get("driver") and isinstance(result, dict):
                    value = {"fields": {str(k): encode(v) for k, v in result.items()}}
                else:
                    value = encode(result)
            except BaseException as exc:
                error = {"type": "BadReturn", "message": f"{type(result).__name__}: {exc}"[:300]}
        emit(
            event="probe",
            label=probe["label"],
            value=value,
            error=error,
            tripwire=sorted(set(tripwire.hits)),
            seconds=time.perf_counter() - start,
        )

    for cell_id, source in job["visible"]:
        emit(event="visible_start", id=cell_id)
        try:
            exec(compile(source, f"<cell {cell_id}>", "exec"), namespace)
            emit(event="visible", id=cell_id, error=None)
        except BaseException as exc:
            emit(event="visible", id=cell_id, error=_describe(exc))
    emit(event="done")
    channel.close()
    os._exit(0)


if __name__ == "__main__":
    main()
