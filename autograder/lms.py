"""Put the autograder's scores into a Canvas gradebook export, ready for Canvas to import.

The instructor downloads the course's gradebook from Canvas (Grades > Export),
``autograder export --format canvas --roster FILE`` writes a copy with the scores filled
in, and the instructor imports that copy (Grades > Import).

The format, as Canvas documents it (Canvas Instructor Guide, "How do I import grades in
the Gradebook?", https://community.canvaslms.com/t5/Instructor-Guide/How-do-I-import-grades-in-the-Gradebook/ta-p/807,
and the export Canvas writes, ``lib/gradebook_exporter.rb`` in instructure/canvas-lms):

- The first row names the columns: ``Student`` (or ``LastName`` and ``FirstName``),
  ``ID`` (Canvas's own number for the person), ``SIS User ID`` and ``SIS Login ID`` (where
  the school's student information system is linked), sometimes ``Integration ID`` and
  ``Root Account``, then ``Section``, any custom columns, one column per assignment named
  ``Assignment Name (canvas id)``, and last the read-only totals (``Current Score``,
  ``Final Score`` and the like).
- When an assignment posts grades by hand, a row with no name and no ids says so
  (``Manual Posting``) under each such assignment.
- Then a ``Points Possible`` row (its first cell reads ``    Points Possible``): each
  assignment's points, and ``(read only)`` under the totals.
- Then one row per student (Canvas's test student last).
- On import, Canvas finds a column's assignment by its id, or by its name alone; a
  column whose name matches no assignment creates one. Read-only columns are ignored.

What this module writes: every row and column of the roster as it was, in its order,
with its separator (Canvas can export with ``;`` or a tab) and its byte-order mark. For
each graded assignment one column: the roster's own when one is named for it (the name,
or the name followed by `` (id)``), else a new one at the end, named by the assignment,
whose ``Points Possible`` cell is the assignment's maximum. A student's cell gets a
number only when the submission is graded (status ``graded``; the final score, as in
the plain export); otherwise a new column's cell stays empty (never 0, which would read
as a grade) and an existing column's cell is left as the roster had it.

Students are matched by one column for everyone (see :func:`match_column`): by default
``SIS Login ID``, ``SIS User ID`` or ``ID``, whichever holds the most of the course's
student ids (a tie goes to the earlier one in that order); ``--match-column`` picks any
column of the roster instead. A value matches a student id when they are equal after the
roster cell's surrounding spaces are removed (case counts, as in nbgrader's folders).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from autograder import ledger
from autograder.export import Outcome, exported_assignments, outcomes, students, write_csv
from autograder.spec import load
from autograder.untrusted import csv_cell

MATCH_ORDER = ("SIS Login ID", "SIS User ID", "ID")
# Columns that say who a row is: a row with none of them filled is no student.
IDENTITY = ("Student", "LastName", "FirstName", "ID", "SIS User ID", "SIS Login ID",
            "Integration ID")
POINTS_POSSIBLE = "Points Possible"
SEPARATORS = (",", ";", "\t")
CANVAS_ID = re.compile(r" \(\d+\)$")
DECIMAL_COMMA = re.compile(r"\d+,\d+")


class RosterError(ValueError):
    """The roster cannot be read or filled; the message says what to do."""


@dataclass
class Roster:
    """A Canvas gradebook export as read: the header and every other row, unchanged."""

    path: Path
    header: list[str]
    rows: list[list[str]]
    separator: str = ","
    bom: bool = False

    def column(self, name: str) -> int | None:
        names = [cell.strip() for cell in self.header]
        return names.index(name) if name in names else None

    def is_points_row(self, row: list[str]) -> bool:
        """As Canvas's importer reads it: any row whose first cell contains the words."""
        return bool(row) and POINTS_POSSIBLE in row[0]

    @cached_property
    def decimal_comma(self) -> bool:
        """Does the roster write numbers with a decimal comma (``20,00``), as Canvas does
        in languages that do (its export then separates cells with ``;``)?"""
        return any(DECIMAL_COMMA.fullmatch(cell.strip()) for row in self.rows
                   if self.is_points_row(row) for cell in row)

    def number(self, value: float) -> str:
        """``value`` as a cell: written as the roster writes numbers, and never read as a
        formula."""
        text = f"{value:g}"
        return csv_cell(text.replace(".", ",") if self.decimal_comma else text)

    @cached_property
    def identity(self) -> list[int]:
        """The indices of the roster's :data:`IDENTITY` columns."""
        return [i for i in map(self.column, IDENTITY) if i is not None]

    def is_student(self, row: list[str]) -> bool:
        """A student's row: not Points Possible, and with a name or an id filled in."""
        return not self.is_points_row(row) and any(i < len(row) and row[i].strip()
                                                   for i in self.identity)

    def who(self, row: list[str]) -> str:
        """The row as messages name it: the student's name, and the ids Canvas gave."""
        cells = [row[i].strip() for i in self.identity if i < len(row) and row[i].strip()]
        return f"{cells[0]} ({', '.join(cells[1:])})" if len(cells) > 1 else cells[0]


def read_roster(path: Path) -> Roster:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RosterError(f"the roster {path} does not exist (download it from Canvas: "
                          f"Grades > Export)") from None
    except IsADirectoryError:
        raise RosterError(f"the roster {path} is a folder, not a CSV file") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError(f"the roster {path} is not UTF-8 text: save it as CSV UTF-8, or "
                          f"download it from Canvas again") from None
    for separator in SEPARATORS:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
        if rows and {cell.strip() for cell in rows[0]} & set(IDENTITY):
            roster = Roster(path, rows[0], rows[1:], separator,
                            raw.startswith(b"\xef\xbb\xbf"))
            _refuse_student_points_rows(roster)
            return roster
    raise RosterError(f"the roster {path} does not look like a Canvas gradebook export: its "
                      f"first row names none of the columns {', '.join(IDENTITY)}")


def _refuse_student_points_rows(roster: Roster) -> None:
    """Canvas's importer takes any row whose first cell contains "Points Possible" as the
    points row: a student whose name contains it (and who has ids) would set every
    assignment's points. Such a roster is refused, not filled."""
    ids = [i for i in map(roster.column, MATCH_ORDER) if i is not None]
    for number, row in enumerate(roster.rows, 2):
        if roster.is_points_row(row) and any(i < len(row) and row[i].strip() for i in ids):
            raise RosterError(f"row {number} of the roster {roster.path} is a student whose "
                              f"name contains {POINTS_POSSIBLE!r}, which Canvas's importer "
                              f"reads as the points row: rename that student in the roster "
                              f"or remove the row")


def match_column(roster: Roster, known: set[str], chosen: str | None = None) -> tuple[int, int]:
    """(index of the column students are matched by, how many roster students it matches).

    ``chosen`` names it; else the first of :data:`MATCH_ORDER` that matches the most."""
    def matches(index: int) -> int:
        return sum(1 for row in roster.rows if roster.is_student(row) and index < len(row)
                   and row[index].strip() in known)

    if chosen is not None:
        index = roster.column(chosen.strip())
        if index is None:
            raise RosterError(f"the roster {roster.path} has no column {chosen!r} (its columns: "
                              f"{', '.join(cell.strip() for cell in roster.header)})")
        return index, matches(index)
    candidates = [i for i in map(roster.column, MATCH_ORDER) if i is not None]
    if not candidates:
        raise RosterError(f"the roster {roster.path} has none of the columns "
                          f"{', '.join(MATCH_ORDER)}: pass --match-column with the column "
                          f"that holds the students' nbgrader ids")
    counts = {i: matches(i) for i in candidates}
    matching = [i for i in candidates if counts[i]]
    if len(matching) > 1:  # which one is meant is a guess a folder name could steer
        found = ", ".join(f"{roster.header[i].strip()} ({counts[i]})" for i in matching)
        raise RosterError(f"students of the course match more than one column of the roster "
                          f"{roster.path} ({found}): pass --match-column with the column that "
                          f"holds the students' nbgrader ids")
    best = matching[0] if matching else candidates[0]
    return best, counts[best]


@dataclass
class Filled:
    """The filled gradebook's rows, and what the instructor should read about them."""

    rows: list[list[str]]
    column: str
    matched: int
    assignments: list[str] = field(default_factory=list)
    scores: int = 0
    notes: list[str] = field(default_factory=list)


def _assignment_column(roster: Roster, name: str) -> int | None:
    """The roster's column for assignment ``name``: named ``name`` or ``name (id)``."""
    found = [i for i, cell in enumerate(roster.header)
             if CANVAS_ID.sub("", cell.strip()) == name]
    if len(found) > 1:
        raise RosterError(f"the roster {roster.path} has {len(found)} columns named for "
                          f"{name} ({', '.join(roster.header[i] for i in found)}): keep one")
    return found[0] if found else None


def fill(roster: Roster, grades: dict[str, list[Outcome]], chosen: str | None = None) -> Filled:
    """The roster's rows with a column per assignment in ``grades`` (name -> outcomes)."""
    known = {row.student for rows in grades.values() for row in rows if row.status != "missing"}
    index, matched = match_column(roster, known, chosen)
    column = roster.header[index].strip()
    if not matched:
        tried = [chosen.strip()] if chosen else [c for c in MATCH_ORDER if roster.column(c)
                                                 is not None]
        raise RosterError(
            f"nobody in the roster {roster.path} matched a student of the course by the "
            f"column{'s' if len(tried) > 1 else ''} {', '.join(tried)}, so nothing was "
            f"written: pass --match-column with the column that holds the students' nbgrader "
            f"ids (the folder names in submitted/)")
    width = len(roster.header)
    for number, row in enumerate(roster.rows, start=2):
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            raise RosterError(f"row {number} of the roster {roster.path} has more cells than "
                              f"its first row names: it cannot be filled safely")
    # Short rows are padded so that a new column's cells line up; a blank line stays one.
    rows = [row[:width] + [""] * (width - len(row)) if row else [] for row in roster.rows]
    keys: dict[str, list[int]] = {}  # a match column value -> the roster rows holding it
    for i, row in enumerate(rows):
        if roster.is_student(row) and row[index].strip():
            keys.setdefault(row[index].strip(), []).append(i)
    filled = Filled([list(roster.header), *rows], column, matched, list(grades))
    filled.notes.append(f"matched students by the roster's column {column!r}: {matched} of "
                        f"{sum(map(roster.is_student, rows))} roster students have results "
                        f"(--match-column picks another column)")
    for key, where in keys.items():
        if len(where) > 1 and key in known:
            filled.notes.append(f"{len(where)} roster rows have {key!r} in {column!r}, so "
                                f"none of them was filled: "
                                + "; ".join(roster.who(rows[i]) for i in where))
    for name, results in grades.items():
        _fill_assignment(roster, filled, name, results, index, keys)
    absent = sorted(known - set(keys))
    if absent:
        filled.notes.append(f"{len(absent)} student(s) with results are not in the roster "
                            f"(by {column!r}), so their scores are not in the file: "
                            + ", ".join(absent))
    return filled


def _fill_assignment(roster: Roster, filled: Filled, name: str, results: list[Outcome],
                     index: int, keys: dict[str, list[int]]) -> None:
    """Fill (or add) assignment ``name``'s column of ``filled.rows``."""
    header, rows = filled.rows[0], filled.rows[1:]
    by_student = {row.student: row for row in results}
    max_score = float(load(name).max_score)
    at = _assignment_column(roster, name)
    new = at is None
    if new:
        at = len(header)
        header.append(csv_cell(name))
        for row in filter(None, rows):
            row.append(roster.number(max_score) if roster.is_points_row(row) else "")
    else:
        _check_points(roster, rows, at, name, max_score, filled)
    unscored = []
    for row in filter(roster.is_student, rows):
        key = row[index].strip()
        outcome = by_student.get(key)
        if not key:
            why = f"nothing in the column {filled.column!r}"
        elif len(keys.get(key, ())) > 1:
            why = f"{key!r} is on {len(keys[key])} roster rows"
        elif outcome is not None and outcome.status == "graded":
            row[at] = roster.number(outcome.score)
            filled.scores += 1
            continue
        else:
            why = "no submission" if outcome is None or outcome.status == "missing" \
                else outcome.status
        unscored.append(f"{roster.who(row)}: {why}")
    if unscored:
        left = "left empty" if new else "left as the roster had it"
        filled.notes.append(f"{name}: {len(unscored)} roster student(s) without a graded "
                            f"submission, {left}: " + "; ".join(unscored))


def _check_points(roster: Roster, rows, at: int, name: str, max_score: float,
                  filled: Filled) -> None:
    """Warn when Canvas's points for an existing column differ from the assignment's."""
    for row in rows:
        if roster.is_points_row(row):
            try:
                theirs = float(row[at].replace(",", "."))
            except ValueError:
                return
            if abs(theirs - max_score) > 1e-9:
                filled.notes.append(f"{name}: Canvas gives the column {roster.header[at]!r} "
                                    f"{row[at]} points, the autograder's maximum is "
                                    f"{max_score:g}: check the assignment's points in Canvas")


def default_output(roster: Path) -> Path:
    """``<roster stem>_with_autograder.csv`` beside the roster."""
    roster = Path(roster)
    return roster.with_name(f"{roster.stem}_with_autograder.csv")


def export_canvas(course: Path, roster_path: Path, output: Path | None = None,
                  chosen: str | None = None) -> tuple[Path, Filled]:
    """Fill the roster with every graded assignment's scores and write it to ``output``
    (by default :func:`default_output`), never over the roster itself."""
    roster_path = Path(roster_path)
    output = Path(output) if output is not None else default_output(roster_path)
    if output.resolve() == roster_path.resolve() or (
            output.exists() and roster_path.exists() and output.samefile(roster_path)):
        raise RosterError(f"{output} is the roster itself, which is never written over: pass "
                          f"--output with another file name")
    roster = read_roster(roster_path)
    names = [n for n in exported_assignments(course) if ledger.results(course, n)]
    if not names:
        raise RosterError("nothing is graded yet, so there are no scores to put in the "
                          "gradebook: run autograder grade NAME first")
    everyone = students(course)
    filled = fill(roster, {name: outcomes(course, name, everyone) for name in names}, chosen)
    write_csv(course, output, filled.rows, delimiter=roster.separator, bom=roster.bom)
    return output, filled
