"""Fixtures shared by the library tests (course.nn, course.data, the ground-floor helpers).

    rng       a Generator seeded with 1234, fresh for every test
    digits    the digits split of seed 0, read-only and shared by the whole session
    batch     (X, y): 8 examples of 5 float64 features with labels in {0, 1, 2}
"""

import numpy as np
import pytest

from course.data import cached_digits_split


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture(scope="session")
def digits():
    return cached_digits_split(0)


@pytest.fixture
def batch():
    data = np.random.default_rng(0)
    return data.standard_normal((8, 5)), data.integers(0, 3, 8)
