"""Keep nbgrader's gradebook in step with the grader's results, through nbgrader's own API.

For every graded submission the visible test cell of each task (a grade cell in nbgrader's
terms) gets ``auto_score`` = the hidden checks' points earned for that task, so
formgrader, ``nbgrader export`` and ``autograder export`` show the same totals. A score a
person typed in formgrader (``manual_score``, plus any extra credit) is never overwritten
and is the final score of its cell, for ``nbgrader export`` and ``autograder export``
alike. Only the trusted parent touches the gradebook; student code never runs while it is
open.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import time
import warnings
from pathlib import Path

from autograder.folders import CourseFolder
from autograder.result import Result
from autograder.spec import Assignment


def _venv_on_path():
    """nbgrader runs the ``alembic`` program when it creates gradebook.db."""
    bindir = os.path.dirname(sys.executable)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


def config(course: Path):
    """nbgrader's configuration for ``course``: its nbgrader_config.py, rooted at ``course``."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    course_folder, cfg = CourseFolder.of(course), Config()
    settings = course_folder.nbgrader_config
    if settings.exists():
        cfg.merge(PyFileConfigLoader(settings.name, path=str(settings.parent)).load_config())
    cfg.CourseDirectory.root = str(course_folder.root.resolve())
    return cfg


def api(course: Path):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    _venv_on_path()
    cfg = config(course)
    return NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)


def generate(course: Path, name: str) -> None:
    """nbgrader's generate_assignment (writes release/NAME and the gradebook's cells)."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        outcome = api(course).generate_assignment(name, force=True, create=True)
    if not outcome.get("success"):
        log = (outcome.get("error") or outcome.get("log") or "").strip().splitlines()
        raise RuntimeError(f"nbgrader could not generate {name}: {log[-1] if log else '?'}")


def _open(course: Path):
    from nbgrader.api import Gradebook

    _venv_on_path()
    return Gradebook(f"sqlite:///{CourseFolder.of(course).gradebook_db.resolve()}")


class NotReleased(RuntimeError):
    """The gradebook does not know the assignment: it was never released."""


def ensure_assignment(course: Path, name: str) -> None:
    """Check that the gradebook knows ``name``; grading never releases as a side effect."""
    from nbgrader.api import MissingEntry

    course_folder = CourseFolder.of(course)

    def known():
        if not course_folder.gradebook_db.exists():
            return False
        with _open(course) as gb:
            try:
                gb.find_assignment(name)
                return True
            except MissingEntry:
                return False

    if not _retrying(course, known):
        raise NotReleased(f"the gradebook of {course_folder.root} does not know {name}: "
                          f"release it first (autograder release {name} --course "
                          f"{course_folder.root})")


GRADEBOOK_WAIT = 60.0  # seconds to keep retrying while another program holds the gradebook


class GradebookBusy(RuntimeError):
    """The gradebook stayed locked by another program (formgrader, nbgrader)."""


def _retrying(course: Path, action):
    """Run ``action()``, again while SQLite reports the gradebook locked (up to GRADEBOOK_WAIT).

    Every writer here sets values rather than adding to them, so a retry from the start
    after a failure part way is safe.
    """
    from sqlalchemy.exc import OperationalError

    started = time.monotonic()
    while True:
        try:
            return action()
        except OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() - started >= GRADEBOOK_WAIT:
                raise GradebookBusy(
                    f"the gradebook {CourseFolder.of(course).gradebook_db} stayed locked for "
                    f"{GRADEBOOK_WAIT:g} s (formgrader or an nbgrader command is writing to "
                    f"it); the results are saved: run the command again to copy them in"
                ) from None
            time.sleep(0.5)


def sync(course: Path, assignment: Assignment, results: list[Result]) -> None:
    """Write each result's per-task points into the gradebook as auto scores.

    A manual score (``manual_score``, typed by a person in formgrader) is never changed:
    it stays the gradebook's final score for that cell. If the autograder's points for
    such a cell change (a new submission, changed checks), the cell is marked as needing
    a manual grade again, as nbgrader's own autograde does. A cell without a manual score
    needs one when the submission's status is an error.
    """
    _retrying(course, lambda: _sync(course, assignment, results))


def _sync(course: Path, assignment: Assignment, results: list[Result]) -> None:
    from nbgrader.api import MissingEntry

    notebook_id = Path(assignment.notebook).stem
    with warnings.catch_warnings(), _open(course) as gb:
        # nbgrader's add_submission triggers harmless SQLAlchemy autoflush warnings.
        warnings.simplefilter("ignore")
        for result in results:
            student = result.student
            gb.update_or_create_student(student)
            try:
                gb.find_submission(assignment.name, student)
            except MissingEntry:
                gb.add_submission(assignment.name, student)
            for task in assignment.tasks:
                earned = result.earned(task.function)
                grade = gb.find_grade(task.test_cell, notebook_id, assignment.name, student)
                changed = grade.auto_score is None or abs(grade.auto_score - earned) > 1e-9
                grade.auto_score = earned
                if grade.manual_score is None:
                    grade.needs_manual_grade = not result.graded
                elif changed:
                    grade.needs_manual_grade = True
            gb.db.commit()


def overrides(course: Path, assignment: Assignment) -> dict[str, dict[str, dict]]:
    """What people entered in formgrader for the tasks' cells, by student and cell.

    ``{student: {test_cell: {"manual": manual score or None, "extra": extra credit}}}``,
    only for cells with a manual score or extra credit; empty without a gradebook.
    """
    if not CourseFolder.of(course).gradebook_db.exists():
        return {}
    cells = {task.test_cell for task in assignment.tasks}

    def read():
        from nbgrader.api import MissingEntry

        out: dict[str, dict[str, dict]] = {}
        with _open(course) as gb:
            try:
                submissions = gb.assignment_submissions(assignment.name)
            except MissingEntry:
                return {}
            for submission in submissions:
                for nb in submission.notebooks:
                    for grade in nb.grades:
                        if grade.name in cells and (grade.manual_score is not None
                                                    or grade.extra_credit):
                            manual = grade.manual_score
                            out.setdefault(submission.student.id, {})[grade.name] = {
                                "manual": None if manual is None else float(manual),
                                "extra": float(grade.extra_credit or 0.0),
                            }
        return out

    return _retrying(course, read)


def students(course: Path) -> list[str]:
    """Students the gradebook knows (empty if there is no gradebook yet)."""
    if not CourseFolder.of(course).gradebook_db.exists():
        return []
    with _open(course) as gb:
        return sorted(s.id for s in gb.students)
