"""Do all five assignments release, grade, give feedback and report through `autograder`?

One temporary course holds every assignment. Each of the four later ones is graded once
over a class made of the instructor's notebook, the untouched student version, every typical
wrong answer of ``wrong_answers.py`` and an answer that calls course's own code; batch_norm's
class also holds the tampering cases of the autograder issue. The tests then read the
results, the feedback pages, the CSV and the class reports.
"""

from __future__ import annotations

import csv
import html
import shutil

import nbformat
import pytest
from assignment_corpus import ASSIGNMENTS, earned, make_course, submission
from autograder_corpus import Subject, hostile_cases, results_json
from wrong_answers import CALLS_COURSE, DEPENDS, WRONG

from autograder.cli import main
from autograder.spec import load

EVERY = ("sampling_scales", *ASSIGNMENTS)
TIMEOUT = 15
TAMPERED = "batch_norm"

ZEROS = {
    "batchnorm_forward": "def batchnorm_forward(z, gamma, beta, eps=1e-5):\n"
                         "    return np.zeros_like(z), None\n",
    "batchnorm_backward": "def batchnorm_backward(dout, cache):\n"
                          "    h = dout.shape[1]\n"
                          "    return np.zeros_like(dout), np.zeros(h), np.zeros(h)\n",
    "update_running_stats": "def update_running_stats(running_mean, running_var, batch_mean, "
                            "batch_var, momentum):\n"
                            "    return np.zeros_like(running_mean), np.zeros_like(running_var)\n",
    "batchnorm_inference": "def batchnorm_inference(z, gamma, beta, running_mean, running_var, "
                           "eps=1e-5):\n    return np.zeros_like(z)\n",
    "choose_running_momentum": "def choose_running_momentum(num_steps, max_start_weight):\n"
                               "    return 0.0\n",
}


def _tampering(course):
    """case -> {"answers": ..., "edit": ..., "folder": ..., "beside": ...} for batch_norm."""
    return hostile_cases(Subject(
        TAMPERED, zeros=ZEROS, good=_source_answers(course, TAMPERED),
        reference="autograder.assignments.batch_norm.reference", tuples=True,
        targets={"writes_gradebook": "update_running_stats",
                 "duplicated_test_cell": "batchnorm_inference",
                 "changed_metadata": "batchnorm_backward",
                 "answer_metadata_removed": "batchnorm_inference",
                 "hangs_in_one_function": "batchnorm_inference",
                 "os_exit": "update_running_stats",
                 "memory_bomb": "batchnorm_inference"}), course)


FULL_BN = {task.function: task.points for task in load(TAMPERED).tasks}
ZERO_BN = dict.fromkeys(FULL_BN, 0.0)
# Points each tampering case earns per function (("at most", n) for an upper bound).
TAMPER_EXPECT = {
    "correct_with_stderr_and_warnings": FULL_BN,
    "allclose_monkeypatch": ZERO_BN,
    "ipython_transformers": ZERO_BN,
    "eq_always_true": ZERO_BN,
    "writes_gradebook": ZERO_BN,
    "numpy_beside_notebook": ZERO_BN,
    "deleted_test_cell": FULL_BN,
    "duplicated_test_cell": FULL_BN,
    "edited_test_cell": dict(FULL_BN, batchnorm_forward=0.0, batchnorm_backward=0.0),
    "changed_metadata": FULL_BN,
    "answer_metadata_removed": FULL_BN,
    "renamed_notebook": FULL_BN,
    "infinite_loop": ZERO_BN,
    "hangs_in_one_function": dict(FULL_BN, batchnorm_inference=0.0),
    "os_exit": ZERO_BN,
    "memory_bomb": dict({k: ("at most", v) for k, v in FULL_BN.items()}, batchnorm_inference=0),
}
TAMPER_ERRORS = {"infinite_loop": "timeout", "hangs_in_one_function": "batchnorm_inference",
                 "os_exit": "ended the grading process", "memory_bomb": ("memory", "timeout")}
TAMPER_FLAGS = {
    "deleted_test_cell": "cell test_batchnorm_forward was deleted",
    "duplicated_test_cell": "cell test_batchnorm_inference appears 2 times",
    "edited_test_cell": "cell test_batchnorm_forward was edited",
    "changed_metadata": "metadata of cell test_batchnorm_backward was changed",
    "answer_metadata_removed": "batchnorm_inference lost its nbgrader metadata",
    "renamed_notebook": "my_work.ipynb",
}


def _source_answers(course, name):
    nb = nbformat.read(str(course / "source" / name / f"{name}.ipynb"), as_version=4)
    return {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in nb.cells
            if cell.metadata.get("nbgrader", {}).get("solution")}


def _write(incoming, case, nb, folder=None):
    if folder:
        (incoming / case).mkdir()
        nbformat.write(nb, str(incoming / case / folder))
    else:
        nbformat.write(nb, str(incoming / f"{case}.ipynb"))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("five")
    course = make_course(tmp, EVERY)
    tamper = _tampering(course)
    for name in EVERY:
        incoming = tmp / "incoming" / name
        incoming.mkdir(parents=True)
        shutil.copy(course / "source" / name / f"{name}.ipynb", incoming / "instructor.ipynb")
        shutil.copy(course / "release" / name / f"{name}.ipynb", incoming / "untouched.ipynb")
        good = _source_answers(course, name)
        for case, (function, code, _, _) in WRONG.get(name, {}).items():
            _write(incoming, case, submission(course, name, dict(good, **{function: code})))
        for function, code in CALLS_COURSE.get(name, {}).items():
            _write(incoming, f"calls_course_{function}",
                   submission(course, name, dict(good, **{function: code})))
        if name == TAMPERED:
            for case, spec in tamper.items():
                nb = submission(course, name, dict(good, **spec["answers"]))
                if spec.get("edit"):
                    spec["edit"](nb)
                _write(incoming, case, nb, spec.get("folder"))
        assert main(["collect", str(incoming), "--assignment", name,
                     "--course", str(course)]) == 0
    for case, spec in tamper.items():
        for filename, text in spec.get("beside", {}).items():
            (course / "submitted" / case / TAMPERED / filename).write_text(text)
    before = course / "gradebook.db"
    codes = {name: main(["grade", name, "--course", str(course), "--timeout", str(TIMEOUT),
                         "--workers", "2", "--quiet"]) for name in EVERY}
    return {"course": course, "codes": codes, "gradebook": before,
            "results": {name: results_json(course, name) for name in EVERY}}


def _messages(result, function):
    return " | ".join(c["message"] for c in result["checks"] if c["function"] == function)


@pytest.mark.parametrize("name", EVERY)
def test_instructor_scores_full_marks_and_untouched_version_zero(graded, name):
    results = graded["results"][name]
    assert graded["codes"][name] == 0
    instructor, untouched = results["instructor"], results["untouched"]
    assert instructor["status"] == "graded"
    assert instructor["score"] == instructor["max_score"] == load(name).max_score
    assert all(v["passed"] for v in instructor["visible"]), instructor["visible"]
    assert (untouched["status"], untouched["score"]) == ("graded", 0)


@pytest.mark.parametrize("name, case", [(n, c) for n in ASSIGNMENTS for c in sorted(WRONG[n])])
def test_wrong_answer_loses_points_with_its_misconception(graded, name, case):
    function, code, check_fragment, message_fragment = WRONG[name][case]
    result = graded["results"][name][case]
    full = {task.function: task.points for task in load(name).tasks}
    got = earned(result)
    assert result["status"] == "graded"
    assert got[function] < full[function]
    failed = [c for c in result["checks"] if c["function"] == function and not c["passed"]]
    assert any(check_fragment in c["check"] and message_fragment in c["message"]
               for c in failed), failed
    # The other answers are the source's, so they keep their points, unless they call the
    # wrong one or the case's code redefines them too.
    for other, points in full.items():
        if other != function and other not in DEPENDS.get(function, ()) and (
                f"def {other}(" not in code):
            assert got[other] == points, (other, _messages(result, other))


@pytest.mark.parametrize("name, function", [
    (name, function) for name in ASSIGNMENTS for function in CALLS_COURSE[name]])
def test_an_answer_that_calls_course_earns_nothing_for_it(graded, name, function):
    result = graded["results"][name][f"calls_course_{function}"]
    got = earned(result)
    assert got[function] == 0
    assert "course's own implementation" in _messages(result, function)
    assert result["tripwire"] and result["status"] == "graded"
    for task in load(name).tasks:
        if task.function != function and task.function not in DEPENDS.get(function, ()):
            assert got[task.function] == task.points, task.function


@pytest.mark.parametrize("case", sorted(TAMPER_EXPECT))
def test_tampering_gains_nothing(graded, case):
    result = graded["results"][TAMPERED][case]
    got = earned(result)
    for function, want in TAMPER_EXPECT[case].items():
        if isinstance(want, tuple):
            assert got[function] <= want[1], (function, result["checks"])
        else:
            assert got[function] == want, (function, _messages(result, function))
    if case in TAMPER_ERRORS:
        reasons = TAMPER_ERRORS[case]
        reasons = reasons if isinstance(reasons, tuple) else (reasons,)
        assert result["status"].startswith("error: ")
        assert any(reason in result["status"] for reason in reasons), result["status"]
    else:
        assert result["status"] == "graded", result["status"]
    if case in TAMPER_FLAGS:
        assert TAMPER_FLAGS[case] in " | ".join(f["detail"] for f in result["flags"])


def test_reading_the_solution_gains_nothing_when_isolated(graded):
    result = graded["results"][TAMPERED]["reads_solution"]
    assert result["score"] == 0


def test_feedback_export_and_report_cover_all_five(graded, tmp_path):
    """Does every assignment get feedback pages, CSV rows and a class report?"""
    course = graded["course"]
    for name in EVERY:
        assert main(["feedback", name, "--course", str(course)]) == 0
        assert main(["report", name, "--course", str(course)]) == 0
        page = (course / "reports" / f"{name}.html").read_text()
        assert "Most common misconceptions" in page
    output = tmp_path / "grades.csv"
    assert main(["export", "--course", str(course), "--output", str(output)]) == 0
    rows = list(csv.DictReader(open(output)))
    assert {row["assignment"] for row in rows} == set(EVERY)
    for name in EVERY:
        for student, result in graded["results"][name].items():
            row = [r for r in rows if r["assignment"] == name and r["student"] == student]
            assert len(row) == 1 and float(row[0]["score"]) == result["score"]
            assert row[0]["status"] == result["status"]


def test_feedback_names_misconceptions_and_hides_the_checks(graded):
    course = graded["course"]
    from autograder.release import secret_lines

    for name in ASSIGNMENTS:
        assert main(["feedback", name, "--course", str(course)]) == 0
        secrets = secret_lines(course, name)
        for case, (_, _, _, fragment) in WRONG[name].items():
            page = (course / "feedback" / case / name / f"{name}.html").read_text()
            assert html.escape(fragment) in page or fragment in page, (name, case)
            assert "Traceback" not in page and "drivers" not in page
            for line in secrets:
                assert line not in page, (name, case, line)


def test_student_code_left_the_gradebook_alone(graded):
    """Did the gradebook keep only scores the grader wrote (no 100s from sqlite3)?"""
    import sqlite3

    rows = sqlite3.connect(graded["gradebook"]).execute(
        "SELECT auto_score FROM grade WHERE auto_score IS NOT NULL").fetchall()
    assert rows and all(score <= 6 for (score,) in rows)
    assert not (graded["course"] / "submitted" / "planted.txt").exists()
