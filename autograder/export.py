"""Outcomes per (student, assignment) and the CSV export.

Every student the course knows (a folder in ``submitted/``, the gradebook, or a result)
gets exactly one row per assignment: ``graded``, ``error: <reason>`` or ``missing``. A
submission that changed after grading, or was never graded, is an error row that says so,
never a silent zero.
"""

from __future__ import annotations

import csv
from pathlib import Path

from autograder import gradebook, ledger
from autograder.grading import find_submissions
from autograder.spec import available, load

COLUMNS = ("student", "assignment", "score", "max_score", "status")


def students(course: Path) -> list[str]:
    known = set(gradebook.students(course))
    submitted = course / "submitted"
    if submitted.is_dir():
        known |= {p.name for p in submitted.iterdir() if p.is_dir()}
    for name in available():
        known |= set(ledger.results(course, name))
    return sorted(known)


def outcomes(course: Path, name: str, everyone: list[str] | None = None) -> list[dict]:
    """One row per student for assignment ``name``, with the full result when there is one."""
    assignment = load(name)
    found, _ = find_submissions(course, assignment)
    results = ledger.results(course, name)
    rows = []
    for student in everyone if everyone is not None else students(course):
        result = results.get(student)
        path = found.get(student)
        row = {"student": student, "assignment": name, "max_score": assignment.max_score,
               "result": result}
        if path is None:
            row.update(score=0.0, status="missing")
        elif result is None:
            row.update(score=0.0, status=f"error: not graded yet (run autograder grade {name})")
        elif result.get("sha256") != ledger.sha256_file(path):
            row.update(score=0.0, status=f"error: the submission changed after grading "
                                         f"(run autograder grade {name})")
        else:
            row.update(score=float(result["score"]), status=result["status"])
        rows.append(row)
    return rows


def export_csv(course: Path, output: Path) -> int:
    everyone = students(course)
    names = [n for n in available() if (course / "source" / n).is_dir()]
    output.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(output, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for name in names:
            for row in outcomes(course, name, everyone):
                writer.writerow([row["student"], row["assignment"], f"{row['score']:g}",
                                 f"{row['max_score']:g}", row["status"]])
                count += 1
    return count
