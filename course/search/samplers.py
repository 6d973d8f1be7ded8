"""Where to put the trials: grid, random and quasi-random configs.

Interface: each strategy takes a space (dict name -> dimension or constant) and
returns a list of config dicts. All of them make numbers in [0, 1] and let each
dimension's `from_unit` turn them into values, so a log dimension is searched
on a log scale whatever the strategy.

    Grid(space, points_per_axis)        len, iteration and indexing, like sklearn's ParameterGrid
    grid_configs(space, points_per_axis) -> list(Grid(...))
    random_configs(space, n, rng)
    quasi_random_configs(space, n, seed, method="sobol" | "halton")
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from scipy.stats import qmc

from course.rng import as_rng
from course.search.dimensions import Choice, Fixed
from course.search.space import check_space, configs_from_unit, searched_names
from course.validate import check_choice, check_positive_int

__all__ = ["Grid", "grid_configs", "random_configs", "quasi_random_configs"]


class Grid:
    """Every combination of the axes' values; the last name varies fastest.

    points_per_axis is an int for every numeric dimension, or a dict giving it per
    name (Choice and constant names may be left out: a Choice axis takes all its
    values). Numeric axes are evenly spaced on their own scale, ends included.

    >>> from course.search import LogUniform, Choice
    >>> grid = Grid({"learning_rate": LogUniform(1e-3, 1e-1),
    ...              "activation": Choice(["relu", "tanh"])}, 3)
    >>> len(grid)
    6
    >>> grid[1]
    {'learning_rate': 0.001, 'activation': 'tanh'}
    >>> grid.axes["learning_rate"]
    [0.001, 0.01, 0.1]
    """

    def __init__(self, space, points_per_axis):
        dims = check_space(space)
        counts = self._counts(dims, points_per_axis)
        self.space = dims
        self.axes = {name: dims[name].grid(counts.get(name)) for name in dims}

    @staticmethod
    def _counts(dims, points_per_axis) -> dict:
        numeric = [n for n, d in dims.items() if not isinstance(d, (Choice, Fixed))]
        if isinstance(points_per_axis, dict):
            unknown = sorted(set(points_per_axis) - set(dims))
            if unknown:
                raise ValueError(f"points_per_axis names {unknown} that are not in the space "
                                 f"{list(dims)}; use the space's names.")
            missing = [n for n in numeric if n not in points_per_axis]
            if missing:
                raise ValueError(f"points_per_axis has no number of points for {missing}; give "
                                 "one for every numeric dimension, or one int for all.")
            return {n: check_positive_int(f"points_per_axis[{n!r}]", c, example=3)
                    for n, c in points_per_axis.items()}
        count = check_positive_int("points_per_axis", points_per_axis, example=3)
        return {n: count for n in numeric}

    def __len__(self) -> int:
        return math.prod(len(values) for values in self.axes.values())

    def __getitem__(self, index):
        if isinstance(index, bool) or not isinstance(index, numbers.Integral):
            raise TypeError(f"grid indices are integers, got {index!r}")
        size = len(self)
        if not -size <= index < size:
            raise IndexError(f"grid index {index} out of range for a grid of {size}")
        index = int(index) % size
        config = {}
        # Mixed-radix digits, last axis least significant (itertools.product order).
        for name in reversed(list(self.axes)):
            values = self.axes[name]
            index, digit = divmod(index, len(values))
            config[name] = values[digit]
        return {name: config[name] for name in self.axes}

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __repr__(self):
        shape = " x ".join(str(len(v)) for v in self.axes.values())
        return f"Grid({shape} = {len(self)} configs over {list(self.axes)})"


def grid_configs(space, points_per_axis) -> list[dict]:
    """All configs of the grid, as a list (see Grid).

    >>> from course.search import Uniform
    >>> grid_configs({"x": Uniform(0, 1), "y": Uniform(0, 1)}, {"x": 2, "y": 3})
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'x': 0.0, 'y': 0.0}, {'x': 0.0, 'y': 0.5}, {'x': 0.0, 'y': 1.0},
     {'x': 1.0, 'y': 0.0}, {'x': 1.0, 'y': 0.5}, {'x': 1.0, 'y': 1.0}]
    """
    return list(Grid(space, points_per_axis))


def random_configs(space, n, rng=None) -> list[dict]:
    """n configs drawn independently, each dimension uniform on its own scale.

    rng is a numpy Generator or an int seed.

    >>> from course.search import LogUniform
    >>> configs = random_configs({"learning_rate": LogUniform(1e-4, 1e-1)}, 3, rng=0)
    >>> [round(c["learning_rate"], 6) for c in configs]
    [0.008145, 0.000645, 0.000133]
    """
    n = check_positive_int("n", n, example=20)
    dims = check_space(space)
    rng = as_rng(rng)
    return configs_from_unit(dims, rng.random((n, len(searched_names(dims)))))


def quasi_random_configs(space, n, seed=None, method="sobol") -> list[dict]:
    """n configs from a scrambled Sobol or Halton sequence (scipy.stats.qmc).

    Quasi-random points fill the space more evenly than random ones while keeping
    random search's strength: no two trials share a value on any axis. Sobol's
    balance is exact when n is a power of two; for other n the first n points of
    the next power of two are returned (the same points scipy would give, without
    its warning). Halton takes any n.

    >>> from course.search import Uniform
    >>> configs = quasi_random_configs({"x": Uniform(0, 1)}, 4, seed=0)
    >>> sorted(int(c["x"] * 4) for c in configs)  # one point in each quarter
    [0, 1, 2, 3]
    """
    n = check_positive_int("n", n, example=16)
    check_choice("method", method, ("sobol", "halton"))
    rng = as_rng(seed, name="seed")
    dims = check_space(space)
    d = len(searched_names(dims))
    if d == 0:
        return configs_from_unit(dims, np.zeros((n, 0)))
    if method == "sobol":
        unit = qmc.Sobol(d, scramble=True, rng=rng).random_base2(max(0, math.ceil(math.log2(n))))
        unit = unit[:n]
    else:
        unit = qmc.Halton(d, scramble=True, rng=rng).random(n)
    return configs_from_unit(dims, unit)
