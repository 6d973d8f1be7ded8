"""Grid, random and quasi-random configs over random spaces.

One parametrized suite runs over every sampler (values in bounds, every name
present, reproducible from a seed); the grid and the quasi-random sequences then
get checks of their own. Nothing here is statistical: Sobol's stratification
is exact, so those checks cannot fail by chance.
"""

import itertools
import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from search_spaces import any_dims, contains, numeric_dims, own_scale

from course.search import (
    Choice,
    Fixed,
    Grid,
    IntUniform,
    LogUniform,
    OneMinusLogUniform,
    Uniform,
    check_space,
    grid_configs,
    quasi_random_configs,
    random_configs,
)

NAMES = ["learning_rate", "momentum", "beta2", "batch_size", "activation", "hidden_dims"]
spaces = st.dictionaries(st.sampled_from(NAMES), st.one_of(any_dims, st.integers(0, 9)),
                         min_size=1, max_size=4)
spaces_with_a_numeric_axis = st.tuples(spaces, numeric_dims).map(
    lambda pair: {**pair[0], "x": pair[1]})

SAMPLERS = {
    "grid": lambda space, n, seed: grid_configs(space, max(1, round(n ** 0.5))),
    "random": lambda space, n, seed: random_configs(space, n, seed),
    "sobol": lambda space, n, seed: quasi_random_configs(space, n, seed, method="sobol"),
    "halton": lambda space, n, seed: quasi_random_configs(space, n, seed, method="halton"),
}
SEEDED = ["random", "sobol", "halton"]


# ---- one suite, every sampler ---------------------------------------------------------

@pytest.mark.parametrize("sampler", list(SAMPLERS))
@settings(max_examples=30, deadline=None)
@given(space=spaces, n=st.integers(1, 40), seed=st.integers(0, 2**32 - 1))
def test_every_config_has_every_name_with_a_value_in_bounds(sampler, space, n, seed):
    configs = SAMPLERS[sampler](space, n, seed)
    dims = check_space(space)
    assert configs and all(list(c) == list(space) for c in configs)
    assert all(contains(dims[name], c[name]) for c in configs for name in space)
    if sampler != "grid":
        assert len(configs) == n


@pytest.mark.parametrize("sampler", SEEDED)
@settings(max_examples=30, deadline=None)
@given(space=spaces_with_a_numeric_axis, n=st.integers(1, 20), seed=st.integers(0, 2**31))
def test_same_seed_same_configs_and_a_different_seed_different_ones(sampler, space, n, seed):
    first = SAMPLERS[sampler](space, n, seed)
    assert SAMPLERS[sampler](space, n, seed) == first
    # x is continuous or an integer range: two seeds agree on every draw only if the
    # sampler ignores its seed (for IntUniform(0, 1) and n = 1 by chance: 1 in 2)
    x = space["x"]
    if isinstance(x, IntUniform) and (x.high - x.low + 1) ** n < 1e6:
        return
    assert SAMPLERS[sampler](space, n, seed + 1) != first


@pytest.mark.parametrize("sampler", SEEDED)
def test_a_generator_and_its_int_seed_give_the_same_configs(sampler):
    space = {"learning_rate": LogUniform(1e-4, 1e-1), "momentum": OneMinusLogUniform(0.8, 0.999)}
    from_int = SAMPLERS[sampler](space, 5, 3)
    assert SAMPLERS[sampler](space, 5, np.random.default_rng(3)) == from_int


@pytest.mark.parametrize("sampler", list(SAMPLERS))
def test_constants_are_passed_through_unchanged(sampler):
    space = {"learning_rate": LogUniform(1e-4, 1e-1), "hidden_dims": (64, 64),
             "activation": Fixed("tanh"), "weight_scale": None}
    for config in SAMPLERS[sampler](space, 8, 0):
        assert config["hidden_dims"] == (64, 64) and config["activation"] == "tanh"
        assert config["weight_scale"] is None


@pytest.mark.parametrize("sampler", SEEDED)
def test_a_space_of_constants_gives_n_copies(sampler):
    assert SAMPLERS[sampler]({"a": 1, "b": Fixed("x")}, 3, 0) == [{"a": 1, "b": "x"}] * 3


@pytest.mark.parametrize("sampler", SEEDED)
@pytest.mark.parametrize("n", [0, -2, 2.5, True, None])
def test_a_bad_number_of_configs_is_refused(sampler, n):
    with pytest.raises(ValueError, match=re.escape(f"n must be a whole number >= 1, got {n!r}")):
        SAMPLERS[sampler]({"x": Uniform(0, 1)}, n, 0)


# ---- grid -----------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(space=spaces, points=st.integers(1, 4))
def test_grid_length_is_the_product_of_its_axes(space, points):
    grid = Grid(space, points)
    dims = check_space(space)
    expected = 1
    for dim in dims.values():
        if isinstance(dim, Choice):
            expected *= len(dim.values)
        elif isinstance(dim, Fixed):
            expected *= 1
        elif isinstance(dim, IntUniform) and not dim.log:
            expected *= min(points, dim.high - dim.low + 1)  # see the int grid test
        elif isinstance(dim, IntUniform):
            expected *= len(set(dim.grid(points)))
        else:
            expected *= points
    assert len(grid) == expected == len(grid_configs(space, points))


@settings(max_examples=60, deadline=None)
@given(space=spaces, points=st.integers(1, 4))
def test_grid_iteration_equals_indexing_equals_the_product_of_the_axes(space, points):
    grid = Grid(space, points)
    listed = list(grid)
    assert listed == [grid[i] for i in range(len(grid))]
    product = [dict(zip(grid.axes, values, strict=True))
               for values in itertools.product(*grid.axes.values())]
    assert listed == product
    assert grid[-1] == listed[-1] and grid[-len(grid)] == listed[0]
    with pytest.raises(IndexError):
        grid[len(grid)]
    with pytest.raises(IndexError):
        grid[-len(grid) - 1]


def test_grid_points_per_axis_can_be_given_per_name():
    space = {"learning_rate": LogUniform(1e-4, 1e-1), "momentum": OneMinusLogUniform(0.9, 0.999),
             "activation": Choice(["relu", "tanh"]), "batch_size": 64}
    grid = Grid(space, {"learning_rate": 4, "momentum": 3})
    assert len(grid) == 4 * 3 * 2
    np.testing.assert_allclose(grid.axes["learning_rate"], [1e-4, 1e-3, 1e-2, 1e-1])
    np.testing.assert_allclose(grid.axes["momentum"], [0.9, 0.99, 0.999])
    assert "24 configs" in repr(grid)


@pytest.mark.parametrize("points, message", [
    ({"learning_rate": 3, "lr": 2}, "points_per_axis names ['lr'] that are not in the space"),
    ({"momentum": 3}, "points_per_axis has no number of points for ['learning_rate']"),
    ({"learning_rate": 0, "momentum": 2}, "points_per_axis['learning_rate'] must be a whole"),
    (0, "points_per_axis must be a whole number >= 1, got 0"),
    (2.0, "points_per_axis must be a whole number >= 1, got 2.0"),
])
def test_bad_points_per_axis_name_the_key_and_value(points, message):
    space = {"learning_rate": LogUniform(1e-4, 1e-1), "momentum": Uniform(0.5, 0.9)}
    with pytest.raises(ValueError, match=re.escape(message)):
        Grid(space, points)


def test_grid_refuses_non_integer_indices():
    with pytest.raises(TypeError, match="grid indices are integers"):
        Grid({"x": Uniform(0, 1)}, 2)[0.5]


# ---- quasi-random ---------------------------------------------------------------------

@settings(max_examples=30, deadline=None)
@given(dims=st.lists(st.one_of(st.builds(Uniform, st.just(-3.0), st.just(5.0)),
                               st.just(LogUniform(1e-6, 1.0)),
                               st.just(OneMinusLogUniform(0.5, 0.9999))),
                     min_size=1, max_size=5),
       m=st.integers(0, 7), seed=st.integers(0, 2**32 - 1))
def test_sobol_puts_one_point_in_each_cell_of_every_axis(dims, m, seed):
    """With n = 2**m, each axis cut into n equal cells on its own scale holds one point
    per cell: the balance that makes Sobol points even (exact, for every seed)."""
    space = {f"x{i}": dim for i, dim in enumerate(dims)}
    n = 2**m
    configs = quasi_random_configs(space, n, seed, method="sobol")
    for name, dim in space.items():
        t = own_scale(dim, [c[name] for c in configs])
        t0, t1 = own_scale(dim, dim.low), own_scale(dim, dim.high)
        cells = np.floor((t - t0) / (t1 - t0) * n).astype(int)
        assert sorted(cells.tolist()) == list(range(n))


def test_random_points_do_not_have_that_balance():
    """The balance above is Sobol's doing, not the check's: random points miss cells."""
    configs = random_configs({"x": Uniform(0, 1)}, 64, 0)
    cells = {math.floor(c["x"] * 64) for c in configs}
    assert len(cells) < 64


@pytest.mark.parametrize("n", [1, 3, 10, 100])
def test_sobol_takes_any_n_without_warnings(n):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        configs = quasi_random_configs({"x": Uniform(0, 1), "y": LogUniform(1e-3, 1)}, n, 0)
    assert len(configs) == n and len({c["x"] for c in configs}) == n


def test_sobol_prefix_for_n_not_a_power_of_two():
    space = {"x": Uniform(0, 1)}
    assert quasi_random_configs(space, 5, 0) == quasi_random_configs(space, 8, 0)[:5]


def test_quasi_random_refuses_an_unknown_method():
    with pytest.raises(ValueError, match=re.escape("unknown method 'latin'; choose one of "
                                                   "['sobol', 'halton']")):
        quasi_random_configs({"x": Uniform(0, 1)}, 4, 0, method="latin")


@pytest.mark.parametrize("sampler", SEEDED)
@pytest.mark.parametrize("seed", [-1, 1.5, "a", True])
def test_a_bad_seed_is_refused_with_its_value(sampler, seed):
    name = "rng" if sampler == "random" else "seed"
    with pytest.raises(ValueError, match=re.escape(f"{name} must be a numpy Generator, a seed "
                                                   f"(a whole number >= 0) or None, got {seed!r}")):
        SAMPLERS[sampler]({"x": Uniform(0, 1)}, 4, seed)


# ---- spaces ---------------------------------------------------------------------------

@pytest.mark.parametrize("space, error, message", [
    ({"learning_rate": [1e-3, 1e-2]}, ValueError, "space['learning_rate'] is a list"),
    ({"learning_rate": np.array([1e-3])}, ValueError, "space['learning_rate'] is a ndarray"),
    ({"learning_rate": LogUniform}, ValueError, "space['learning_rate'] is the class LogUniform"),
    ({"": Uniform(0, 1)}, ValueError, "space keys must be non-empty strings, got ''"),
    ({3: Uniform(0, 1)}, ValueError, "space keys must be non-empty strings, got 3"),
    ([("x", Uniform(0, 1))], TypeError, "a space is a dict name -> dimension or constant"),
])
def test_bad_spaces_name_the_bad_key(space, error, message):
    for make in (lambda: random_configs(space, 2, 0), lambda: grid_configs(space, 2),
                 lambda: quasi_random_configs(space, 2, 0)):
        with pytest.raises(error, match=re.escape(message)):
            make()
