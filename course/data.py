"""Datasets: 2-D toys made in code, the 8x8 handwritten digits, and a train/dev/test split.

    X, y = make_spirals(n_samples=300, noise=0.2, n_classes=2, rng=None)
    X, y = make_moons(n_samples=300, noise=0.1, rng=None)
    X, y = make_circles(n_samples=300, noise=0.05, factor=0.5, rng=None)
    X, y = load_digits()                       # (1797, 64) in [0, 1], offline
    split = train_dev_test_split(X, y, dev_fraction=0.2, test_fraction=0.2, rng=None)
    split = digits_split(seed=0)
    split = cached_digits_split(seed=0)        # one shared, read-only copy per process

X is float32 with one example per row, y is int64. Toy sets come shuffled, with
classes as equal in size as n_samples allows. `rng` is a numpy Generator or a seed.
"""

import functools
import gzip
import importlib.util
import os
from typing import NamedTuple

import numpy as np

from course.rng import as_rng
from course.validate import check_fraction, check_labels, check_number, check_positive_int


class Split(NamedTuple):
    """A dataset cut into training, development (validation) and test parts."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_dev: np.ndarray
    y_dev: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def _class_sizes(n_samples, n_classes):
    """Split n_samples into n_classes sizes that differ by at most one."""
    n_samples = check_positive_int("n_samples", n_samples, example=300)
    if n_samples < n_classes:
        raise ValueError(f"n_samples={n_samples} is fewer than the {n_classes} classes; pass "
                         f"n_samples >= {n_classes}.")
    base, extra = divmod(n_samples, n_classes)
    return [base + (k < extra) for k in range(n_classes)]


def _shuffled(parts, rng):
    X = np.concatenate([points for points, _ in parts]).astype(np.float32)
    y = np.concatenate([np.full(len(points), k, dtype=np.int64) for points, k in parts])
    order = rng.permutation(len(y))
    return X[order], y[order]


def make_spirals(n_samples=300, noise=0.2, n_classes=2, rng=None):
    """Interleaved spiral arms, one per class, winding out from the origin.

    Each point sits at radius r in [0, 1] along its arm (1.5 turns long); noise is
    the standard deviation of the Gaussian jitter added to its angle, in radians.
    Returns: X float32 (n_samples, 2), y int64 (n_samples,).
    """
    n_classes = check_positive_int("n_classes", n_classes, example=2)
    noise = check_number("noise", noise, at_least=0, example=0.2)
    rng = as_rng(rng)
    parts = []
    for k, size in enumerate(_class_sizes(n_samples, n_classes)):
        radius = rng.uniform(0.05, 1.0, size)
        angle = 2 * np.pi * k / n_classes + 3 * np.pi * radius + noise * rng.standard_normal(size)
        parts.append((np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]), k))
    return _shuffled(parts, rng)


def make_moons(n_samples=300, noise=0.1, rng=None):
    """Two interleaving half circles; noise is the std of Gaussian noise on each coordinate.

    Returns: X float32 (n_samples, 2), y int64 (n_samples,) in {0, 1}.
    """
    noise = check_number("noise", noise, at_least=0, example=0.1)
    rng = as_rng(rng)
    upper, lower = _class_sizes(n_samples, 2)
    t_up, t_low = rng.uniform(0, np.pi, upper), rng.uniform(0, np.pi, lower)
    parts = [
        (np.column_stack([np.cos(t_up), np.sin(t_up)]), 0),
        (np.column_stack([1 - np.cos(t_low), 0.5 - np.sin(t_low)]), 1),
    ]
    X, y = _shuffled(parts, rng)
    X += (noise * rng.standard_normal(X.shape)).astype(np.float32)
    return X, y


def make_circles(n_samples=300, noise=0.05, factor=0.5, rng=None):
    """A small circle (class 1, radius `factor`) inside a unit circle (class 0).

    noise is the std of Gaussian noise on each coordinate.
    Returns: X float32 (n_samples, 2), y int64 (n_samples,) in {0, 1}.
    """
    noise = check_number("noise", noise, at_least=0, example=0.05)
    factor = check_number("factor", factor, above=0, below=1, example=0.5)
    rng = as_rng(rng)
    parts = []
    for k, (size, radius) in enumerate(zip(_class_sizes(n_samples, 2), (1.0, factor), strict=True)):
        t = rng.uniform(0, 2 * np.pi, size)
        parts.append((radius * np.column_stack([np.cos(t), np.sin(t)]), k))
    X, y = _shuffled(parts, rng)
    X += (noise * rng.standard_normal(X.shape)).astype(np.float32)
    return X, y


def _digits_file():
    """Path of scikit-learn's bundled digits.csv.gz, found without importing sklearn (slow)."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("load_digits needs scikit-learn installed (pip install "
                                "scikit-learn); it reads the digits file that ships with it.")
    return os.path.join(spec.submodule_search_locations[0], "datasets", "data", "digits.csv.gz")


@functools.lru_cache(maxsize=1)
def _digits_arrays():
    with gzip.open(_digits_file(), "rt") as f:
        text = f.read()
    table = np.array(text.replace("\n", ",").strip(",").split(","), dtype=np.float32)
    table = table.reshape(-1, 65)
    X = table[:, :64] / 16
    y = table[:, 64].astype(np.int64)
    X.flags.writeable = False
    y.flags.writeable = False
    return X, y


def load_digits():
    """The 1,797 handwritten digits (8x8 pixels) that scikit-learn ships, read offline.

    Returns: X float32 (1797, 64), pixel intensities scaled to [0, 1]; y int64 (1797,)
    in 0..9. The file is read once per process; each call returns fresh copies.
    """
    X, y = _digits_arrays()
    return X.copy(), y.copy()


def train_dev_test_split(X, y, dev_fraction=0.2, test_fraction=0.2, rng=None):
    """Shuffle the rows of (X, y) and cut them into train, dev and test parts.

    The dev and test parts get round(fraction * n) rows each; train gets the rest.
    Returns: a Split.
    """
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must have shape (n, features) with one example per row, got shape "
                         f"{X.shape}; reshape it, e.g. X.reshape(len(X), -1).")
    y = check_labels(y, X.shape[0], np.iinfo(np.int64).max)
    dev_fraction = check_fraction("dev_fraction", dev_fraction, example=0.2)
    test_fraction = check_fraction("test_fraction", test_fraction, example=0.2)
    n = len(y)
    n_dev, n_test = round(dev_fraction * n), round(test_fraction * n)
    if n_dev + n_test >= n:
        raise ValueError(f"dev_fraction={dev_fraction} and test_fraction={test_fraction} leave "
                         f"no training rows out of {n}; make them smaller.")
    order = as_rng(rng).permutation(n)
    train, dev, test = np.split(order, [n - n_dev - n_test, n - n_test])
    return Split(X[train], y[train], X[dev], y[dev], X[test], y[test])


def digits_split(seed=0):
    """The digits cut 60/20/20 into train, dev and test, shuffled by `seed`."""
    X, y = _digits_arrays()
    return train_dev_test_split(X, y, rng=seed)


def cached_digits_split(seed=0):
    """digits_split(seed), made once per process and shared, with read-only arrays.

    For code that trains many networks on the same split (objectives of a search,
    lesson experiments): no copy per trial. Use digits_split for arrays you may change.
    """
    return _cached_digits_split(seed)


@functools.lru_cache(maxsize=4)
def _cached_digits_split(seed):
    # Called with one positional argument, so seed=0 and 0 find the same entry.
    split = digits_split(seed)
    for part in split:
        part.flags.writeable = False
    return split
