"""Coarse-to-fine search: sample the whole space, zoom in around the best trials, repeat.

Interface:

    coarse_to_fine(objective, space, *, n_per_round, rounds, keep, seed,
                   maximize=True, executor=None, margin=0.15, method="random",
                   progress=True) -> CoarseToFineResult
    CoarseToFineResult: rounds (list of Round(number, region, trials)), regions,
        best_config, best_score, all_trials()

Each round:
  1) draw n_per_round configs in the current region (random or quasi-random);
  2) run them (serially or on the executor);
  3) take the `keep` best trials of this round;
  4) for every numeric dimension, the next region spans their values on the
     dimension's own scale (log10 for LogUniform, log10(1 - beta) for
     OneMinusLogUniform), padded by `margin` times the current region's width on
     each side, clipped to the original bounds. Choice and constant dimensions
     stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course.rng import as_rng
from course.search.results import TrialTable
from course.search.runner import run_trials
from course.search.samplers import quasi_random_configs, random_configs
from course.search.space import check_space
from course.validate import check_choice, check_int, check_positive, check_positive_int

__all__ = ["coarse_to_fine", "CoarseToFineResult", "Round"]


@dataclass(frozen=True)
class Round:
    """One round: the region searched and the trials run in it."""

    number: int
    region: dict
    trials: TrialTable


@dataclass(frozen=True)
class CoarseToFineResult:
    space: dict
    rounds: list
    maximize: bool

    @property
    def regions(self) -> list[dict]:
        return [r.region for r in self.rounds]

    def all_trials(self) -> TrialTable:
        """Every round's trials in one table, in the order they ran."""
        return TrialTable.concatenate([r.trials for r in self.rounds], self.maximize)

    @property
    def best_config(self) -> dict:
        return self.all_trials().best().config

    @property
    def best_score(self) -> float:
        return self.all_trials().best().score


def coarse_to_fine(objective, space, *, n_per_round, rounds, keep, seed, maximize=True,
                   executor=None, margin=0.15, method="random", progress=True):
    """Search the space, then zoom into the region of the best trials, `rounds` times.

    method is "random", "sobol" or "halton" (how points are drawn in a region).

    >>> from course.search import LogUniform
    >>> from course.search.toy_objectives import learning_rate_matters, BEST_LEARNING_RATE
    >>> space = {"learning_rate": LogUniform(1e-6, 1.0), "epsilon": 1e-8}
    >>> result = coarse_to_fine(learning_rate_matters, space, n_per_round=12,
    ...                         rounds=3, keep=3, seed=0, progress=False)
    >>> region = result.regions[-1]["learning_rate"]
    >>> region.low < BEST_LEARNING_RATE < region.high
    True
    >>> bool(region.high / region.low < 1e6)  # the zoom: narrower than the first region
    True
    """
    original = check_space(space)
    seed = check_int("seed", seed, at_least=0, example=0)
    n_per_round = check_positive_int("n_per_round", n_per_round, example=20)
    rounds = check_positive_int("rounds", rounds, example=3)
    keep = check_positive_int("keep", keep, example=max(1, n_per_round // 5))
    if keep > n_per_round:
        raise ValueError(f"keep={keep} must be <= n_per_round={n_per_round}; keep the best few "
                         f"of each round, e.g. keep={max(1, n_per_round // 5)}.")
    check_choice("method", method, ("random", "sobol", "halton"))
    margin = check_positive("margin", margin, example=0.15)
    region = dict(original)
    done = []
    for number, round_seed in enumerate(np.random.SeedSequence(seed).spawn(rounds)):
        # 1) points in the current region, 2) run them
        sampling, trial_seed = round_seed.spawn(2)
        rng = as_rng(sampling)
        if method == "random":
            configs = random_configs(region, n_per_round, rng)
        else:
            configs = quasi_random_configs(region, n_per_round, rng, method=method)
        trials = run_trials(objective, configs, seed=int(trial_seed.generate_state(1)[0]),
                            executor=executor,
                            progress=progress, maximize=maximize,
                            description=f"round {number}")
        done.append(Round(number, region, trials))
        # 3) the best of this round, 4) the next region around them
        best = trials.sorted().trials[:keep]
        best = [t for t in best if t.ok]
        if not best:
            continue  # nothing to zoom on: search the same region again
        region = {
            name: dim.narrow([t.config[name] for t in best], margin, within=original[name])
            for name, dim in region.items()
        }
    return CoarseToFineResult(original, done, maximize)
