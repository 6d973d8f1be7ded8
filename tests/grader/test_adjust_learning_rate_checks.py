"""Can the seed decide anything in adjust_learning_rate's hidden checks?

Each case of ``panda_rule._CASES`` is built far from the rule's thresholds, so that it asks
for one move (keep, raise or cut the rate) on every seed, and each usual slip of
``_SLIPS`` is caught by the same checks on every seed and told apart from every other slip
(the message that names it never depends on the seed either). The wrong answers written as
code are graded under students' seeds in ``test_score_consistency.py``; this covers every
slip the judge can name, over more seeds.
"""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pytest

from autograder.assignments.pandas_and_caviar import reference
from autograder.assignments.pandas_and_caviar.panda_rule import (
    _CASES,
    _SLIPS,
    adjust_probes,
    variant,
)

SEEDS = 400


def _move(rate, args):
    """"keep", "raise" or "cut": what the returned rate did to the last one."""
    last, factor = args[1][-1], args[4]
    moves = {"keep": last, "raise": last * factor, "cut": last / factor}
    return next(name for name, value in moves.items() if math.isclose(rate, value, rel_tol=1e-9))


@pytest.fixture(scope="module")
def answers():
    """seed -> (probes by label, {slip ("" for the rule) -> {label: rate}})."""
    found = {}
    for seed in range(SEEDS):
        probes = {p.label: p for p in adjust_probes(np.random.SeedSequence(seed))}
        rates = {slip: {label: variant(slip)(*p.args) for label, p in probes.items()}
                 for slip in ("", *_SLIPS)}
        found[seed] = probes, rates
    return found


def test_the_slip_free_variant_is_the_reference(answers):
    for probes, rates in answers.values():
        for label, probe in probes.items():
            assert rates[""][label] == reference.adjust_learning_rate(*probe.args), label


def test_every_case_asks_for_one_move_on_every_seed(answers):
    moves = {label: {_move(rates[""][label], probes[label].args)
                     for probes, rates in answers.values()} for label in _CASES}
    assert all(len(seen) == 1 for seen in moves.values()), moves
    assert set().union(*moves.values()) == {"keep", "raise", "cut"}


def _differs(rates, slip, label):
    return not math.isclose(rates[slip][label], rates[""][label], rel_tol=1e-9)


@pytest.mark.parametrize("slip", sorted(_SLIPS))
def test_a_slip_fails_the_same_checks_on_every_seed(answers, slip):
    failing = {frozenset(_CASES[label][0] for label in probes if _differs(rates, slip, label))
               for probes, rates in answers.values()}
    assert len(failing) == 1, failing
    assert failing.pop(), "the slip is never caught"


def test_no_two_slips_answer_alike_on_any_seed(answers):
    for seed, (probes, rates) in answers.items():
        for a, b in combinations(_SLIPS, 2):
            assert any(not math.isclose(rates[a][label], rates[b][label], rel_tol=1e-9)
                       for label in probes), (seed, a, b)
