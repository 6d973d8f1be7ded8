"""Outcomes per (student, assignment) and the CSV export.

Every student the course knows (a folder in ``submitted/``, the gradebook, or a result)
gets exactly one row per assignment: ``graded``, ``error: <reason>`` or ``missing``. A
submission that changed after grading, or was never graded, is an error row that says so,
never a silent zero. The score is the gradebook's final score: a manual score a person
entered in formgrader wins over the autograder's for its cell.

The export writes ``DIR/autograder_grades.csv`` by default (``nbgrader export`` writes
``grades.csv``; the two never share a file) and never replaces a file it did not write:
each file it writes is recorded with its SHA-256 in ``DIR/.autograder/exports.json``, and
an existing output is replaced only while it is byte for byte that earlier export.
"""

from __future__ import annotations

import csv
import os
import tempfile
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


def exported_assignments(course: Path) -> list[str]:
    """The assignments an export covers, in source/ order: those released or graded. One
    still only in source/ has no submissions to miss, so it gets no rows."""
    from autograder.release import was_released

    return [n for n in CourseFolder.of(course).assignments() if n in available()
            and (was_released(course, n) or ledger.results(course, n))]


class OutputRefused(RuntimeError):
    """The output file exists and is not an earlier export: it is never replaced."""


def _record_key(course: Path, output: Path) -> str:
    """How the record names ``output``: relative to the course folder when inside it."""
    root, path = Path(course).resolve(), output.resolve()
    return (path.relative_to(root) if path.is_relative_to(root) else path).as_posix()


def _is_earlier_export(course: Path, output: Path) -> bool:
    if output.is_symlink() or not output.is_file():
        return False
    record = ledger.read_json(CourseFolder.of(course).exports_record, {})
    return isinstance(record, dict) and \
        record.get(_record_key(course, output)) == ledger.sha256_file(output)


def check_output(course: Path, output: Path) -> None:
    """Raise :class:`OutputRefused` unless ``output`` is free or is an earlier export that
    nobody changed since (the export may replace only its own files)."""
    output = Path(output)
    if os.path.lexists(output) and not _is_earlier_export(course, output):
        raise OutputRefused(
            f"{output} already exists and autograder export did not write it (or it was "
            f"changed since), so it is left as it is and nothing was written: pass --output "
            f"with another file name, or move or remove {output} first")


def write_csv(course: Path, output: Path, rows, *, delimiter: str = ",",
              bom: bool = False) -> None:
    """Write ``rows`` to ``output`` whole or not at all, after :func:`check_output`, and
    record the file as the export's own."""
    output = Path(output)
    check_output(course, output)
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
            csv.writer(handle, delimiter=delimiter).writerows(rows)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as open() would have made it; mkstemp makes 0600
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    record_path = CourseFolder.of(course).exports_record
    record = ledger.read_json(record_path, {})
    record = record if isinstance(record, dict) else {}
    record[_record_key(course, output)] = ledger.sha256_file(output)
    ledger.write_json(record_path, record)


def export_csv(course: Path, output: Path) -> int:
    everyone = students(course)
    rows = [list(COLUMNS)]
    for name in exported_assignments(course):
        for row in outcomes(course, name, everyone):
            rows.append([csv_cell(row.student), row.assignment, f"{row.score:g}",
                         f"{row.max_score:g}", csv_cell(row.status)])
    write_csv(course, output, rows)
    return len(rows) - 1
