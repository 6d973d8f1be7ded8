"""Outcomes per (student, assignment) and the CSV export.

Every student the course knows (a folder in ``submitted/``, the gradebook, or a result)
gets exactly one row per assignment: ``graded``, ``error: <reason>`` or ``missing``. A
submission that changed after grading, or was never graded, is an error row that says so,
never a silent zero. The score is the gradebook's final score: a manual score a person
entered in formgrader wins over the autograder's for its cell.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from autograder import gradebook, ledger
from autograder.folders import CourseFolder
from autograder.result import Result
from autograder.spec import available, load
from autograder.submissions import scan_submissions
from autograder.untrusted import csv_cell, valid_student_id

COLUMNS = ("student", "assignment", "score", "max_score", "status")


def students(course: Path) -> list[str]:
    known = set(gradebook.students(course))
    submitted = CourseFolder.of(course).submitted
    if submitted.is_dir():
        known |= {p.name for p in submitted.iterdir() if p.is_dir()
                  and valid_student_id(p.name)}
    for name in available():
        known |= set(ledger.results(course, name))
    return sorted(known)


def final_score(assignment, result: dict, cells: dict[str, dict]) -> float:
    """The gradebook's final score: per task cell, a person's manual score where there is
    one, else the autograder's points; plus any extra credit (nbgrader's rule)."""
    total = 0.0
    for task in assignment.tasks:
        entry = cells.get(task.test_cell, {"manual": None, "extra": 0.0})
        earned = result.earned(task.function)
        total += (earned if entry["manual"] is None else entry["manual"]) + entry["extra"]
    return float(total)


@dataclass
class Outcome:
    """One student's row for one assignment: ``graded``, ``error: <reason>`` or ``missing``."""

    student: str
    assignment: str
    max_score: float
    score: float
    status: str
    result: Result | None = None
    auto_score: float | None = None  # the autograder's, when a person set the final score
    override: dict | None = None  # cells a person scored in formgrader


def outcomes(course: Path, name: str, everyone: list[str] | None = None) -> list[Outcome]:
    """One row per student for assignment ``name``, with the full result when there is one.

    ``score`` is the final score: the autograder's, unless a person entered a manual score
    (or extra credit) in formgrader; then ``auto_score`` keeps the autograder's and
    ``override`` says which cells a person scored.
    """
    assignment = load(name)
    found, _, problems = scan_submissions(course, assignment)
    results = ledger.results(course, name)
    people = gradebook.overrides(course, assignment)
    rows = []
    for student in everyone if everyone is not None else students(course):
        result = results.get(student)
        path = found.get(student)
        row = Outcome(student, name, float(assignment.max_score), 0.0, "missing", result)
        if student in problems:
            row.status = f"error: {problems[student]}"
        elif path is None:
            pass
        elif result is None:
            row.status = f"error: not graded yet (run autograder grade {name})"
        elif result.sha256 != ledger.sha256_file(path):
            row.status = (f"error: the submission changed after grading "
                          f"(run autograder grade {name})")
        else:
            row.score, row.status = result.score, result.status
            if people.get(student):
                row.auto_score, row.override = row.score, people[student]
                row.score = final_score(assignment, result, people[student])
        rows.append(row)
    return rows


def export_csv(course: Path, output: Path) -> int:
    everyone = students(course)
    names = [n for n in CourseFolder.of(course).assignments() if n in available()]
    output.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(output, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for name in names:
            for row in outcomes(course, name, everyone):
                writer.writerow([csv_cell(row.student), row.assignment, f"{row.score:g}",
                                 f"{row.max_score:g}", csv_cell(row.status)])
                count += 1
    return count
