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
