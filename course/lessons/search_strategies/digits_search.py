"""A real search on the 8x8 digits: grid or random, over learning rate and hidden units.

Every trial trains the course's network (course.nn, Adam, NUM_EPOCHS epochs) with one
config of learning_rate (log scale, 1e-4 to 1) and hidden units (8 to 128, log scale)
and scores it by dev-set accuracy (course.search.digits_objectives.train_digits).

    tuning_configs(strategy, n_trials, seed) -> configs {"learning_rate", "hidden_units"}
    training_config(config) -> the network's config in the course vocabulary
    run_trial(config, seed) -> dev accuracy (NaN if training diverged)
    stream_trials(strategy, n_trials, seed) -> yields (config, score), trial by trial
    search_snapshots(strategy, n_trials, seed) -> yields the search so far after each trial

No screen code here; the demo is digits_search_demo.
"""

from __future__ import annotations

import math

from course.rng import as_rng
from course.search import IntUniform, LogUniform, grid_configs, random_configs, trial_seeds
from course.search.digits_objectives import train_digits

__all__ = ["NUM_EPOCHS", "TUNING_SPACE", "run_trial", "search_snapshots", "stream_trials",
           "training_config", "tuning_configs"]

TUNING_SPACE = {"learning_rate": LogUniform(1e-4, 1.0),
                "hidden_units": IntUniform(8, 128, log=True)}
NUM_EPOCHS = 5


def tuning_configs(strategy, n_trials, seed=0):
    """Configs {"learning_rate", "hidden_units"}: a k x k grid (k = floor(sqrt(n_trials)))
    or n_trials random ones drawn with `seed` (a whole number)."""
    if strategy == "grid":
        return grid_configs(TUNING_SPACE, math.isqrt(n_trials))
    if strategy == "random":
        return random_configs(TUNING_SPACE, n_trials, as_rng(seed))
    raise ValueError(f"strategy must be 'grid' or 'random', got {strategy!r}; pick one of those.")


def training_config(config):
    """The network's config for a trial: one hidden layer of config["hidden_units"] units."""
    return {"learning_rate": config["learning_rate"],
            "hidden_dims": (int(config["hidden_units"]),), "num_epochs": NUM_EPOCHS}


def run_trial(config, seed):
    """Dev accuracy of the network trained with `config` (NaN if training diverged)."""
    return train_digits({**training_config(config), "seed": seed}).score


def stream_trials(strategy, n_trials, seed=0):
    """Yield (config, score) trial by trial; seeds come from course.search.trial_seeds."""
    configs = tuning_configs(strategy, n_trials, seed)
    for config, trial_seed in zip(configs, trial_seeds(seed, len(configs)), strict=True):
        yield config, run_trial(config, trial_seed)


def search_snapshots(strategy, n_trials, seed=0):
    """Yield the search so far after each trial (a new dict each time).

    Each snapshot: {"strategy", "planned": the number of trials the search will run,
    "configs": the configs tried so far, "scores": their dev accuracies,
    "best": the best finite score so far (NaN while every trial has diverged)}.
    """
    planned = len(tuning_configs(strategy, n_trials, seed))
    configs, scores = [], []
    for config, score in stream_trials(strategy, n_trials, seed):
        configs.append(config)
        scores.append(score)
        finite = [s for s in scores if not math.isnan(s)]
        yield {"strategy": strategy, "planned": planned, "configs": list(configs),
               "scores": list(scores), "best": max(finite) if finite else math.nan}
