"""Successive halving: give up on bad values early.

Interface:

    successive_halving(objective, configs, *, min_budget, max_budget, eta=3,
                       maximize=True, executor=None, seed=0, progress=True)
        -> HalvingResult
    objective(config, budget) -> float | TrialResult(score, curve)
    HalvingResult: rungs (list of Rung(budget, indices, trials, survivors)),
        best_index, best_config, best_score, total_budget, table()

The algorithm, with n configs:
  1) run every config with budget = min_budget (epochs, say);
  2) stop if this rung had one config or budget reached max_budget;
  3) keep the best max(1, n // eta) (a failed trial never survives);
  4) budget = min(budget * eta, max_budget); n = number kept; go to 1.
Every rung trains from scratch, so the total budget is the sum over rungs of
(configs in the rung) x (budget of the rung). Each config keeps one seed for
all its rungs, so a longer run repeats a shorter run's start.
"""

from __future__ import annotations

from dataclasses import dataclass

from course.search.results import TrialTable
from course.search.runner import run_trials, seed_configs
from course.validate import check_number, check_positive

__all__ = ["successive_halving", "HalvingResult", "Rung"]


class WithBudget:
    """objective(config, budget) as a one-argument objective (picklable when it is)."""

    def __init__(self, objective, budget):
        self.objective = objective
        self.budget = budget

    def __call__(self, config):
        return self.objective(config, self.budget)

    def __repr__(self):
        return f"WithBudget({self.objective!r}, {self.budget!r})"


@dataclass(frozen=True)
class Rung:
    """One rung: `indices` into the original configs, run with `budget`;
    `trials` in the same order; `survivors` the indices promoted to the next rung
    (for the last rung, the winner)."""

    budget: float
    indices: list
    trials: TrialTable
    survivors: list

    @property
    def scores(self):
        return self.trials.scores


@dataclass(frozen=True)
class HalvingResult:
    configs: list
    rungs: list
    maximize: bool

    @property
    def best_index(self) -> int:
        """Index (into the given configs) of the best trial of the last rung."""
        last = self.rungs[-1]
        return last.indices[last.trials.best().index]

    @property
    def best_config(self) -> dict:
        last = self.rungs[-1]
        return last.trials.best().config

    @property
    def best_score(self) -> float:
        return self.rungs[-1].trials.best().score

    @property
    def total_budget(self) -> float:
        return sum(r.budget * len(r.indices) for r in self.rungs)

    def table(self) -> list[dict]:
        """One row per rung: budget, how many ran, how many survived, best score."""
        return [{"rung": k, "budget": r.budget, "configs": len(r.indices),
                 "survivors": len(r.survivors),
                 "best_score": r.trials.best().score if r.trials.succeeded else float("nan")}
                for k, r in enumerate(self.rungs)]


def successive_halving(objective, configs, *, min_budget, max_budget, eta=3, maximize=True,
                       executor=None, seed=0, progress=True) -> HalvingResult:
    """Run configs on a small budget, keep the best 1/eta, give them eta times more.

    >>> from course.search.toy_objectives import simulated_training
    >>> configs = [{"learning_rate": 10.0 ** -k} for k in range(1, 10)]
    >>> result = successive_halving(simulated_training, configs, min_budget=1,
    ...                             max_budget=27, eta=3, progress=False)
    >>> [(row["budget"], row["configs"]) for row in result.table()]
    [(1, 9), (3, 3), (9, 1)]
    >>> result.total_budget  # against 9 * 27 = 243 for training every config fully
    27
    """
    # One seed per config for every rung (a config that has one keeps it).
    seeded = seed_configs(configs, seed, caller="successive_halving")
    check_positive("min_budget", min_budget, example=1)
    check_positive("max_budget", max_budget, example=27)
    if min_budget > max_budget:
        raise ValueError(f"min_budget={min_budget} must be <= max_budget={max_budget}; swap "
                         "them, or raise max_budget.")
    check_number("eta", eta, above=1, example=3)

    rungs = []
    alive = list(range(len(seeded)))
    budget = min_budget
    while True:
        # 1) run the survivors at this budget
        trials = run_trials(WithBudget(objective, budget), [seeded[i] for i in alive],
                            executor=executor, progress=progress, maximize=maximize,
                            description=f"budget {budget}")
        last = len(alive) == 1 or budget >= max_budget
        # 3) keep the best max(1, n // eta); failures never survive
        # (the last rung's "survivor" is its winner)
        n_keep = 1 if last else max(1, int(len(alive) // eta))
        kept = [alive[t.index] for t in trials.sorted() if t.ok][:n_keep]
        rungs.append(Rung(budget, alive, trials, kept))
        # 2) stop after the last rung, or when nothing is left to promote
        if last or not kept:
            break
        # 4) more budget for fewer configs
        alive, budget = kept, min(budget * eta, max_budget)
    return HalvingResult(seeded, rungs, maximize)
