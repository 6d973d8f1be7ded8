"""Does assignment 4 grade lesson 04's babysitting rule, value for value?

The grader's reference ``adjust_learning_rate(costs, rates, start_cost, patience, factor)``
must return what ``PandaRule(factor, patience).verdict(costs, rates, start_cost)`` decides
(blow-up and plateau divide the rate by factor, creeping multiplies it, None keeps it), on
any history: NaN and inf costs anywhere, rates raised and cut, costs on the rule's very
thresholds. If the lesson's rule changes, these tests fail until the assignment follows.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from autograder.assignments.pandas_and_caviar import reference
from course.lessons.pandas_and_caviar.babysitter import PandaRule

NAN, INF = math.nan, math.inf
# Multiples of the starting cost that sit on or next to the rule's thresholds.
EDGES = (0.0, 0.5, 0.81, 0.9, 0.99, 1.0, 1.25, 1.5)


def _library(costs, rates, start_cost, patience, factor):
    """The learning rate the lesson's rule picks, from its verdict."""
    verdict = PandaRule(factor=factor, patience=patience).verdict(costs, rates, start_cost)
    rate = rates[-1]
    return {"blow-up": rate / factor, "plateau": rate / factor, "creeping": rate * factor,
            None: rate}[verdict]


def _same(costs, rates, start_cost, patience, factor):
    want = _library(costs, rates, start_cost, patience, factor)
    got = reference.adjust_learning_rate(list(costs), list(rates), start_cost, patience,
                                         factor)
    assert got == want, (costs, rates, start_cost, patience, factor, got, want)


def _multiple():
    """A cost as a multiple of the start: anywhere, on a threshold, or not finite."""
    return st.one_of(st.floats(0.0, 2.0), st.sampled_from(EDGES), st.just(NAN), st.just(INF))


@st.composite
def histories(draw):
    """(costs, rates, start_cost, patience, factor): a random record, or one that creeps
    near the start (costs falling by a few percent, rates never cut), where the creeping
    and plateau rules meet."""
    start_cost = math.log(draw(st.integers(2, 100)))
    n = draw(st.integers(1, 8))
    if draw(st.booleans()):
        multiples = draw(st.lists(_multiple(), min_size=n, max_size=n))
    else:
        drops = draw(st.lists(st.floats(0.0, 0.12), min_size=n, max_size=n))
        multiples = list(np.cumprod([1.0 - d for d in drops]))
    costs = [float(m * start_cost) for m in multiples]
    # A few distinct rates, so that equal rates, raises and cuts all come up.
    rates = draw(st.lists(st.sampled_from([0.01, 0.03, 0.1, 0.3]), min_size=n, max_size=n))
    patience = draw(st.integers(1, 4))
    factor = draw(st.sampled_from([1.5, 2.0, 3.0, 10.0]))
    return costs, rates, start_cost, patience, factor


@settings(max_examples=3000, deadline=None)
@given(histories())
# The thresholds themselves: a rise of exactly a quarter of the start is no blow-up, an
# epoch that lowers the cost by exactly 10% no longer creeps, a window exactly 1% below the
# old best is a plateau.
@example(([1.0, 1.0 + 0.25 * 2.0], [0.1, 0.1], 2.0, 2, 3.0))
@example(([2.0, 0.9 * 2.0], [0.1, 0.1], 2.0, 2, 3.0))
@example(([1.0, 0.99 * 1.0], [0.1, 0.1], 2.0, 1, 3.0))
@example(([NAN, 1.0, 3.0], [0.3, 0.1, 0.1], 2.0, 2, 3.0))  # NaN first, then a blow-up
@example(([1.5, NAN, 1.4], [0.1, 0.1, 0.1], 2.0, 2, 3.0))  # NaN inside the window
def test_the_reference_picks_the_lessons_rate_on_any_history(history):
    _same(*history)


def test_every_verdict_comes_up_in_random_runs():
    """Do random records reach all four verdicts often, so the comparison means something?"""
    rng = np.random.default_rng(4)
    seen = {"blow-up": 0, "creeping": 0, "plateau": 0, None: 0}
    for _ in range(20_000):
        start_cost = math.log(int(rng.integers(2, 101)))
        n = int(rng.integers(1, 9))
        steps = rng.choice([0.8, 0.95, 0.99, 1.0, 1.02, 1.4], size=n)
        costs = list(start_cost * np.cumprod(steps) * rng.uniform(0.98, 1.0))
        costs = [NAN if rng.random() < 0.03 else float(c) for c in costs]
        rates = [float(r) for r in rng.choice([0.01, 0.03, 0.1], size=n)]
        patience = int(rng.integers(1, 5))
        factor = float(rng.choice([2.0, 3.0]))
        seen[PandaRule(factor=factor, patience=patience).verdict(costs, rates, start_cost)] += 1
        _same(costs, rates, start_cost, patience, factor)
    assert min(seen.values()) > 500, seen
