"""Tuning tools: search spaces, strategies that pick configs, and runners.

A space is a plain dict from hyperparameter name (the course vocabulary:
learning_rate, momentum, beta2, ...) to a dimension or a constant. Strategies
turn a space into configs; runners evaluate an objective on them.
"""

from course.search.coarse_to_fine import CoarseToFineResult, Round, coarse_to_fine
from course.search.dimensions import (
    Choice,
    Dimension,
    Fixed,
    IntUniform,
    LogUniform,
    OneMinusLogUniform,
    Uniform,
)
from course.search.halving import HalvingResult, Rung, successive_halving
from course.search.results import Trial, TrialResult, TrialTable
from course.search.runner import process_pool, run_trials, trial_seeds
from course.search.samplers import Grid, grid_configs, quasi_random_configs, random_configs
from course.search.space import check_space, configs_from_unit, searched_names

__all__ = [
    "Choice",
    "CoarseToFineResult",
    "HalvingResult",
    "Round",
    "Rung",
    "Trial",
    "TrialResult",
    "TrialTable",
    "coarse_to_fine",
    "process_pool",
    "run_trials",
    "successive_halving",
    "trial_seeds",
    "Dimension",
    "Fixed",
    "Grid",
    "IntUniform",
    "LogUniform",
    "OneMinusLogUniform",
    "Uniform",
    "check_space",
    "configs_from_unit",
    "grid_configs",
    "quasi_random_configs",
    "random_configs",
    "searched_names",
]
