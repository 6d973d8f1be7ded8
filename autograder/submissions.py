"""Find each student's submission of an assignment in ``DIR/submitted/``."""

from __future__ import annotations

from pathlib import Path

from autograder.folders import CourseFolder
from autograder.spec import Assignment
from autograder.untrusted import printable, valid_student_id


def scan_submissions(course: Path, assignment: Assignment) -> tuple[dict, dict, dict]:
    """(student -> notebook, student -> flags, student -> why the folder cannot be graded).

    A student folder for the assignment is graded from ``NAME.ipynb``, or from its only
    notebook (flagged as renamed). A folder with no notebook, several and none of the
    right name, or only a symbolic link (never followed: it could point at the solution)
    is a problem for a person, not a missing submission.
    """
    found, flags, problems = {}, {}, {}
    course_folder = CourseFolder.of(course)
    root = course_folder.submitted
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
        links = [printable(p.name) for p in notebooks if p.is_symlink()]
        notebooks = [p for p in notebooks if not p.is_symlink() and p.is_file()]
        if canonical in notebooks:
            found[student] = canonical
        elif len(notebooks) == 1:
            found[student] = notebooks[0]
            flags[student] = [{
                "kind": "renamed",
                "detail": (f"notebook named {printable(notebooks[0].name)}, "
                           f"not {assignment.notebook}"),
            }]
        elif notebooks:
            problems[student] = (f"{len(notebooks)} notebooks in {course_folder.relative(folder)} "
                                 f"and none named {assignment.notebook}: keep only one")
        elif links:
            problems[student] = (f"{links[0]} in {course_folder.relative(folder)} is a symbolic "
                                 f"link, never followed: put the file itself there")
        else:
            problems[student] = f"no notebook in {course_folder.relative(folder)}"
    return found, flags, problems


def find_submissions(course: Path, assignment: Assignment) -> tuple[dict, dict]:
    """(student -> notebook path, student -> flags) for every gradable submission."""
    found, flags, _ = scan_submissions(course, assignment)
    return found, flags
