"""The course folder: every place the autograder reads or writes in it, named once.

A course folder (``--course DIR``; by default the project's ``assignments/``) is a standard
nbgrader course, so formgrader and nbgrader's own commands work on it too::

    source/NAME/NAME.ipynb            the instructor's notebook, solutions and all (by hand)
    nbgrader_config.py                nbgrader's settings for the course (by hand)
    release/NAME/                     the student version (nbgrader, run by ``release``)
    gradebook.db                      nbgrader's gradebook (nbgrader; ``grade`` copies scores in)
    submitted/STUDENT/NAME/           what a student handed in (``collect``)
    autograded/                       nbgrader's own autograde output (never written here)
    feedback/STUDENT/NAME/NAME.html   a student's feedback page (``feedback``)
    reports/NAME.html                 the class report (``report``)
    autograder_grades.csv             every student's scores (``export``, by default; named
                                      apart from the grades.csv ``nbgrader export`` writes)
    .autograder/                      the grader's records: results, manifests, superseded
                                      submissions, the seed key (:mod:`autograder.ledger`),
                                      the files ``export`` wrote (:mod:`autograder.export`)

Everything but source/ and nbgrader_config.py is generated, and never committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from autograder.untrusted import valid_student_id


def _student(student: str) -> str:
    """``student`` as a path component; anything else could name a folder outside."""
    if not valid_student_id(student):
        raise ValueError(f"{student!r} is not a usable student id (letters, digits and "
                         f"_ . @ -, starting with a letter or digit)")
    return student


@dataclass(frozen=True)
class CourseFolder:
    """An nbgrader course folder; its methods name places in it and create nothing."""

    root: Path

    # Course material and generated folders: collect never takes students' notebooks from
    # inside one (source/ holds the solutions, release/ the untouched student versions).
    MANAGED: ClassVar[tuple[str, ...]] = ("source", "release", "submitted", "autograded",
                                          "feedback", ".autograder")

    @classmethod
    def of(cls, course: Path | CourseFolder) -> CourseFolder:
        """The commands take the course as a Path (or as one of these)."""
        return course if isinstance(course, CourseFolder) else cls(Path(course))

    @property
    def sources(self) -> Path:
        return self.root / "source"

    def source(self, name: str) -> Path:
        return self.sources / name

    def source_notebook(self, name: str, notebook: str) -> Path:
        return self.source(name) / notebook

    def assignments(self) -> list[str]:
        """Names of the folders in source/, sorted; files and hidden folders (such as
        .ipynb_checkpoints) are not assignments."""
        if not self.sources.is_dir():
            return []
        return sorted(p.name for p in self.sources.iterdir()
                      if p.is_dir() and not p.name.startswith("."))

    def release(self, name: str) -> Path:
        return self.root / "release" / name

    @property
    def submitted(self) -> Path:
        return self.root / "submitted"

    def submission(self, student: str, name: str) -> Path:
        return self.submitted / _student(student) / name

    def feedback_page(self, student: str, name: str, notebook: str) -> Path:
        return self.root / "feedback" / _student(student) / name / f"{Path(notebook).stem}.html"

    def report(self, name: str) -> Path:
        return self.root / "reports" / f"{name}.html"

    @property
    def _records(self) -> Path:
        return self.root / ".autograder"

    def state(self, name: str) -> Path:
        """The grader's records of one assignment (results, manifest, lock, release record)."""
        return self._records / name

    def superseded(self, student: str, name: str) -> Path:
        """Where ``collect`` keeps a student's earlier submissions that a new one replaced."""
        return self._records / "superseded" / _student(student) / name

    @property
    def seed_key(self) -> Path:
        return self._records / "seed.key"

    @property
    def gradebook_db(self) -> Path:
        return self.root / "gradebook.db"

    @property
    def nbgrader_config(self) -> Path:
        return self.root / "nbgrader_config.py"

    @property
    def grades_csv(self) -> Path:
        """``export``'s default output; ``nbgrader export`` writes grades.csv, so this name
        differs from it and neither command ever replaces the other's file."""
        return self.root / "autograder_grades.csv"

    @property
    def exports_record(self) -> Path:
        """Every file ``export`` wrote, with its SHA-256: the files it may replace."""
        return self._records / "exports.json"

    def relative(self, path: Path) -> Path:
        """``path`` as a message shows it: relative to the course folder when inside it."""
        return path.relative_to(self.root) if path.is_relative_to(self.root) else path

    def manages(self, path: Path) -> bool:
        """Is ``path`` the course folder itself, or inside one of the MANAGED folders?"""
        inside, root = Path(path).resolve(), self.root.resolve()
        return inside == root or any(inside.is_relative_to(root / name) for name in self.MANAGED)
