"""Do the hidden checks of the four later assignments pass correct answers and name mistakes?

The judges run in-process here (no sandbox), over many submission seeds, on the source
notebook's answers and on the typical wrong answers of ``wrong_answers.py``. A correct answer
fails a check with probability <= 1e-6 by design, so any failure here is a real defect. The
sandboxed class runs over the same answers are in ``test_assignments_graded.py``.
"""

from __future__ import annotations

import nbformat
import pytest
from assignment_corpus import ASSIGNMENTS, judge_in_process, namespace, source_path
from wrong_answers import WRONG

from autograder.spec import load

# Probes that sleep or wait (the counting executor's) get fewer seeds.
SEEDS = {"run_in_parallel": 8}
DEFAULT_SEEDS = 40


@pytest.mark.parametrize("name, function", [
    (name, task.function) for name in ASSIGNMENTS for task in load(name).tasks])
def test_source_answers_pass_every_check_for_many_seeds(name, function):
    scope = namespace(name)
    for seed in range(SEEDS.get(function, DEFAULT_SEEDS)):
        verdicts = judge_in_process(name, function, scope, seed)
        failed = {check: v.message for check, v in verdicts.items() if not v.passed}
        assert not failed, (seed, failed)


@pytest.mark.parametrize("name, case", [
    (name, case) for name in ASSIGNMENTS for case in sorted(WRONG[name])])
def test_wrong_answer_fails_its_check_with_its_misconception(name, case):
    function, code, check_fragment, message_fragment = WRONG[name][case]
    scope = namespace(name, {function: code})
    for seed in range(1 if function == "run_in_parallel" else 4):
        verdicts = judge_in_process(name, function, scope, seed)
        named = [(check, v) for check, v in verdicts.items() if check_fragment in check]
        assert len(named) == 1, (check_fragment, list(verdicts))
        check, verdict = named[0]
        assert not verdict.passed, (seed, check)
        assert message_fragment in verdict.message, (seed, verdict.message)


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_points_match_the_visible_test_cells(name):
    """Are a task's hidden checks worth exactly its visible test cell's points?"""
    nb = nbformat.read(str(source_path(name)), as_version=4)
    points = {cell.metadata["nbgrader"]["grade_id"]: cell.metadata["nbgrader"]["points"]
              for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("grade")}
    assert points == {task.test_cell: task.points for task in load(name).tasks}
