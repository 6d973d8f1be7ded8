"""Reference answers for pandas_and_caviar (never released, never in the child)."""

import math


def adjust_learning_rate(learning_rate, costs, patience, factor):
    stalled = len(costs) > patience and min(costs[-patience:]) >= min(costs[:-patience])
    return learning_rate * factor if not math.isfinite(costs[-1]) or stalled else learning_rate


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
