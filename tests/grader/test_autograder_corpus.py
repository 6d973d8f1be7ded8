"""Does one class run over the adversarial corpus give every case exactly what it earns?

The whole corpus is collected and graded once (module fixture, ``--timeout 10``); each
test then reads the results, the feedback pages, the CSV, the report and nbgrader's own
export.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time

import pytest
from autograder_corpus import (
    ERRORS,
    EXPECT,
    NAME,
    make_course,
    place_beside,
    results_json,
    write_corpus,
)

from autograder import ledger
from autograder.cli import main

TIMEOUT = 10


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("corpus")
    course = make_course(tmp)
    cases = write_corpus(course, tmp / "incoming")
    assert main(["collect", str(tmp / "incoming"), "--assignment", NAME,
                 "--course", str(course)]) == 0
    place_beside(course, cases)
    before = {p.name for p in (course).iterdir()}
    started = time.monotonic()
    code = main(["grade", NAME, "--course", str(course), "--timeout", str(TIMEOUT),
                 "--workers", "2", "--quiet"])
    elapsed = time.monotonic() - started
    return {"course": course, "cases": cases, "code": code, "elapsed": elapsed,
            "results": results_json(course, NAME), "before": before}


def _earned(result):
    out = {}
    for check in result["checks"]:
        out[check["function"]] = out.get(check["function"], 0) + check["earned"]
    return out


def _messages(result, function):
    return " | ".join(c["message"] for c in result["checks"] if c["function"] == function)


def test_class_run_completes_with_exit_zero(graded):
    """Does the run finish, with one result per case, despite hangs, exits and bombs?"""
    assert graded["code"] == 0
    assert set(graded["results"]) == set(EXPECT)
    # Two hanging cases cost about one budget each; the rest is quick.
    assert graded["elapsed"] < 6 * TIMEOUT


@pytest.mark.parametrize("case", sorted(EXPECT))
def test_each_case_earns_what_its_implementation_earns(graded, case):
    """Does no case get points its implementation does not earn (and correct code all)?"""
    result = graded["results"][case]
    earned = _earned(result)
    for function, want in EXPECT[case].items():
        if isinstance(want, tuple):
            assert earned[function] <= want[1], (function, result["checks"])
        else:
            assert earned[function] == want, (function, _messages(result, function))
    assert result["score"] == sum(earned.values())


@pytest.mark.parametrize("case", sorted(EXPECT))
def test_status_is_graded_unless_the_submission_broke_grading(graded, case):
    """Is the status `graded` for every answer, and `error: <reason>` only for breakage?"""
    status = graded["results"][case]["status"]
    if case in ERRORS:
        reasons = ERRORS[case] if isinstance(ERRORS[case], tuple) else (ERRORS[case],)
        assert status.startswith("error: ") and any(r in status for r in reasons), status
    else:
        assert status == "graded", status


@pytest.mark.parametrize("case, function, fragment", [
    ("linear_sampling", "sample_log_uniform", "uniform in the value itself"),
    ("ln_instead_of_log10", "sample_log_uniform", "natural log"),
    ("returns_exponent", "sample_log_uniform", "return 10**r, not r"),
    ("flipped_beta_range", "sample_momentum_beta", "between 1 - high and 1 - low"),
    ("global_numpy_rng", "sample_log_uniform", "np.random's global functions"),
    ("range_five_percent_short", "sample_log_uniform", "cut short"),
    ("blank", "effective_window", "NotImplementedError"),
    ("eq_always_true", "sample_log_uniform", "not an array of numbers"),
    ("calls_course", "sample_log_uniform", "course's own implementation"),
    ("calls_course", "log_spaced_grid", "course's own implementation"),
    ("hangs_in_one_function", "effective_window", "did not return within the time budget"),
    ("infinite_loop", "log_spaced_grid", "answer cells did not finish running"),
])
def test_wrong_answers_get_the_right_misconception(graded, case, function, fragment):
    """Does each usual mistake get the message that names it?"""
    assert fragment in _messages(graded["results"][case], function)


@pytest.mark.parametrize("case, fragment", [
    ("deleted_test_cell", "cell test_sample_log_uniform was deleted"),
    ("duplicated_test_cell", "cell test_effective_window appears 2 times"),
    ("edited_test_cell", "cell test_sample_log_uniform was edited"),
    ("changed_metadata", "metadata of cell test_log_spaced_grid was changed"),
    ("answer_metadata_removed", "log_spaced_grid lost its nbgrader metadata"),
    ("renamed_notebook", "my_work.ipynb"),
])
def test_structural_changes_are_flagged(graded, case, fragment):
    """Are edited, deleted or duplicated cells and renamed files flagged for a person?"""
    flags = " | ".join(f["detail"] for f in graded["results"][case]["flags"])
    assert fragment in flags
    report = (graded["course"] / "reports" / f"{NAME}.html")
    if not report.exists():
        assert main(["report", NAME, "--course", str(graded["course"])]) == 0
    assert case in report.read_text()


def test_student_code_could_not_touch_the_course(graded):
    """Did planted files, gradebook writes and secret reads stay out of the course?"""
    course = graded["course"]
    assert not (course / "submitted" / "planted.txt").exists()
    assert {p.name for p in course.iterdir()} - graded["before"] <= {".autograder", "reports",
                                                                     "feedback",
                                                                     "autograder_grades.csv"}
    result = graded["results"]["reads_solution"]
    assert result["score"] == 0


def test_nbgrader_export_agrees_with_ours(graded, tmp_path):
    """Do `nbgrader export` and `autograder export` show the same score for everyone?"""
    course = graded["course"]
    ours = tmp_path / "ours.csv"
    assert main(["export", "--course", str(course), "--output", str(ours)]) == 0
    ours_rows = {r["student"]: r for r in csv.DictReader(open(ours))}
    assert set(ours_rows) == set(EXPECT)
    for student, row in ours_rows.items():
        assert float(row["score"]) == graded["results"][student]["score"]
        assert row["max_score"] == "15"
        assert row["status"] == graded["results"][student]["status"]
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    theirs = tmp_path / "nbgrader.csv"
    subprocess.run([os.path.join(os.path.dirname(sys.executable), "nbgrader"), "export",
                    "--to", str(theirs)], cwd=course, env=env, check=True, capture_output=True)
    their_rows = {r["student_id"]: r for r in csv.DictReader(open(theirs))}
    for student, row in ours_rows.items():
        assert float(their_rows[student]["score"]) == float(row["score"]), student
        assert float(their_rows[student]["max_score"]) == 15.0


def test_feedback_names_checks_but_never_shows_hidden_code(graded):
    """Does each page show checks and messages, and no hidden-check source or traceback?"""
    course = graded["course"]
    assert main(["feedback", NAME, "--course", str(course)]) == 0
    from autograder.release import secret_lines

    secrets = secret_lines(course, NAME)
    for student in EXPECT:
        page = (course / "feedback" / student / NAME / f"{NAME}.html").read_text()
        assert "Hidden checks" in page and "Kolmogorov-Smirnov" in page
        assert "Traceback" not in page and "autograder/" not in page
        for line in secrets:
            assert line not in page, (student, line)
    linear = (course / "feedback" / "linear_sampling" / NAME / f"{NAME}.html").read_text()
    assert "uniform in the value itself" in linear


def test_report_lists_people_to_see_and_misconceptions(graded):
    """Does the class report hold the plot, pass rates, misconceptions and the to-do list?"""
    course = graded["course"]
    assert main(["report", NAME, "--course", str(course)]) == 0
    page = (course / "reports" / f"{NAME}.html").read_text()
    assert "data:image/png;base64," in page
    assert "Pass rate of each check" in page and "Most common misconceptions" in page
    misconceptions = page.split("Most common misconceptions")[1].split("<h2>")[0]
    # shown as students read them: grouping must not mangle "log10" into "log#"
    assert "log10" in misconceptions and "log#" not in misconceptions
    todo = page.split("Submissions that need a person")[1]
    for case in ("infinite_loop", "os_exit", "memory_bomb", "renamed_notebook",
                 "deleted_test_cell", "calls_course"):
        assert case in todo
    assert ">correct<" not in todo


def test_regrading_is_idempotent(graded):
    """Does a forced regrade of the same files give the same seeds, scores and checks?"""
    course = graded["course"]
    students = ["correct", "linear_sampling", "global_numpy_rng", "flipped_beta_range"]
    args = ["grade", NAME, "--course", str(course), "--timeout", str(TIMEOUT), "--force",
            "--quiet"]
    for student in students:
        args += ["--student", student]
    assert main(args) == 0
    again = results_json(course, NAME)
    for student in students:
        first, second = graded["results"][student], again[student]
        assert (first["seed"], first["score"], first["sha256"]) == (
            second["seed"], second["score"], second["sha256"])
        assert [c["passed"] for c in first["checks"]] == [c["passed"] for c in second["checks"]]


def test_results_are_complete_json_files(graded):
    """Is there exactly one well-formed result file per student (no temp files left)?"""
    folder = ledger.result_path(graded["course"], NAME, "x").parent
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(f"{case}.json" for case in EXPECT)
    for path in folder.iterdir():
        assert json.loads(path.read_text())["student"] == path.stem
