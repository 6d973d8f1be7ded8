"""What an assignment tells the grader: its tasks, probes, hidden checks and tripwires.

An assignment lives in ``autograder/assignments/<name>/__init__.py`` and exposes
``ASSIGNMENT``, an :class:`Assignment`. Nothing here is ever given to student code:
the child process only receives the probes' inputs (plain JSON values).

The shared interface, stated once:

- ``Task.probes(seed_sequence) -> list[Probe]`` builds the inputs the child feeds to the
  student's function. Arguments are plain JSON values, or the markers made by
  :func:`rng_arg` (a ``numpy.random.Generator`` built in the child from an int seed) and
  :func:`array_arg` (a float array built in the child).
- A probe with ``driver="name"`` is made in the child by ``name(function, student, *args)``,
  a function of the assignment's ``drivers.py`` (:func:`drivers_source`), given the student's
  function and ``student(other_name)`` to reach their other answers. Drivers build what
  cannot travel as JSON (an objective, a training function, an executor), catch an exception
  the task asks for, or unpack tuples; they return a number, an array, or a dict of them.
  ``drivers.py`` is sent to the child as text and loaded after the student's cells, so it
  holds no answers and imports only the standard library and NumPy.
- ``Check.judge(outputs, probes) -> Verdict`` runs in the trusted parent. ``outputs`` maps a
  probe's label to the float array the student's function returned (for a driver that
  returned a dict: a dict of float arrays), ``probes`` maps it to
  the :class:`Probe` (its inputs: ``probe.arg(i)``). It is called only when every
  probe the check names in ``Check.probes`` returned numbers; a probe that raised, timed out
  or hit a tripwire fails the check with a message written by the framework.
- The points of a task's checks add up to the points of its visible test cell in the
  source notebook, so nbgrader's gradebook and the grader's ledger hold the same total.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


def rng_arg(seed: int) -> dict:
    """A probe argument the child turns into ``numpy.random.default_rng(seed)``."""
    return {"__rng__": int(seed)}


def array_arg(values) -> dict:
    """A probe argument the child turns into a float NumPy array of the same shape."""
    return {"__array__": np.asarray(values, dtype=float).tolist()}


@dataclass(frozen=True)
class Probe:
    """One call of a student's function: ``function(*args)`` in the child."""

    label: str
    function: str
    args: tuple = ()
    # A function of the assignment's drivers.py that makes the call; "" for function(*args).
    driver: str = ""

    def arg(self, i: int):
        """Argument ``i`` as the parent sees it: a seed int for an rng, an array for an array."""
        value = self.args[i]
        if isinstance(value, dict) and "__rng__" in value:
            return value["__rng__"]
        if isinstance(value, dict) and "__array__" in value:
            return np.asarray(value["__array__"], dtype=float)
        return value


@dataclass(frozen=True)
class Verdict:
    """A check's outcome; ``message`` names the likely misconception when it failed."""

    passed: bool
    message: str = ""


PASS = Verdict(True)


@dataclass(frozen=True)
class Check:
    """A hidden check: its name is shown to students, its code never is."""

    name: str
    points: float
    probes: tuple[str, ...]
    judge: Callable[[Mapping[str, np.ndarray], Mapping[str, Probe]], Verdict]


@dataclass(frozen=True)
class Task:
    """One answer cell asking for one function (its nbgrader ``grade_id`` is ``function``)."""

    function: str
    test_cell: str
    probes: Callable[[np.random.SeedSequence], Sequence[Probe]]
    checks: tuple[Check, ...]
    # Dotted names of course's own implementation of this function (classes' methods
    # included); the child's copy of ``course`` has them replaced by tripwires.
    tripwires: tuple[str, ...] = ()

    @property
    def points(self) -> float:
        return float(sum(check.points for check in self.checks))


@dataclass(frozen=True)
class Assignment:
    name: str
    tasks: tuple[Task, ...]
    # grade_ids of the source notebook's read-only setup cells, run before the answers.
    setup_cells: tuple[str, ...] = ()
    # Bumped when checks change, so cached results are regraded.
    version: str = "1"
    notebook: str = field(default="")

    def __post_init__(self):
        if not self.notebook:
            object.__setattr__(self, "notebook", f"{self.name}.ipynb")
        names = [task.function for task in self.tasks]
        if len(set(names)) != len(names):
            raise ValueError(f"assignment {self.name!r} names a function twice: {names}")

    @property
    def max_score(self) -> float:
        return float(sum(task.points for task in self.tasks))

    def task(self, function: str) -> Task:
        for task in self.tasks:
            if task.function == function:
                return task
        raise KeyError(function)


def drivers_source(name: str) -> str:
    """Text of ``autograder/assignments/<name>/drivers.py`` ("" when the assignment has none)."""
    from autograder import assignments

    for folder in assignments.__path__:
        path = Path(folder) / name / "drivers.py"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return ""


class UnknownAssignment(LookupError):
    pass


def available() -> list[str]:
    """Names of the assignments that have hidden checks in ``autograder/assignments/``."""
    from autograder import assignments

    return sorted(m.name for m in pkgutil.iter_modules(assignments.__path__) if m.ispkg)


def load(name: str) -> Assignment:
    """The :class:`Assignment` called ``name``, or :class:`UnknownAssignment`."""
    if name not in available():
        known = ", ".join(available()) or "none"
        raise UnknownAssignment(
            f"no hidden checks exist for assignment {name!r} (known: {known})"
        )
    module = importlib.import_module(f"autograder.assignments.{name}")
    assignment = module.ASSIGNMENT
    if assignment.name != name:
        raise UnknownAssignment(f"autograder/assignments/{name} declares {assignment.name!r}")
    return assignment
