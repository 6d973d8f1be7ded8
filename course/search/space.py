"""Search spaces: a plain dict from hyperparameter name to a dimension or a constant.

Interface:

    check_space(space) -> dict name -> Dimension   (constants wrapped in Fixed)
    configs_from_unit(space, unit) -> list of config dicts

`unit` has one row per config and one column per searched (non-Fixed)
dimension, in the space's order; every strategy (grid, random, quasi-random)
makes such numbers in [0, 1] and hands them to this one function.

>>> from course.search import LogUniform
>>> space = {"learning_rate": LogUniform(1e-4, 1e-1), "hidden_dims": (64, 64)}
>>> configs_from_unit(space, [[0.0], [1.0]])  # doctest: +NORMALIZE_WHITESPACE
[{'learning_rate': 0.0001, 'hidden_dims': (64, 64)},
 {'learning_rate': 0.1, 'hidden_dims': (64, 64)}]
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from course.search.dimensions import Dimension, Fixed

__all__ = ["check_space", "configs_from_unit", "searched_names"]


def check_space(space) -> dict[str, Dimension]:
    """Validate a space; return it with every constant wrapped in Fixed.

    >>> check_space({"activation": "relu"})
    {'activation': Fixed(value='relu')}
    >>> check_space({"learning_rate": [0.1, 0.01]})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: space['learning_rate'] is a list [0.1, 0.01]; write Choice([...]) ...
    """
    if not isinstance(space, Mapping):
        raise TypeError(
            f"a space is a dict name -> dimension or constant, got a {type(space).__name__}; "
            "write e.g. {'learning_rate': LogUniform(1e-4, 1e-1)}."
        )
    checked = {}
    for name, dim in space.items():
        if not isinstance(name, str) or not name:
            raise ValueError(f"space keys must be non-empty strings, got {name!r}; name each "
                             "hyperparameter, e.g. 'learning_rate'.")
        if isinstance(dim, type) and issubclass(dim, Dimension):
            raise ValueError(
                f"space[{name!r}] is the class {dim.__name__}, not a dimension; "
                f"give its bounds, e.g. {dim.__name__}(low, high)."
            )
        if isinstance(dim, (list, set, frozenset, dict, np.ndarray)):
            raise ValueError(
                f"space[{name!r}] is a {type(dim).__name__} {dim!r}; write Choice([...]) "
                "to search over these values, or a tuple for a constant."
            )
        checked[name] = dim if isinstance(dim, Dimension) else Fixed(dim)
    return checked


def searched_names(space) -> list[str]:
    """Names of the dimensions that vary (everything but constants), in order.

    >>> from course.search import Choice, Uniform
    >>> searched_names({"x": Uniform(0, 1), "batch_size": 64, "activation": Choice(["relu"])})
    ['x', 'activation']
    """
    return [name for name, dim in check_space(space).items() if not isinstance(dim, Fixed)]


def configs_from_unit(space, unit) -> list[dict]:
    """Map rows of numbers in [0, 1] to configs, one column per searched dimension.

    >>> from course.search import Choice
    >>> configs_from_unit({"activation": Choice(["relu", "tanh"]), "reg": 0.0}, [[0.2], [0.7]])
    [{'activation': 'relu', 'reg': 0.0}, {'activation': 'tanh', 'reg': 0.0}]
    """
    dims = check_space(space)
    names = searched_names(dims)
    unit = np.asarray(unit, dtype=float)
    if unit.ndim != 2 or unit.shape[1] != len(names):
        raise ValueError(
            f"unit must have shape (n, {len(names)}) for the searched dimensions "
            f"{names}, got shape {unit.shape}; pass one row per config."
        )
    columns = {name: dims[name].from_unit(unit[:, j]).tolist() for j, name in enumerate(names)}
    configs = []
    for i in range(unit.shape[0]):
        config = {}
        for name, dim in dims.items():
            config[name] = columns[name][i] if name in columns else dim.value
        configs.append(config)
    return configs
