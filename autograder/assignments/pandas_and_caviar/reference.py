"""Reference answers for pandas_and_caviar (never released, never in the child)."""

import math
from itertools import pairwise


def adjust_learning_rate(costs, rates, start_cost, patience, factor):
    """The next epoch's learning rate by lesson 04's babysitting rule (PandaRule.verdict)."""
    cost, rate = costs[-1], rates[-1]

    def lowest(earlier):  # the start counts as the lowest before any epoch; NaN never does
        return min([start_cost] + [c for c in earlier if math.isfinite(c)])

    if not math.isfinite(cost) or cost > lowest(costs[:-1]) + 0.25 * start_cost:
        return rate / factor  # blow-up
    never_cut = all(later >= before for before, later in pairwise(rates))
    never_rose = all(later <= before for before, later in pairwise(costs))
    if (never_cut and never_rose and len(costs) >= 2
            and cost > 0.9 * costs[-2] and cost > 0.9 * start_cost):
        return rate * factor  # creeping
    if (len(costs) > patience and all(r == rate for r in rates[-patience:])
            and min(costs[-patience:]) >= 0.99 * lowest(costs[:-patience])):
        return rate / factor  # plateau
    return rate


def successive_halving_rungs(losses_at, n_configs, min_budget, eta):
    """The rungs as (budget, evaluated indices, losses); losses_at(index, budget) -> loss."""
    survivors, budget, rungs = list(range(n_configs)), min_budget, []
    while True:
        losses = [losses_at(i, budget) for i in survivors]
        rungs.append((budget, list(survivors), losses))
        if len(survivors) == 1:
            return rungs
        order = sorted(range(len(survivors)), key=lambda k: (losses[k], survivors[k]))
        survivors = sorted(survivors[k] for k in order[:max(1, len(survivors) // eta)])
        budget *= eta


def expected_best(scores, k):
    """The lesson's expected best of k models picked at random (no repeats) from scores."""
    s = sorted(scores)
    n = len(s)
    return sum(s[i - 1] * math.comb(i - 1, k - 1) for i in range(k, n + 1)) / math.comb(n, k)


def choose_approach(scores, panda_score, slots, budget, full_epochs):
    """(approach, expected best of k = budget // full_epochs full runs)."""
    k = budget // full_epochs
    best = expected_best(scores, k)
    if k < 2 or best < panda_score:
        return "panda", best
    return ("caviar" if slots >= k else "halving"), best
