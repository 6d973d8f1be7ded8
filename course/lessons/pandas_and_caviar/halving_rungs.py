"""Successive halving, rung by rung: which configs it gives up on, and when.

    result = successive_halving(train_digits_for, configs, min_budget=1, max_budget=27)
    halving_data(result, rung)     # who runs, survives and is dropped at that rung

For every config, the (epochs given, dev accuracy) points it reached before it was
dropped; for the chosen rung, the configs that ran, those kept for the next rung and
those dropped, their scores, and the epochs spent so far out of the whole run's.
No screen code here: the demo is `halving_rungs_demo` (halving_demo).
"""

from __future__ import annotations

import numpy as np

__all__ = ["halving_data"]


def halving_data(result, rung):
    """Per config: its (budget, score) points; and who runs, survives or is dropped at `rung`.

    result: a course.search HalvingResult; rung: index into result.rungs.
    """
    if not 0 <= rung < len(result.rungs):
        raise ValueError(f"rung must be between 0 and {len(result.rungs) - 1}, got {rung}.")
    points = {i: [] for i in range(len(result.configs))}
    for r in result.rungs:
        for i, trial in zip(r.indices, r.trials, strict=True):
            points[i].append((r.budget, trial.score))
    chosen = result.rungs[rung]
    running = list(chosen.indices)
    survivors = list(chosen.survivors)
    spent = sum(r.budget * len(r.indices) for r in result.rungs[: rung + 1])
    return {
        "rung": rung,
        "budget": chosen.budget,
        "points": points,
        "running": running,
        "survivors": survivors,
        "dropped": [i for i in running if i not in survivors],
        "scores": dict(zip(chosen.indices, chosen.scores, strict=True)),
        "learning_rates": np.array([c["learning_rate"] for c in result.configs]),
        "budgets": [r.budget for r in result.rungs],
        "epochs_spent": spent,
        "total_budget": result.total_budget,
        "best_index": result.best_index,
    }
