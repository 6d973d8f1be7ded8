"""Grade submissions: run each in a sandboxed child, judge its numbers in this process.

For one submission (:func:`grade_submission`):

1. hash the file and derive the seed from the hash (same file -> same seed -> same score);
2. take the answer cells from the submission by grade_id, the setup and visible test cells
   from the source notebook (:mod:`autograder.notebook`);
3. start a child (:mod:`autograder.sandbox`) that runs setup + answers, then the probes,
   function by function, then the visible tests, streaming one event per result;
4. if the child hangs or dies inside one function, that function's remaining probes fail
   and a fresh child carries on with the next function, within the submission's budget;
5. judge every check against the probe outputs (plain float arrays) here, in the parent.

The class run (:func:`grade_class`) grades submissions in parallel threads (each waits on
its own child process), writes each result atomically, then mirrors the scores into
nbgrader's gradebook.
"""

from __future__ import annotations

import base64
import ctypes
import hashlib
import os
import shutil
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder import ledger, notebook, sandbox
from autograder.spec import Assignment, Verdict, drivers_source, load
from autograder.untrusted import printable, valid_student_id

MAX_VALUES = 10**6
MAX_CELL_ERRORS = 20  # kept per submission (a notebook may repeat a failing cell 10,000 times)


@dataclass
class Run:
    """Everything that stays the same for every submission of one grading run."""

    course: Path
    assignment: Assignment
    source: notebook.SourceNotebook
    sandbox: sandbox.Sandbox
    lib_template: Path
    limits: sandbox.Limits
    timeout: float
    warnings: list[str] = field(default_factory=list)
    drivers: str = ""  # the assignment's drivers.py, sent to the child as text
    seed_key: bytes = b""  # the course's secret part of every seed (ledger.seed_key)
    fingerprint: str = ""  # of every grading input but the submission (_fingerprint)

    @classmethod
    def prepare(cls, course: Path, name: str, timeout: float = 30.0, isolation: str = "auto",
                memory_bytes: int = 2**30) -> Run:
        assignment = load(name)
        path = course / "source" / name / assignment.notebook
        if not path.exists():
            raise FileNotFoundError(f"the source notebook {path} does not exist")
        source = notebook.SourceNotebook.load(path)
        for task in assignment.tasks:
            for gid in (task.function, task.test_cell):
                if gid not in source.cells:
                    raise ValueError(f"the source notebook has no cell with grade_id {gid!r}")
            if abs(source.points(task.test_cell) - task.points) > 1e-9:
                raise ValueError(
                    f"cell {task.test_cell} is worth {source.points(task.test_cell)} points "
                    f"in the source notebook but its hidden checks add up to {task.points}"
                )
        sandbox.remove_stale_folders()
        run_dir = Path(tempfile.mkdtemp(prefix=f"autograder-run-{os.getpid()}-"))
        try:
            template = run_dir / "lib"
            targets = [t for task in assignment.tasks for t in task.tripwires]
            warnings = sandbox.build_library(template, targets)
            limits = sandbox.Limits(memory_bytes=memory_bytes, cpu_seconds=int(timeout) + 2)
            box = sandbox.prepare(run_dir, template, isolation)
        except BaseException:
            shutil.rmtree(run_dir, ignore_errors=True)
            raise
        run = cls(course, assignment, source, box, template, limits, timeout, warnings,
                  drivers_source(name), ledger.seed_key(course))
        run.fingerprint = run._fingerprint()
        return run

    def _fingerprint(self) -> str:
        """A hash of everything that decides a submission's grade besides the file itself.

        The assignment's checks, references and drivers (its package), shared helpers,
        the source notebook's setup and visible test cells, the child's harness and the
        library copy it imports (course, tripwired), the version and the time budget. A
        cached result is kept only under the same fingerprint, so editing any of these
        regrades, even if nobody bumped ``Assignment.version``.
        """
        import importlib

        digest = hashlib.sha256(f"{self.assignment.version}\0{self.timeout!r}\0"
                                f"{self.limits.fingerprint()}\0{self.sandbox.level}\0"
                                f"{self.sandbox.mounts.site_entries}".encode())
        package = Path(importlib.import_module(
            f"autograder.assignments.{self.assignment.name}").__file__).parent
        files = sorted(package.rglob("*.py")) + sorted(package.parent.glob("*.py"))
        files += sorted(p for p in self.lib_template.rglob("*") if p.is_file())
        for path in files:
            digest.update(f"\0{path.name}\0".encode() + path.read_bytes())
        for gid in (*self.assignment.setup_cells, *(t.test_cell for t in self.assignment.tasks)):
            digest.update(f"\0{gid}\0{self.source.code(gid)}".encode())
        return digest.hexdigest()

    def close(self):
        relay = self.lib_template.parent / "relay"
        if relay.is_symlink():
            shutil.rmtree(relay.resolve(), ignore_errors=True)
        shutil.rmtree(self.lib_template.parent, ignore_errors=True)


def _decode(value) -> np.ndarray | dict:
    if "fields" in value:  # a driver's dict of arrays
        return {str(name): _decode(part) for name, part in value["fields"].items()}
    shape = [int(n) for n in value["shape"]]
    data = base64.b64decode(value["b64"], validate=True)
    array = np.frombuffer(data, dtype="<f8").astype(float)
    return array.reshape(shape)


def _failure_message(function: str, error: dict, missing: bool) -> str:
    kind = error.get("type", "")
    if error.get("tripwire"):
        names = ", ".join(sorted(set(error["tripwire"])))
        return (f"your answer calls course's own implementation ({names}), which is switched "
                f"off while grading: write the computation yourself")
    if missing:
        return f"your notebook has no answer cell for {function}"
    if kind == "cells":
        return (f"your notebook's answer cells did not finish running ({error['message']}), "
                f"so {function} could not be checked")
    if kind == "timeout":
        return f"{function} did not return within the time budget (an endless loop?)"
    if kind == "crash":
        return f"the grading process stopped while running {function} ({error['message']})"
    if kind == "NotImplementedError":
        return f"{function} still raises NotImplementedError: replace it with your code"
    if kind == "NameError" and function in error.get("message", ""):
        return f"your answer cell does not define a function called {function}"
    if kind == "BadReturn":
        return (f"{function} returned something that is not an array of numbers "
                f"({error.get('message', '')})")
    if kind == "MemoryError":
        return f"{function} ran out of memory"
    where = f" (line {error['line']} of your cell)" if error.get("line") else ""
    return f"{function} raised {kind}: {error.get('message', '')}{where}"


@dataclass
class _Session:
    """Bookkeeping while one submission's children run."""

    outputs: dict[str, dict] = field(default_factory=dict)
    cell_errors: list[dict] = field(default_factory=list)
    visible: dict[str, dict] = field(default_factory=dict)
    incidents: list[str] = field(default_factory=list)
    flags: list[dict] = field(default_factory=list)


def _run_children(run: Run, answers, probes_by_fn: dict, deadline: float) -> _Session:
    state = _Session()
    setup = [(gid, run.source.code(gid)) for gid in run.assignment.setup_cells]
    visible_ids = [task.test_cell for task in run.assignment.tasks]
    pending = [fn for fn in probes_by_fn if probes_by_fn[fn]]
    first = True
    while True:
        todo_visible = [gid for gid in visible_ids if gid not in state.visible]
        if not pending and not todo_visible:
            break
        if time.monotonic() >= deadline:
            state.incidents.append(f"timeout after {run.timeout:g} s")
            break
        job = {
            "setup": setup,
            "answer": answers,
            "probes": [p for fn in pending for p in probes_by_fn[fn]],
            "visible": [(gid, run.source.code(gid)) for gid in todo_visible],
            "max_values": MAX_VALUES,
            "drivers": run.drivers,
        }
        child = sandbox.Child(run.sandbox, job, run.limits)
        phase, current, step_deadline = "cells", None, deadline
        expected = {p["label"] for p in job["probes"]}
        ended = None
        try:
            while True:
                event = child.next_event(step_deadline)
                if event is None:
                    break
                kind = event.get("event")
                if kind == "cell" and first and event.get("error"):
                    if len(state.cell_errors) < MAX_CELL_ERRORS:  # a result stays small
                        state.cell_errors.append({"cell": event.get("id"), **event["error"]})
                    if event["error"].get("type") == "MemoryError":
                        state.incidents.append("memory limit exceeded")
                elif kind == "ready":
                    pass
                elif kind == "cells_done":
                    phase = "probes"
                elif kind == "function" and event.get("name") in pending:
                    current = event["name"]
                    left = max(len(pending), 1)
                    budget = max((deadline - time.monotonic()) / left, 1.0)
                    step_deadline = min(deadline, time.monotonic() + budget)
                elif kind == "probe" and event.get("label") in expected:
                    label = event["label"]
                    state.outputs[label] = event
                    fn = label.split(":", 1)[0]
                    if fn in pending and all(
                        p["label"] in state.outputs for p in probes_by_fn[fn]
                    ):
                        pending.remove(fn)
                        current = None  # a death from here on is not this function's
                elif kind == "visible_start":
                    phase, step_deadline = "visible", deadline
                elif kind == "visible" and event.get("id") in visible_ids:
                    state.visible[event["id"]] = event
                elif kind == "done":
                    phase = "done"
                elif kind not in _EVENTS:
                    if {"kind": "tampering", "detail": _CHANNEL} not in state.flags:
                        state.flags.append({"kind": "tampering", "detail": _CHANNEL})
        except TimeoutError:
            child.kill()
            ended = "timeout"
        how = child.finish()
        if child.flooded:
            ended = "flood"
        first = False
        if phase == "done":
            break
        reason = {
            "timeout": f"timeout after {run.timeout:g} s",
            "flood": "the notebook flooded the grader's channel",
        }.get(ended, f"the grading process ended early ({how or 'exit code 0'})")
        if ended is None and how == "":
            reason = "the notebook ended the grading process early (exit code 0)"
        if phase == "cells":
            state.incidents.append(reason + " while running the notebook's cells")
            _fail(state, [p for fn in pending for p in probes_by_fn[fn]], "cells", reason)
            break
        elif phase == "probes" and current is not None:
            state.incidents.append(f"{reason} in {current}")
            _fail(state, probes_by_fn[current], ended, reason)
            pending = [fn for fn in pending if fn != current]
        else:
            for gid in todo_visible:
                state.visible.setdefault(gid, {"error": {"type": "unfinished", "message": reason}})
            if phase == "probes":  # died between functions
                _fail(state, [p for fn in pending for p in probes_by_fn[fn]], ended, reason)
                state.incidents.append(reason)
                pending = []
            break
    for gid in visible_ids:
        state.visible.setdefault(gid, {"error": {"type": "unfinished", "message": "not run"}})
    return state


_CHANNEL = "unexpected output on the grader's result channel"
_EVENTS = {"ready", "cell", "cells_done", "function", "probe", "visible_start", "visible", "done"}


def _fail(state: _Session, probes, ended, reason):
    kind = {"timeout": "timeout", "cells": "cells"}.get(ended, "crash")
    for probe in probes:
        state.outputs.setdefault(
            probe["label"],
            {"value": None, "error": {"type": kind, "message": reason}, "tripwire": []},
        )


JUDGE_SECONDS = 10.0  # for all of one submission's checks; a correct answer takes milliseconds
MAX_MESSAGE = 500  # characters of a failed check's message
_SLOW = ("checking the values your function returned took too long (their number or shape "
         "is far from what was asked)")


class _JudgeOverran(BaseException):
    """Raised inside a judge past its deadline; a BaseException, so that a judge's own
    ``except Exception`` cannot swallow it."""


def _bounded(judge, values, probes, deadline: float) -> Verdict | None:
    """``judge(values, probes)`` as a Verdict, or ``None`` if it ran past ``deadline``.

    Judges run here, in the trusted parent, on arrays the student fully controls (a
    function may return anything, and forged events carry any well-formed arrays), so a
    judge that is slow on some input would otherwise stall the whole class run. Past the
    deadline a watchdog raises _JudgeOverran in this thread (between two bytecodes; each
    NumPy call on at most a million values is short). A judge that raises returns a
    failed Verdict: odd shapes or types are the student's.
    """
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        return None
    thread, lock, running = threading.get_ident(), threading.Lock(), [True]

    def interrupt():
        with lock:
            if running[0]:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread),
                                                           ctypes.py_object(_JudgeOverran))

    watchdog = threading.Timer(remaining, interrupt)
    watchdog.daemon = True
    watchdog.start()
    try:
        try:
            verdict = judge(values, probes)
        finally:
            with lock:
                running[0] = False
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), None)
            watchdog.cancel()
    except _JudgeOverran:
        return None
    except Exception:  # odd shapes or types that a judge did not foresee
        return Verdict(False, "the returned values have an unexpected shape or type for this "
                              "check")
    if not isinstance(verdict, Verdict):
        raise TypeError(f"a judge returned {type(verdict).__name__}, not a Verdict")
    message = str(verdict.message)
    if len(message) > MAX_MESSAGE:
        verdict = Verdict(verdict.passed, message[:MAX_MESSAGE] + "...")
    return verdict


def _judge(run: Run, state: _Session, missing: list[str], made: dict) -> list[dict]:
    checks = []
    deadline = time.monotonic() + JUDGE_SECONDS
    for task in run.assignment.tasks:
        for check in task.checks:
            labels = [f"{task.function}:{name}" for name in check.probes]
            values, error, hits = {}, None, []
            for label, short in zip(labels, check.probes, strict=True):
                event = state.outputs.get(label, {"error": {"type": "crash", "message": "lost"}})
                hits += event.get("tripwire") or []
                if event.get("error") or not isinstance(event.get("value"), dict):
                    error = event.get("error") or {"type": "crash", "message": "no value"}
                    break
                try:
                    values[short] = _decode(event["value"])
                except (ValueError, TypeError, KeyError):
                    error = {"type": "ValueError", "message": "unreadable values"}
                    break
            if error is not None:
                verdict = Verdict(False, _failure_message(
                    task.function, dict(error, tripwire=hits), task.function in missing))
            else:
                verdict = _bounded(check.judge, values, made[task.function], deadline)
                if verdict is None:
                    verdict = Verdict(False, _SLOW)
                    slow = f"judging its returned values took more than {JUDGE_SECONDS:g} s"
                    if slow not in state.incidents:
                        state.incidents.append(slow)
                if not verdict.passed and hits:  # it caught the tripwire and carried on
                    verdict = Verdict(False, _failure_message(
                        task.function, {"tripwire": hits}, False))
            checks.append({
                "function": task.function,
                "check": check.name,
                "points": check.points,
                "earned": check.points if verdict.passed else 0.0,
                "passed": bool(verdict.passed),
                "message": "" if verdict.passed else verdict.message,
            })
    return checks


def grade_submission(run: Run, student: str, path: Path, flags=()) -> dict:
    """Grade one notebook; always returns a result (never raises for the student's code)."""
    started = time.monotonic()
    try:  # hash and grade the same bytes, even if the file is replaced meanwhile
        data = notebook.read_bytes(path)
        digest, problem = hashlib.sha256(data).hexdigest(), ""
    except notebook.NotebookError as exc:
        digest, problem = ledger.sha256_file(path), str(exc)
    seed = ledger.seed_for(digest, run.assignment.name, run.seed_key)
    result = {
        "student": student,
        "assignment": run.assignment.name,
        "version": run.assignment.version,
        "submission": str(path.relative_to(run.course)) if path.is_relative_to(run.course)
        else str(path),
        "sha256": digest,
        "seed": seed,
        "max_score": run.assignment.max_score,
        "isolation": run.sandbox.level,
        "timeout": run.timeout,
        "fingerprint": run.fingerprint,
        "flags": list(flags),
    }
    try:
        if problem:
            raise notebook.NotebookError(problem)
        nb = notebook.parse(data, path.name)
        extraction = notebook.extract(nb, run.source, run.assignment)
    except notebook.NotebookError as exc:
        return dict(result, status=f"error: {exc}", score=0.0, checks=[], visible=[],
                    cell_errors=[], seconds=time.monotonic() - started)
    streams = np.random.SeedSequence(seed).spawn(len(run.assignment.tasks))
    probes_by_fn, made = {}, {}
    for task, stream in zip(run.assignment.tasks, streams, strict=True):
        made[task.function] = {p.label: p for p in task.probes(stream)}
        probes_by_fn[task.function] = [
            {"label": f"{task.function}:{p.label}", "function": p.function,
             "args": list(p.args), "driver": p.driver}
            for p in made[task.function].values()
        ]
    state = _run_children(run, extraction.answers, probes_by_fn, started + run.timeout)
    checks = _judge(run, state, extraction.missing, made)
    tripwires = sorted({name for e in state.outputs.values() for name in e.get("tripwire", [])})
    score = float(sum(c["earned"] for c in checks))
    status = "graded"
    if state.incidents:
        status = "error: " + "; ".join(dict.fromkeys(state.incidents))
    visible = [
        {"cell": gid, "passed": not event.get("error"), "error": event.get("error")}
        for gid, event in state.visible.items()
    ]
    return dict(
        result,
        status=status,
        score=score,
        checks=checks,
        visible=visible,
        cell_errors=state.cell_errors,
        flags=result["flags"] + extraction.flags + state.flags,
        tripwire=tripwires,
        seconds=time.monotonic() - started,
    )


def scan_submissions(course: Path, assignment: Assignment) -> tuple[dict, dict, dict]:
    """(student -> notebook, student -> flags, student -> why the folder cannot be graded).

    A student folder for the assignment is graded from ``NAME.ipynb``, or from its only
    notebook (flagged as renamed). A folder with no notebook, several and none of the
    right name, or only a symbolic link (never followed: it could point at the solution)
    is a problem for a person, not a missing submission.
    """
    found, flags, problems = {}, {}, {}
    root = course / "submitted"
    if not root.is_dir():
        return found, flags, problems
    for student_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        student, folder = student_dir.name, student_dir / assignment.name
        if not folder.is_dir():
            continue
        if not valid_student_id(student):
            problems[printable(student)] = (
                f"the folder name {printable(student)!r} in submitted/ is not a usable student "
                f"id (letters, digits and _ . @ -, starting with a letter or digit): rename it")
            continue
        notebooks = sorted(folder.glob("*.ipynb"))
        canonical = folder / assignment.notebook
        links = [p.name for p in notebooks if p.is_symlink()]
        notebooks = [p for p in notebooks if not p.is_symlink() and p.is_file()]
        if canonical in notebooks:
            found[student] = canonical
        elif len(notebooks) == 1:
            found[student] = notebooks[0]
            flags[student] = [{
                "kind": "renamed",
                "detail": f"notebook named {notebooks[0].name}, not {assignment.notebook}",
            }]
        elif notebooks:
            problems[student] = (f"{len(notebooks)} notebooks in {folder.relative_to(course)} "
                                 f"and none named {assignment.notebook}: keep only one")
        elif links:
            problems[student] = (f"{links[0]} in {folder.relative_to(course)} is a symbolic "
                                 f"link, never followed: put the file itself there")
        else:
            problems[student] = f"no notebook in {folder.relative_to(course)}"
    return found, flags, problems


def find_submissions(course: Path, assignment: Assignment) -> tuple[dict, dict]:
    """(student -> notebook path, student -> flags) for every gradable submission."""
    found, flags, _ = scan_submissions(course, assignment)
    return found, flags


def grade_class(course: Path, name: str, *, students=None, workers: int = 2,
                timeout: float = 30.0, force: bool = False, isolation: str = "auto",
                memory_mb: int = 1024, report: Callable[[str], None] = print,
                progress: bool = True) -> list[dict]:
    """Grade every (or the named) student's submission; returns the results written.

    One grading or collecting command at a time works on an assignment (ledger.lock).
    """
    with ledger.lock(course, name):
        run = Run.prepare(course, name, timeout=timeout, isolation=isolation,
                          memory_bytes=memory_mb * 2**20)
        try:
            return _grade_all(run, students, workers, force, report, progress)
        finally:
            run.close()


def _grade_all(run: Run, students, workers: int, force: bool, report, progress: bool):
    from tqdm import tqdm

    from autograder import gradebook

    course, name, timeout = run.course, run.assignment.name, run.timeout
    for warning in run.warnings:
        report(f"warning: {warning}")
    report(f"isolation: {run.sandbox.describe()}")
    found, flags, problems = scan_submissions(course, run.assignment)
    for student, problem in problems.items():
        if not students or student in students:
            report(f"{student}: error: {problem} (not graded)")
    for student, entry in ledger.read_manifest(course, name).items():
        for flag in entry["flags"]:
            flags.setdefault(student, []).append(flag)
    if students:
        unknown = [s for s in students if s not in found]
        if unknown:
            raise LookupError(f"no submission of {name} for student(s) {', '.join(unknown)}")
        found = {s: found[s] for s in students}
    todo, done = {}, []
    for student, path in found.items():
        old = ledger.read_result(course, name, student)
        if (not force and old and old.get("sha256") == _digest(path)
                and old.get("version") == run.assignment.version
                and old.get("timeout") == timeout and not old.get("grader_failed")
                and old.get("fingerprint") == run.fingerprint):
            done.append(old)
            report(f"{student}: {old['status']} {old['score']:g}/{old['max_score']:g} "
                   f"(already graded)")
        else:
            todo[student] = path
    gradebook.ensure_assignment(course, name)
    written = []
    bar = tqdm(total=len(todo), desc=f"grading {name}", unit="submission",
               disable=not progress, leave=False)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {
            pool.submit(grade_submission, run, s, p, flags.get(s, [])): s
            for s, p in todo.items()
        }
        for future in as_completed(futures):
            try:
                result = future.result()
            except Exception as exc:  # a grader bug must not cost the class its run
                student = futures[future]
                report(f"{student}: the grader failed on this submission:\n"
                       + "".join(traceback.format_exception(exc)).rstrip())
                result = _grader_failed(run, student, todo[student], flags.get(student, []),
                                        exc)
            ledger.write_json(ledger.result_path(course, name, result["student"]), result)
            written.append(result)
            bar.update(1)
            line = (f"{result['student']}: {result['status']} "
                    f"{result['score']:g}/{result['max_score']:g}")
            bar.write(line) if progress else report(line)
    bar.close()
    gradebook.sync(course, run.assignment, done + written)
    return done + written


def _digest(path: Path) -> str:
    try:
        return ledger.sha256_file(path)
    except OSError:
        return ""


def _grader_failed(run: Run, student: str, path: Path, flags, exc: BaseException) -> dict:
    """The outcome of a submission the grader itself failed on (regraded on the next run)."""
    digest = _digest(path)
    return {
        "student": student, "assignment": run.assignment.name,
        "version": run.assignment.version, "sha256": digest, "seed": None,
        "max_score": run.assignment.max_score, "isolation": run.sandbox.level,
        "timeout": run.timeout, "flags": list(flags), "grader_failed": True,
        "status": f"error: the grader failed on this submission ({type(exc).__name__}); "
                  f"its log has the details",
        "score": 0.0, "checks": [], "visible": [], "cell_errors": [], "tripwire": [],
        "seconds": 0.0,
    }
