"""Dimensions of a search space: bounds, scales, laws, narrowing.

Statistical tests: each states its false-failure rate. Under the null hypothesis a
p-value is uniform on [0, 1], so a test that fails when p < 1e-6 fails a correct
sampler with probability 1e-6 per check. Hypothesis runs at most
MAX_EXAMPLES checks per test, so a whole test falsely fails with probability
below MAX_EXAMPLES * 1e-6 (4e-5 here); every statistical test is paired with one
showing that the same check rejects the wrong law, so it can fail.
"""

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from search_spaces import (
    any_dims,
    contains,
    int_dims,
    log_dims,
    numeric_dims,
    one_minus_log_dims,
    own_scale,
    uniform_dims,
)

from course.search import (
    Choice,
    Fixed,
    IntUniform,
    LogUniform,
    OneMinusLogUniform,
    Uniform,
)

MAX_EXAMPLES = 40
P_FAIL = 1e-6  # reject the law when p < P_FAIL (false failure 1e-6 per check)
N_SAMPLES = 3000  # enough for the KS test to reject a wrong law at p ~ 1e-30


# ---- values and scales ----------------------------------------------------------------

@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(dim=any_dims, u=st.lists(st.floats(0, 1), min_size=1, max_size=20))
def test_from_unit_values_lie_within_the_bounds(dim, u):
    u = u + [0.0, 1.0]
    values = dim.from_unit(np.array(u)).tolist()
    assert all(contains(dim, v) for v in values)
    assert all(contains(dim, dim.from_unit(x)) for x in u)  # scalar path: Python values


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(dim=numeric_dims, u=st.lists(st.floats(0, 1), min_size=2, max_size=20))
def test_from_unit_is_nondecreasing_and_hits_both_ends(dim, u):
    u = np.sort(u)
    values = dim.from_unit(u)
    assert np.all(np.diff(values) >= 0)
    assert dim.from_unit(0.0) == dim.low and dim.from_unit(1.0) == dim.high


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(dim=st.one_of(uniform_dims(), log_dims(), one_minus_log_dims()),
       u=st.lists(st.floats(0, 1), min_size=1, max_size=20))
def test_from_unit_is_affine_on_the_own_scale(dim, u):
    """Is u -> own_scale(value) the straight line from own_scale(low) to own_scale(high)?"""
    t0, t1 = own_scale(dim, dim.low), own_scale(dim, dim.high)
    expected = t0 + np.array(u) * (t1 - t0)
    got = own_scale(dim, dim.from_unit(np.array(u)))
    # 1 - beta loses digits when beta is near 1: compare on the scale's absolute units
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-6 * abs(t1 - t0) + 1e-9)


def test_one_point_grids_take_the_middle_of_the_own_scale():
    assert LogUniform(1e-4, 1.0).grid(1) == [pytest.approx(1e-2)]
    assert OneMinusLogUniform(0.9, 0.999).grid(1) == [pytest.approx(0.99)]
    assert Uniform(2, 4).grid(1) == [3.0]


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(dim=st.one_of(log_dims(), one_minus_log_dims()), n=st.integers(2, 12))
def test_grid_points_of_log_dimensions_are_evenly_spaced_in_log10(dim, n):
    t = own_scale(dim, dim.grid(n))
    assert len(t) == n
    span = abs(own_scale(dim, dim.high) - own_scale(dim, dim.low))
    np.testing.assert_allclose(np.diff(t), np.diff(t)[0], atol=1e-6 * span + 1e-9)


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(low=st.integers(-50, 50), k=st.integers(1, 40), n=st.integers(1, 60))
def test_linear_int_grid_has_min_n_k_distinct_values(low, k, n):
    """k integers, n points: the grid has min(n, k) values (k + 1 points hit every one)."""
    dim = IntUniform(low, low + k - 1) if k > 1 else None
    if dim is None:
        return
    grid = dim.grid(n)
    assert len(grid) == len(set(grid)) == min(n, k)
    assert grid == sorted(grid) and (n == 1 or (grid[0], grid[-1]) == (dim.low, dim.high))


def test_choice_and_fixed_keep_their_values_as_given():
    dim = Choice([(64,), (64, 64), "auto"])
    assert dim.grid(2) == [(64,), (64, 64), "auto"]
    assert dim.from_unit(0.5) == (64, 64)
    assert dim.from_unit(np.array([0.0, 0.99])).tolist() == [(64,), "auto"]
    assert Fixed((32, 32)).from_unit(np.array([0.1, 0.7])).tolist() == [(32, 32)] * 2
    assert Fixed(None).sample(0) is None


# ---- laws: statistical tests (false failure per check P_FAIL = 1e-6, see top) -----------

@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(dim=log_dims(), seed=st.integers(0, 2**32 - 1))
def test_log_uniform_samples_follow_the_log_uniform_law(dim, seed):
    """KS test of log10(alpha) against uniform on [log10 low, log10 high]."""
    x = dim.sample(np.random.default_rng(seed), N_SAMPLES)
    a, b = math.log10(dim.low), math.log10(dim.high)
    assert stats.kstest(np.log10(x), "uniform", args=(a, b - a)).pvalue > P_FAIL


def test_log_uniform_gives_each_decade_an_equal_share():
    """Chi-square on the counts per decade of LogUniform(1e-5, 1e-1): 4 equal shares."""
    x = LogUniform(1e-5, 1e-1).sample(np.random.default_rng(11), 8000)
    counts = np.histogram(np.log10(x), bins=[-5, -4, -3, -2, -1])[0]
    assert counts.sum() == 8000
    assert stats.chisquare(counts).pvalue > P_FAIL


def test_the_log_law_check_rejects_uniform_samples():
    """The same KS check has power: a uniform sampler on [1e-4, 1] fails it."""
    x = Uniform(1e-4, 1.0).sample(np.random.default_rng(0), N_SAMPLES)
    assert stats.kstest(np.log10(x), "uniform", args=(-4, 4)).pvalue < P_FAIL


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(dim=one_minus_log_dims(), seed=st.integers(0, 2**32 - 1))
def test_log10_of_one_minus_beta_is_uniform(dim, seed):
    beta = dim.sample(np.random.default_rng(seed), N_SAMPLES)
    lo, hi = math.log10(1 - dim.high), math.log10(1 - dim.low)
    assert stats.kstest(np.log10(1 - beta), "uniform", args=(lo, hi - lo)).pvalue > P_FAIL


def test_the_one_minus_beta_check_rejects_log_uniform_beta():
    """Sampling beta itself log-uniformly on [0.9, 0.999] crowds it near 0.9: rejected."""
    beta = LogUniform(0.9, 0.999).sample(np.random.default_rng(0), N_SAMPLES)
    lo, hi = math.log10(1 - 0.999), math.log10(1 - 0.9)
    assert stats.kstest(np.log10(1 - beta), "uniform", args=(lo, hi - lo)).pvalue < P_FAIL


@pytest.mark.parametrize("log", [False, True], ids=["linear", "log"])
def test_int_uniform_probabilities_match_the_floor_of_a_continuous_law(log):
    """P(k) = share of [k, k + 1) in [low, high + 1), on the linear or the log scale."""
    low, high = 3, 20
    ks = np.arange(low, high + 1)
    if log:
        p = np.log((ks + 1) / ks) / np.log((high + 1) / low)
    else:
        p = np.full(len(ks), 1 / len(ks))
    x = IntUniform(low, high, log=log).sample(np.random.default_rng(5), 20000)
    counts = np.array([(x == k).sum() for k in ks])
    assert counts.sum() == 20000
    assert stats.chisquare(counts, 20000 * p).pvalue > P_FAIL


def test_choice_values_are_equally_likely():
    dim = Choice(["relu", "tanh", "sigmoid", (64, 64)])
    x = dim.sample(np.random.default_rng(2), 8000).tolist()
    counts = [sum(v == w for v in x) for w in dim.values]
    assert sum(counts) == 8000
    assert stats.chisquare(counts).pvalue > P_FAIL


def test_sample_is_reproducible_from_an_int_or_a_generator():
    dim = LogUniform(1e-4, 1e-1)
    assert np.array_equal(dim.sample(7, 5), dim.sample(np.random.default_rng(7), 5))
    assert not np.array_equal(dim.sample(7, 5), dim.sample(8, 5))
    assert isinstance(dim.sample(7), float)


# ---- bad bounds: errors that print them -----------------------------------------------

@pytest.mark.parametrize("make, shown", [
    (lambda: LogUniform(0, 1), "LogUniform(0, 1)"),
    (lambda: LogUniform(-1e-3, 1), "LogUniform(-0.001, 1)"),
    (lambda: LogUniform(1e-2, 1e-3), "LogUniform(0.01, 0.001): low must be < high"),
    (lambda: Uniform(1, 1), "Uniform(1, 1): low must be < high; swap them"),
    (lambda: Uniform(float("nan"), 1), "Uniform(nan, 1): low must be a finite number, got nan"),
    (lambda: Uniform(0, float("inf")), "Uniform(0, inf): high must be a finite number"),
    (lambda: LogUniform(1e-3, float("nan")), "LogUniform(0.001, nan)"),
    (lambda: Uniform(True, 2), "low must be a finite number, got True"),
    (lambda: Uniform("0", 1), "low must be a finite number, got '0'"),
    (lambda: Uniform(0, np.array([1.0])), "high must be a finite number, got array([1.])"),
    (lambda: OneMinusLogUniform(0.9, 1.0), "OneMinusLogUniform(0.9, 1.0)"),
    (lambda: OneMinusLogUniform(0.0, 0.5), "OneMinusLogUniform(0.0, 0.5)"),
    (lambda: OneMinusLogUniform(-0.1, 0.5), "OneMinusLogUniform(-0.1, 0.5)"),
    (lambda: OneMinusLogUniform(0.99, 0.9), "OneMinusLogUniform(0.99, 0.9): low must be < high"),
    (lambda: IntUniform(1.5, 3), "IntUniform(1.5, 3, log=False): low must be a whole number"),
    (lambda: IntUniform(1, 3.0), "high must be a whole number, got 3.0; write e.g. IntUniform("),
    (lambda: IntUniform(1, 3, log="yes"), "log must be True or False"),
    (lambda: IntUniform(3, 3), "IntUniform(3, 3, log=False): low must be < high"),
    (lambda: IntUniform(0, 10, log=True), "IntUniform(0, 10, log=True): log=True needs low >= 1"),
    (lambda: Choice([]), "Choice([]): needs at least one value"),
    (lambda: Choice("relu"), "did you mean Choice(['relu'])"),
    (lambda: Choice([64, 64]), "the value 64 appears twice"),
    (lambda: Choice(5), "Choice(5): expects a list of values"),
])
def test_bad_bounds_raise_an_error_that_prints_them(make, shown):
    with pytest.raises(ValueError, match=re.escape(shown)):
        make()


@pytest.mark.parametrize("u, shown", [(-0.1, "-0.1"), (1.5, "1.5"), (float("nan"), "nan"),
                                      ([0.2, 2.0], "2.0 (at index 1)")])
def test_from_unit_refuses_numbers_outside_the_unit_interval(u, shown):
    message = re.escape(f"u must hold numbers in [0, 1], got {shown}")
    for dim in (Uniform(0, 1), IntUniform(1, 3), Choice(["a", "b"]), Fixed(1)):
        with pytest.raises(ValueError, match=message):
            dim.from_unit(u)


@pytest.mark.parametrize("n", [0, -3, 2.5, True])
def test_grid_refuses_a_bad_number_of_points(n):
    with pytest.raises(ValueError, match=re.escape(f"n must be a whole number >= 1, got {n!r}")):
        LogUniform(1e-3, 1).grid(n)


# ---- narrowing (coarse-to-fine) -------------------------------------------------------

@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(dim=st.one_of(uniform_dims(), log_dims(), one_minus_log_dims()),
       seed=st.integers(0, 1000), k=st.integers(1, 5), margin=st.floats(0.01, 0.5))
def test_narrow_pads_the_values_by_margin_on_the_own_scale(dim, seed, k, margin):
    values = dim.sample(seed, k)
    new = dim.narrow(values, margin)
    assert type(new) is type(dim) and dim.low <= new.low < new.high <= dim.high
    assert new.low <= values.min() and values.max() <= new.high
    # expected bounds, computed on the own scale from the definition
    t = own_scale(dim, values)
    t0, t1 = own_scale(dim, dim.low), own_scale(dim, dim.high)
    pad = margin * abs(t1 - t0)
    sign = 1 if t1 > t0 else -1  # log10(1 - beta) decreases as beta grows
    lo_t = sign * max(sign * t0, sign * (t.min() if sign > 0 else t.max()) - pad)
    hi_t = sign * min(sign * t1, sign * (t.max() if sign > 0 else t.min()) + pad)
    atol = 1e-6 * abs(t1 - t0) + 1e-9
    assert own_scale(dim, new.low) == pytest.approx(lo_t, abs=atol)
    assert own_scale(dim, new.high) == pytest.approx(hi_t, abs=atol)


def test_narrow_is_clipped_to_within_not_to_the_current_region():
    original = LogUniform(1e-6, 1.0)
    current = LogUniform(1e-4, 1e-2)  # width: 2 decades
    new = current.narrow([1e-2], margin=0.5, within=original)  # pad 1 decade each side
    assert new.low == pytest.approx(1e-3) and new.high == pytest.approx(1e-1)
    assert current.narrow([1e-2], 0.5).high == pytest.approx(1e-2)  # within=self clips


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(dim=int_dims(), seed=st.integers(0, 1000), k=st.integers(1, 5))
def test_narrowed_int_dimension_covers_the_values_with_at_least_two_integers(dim, seed, k):
    values = dim.sample(seed, k)
    new = dim.narrow(values, 0.05)
    assert isinstance(new, IntUniform) and new.log == dim.log
    assert dim.low <= new.low <= values.min() and values.max() <= new.high <= dim.high
    assert new.high > new.low


def test_choice_and_fixed_do_not_narrow():
    assert Choice(["a", "b"]).narrow(["a"]) == Choice(["a", "b"])
    assert Fixed(3).narrow([3]) == Fixed(3)


@pytest.mark.parametrize("margin", [0, -0.1, float("nan"), True, "0.1"])
def test_narrow_refuses_a_margin_that_is_not_positive(margin):
    with pytest.raises(ValueError, match=re.escape(f"margin must be a finite number > 0, got "
                                                   f"{margin!r}")):
        Uniform(0, 1).narrow([0.5], margin)
