"""Where `autograder export` writes, what it refuses to replace, which assignments it
covers, and when `autograder report` has nothing to report.

No submission is graded here: a result is put at its documented path by hand (grading is
slow and tested elsewhere), for a submission placed in submitted/ by hand.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from autograder_corpus import NAME, ROOT, place_result

from autograder import ledger
from autograder.cli import main
from autograder.result import Result

OTHER = "search_strategies"  # an assignment whose source is there but was never released


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """sampling_scales released and graded for two students; search_strategies in source/
    only (never released nor graded)."""
    course = tmp_path_factory.mktemp("exports") / "course"
    for name in (NAME, OTHER):
        shutil.copytree(ROOT / "assignments" / "source" / name, course / "source" / name)
    shutil.copy(ROOT / "assignments" / "nbgrader_config.py", course)
    assert main(["release", NAME, "--course", str(course)]) == 0
    place_result(course, "ann", NAME, 7.0, 15.0)
    place_result(course, "bo.b@x-1", NAME, 15.0, 15.0)
    return course


def _export(course: Path, *extra: str) -> int:
    return main(["export", "--course", str(course), *extra])


def _rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_export_and_nbgrader_export_never_share_a_file(course):
    """nbgrader export's grades.csv in the course folder is not touched by ours."""
    theirs = course / "grades.csv"
    theirs.write_text("assignment,duedate,timestamp,student_id\nmade,by,nbgrader,export\n")
    before = theirs.read_bytes()
    assert _export(course) == 0
    assert theirs.read_bytes() == before
    assert _rows(course / "autograder_grades.csv")[0] == ["student", "assignment", "score",
                                                          "max_score", "status"]


def test_export_replaces_its_own_earlier_file(course, capsys):
    assert _export(course) == 0
    first = (course / "autograder_grades.csv").read_bytes()
    place_result(course, "cy", NAME, 3.0, 15.0)
    assert _export(course) == 0
    assert (course / "autograder_grades.csv").read_bytes() != first
    assert ["cy", NAME, "3", "15", "graded"] in _rows(course / "autograder_grades.csv")
    assert "autograder_grades.csv" in capsys.readouterr().out


@pytest.mark.parametrize("made", ["someone's file", "our export, edited", "a link"])
def test_export_never_replaces_a_file_it_did_not_write(course, tmp_path, capsys, made):
    """A file someone made, an export someone edited since, or a link (to a file that must
    stay as it is) at the output path: exit 1, the file unchanged, and the message names
    the file and says what to do."""
    output = tmp_path / "scores.csv"
    kept = tmp_path / "kept.csv"
    if made == "someone's file":
        output.write_text("student,notes\nann,talk to her\n")
    elif made == "our export, edited":
        assert _export(course, "--output", str(output)) == 0
        output.write_text(output.read_text() + "ann,extra,1,1,graded\n")
    else:
        kept.write_text("the target of a link\n")
        output.symlink_to(kept)
    before = output.read_bytes()
    capsys.readouterr()
    assert _export(course, "--output", str(output)) == 1
    assert output.read_bytes() == before
    if made == "a link":
        assert kept.read_text() == "the target of a link\n"
    err = capsys.readouterr().err.strip()
    assert err == (f"autograder: error: {output} already exists and autograder export did not "
                   f"write it (or it was changed since), so it is left as it is and nothing was "
                   f"written: pass --output with another file name, or move or remove {output} "
                   f"first")
    assert not list(tmp_path.glob(".scores.csv.*"))  # no half-written file left behind
def test_export_covers_released_or_graded_assignments_only(course):
    """search_strategies is in source/ but was never released nor graded: no row says
    every student is missing it. A result with no release (graded elsewhere) counts."""
    output = course / "covered.csv"
    assert _export(course, "--output", str(output)) == 0
    assert {row[1] for row in _rows(output)[1:]} == {NAME}
    ledger.write_result(course, Result(student="ann", assignment=OTHER, status="graded",
                                       score=2.0, max_score=20.0, sha256="0" * 64))
    try:
        output.unlink()
        assert _export(course, "--output", str(output)) == 0
        assert {row[1] for row in _rows(output)[1:]} == {NAME, OTHER}
    finally:
        shutil.rmtree(course / ".autograder" / OTHER)


@pytest.mark.parametrize("name, first", [
    (OTHER, f"it was never released, so run autograder release {OTHER} first, collect the "
            f"submissions, then run autograder grade {OTHER}"),
    (NAME, None),
])
def test_report_refuses_an_assignment_nothing_was_graded_for(tmp_path, capsys, name, first):
    """A report of nobody is no report: exit 1, naming the assignment and the command to
    run first, and no page written (feedback says the same)."""
    course = tmp_path / "course"
    for source in (NAME, OTHER):
        shutil.copytree(ROOT / "assignments" / "source" / source, course / "source" / source)
    shutil.copy(ROOT / "assignments" / "nbgrader_config.py", course)
    if name == NAME:
        assert main(["release", NAME, "--course", str(course)]) == 0
    capsys.readouterr()
    assert main(["report", name, "--course", str(course)]) == 1
    first = first or f"run autograder grade {name} first"
    assert capsys.readouterr().err.strip() == (
        f"autograder: error: nothing is graded for {name} yet, so there is no class report: "
        f"{first}")
    assert not (course / "reports").exists()
    assert main(["feedback", name, "--course", str(course)]) == 1
    assert capsys.readouterr().err.strip() == (
        f"autograder: error: nothing is graded for {name} yet, so there are no feedback "
        f"pages: {first}")
