"""The same code earns the same score for every student, whatever their seed.

Each student's probes come from a seed of their own (so that a hard-coded answer fails), but
the seed must never decide a verdict. Every typical wrong answer of ``wrong_answers.py`` is
judged here under the seeds of 50 students who handed in the same code (their files differ
by a comment), and must earn one score, check by check. A check that catches a mistake for
some students only has its inputs redesigned until its power against that mistake is 0 or 1.

A correct answer fails a check with probability <= 1e-6 by design (stated at each check), so
a correct answer earns full marks under every seed here too.
"""

from __future__ import annotations

import hashlib

import pytest
from assignment_corpus import ASSIGNMENTS, judge_in_process, namespace
from wrong_answers import WRONG

from autograder import ledger
from autograder.spec import load

STUDENTS = 50
NAMES = ("sampling_scales", *ASSIGNMENTS)


def student_seeds(name: str, code: str, count: int = STUDENTS) -> list[int]:
    """The seeds ``count`` students get for ``code`` (files differing by a comment), as
    ``grade`` derives them from the file's hash and a course key."""
    key = b"consistency-test-course-key"
    return [ledger.seed_for(hashlib.sha256(f"{code}\n# student {k}\n".encode()).hexdigest(),
                            name, key) for k in range(count)]


def _verdicts_by_seed(name, function, code):
    scope = namespace(name, {function: code})
    return {seed: judge_in_process(name, function, scope, seed)
            for seed in student_seeds(name, code)}


@pytest.mark.parametrize("name, case", [(n, c) for n in NAMES for c in sorted(WRONG[n])])
def test_a_wrong_answer_earns_one_score_whatever_the_students_seed(name, case):
    function, code, _, _ = WRONG[name][case]
    by_seed = _verdicts_by_seed(name, function, code)
    points = {check.name: check.points for check in load(name).task(function).checks}
    scores = {seed: sum(points[c] for c, v in verdicts.items() if v.passed)
              for seed, verdicts in by_seed.items()}
    split = {check: sorted({v[check].passed for v in by_seed.values()})
             for check in points}
    disagreeing = [check for check, outcomes in split.items() if len(outcomes) > 1]
    assert not disagreeing, (sorted(set(scores.values())), disagreeing)
    assert max(scores.values()) < sum(points.values())  # and it is caught


@pytest.mark.parametrize("name", NAMES)
def test_the_source_answers_earn_full_marks_whatever_the_students_seed(name):
    assignment = load(name)
    scope = namespace(name)
    for task in assignment.tasks:
        for seed in student_seeds(name, task.function, 10):
            verdicts = judge_in_process(name, task.function, scope, seed)
            failed = {c: v.message for c, v in verdicts.items() if not v.passed}
            assert not failed, (task.function, seed, failed)


def test_code_digests_ignore_comments_and_blank_lines_but_not_code():
    from autograder.notebook import code_digest

    code = "def f(x):\n    return x + 1\n"
    same = "# my answer\ndef f(x):   \n\n    # add one\n    return x + 1\n"
    assert code_digest(code) == code_digest(same)
    for changed in ("def f(x):\n    return x + 2\n", "def f(x):\n    return '#' + x\n",
                    "def f(x):\n    return x + 1  # one\n", "def f(y):\n    return y + 1\n"):
        assert code_digest(changed) != code_digest(code), changed
    assert code_digest("x = '\udc80'\n") != code_digest("x = ''\n")  # a lone surrogate


def _result(student, answers, passed):
    from autograder.result import CheckResult, Result

    checks = [CheckResult("f", name, 1.0, float(ok), ok) for name, ok in passed.items()]
    return Result(student=student, assignment="a", status="graded", score=0.0, max_score=2.0,
                  sha256=student, checks=checks, answers=answers)


def test_the_report_finds_checks_that_disagree_on_identical_code():
    from autograder.report import disagreeing_checks

    same, other = {"f": "aa", "g": "bb"}, {"f": "aa", "g": "cc"}
    results = [_result("ann", same, {"ends": True, "range": False}),
               _result("bob", same, {"ends": False, "range": False}),
               _result("cat", same, {"ends": True, "range": False}),
               # the same f but another g: f may call g, so this is not identical code
               _result("dan", other, {"ends": False, "range": True})]
    assert disagreeing_checks(results) == [("f", "ends", ["ann", "cat"], ["bob"])]
    assert disagreeing_checks(results[:1] + results[2:]) == []


def test_a_class_of_identical_wrong_code_earns_one_score_and_the_report_says_so(tmp_path):
    """Eight students hand in the same wrong sampler, their files differing by a comment:
    one score for all of them, and the report finds no disagreeing check."""
    import nbformat
    from autograder_corpus import GOOD, NAME, make_course, student_version, with_answers

    from autograder import ledger
    from autograder.cli import main

    course = make_course(tmp_path)
    wrong = WRONG["sampling_scales"]["linear"][1]
    for k in range(8):
        answers = dict(GOOD, sample_log_uniform=f"# student {k}\n{wrong}")
        folder = course / "submitted" / f"s{k}" / NAME
        folder.mkdir(parents=True)
        nbformat.write(with_answers(student_version(course), answers),
                       str(folder / f"{NAME}.ipynb"))
    assert main(["grade", NAME, "--course", str(course), "--quiet"]) == 0
    results = ledger.results(course, NAME)
    assert len({r.seed for r in results.values()}) == 8  # eight different seeds ...
    assert len({r.score for r in results.values()}) == 1  # ... and one score
    assert max(r.score for r in results.values()) < 15
    assert main(["report", NAME, "--course", str(course)]) == 0
    page = (course / "reports" / f"{NAME}.html").read_text("utf-8")
    assert "None: students who handed in the same answer code" in page
