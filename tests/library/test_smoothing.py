"""Is course.smoothing's moving average the recursion v_t = beta v_{t-1} + (1 - beta) x_t
(checked against a plain loop), is its window 1 / (1 - beta), and is a bad beta refused?"""

import doctest
import math
import re

import numpy as np
import pytest
from references import loop_average

import course.smoothing
from course.smoothing import effective_window, exponentially_weighted_average

BETAS = [0.0, 0.5, 0.9, 0.98, 0.999]



@pytest.mark.parametrize("bias_correction", [False, True])
@pytest.mark.parametrize("beta", BETAS)
@pytest.mark.parametrize("seed", range(3))
def test_equals_the_recursion_written_as_a_loop(beta, bias_correction, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(20.0, 5.0, size=int(rng.integers(1, 400)))
    ours = exponentially_weighted_average(x, beta, bias_correction)
    np.testing.assert_allclose(ours, loop_average(x, beta, bias_correction), rtol=1e-10,
                               atol=1e-12)


@pytest.mark.parametrize("beta", BETAS)
def test_bias_correction_removes_the_pull_towards_zero(beta):
    """A constant series averages to itself from the first step once corrected; without the
    correction the first value is only (1 - beta) of it."""
    x = np.full(50, 3.0)
    np.testing.assert_allclose(exponentially_weighted_average(x, beta, True), 3.0, rtol=1e-12)
    assert exponentially_weighted_average(x, beta)[0] == pytest.approx(3.0 * (1 - beta))


def test_an_empty_series_gives_an_empty_average():
    assert exponentially_weighted_average([], 0.9, True).shape == (0,)


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.99, 0.999])
def test_effective_window_is_the_mean_age_of_the_weights(beta):
    """The average's impulse response gives the weight of a value k steps old,
    (1 - beta) beta**k; the mean age (newest = 1) of those weights is 1 / (1 - beta)."""
    n = int(60 / (1 - beta)) + 1  # beta**n < 1e-26: the tail is negligible
    impulse = np.zeros(n)
    impulse[0] = 1.0
    weights = exponentially_weighted_average(impulse, beta)
    mean_age = float(np.sum(np.arange(1, n + 1) * weights))
    assert effective_window(beta) == pytest.approx(mean_age, rel=1e-9)
    assert effective_window(beta) == pytest.approx(1 / (1 - beta), rel=1e-12)


def test_effective_window_takes_arrays():
    betas = np.array([[0.0, 0.9], [0.99, 0.999]])
    np.testing.assert_allclose(effective_window(betas), 1 / (1 - betas), rtol=1e-12)


@pytest.mark.parametrize("beta", [1.0, -0.1, math.nan, 1.5, True, "0.9"], ids=repr)
def test_a_bad_beta_is_refused_by_name_and_value(beta):
    with pytest.raises(ValueError, match=re.escape(f"beta must lie in [0, 1), got {beta!r}; "
                                                   "pass e.g. beta=0.9.")):
        exponentially_weighted_average([1.0, 2.0], beta)


@pytest.mark.parametrize("beta, shown", [(1.0, "1.0"), (-0.1, "-0.1"), (math.nan, "nan"),
                                         ([0.9, 1.0], "1.0 (at index 1)")])
def test_effective_window_refuses_a_bad_beta_instead_of_dividing_by_zero(beta, shown):
    with pytest.raises(ValueError, match=re.escape(f"beta must hold numbers in [0, 1), got "
                                                   f"{shown}; pass e.g. beta=0.9.")):
        effective_window(beta)


def test_a_series_that_is_not_1d_is_refused():
    with pytest.raises(ValueError, match=re.escape("x must be a 1-D series of values, got shape "
                                                   "(2, 2)")):
        exponentially_weighted_average(np.ones((2, 2)), 0.9)


def test_the_examples_in_the_docstrings_run():
    result = doctest.testmod(course.smoothing)
    assert result.attempted > 0 and result.failed == 0
