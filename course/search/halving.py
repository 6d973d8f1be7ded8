"""Successive halving: give up on bad values early.

Interface:

    successive_halving(objective, configs, *, min_budget, max_budget, eta=3,
                       maximize=True, executor=None, seed=0, progress=True)
        -> HalvingResult
    objective(config, budget) -> float | TrialResult(score, curve)
    HalvingResult: rungs (list of Rung(budget, indices, trials, survivors)),
        best_index, best_config, best_score, total_budget, plot_rungs(ax)

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

import numbers
from dataclasses import dataclass

from course.search.results import TrialTable
from course.search.runner import run_trials, trial_seeds

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

    def plot_rungs(self, ax):
        """Score against budget, one line per config, ending where it was dropped.

        >>> from matplotlib.figure import Figure
        >>> from course.search.toy_objectives import simulated_training
        >>> configs = [{"learning_rate": 10.0 ** -k} for k in range(1, 6)]
        >>> result = successive_halving(simulated_training, configs, min_budget=1,
        ...                             max_budget=9, progress=False)
        >>> ax = result.plot_rungs(Figure().add_subplot())
        """
        points = {}
        for rung in self.rungs:
            for i, trial in zip(rung.indices, rung.trials, strict=True):
                points.setdefault(i, []).append((rung.budget, trial.score))
        best = self.best_index
        for i, pts in points.items():
            budgets, scores = zip(*pts, strict=True)
            style = {"color": "tab:red", "linewidth": 2, "zorder": 3} if i == best else {
                "color": "0.55", "linewidth": 0.8}
            ax.plot(budgets, scores, "o-", markersize=3, **style)
        ax.set_xscale("log")
        ax.set_xlabel("budget")
        ax.set_ylabel("score")
        return ax


def _check_positive(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
        raise ValueError(f"{name} must be a number > 0, got {value!r}")


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
    configs = list(configs)
    if not configs:
        raise ValueError("successive_halving needs at least one config, got none")
    for name, value in (("min_budget", min_budget), ("max_budget", max_budget)):
        _check_positive(name, value)
    if min_budget > max_budget:
        raise ValueError(f"min_budget ({min_budget}) must be <= max_budget ({max_budget})")
    if isinstance(eta, bool) or not isinstance(eta, numbers.Real) or not eta > 1:
        raise ValueError(f"eta must be a number > 1, got {eta!r}")
    for i, config in enumerate(configs):
        if not isinstance(config, dict):
            raise TypeError(f"config {i} is a {type(config).__name__}, not a dict: {config!r}")
    # One seed per config for every rung (a config that has one keeps it).
    seeded = [{**c, "seed": c.get("seed", s)}
              for c, s in zip(configs, trial_seeds(seed, len(configs)), strict=True)]

    rungs = []
    alive = list(range(len(configs)))
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
