"""Tuning tools: search spaces, strategies that pick configs, and runners.

A space is a plain dict from hyperparameter name (the course vocabulary:
learning_rate, momentum, beta2, ...) to a dimension or a constant. Strategies
turn a space into configs; runners evaluate an objective on them.
"""

from course.search.dimensions import (
    Choice,
    Dimension,
    Fixed,
    IntUniform,
    LogUniform,
    OneMinusLogUniform,
    Uniform,
)
from course.search.samplers import Grid, grid_configs, quasi_random_configs, random_configs
from course.search.space import check_space, configs_from_unit, searched_names

__all__ = [
    "Choice",
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
