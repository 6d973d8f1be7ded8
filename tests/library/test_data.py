"""Are the datasets what they claim: the real digits read offline without
importing scikit-learn, one shared read-only copy of a digits split, toy sets on
their curves with the stated noise, and splits that cover every row once?"""

import math
import re
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.data import (
    cached_digits_split,
    digits_split,
    load_digits,
    make_circles,
    make_moons,
    make_spirals,
    train_dev_test_split,
)


def test_digits_match_scikit_learns_loader():
    from sklearn.datasets import load_digits as sklearn_load_digits

    X, y = load_digits()
    reference = sklearn_load_digits()
    assert X.dtype == np.float32 and y.dtype == np.int64
    assert np.array_equal(X * 16, reference.data) and np.array_equal(y, reference.target)


def test_digits_are_scaled_to_unit_range_and_returned_as_copies():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.min() == 0 and X.max() == 1
    assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    X[:] = -1
    y[:] = -1
    X_again, y_again = load_digits()
    assert X_again.min() == 0 and y_again.min() == 0


def test_loading_digits_does_not_import_sklearn():
    code = ("import sys, course.data; course.data.load_digits(); "
            "print(any(m.split('.')[0] == 'sklearn' for m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


def test_digits_split_is_60_20_20_disjoint_and_seeded():
    split = digits_split(seed=0)
    assert (len(split.y_train), len(split.y_dev), len(split.y_test)) == (1079, 359, 359)
    rows = {r.tobytes() for part in (split.X_train, split.X_dev, split.X_test) for r in part}
    X, _ = load_digits()
    assert rows == {r.tobytes() for r in X}  # together they are the whole set
    assert np.array_equal(digits_split(0).y_dev, split.y_dev)
    assert not np.array_equal(digits_split(1).y_dev, split.y_dev)


@pytest.mark.parametrize("seed", [0, 1])
def test_cached_split_equals_digits_split_and_is_shared_and_read_only(seed):
    cached = cached_digits_split(seed)
    fresh = digits_split(seed)
    assert all(np.array_equal(a, b) and a.dtype == b.dtype for a, b in zip(cached, fresh,
                                                                         strict=True))
    assert cached_digits_split(seed) is cached and cached_digits_split(seed=seed) is cached
    for part in cached:
        assert not part.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            part[0] = 0
    fresh.X_train[:] = -1  # digits_split still hands out copies of its own
    assert cached.X_train.min() == 0


def test_cached_splits_of_two_seeds_differ():
    assert not np.array_equal(cached_digits_split(0).y_dev, cached_digits_split(1).y_dev)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(3, 200), dev=st.floats(0, 0.45), test=st.floats(0, 0.45),
       seed=st.integers(0, 2**32 - 1))
def test_split_puts_every_row_in_exactly_one_part(n, dev, test, seed):
    X = np.arange(n, dtype=np.float32).reshape(n, 1)
    if round(dev * n) + round(test * n) >= n:
        with pytest.raises(ValueError, match="no training rows"):
            train_dev_test_split(X, np.zeros(n, int), dev, test, rng=seed)
        return
    split = train_dev_test_split(X, np.arange(n), dev, test, rng=seed)
    ids = np.concatenate([split.X_train[:, 0], split.X_dev[:, 0], split.X_test[:, 0]])
    assert sorted(ids.astype(int).tolist()) == list(range(n))
    assert np.array_equal(split.X_dev[:, 0].astype(int), split.y_dev)  # rows keep their labels
    assert len(split.y_dev) == round(dev * n) and len(split.y_test) == round(test * n)


@pytest.mark.parametrize("make", [make_spirals, make_moons, make_circles])
def test_toys_are_balanced_seeded_and_typed(make):
    X, y = make(n_samples=301, rng=5)
    assert X.dtype == np.float32 and X.shape == (301, 2) and y.dtype == np.int64
    assert sorted(np.bincount(y).tolist()) == [150, 151]
    X_again, y_again = make(n_samples=301, rng=5)
    assert np.array_equal(X, X_again) and np.array_equal(y, y_again)
    assert not np.array_equal(X, make(n_samples=301, rng=6)[0])
    assert set(y[:20].tolist()) == {0, 1}  # shuffled, not sorted by class


def test_noiseless_spirals_lie_on_their_arms():
    X, y = make_spirals(400, noise=0.0, n_classes=3, rng=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    angle = np.arctan2(X[:, 1], X[:, 0])
    # Each arm is angle = 2 pi k / 3 + 3 pi r, modulo a full turn.
    offset = np.angle(np.exp(1j * (angle - 2 * np.pi * y / 3 - 3 * np.pi * radius)))
    assert np.abs(offset).max() < 1e-4 and radius.max() <= 1 + 1e-6


def test_noiseless_moons_and_circles_lie_on_their_curves():
    X, y = make_moons(200, noise=0.0, rng=0)
    upper, lower = X[y == 0], X[y == 1]
    assert np.allclose(np.hypot(upper[:, 0], upper[:, 1]), 1, atol=1e-6)
    assert np.allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1, atol=1e-6)
    assert upper[:, 1].min() >= 0 and lower[:, 1].max() <= 0.5
    X, y = make_circles(200, noise=0.0, factor=0.3, rng=0)
    assert np.allclose(np.hypot(X[:, 0], X[:, 1]), np.where(y == 0, 1.0, 0.3), atol=1e-6)


def test_circle_noise_has_the_stated_standard_deviation():
    X, y = make_circles(20000, noise=0.1, rng=0)
    radial = np.hypot(X[:, 0], X[:, 1]) - np.where(y == 0, 1.0, 0.5)
    # The radial part of 2-D noise with std 0.1 per coordinate has std close to 0.1;
    # with 20,000 points the sample std is within 3% of it with overwhelming probability.
    assert radial.std() == pytest.approx(0.1, rel=0.03)


@pytest.mark.parametrize("call, message", [
    (lambda: make_spirals(0), "n_samples must be a whole number >= 1, got 0; pass e.g. "
                              "n_samples=300."),
    (lambda: make_spirals(30.0), "n_samples must be a whole number >= 1, got 30.0"),
    (lambda: make_spirals(2, n_classes=3), "n_samples=2 is fewer than the 3 classes; pass "
                                           "n_samples >= 3."),
    (lambda: make_spirals(noise=math.nan), "noise must be a finite number >= 0, got nan"),
    (lambda: make_moons(noise=-0.1), "noise must be a finite number >= 0, got -0.1; pass e.g. "
                                     "noise=0.1."),
    (lambda: make_moons(noise="0.1"), "noise must be a finite number >= 0, got '0.1'"),
    (lambda: make_circles(noise=True), "noise must be a finite number >= 0, got True"),
    (lambda: make_circles(factor=1.0), "factor must lie in (0, 1), got 1.0; pass e.g. "
                                       "factor=0.5."),
    (lambda: make_circles(factor=math.nan), "factor must lie in (0, 1), got nan"),
    (lambda: make_moons(rng=-1), "rng must be a numpy Generator"),
    (lambda: train_dev_test_split(np.zeros(3), np.zeros(3, int)),
     "X must have shape (n, features) with one example per row, got shape (3,)"),
    (lambda: train_dev_test_split(np.zeros((3, 1)), np.zeros(2, int)), "shape (3,)"),
    (lambda: train_dev_test_split(np.zeros((9, 1)), np.zeros(9, int), dev_fraction=1.2),
     "dev_fraction must lie in [0, 1), got 1.2; pass e.g. dev_fraction=0.2."),
    (lambda: train_dev_test_split(np.zeros((9, 1)), np.zeros(9, int), test_fraction=math.nan),
     "test_fraction must lie in [0, 1), got nan"),
    (lambda: train_dev_test_split(np.zeros((9, 1)), np.zeros(9, int), dev_fraction=True),
     "dev_fraction must lie in [0, 1), got True"),
    (lambda: train_dev_test_split(np.zeros((2, 1)), np.zeros(2, int), 0.5, 0.5),
     "dev_fraction=0.5 and test_fraction=0.5 leave no training rows out of 2; make them "
     "smaller."),
])
def test_bad_arguments_are_refused_by_name_and_value(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()
