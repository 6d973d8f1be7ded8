"""Shared machinery for the tests of the assignments written after sampling_scales.

- :func:`judge_in_process` runs one task's probes and checks in this process (no sandbox),
  the way the child and the parent would, for quick tests over many seeds;
- :func:`make_course` builds a temporary nbgrader course with several assignments released;
- :func:`submission` writes a student version with some answer cells replaced.

Notebooks are built with ``with_answers`` from ``autograder_corpus`` (sampling_scales' corpus).
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
from contextlib import contextmanager
from pathlib import Path

import nbformat
import numpy as np
from autograder_corpus import ROOT, with_answers

from autograder.cli import main
from autograder.spec import drivers_source, load

ASSIGNMENTS = ("parameters_vs_hyperparameters", "search_strategies", "batch_norm",
               "pandas_and_caviar")
SOLUTION = re.compile(r"[ \t]*### (BEGIN|END) SOLUTION\n")


def source_path(name: str, root: Path = ROOT / "assignments") -> Path:
    return root / "source" / name / f"{name}.ipynb"


def cells(name: str) -> dict[str, str]:
    """grade_id -> source of every nbgrader cell of the source notebook, markers removed."""
    nb = nbformat.read(str(source_path(name)), as_version=4)
    return {cell.metadata["nbgrader"]["grade_id"]: SOLUTION.sub("", cell.source)
            for cell in nb.cells if "grade_id" in cell.metadata.get("nbgrader", {})}


def namespace(name: str, answers: dict[str, str] | None = None) -> dict:
    """The source's setup and answer cells run in a fresh namespace, some answers replaced."""
    assignment, source = load(name), cells(name)
    scope = {"__name__": "__main__"}
    for gid in assignment.setup_cells:
        exec(source[gid], scope)
    for task in assignment.tasks:
        exec((answers or {}).get(task.function, source[task.function]), scope)
    return scope


def _decode(arg):
    if isinstance(arg, dict) and "__rng__" in arg:
        return np.random.default_rng(arg["__rng__"])
    if isinstance(arg, dict) and "__array__" in arg:
        return np.asarray(arg["__array__"], dtype=float)
    return arg


def judge_in_process(name: str, function: str, scope: dict, seed: int) -> dict:
    """{check name: Verdict} of one task for the functions in ``scope``, probes of ``seed``.

    The probes are the ones a submission with that seed would get; a probe that raises fails
    its checks, as in the real grader.
    """
    assignment = load(name)
    index = [task.function for task in assignment.tasks].index(function)
    stream = np.random.SeedSequence(seed).spawn(len(assignment.tasks))[index]
    task = assignment.tasks[index]
    probes = {p.label: p for p in task.probes(stream)}
    drivers: dict = {}
    exec(compile(drivers_source(name), "<drivers>", "exec"), drivers)

    def student(other):
        return scope[other]

    outputs, errors = {}, {}
    for label, probe in probes.items():
        args = [_decode(a) for a in probe.args]
        try:
            with guarded():
                if probe.driver:
                    result = drivers[probe.driver](scope[function], student, *args)
                else:
                    result = scope[function](*args)
        except Exception as exc:  # a wrong answer may raise anything
            errors[label] = f"{type(exc).__name__}: {exc}"
            continue
        if isinstance(result, dict) and probe.driver:
            outputs[label] = {k: np.asarray(v, dtype=float) for k, v in result.items()}
        else:
            outputs[label] = np.asarray(result, dtype=float)
    from autograder.spec import Verdict

    verdicts = {}
    for check in task.checks:
        missing = [label for label in check.probes if label not in outputs]
        if missing:
            verdicts[check.name] = Verdict(False, f"raised {errors[missing[0]]}")
        else:
            verdicts[check.name] = check.judge({k: outputs[k] for k in check.probes}, probes)
    return verdicts


@contextmanager
def guarded(seconds: int = 20, memory_bytes: int = 2**29):
    """Stop a runaway answer run in this process: TimeoutError after ``seconds``, MemoryError
    once the process grows by ``memory_bytes`` (some wrong answers loop forever; the real
    grader stops them with its sandbox's budgets)."""
    def alarm(*_):
        raise TimeoutError(f"the answer ran for more than {seconds} s")

    with open("/proc/self/statm") as statm:
        size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    limits = resource.getrlimit(resource.RLIMIT_AS)
    previous = signal.signal(signal.SIGALRM, alarm)
    resource.setrlimit(resource.RLIMIT_AS, (size + memory_bytes, limits[1]))
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        resource.setrlimit(resource.RLIMIT_AS, limits)
        signal.signal(signal.SIGALRM, previous)


def make_course(tmp: Path, names) -> Path:
    """A fresh nbgrader course holding the real sources of ``names``, all released."""
    course = tmp / "course"
    (course / "source").mkdir(parents=True)
    for name in names:
        shutil.copytree(ROOT / "assignments" / "source" / name, course / "source" / name)
    shutil.copy(ROOT / "assignments" / "nbgrader_config.py", course)
    assert main(["release", *names, "--course", str(course)]) == 0
    return course


def submission(course: Path, name: str, answers: dict[str, str]):
    """The released student version of ``name`` with some answer cells replaced."""
    nb = nbformat.read(str(course / "release" / name / f"{name}.ipynb"), as_version=4)
    return with_answers(nb, answers)


def earned(result: dict) -> dict[str, float]:
    """function -> points earned in one graded result."""
    out: dict[str, float] = {}
    for check in result["checks"]:
        out[check["function"]] = out.get(check["function"], 0.0) + check["earned"]
    return out
