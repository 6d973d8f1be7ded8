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
