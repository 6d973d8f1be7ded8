"""Do the commands write exactly where README.md says, and does the course folder refuse what
must not become a path?

Every expected path here is written out by hand, never taken from autograder.folders, so a
change of layout there fails these tests instead of moving an instructor's files.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest
from autograder_corpus import NAME, ROOT

from autograder import ledger
from autograder.cli import main
from autograder.folders import CourseFolder
from autograder.result import Result

STUDENT = "ann"

# What README.md's "Grading a class" block shows, command by command (course: assignments/).
README_PATHS = {
    "release": "assignments/release/sampling_scales/",
    "feedback": "assignments/feedback/<student>/sampling_scales/sampling_scales.html",
    "export": "assignments/autograder_grades.csv",
    "report": "assignments/reports/sampling_scales.html",
}


def _files(root: Path) -> dict[str, tuple[str, int]]:
    return {p.relative_to(root).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(),
                                             p.stat().st_mtime_ns)
            for p in root.rglob("*") if p.is_file()}


def _run(course: Path, argv: list[str]) -> set[str]:
    """Run one command; the files it added, changed or removed, relative to ``course``."""
    before = _files(course)
    assert main([*argv, "--course", str(course)]) == 0
    after = _files(course)
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """A fresh course taken through release, collect (twice), feedback, export and report.

    Grading is left out (it is slow and tested elsewhere): the result it would write is put
    at its documented path by hand.
    """
    tmp = tmp_path_factory.mktemp("folders")
    course = tmp / "course"
    shutil.copytree(ROOT / "assignments" / "source" / NAME, course / "source" / NAME)
    shutil.copy(ROOT / "assignments" / "nbgrader_config.py", course)
    changes = {"course": course, "release": _run(course, ["release", NAME])}

    incoming = tmp / "incoming"
    incoming.mkdir()
    released = course / "release" / NAME / f"{NAME}.ipynb"
    shutil.copy(released, incoming / f"{STUDENT}.ipynb")
    changes["collect"] = _run(course, ["collect", str(incoming), "--assignment", NAME])
    (incoming / f"{STUDENT}.ipynb").write_text(released.read_text().replace("\n", "\n "))
    changes["collect again"] = _run(course, ["collect", str(incoming), "--assignment", NAME])

    submitted = course / "submitted" / STUDENT / NAME / f"{NAME}.ipynb"
    result = Result(student=STUDENT, assignment=NAME, status="graded", score=7.0,
                    max_score=15.0, sha256=hashlib.sha256(submitted.read_bytes()).hexdigest())
    ledger.write_json(course / ".autograder" / NAME / "results" / f"{STUDENT}.json",
                      result.to_json())
    for command in (["feedback", NAME], ["export"], ["report", NAME]):
        changes[command[0]] = _run(course, command)
    return changes


def test_the_readme_still_shows_these_paths():
    """Does each command's line in README.md name the path these tests expect?"""
    lines: dict[str, list[str]] = {}
    for line in (ROOT / "README.md").read_text().splitlines():
        if line.startswith("autograder "):
            lines.setdefault(line.split()[1], []).append(line)
    for command, path in README_PATHS.items():
        assert path in lines[command][0]  # the command's first line: without options


def test_release_writes_the_student_version_gradebook_and_record(written):
    assert written["release"] == {
        "release/sampling_scales/sampling_scales.ipynb",
        "gradebook.db",
        ".autograder/sampling_scales/release.json",
    }


def test_collect_writes_the_submission_and_its_manifest(written):
    assert written["collect"] == {
        "submitted/ann/sampling_scales/sampling_scales.ipynb",
        "submitted/ann/sampling_scales/timestamp.txt",
        ".autograder/sampling_scales/manifest.json",
        ".autograder/sampling_scales/lock",
    }


def test_a_resubmission_keeps_the_earlier_file_under_superseded(written):
    kept = {p for p in written["collect again"] if p.startswith(".autograder/superseded/")}
    assert written["collect again"] - kept == {
        "submitted/ann/sampling_scales/sampling_scales.ipynb",
        "submitted/ann/sampling_scales/timestamp.txt",
        ".autograder/sampling_scales/manifest.json",
    }
    assert len(kept) == 1
    assert re.fullmatch(r"\.autograder/superseded/ann/sampling_scales/"
                        r"\d{8}-\d{6}-[0-9a-f]{12}\.ipynb", kept.pop())


@pytest.mark.parametrize("command, path", [
    ("feedback", "feedback/ann/sampling_scales/sampling_scales.html"),
    ("export", "autograder_grades.csv"),
    ("report", "reports/sampling_scales.html"),
])
def test_each_command_writes_one_file_where_the_readme_says(written, command, path):
    # beside a feedback page, the timestamp nbgrader release_feedback reads; for an export,
    # the record of the files it wrote (the only ones it may replace)
    extra = {"feedback": {path.rsplit("/", 1)[0] + "/timestamp.txt"},
             "export": {".autograder/exports.json"}}.get(command, set())
    assert written[command] == {path} | extra
    assert README_PATHS[command] == "assignments/" + path.replace(STUDENT, "<student>")


def test_export_reads_the_submission_and_result_from_their_places(written):
    """Is the hand-placed result matched to the collected file (a row per source folder)?"""
    with open(written["course"] / "autograder_grades.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows == [["student", "assignment", "score", "max_score", "status"],
                    ["ann", "sampling_scales", "7", "15", "graded"]]


def test_collect_refuses_to_read_from_a_folder_the_course_manages(written, capsys):
    course = written["course"]
    for inside in (course, course / "source", course / "release" / NAME, course / ".autograder"):
        assert main(["collect", str(inside), "--assignment", NAME, "--course", str(course)]) == 1
        assert "one of the folders it manages" in capsys.readouterr().err


def test_manages_follows_links_into_managed_folders(tmp_path):
    root = tmp_path / "course"
    (root / "source" / NAME).mkdir(parents=True)
    (root / "incoming").mkdir()
    (tmp_path / "link").symlink_to(root / "source" / NAME)
    folder = CourseFolder(root)
    assert folder.manages(tmp_path / "link")
    assert folder.manages(root / "autograded" / "ann")
    assert folder.manages(root / "feedback")
    assert not folder.manages(root / "incoming")
    assert not folder.manages(tmp_path)


def test_assignments_are_the_folders_in_source_only(tmp_path):
    """Files, links to files or to nothing, a pipe and hidden folders are not assignments."""
    source = tmp_path / "source"
    assert CourseFolder(tmp_path).assignments() == []
    for name in ("zeta", "alpha", ".ipynb_checkpoints"):
        (source / name).mkdir(parents=True)
    (source / "notes.txt").write_text("not an assignment")
    (source / "notes_link").symlink_to(source / "notes.txt")
    (source / "dangling").symlink_to(tmp_path / "nowhere")
    os.mkfifo(source / "pipe")
    assert CourseFolder(tmp_path).assignments() == ["alpha", "zeta"]


@pytest.mark.parametrize("student", ["..", ".", "../ann", "a/b", "", "-rf", "=cmd()",
                                     "ann\x1b[2J", "\udcff"])
def test_an_unusable_student_id_never_becomes_a_path(tmp_path, student):
    folder = CourseFolder(tmp_path)
    for make in (lambda: folder.submission(student, NAME),
                 lambda: folder.feedback_page(student, NAME, f"{NAME}.ipynb"),
                 lambda: folder.superseded(student, NAME)):
        with pytest.raises(ValueError, match=re.escape(repr(student)) + " is not a usable"):
            make()


def test_the_places_of_one_student_and_assignment(tmp_path):
    folder = CourseFolder.of(tmp_path)
    assert folder.submission("ann.b@x-1", NAME) == tmp_path / "submitted/ann.b@x-1/sampling_scales"
    assert (ledger.result_path(folder, NAME, "ann")
            == ledger.result_path(tmp_path, NAME, "ann")
            == tmp_path / ".autograder/sampling_scales/results/ann.json")
    assert folder.relative(tmp_path / "submitted" / "ann") == Path("submitted/ann")
    assert folder.relative(Path("/elsewhere/ann.ipynb")) == Path("/elsewhere/ann.ipynb")
