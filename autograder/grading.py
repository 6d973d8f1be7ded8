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

import hashlib
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import numpy as np

from autograder import ledger, notebook
from autograder.children import run_children
from autograder.folders import CourseFolder
from autograder.judging import judge
from autograder.result import Flag, Result, VisibleTest
from autograder.run import Run
from autograder.submissions import scan_submissions
from autograder.untrusted import printable


def _blank(run: Run, student: str, path: Path, digest: str, seed, flags) -> Result:
    """A result with this run's and submission's facts, not yet graded."""
    shown = printable(str(CourseFolder.of(run.course).relative(path)))
    return Result(student=student, assignment=run.assignment.name, status="graded",
                  score=0.0, max_score=float(run.assignment.max_score), sha256=digest,
                  version=run.assignment.version, submission=shown, seed=seed,
                  isolation=run.sandbox.level, timeout=run.timeout,
                  fingerprint=run.fingerprint, flags=[_flag(f) for f in flags])


def _flag(flag) -> Flag:
    return flag if isinstance(flag, Flag) else Flag(str(flag["kind"]), str(flag["detail"]))


def grade_submission(run: Run, student: str, path: Path, flags=()) -> Result:
    """Grade one notebook; always returns a result (never raises for the student's code)."""
    started = time.monotonic()
    try:  # hash and grade the same bytes, even if the file is replaced meanwhile
        data = notebook.read_bytes(path)
        digest, problem = hashlib.sha256(data).hexdigest(), ""
    except notebook.NotebookError as exc:
        digest, problem = ledger.sha256_file(path), str(exc)
    seed = ledger.seed_for(digest, run.assignment.name, run.seed_key)
    result = _blank(run, student, path, digest, seed, flags)
    try:
        if problem:
            raise notebook.NotebookError(problem)
        nb = notebook.parse(data, path.name)
        extraction = notebook.extract(nb, run.source, run.assignment)
    except notebook.NotebookError as exc:
        result.status, result.seconds = f"error: {exc}", time.monotonic() - started
        return result
    result.answers = {cell_id: notebook.code_digest(code)
                      for cell_id, code in extraction.answers}
    streams = np.random.SeedSequence(seed).spawn(len(run.assignment.tasks))
    probes_by_fn, made = {}, {}
    for task, stream in zip(run.assignment.tasks, streams, strict=True):
        made[task.function] = {p.label: p for p in task.probes(stream)}
        probes_by_fn[task.function] = [
            {"label": f"{task.function}:{p.label}", "function": p.function,
             "args": list(p.args), "driver": p.driver}
            for p in made[task.function].values()
        ]
    state = run_children(run, extraction.answers, probes_by_fn, started + run.timeout)
    result.checks = judge(run, state, extraction.missing, made)
    result.tripwire = sorted({name for e in state.outputs.values()
                              for name in e.get("tripwire", [])})
    result.score = float(sum(c.earned for c in result.checks))
    if state.incidents:
        result.status = "error: " + "; ".join(dict.fromkeys(state.incidents))
    result.visible = [VisibleTest(gid, error is None, error)
                      for gid, error in state.visible.items()]
    result.cell_errors = state.cell_errors
    result.flags += [_flag(f) for f in extraction.flags] + state.flags
    result.seconds = time.monotonic() - started
    return result


def grade_class(course: Path, name: str, *, students=None, workers: int = 2,
                timeout: float = 30.0, force: bool = False, isolation: str = "auto",
                memory_mb: int = 1024, report: Callable[[str], None] = print,
                progress: bool = True) -> list[Result]:
    """Grade every (or the named) student's submission; returns the results written.

    One grading or collecting command at a time works on an assignment (ledger.lock).
    The assignment must have been released (the gradebook knows it): grading never
    releases.
    """
    from autograder import gradebook

    with ledger.lock(course, name):
        gradebook.ensure_assignment(course, name)
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
            report(printable(f"{student}: error: {problem} (not graded)"))
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
        if (not force and old and old.sha256 == _digest(path)
                and old.version == run.assignment.version
                and old.timeout == timeout and not old.grader_failed
                and old.fingerprint == run.fingerprint):
            done.append(old)
            report(printable(f"{student}: {old.status} {old.score:g}/{old.max_score:g} "
                             f"(already graded)"))
        else:
            todo[student] = path
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
            ledger.write_result(course, result)
            written.append(result)
            bar.update(1)
            line = printable(f"{result.student}: {result.status} "
                             f"{result.score:g}/{result.max_score:g}")
            bar.write(line) if progress else report(line)
    bar.close()
    gradebook.sync(course, run.assignment, done + written)
    return done + written


def _digest(path: Path) -> str:
    try:
        return ledger.sha256_file(path)
    except OSError:
        return ""


def _grader_failed(run: Run, student: str, path: Path, flags, exc: BaseException) -> Result:
    """The outcome of a submission the grader itself failed on (regraded on the next run)."""
    result = _blank(run, student, path, _digest(path), None, flags)
    result.grader_failed = True
    result.status = (f"error: the grader failed on this submission ({type(exc).__name__}); "
                     f"its log has the details")
    return result
