"""Dimensions: where one hyperparameter is searched, and on which scale.

Interface (every dimension):

    from_unit(u)          numbers in [0, 1] -> values. Grid, random and quasi-random
                          points all go through this one map. A scalar gives one
                          Python value; an array gives an array of the same shape.
    sample(rng, size=None)  from_unit of uniform numbers drawn from rng.
    grid(n)               list of at most n values evenly spaced on the dimension's
                          own scale (endpoints included; all values for Choice).
    narrow(values, margin=0.15, within=None)
                          a dimension of the same kind spanning `values` on its own
                          scale, padded by margin times this dimension's width on
                          each side, clipped to the bounds of `within` (default
                          self). Choice and Fixed return themselves.
    scale                 "linear", "log", "one_minus_log", "categorical" or "constant".

"Own scale" is what makes the map from [0, 1] uniform: the value itself for
Uniform, log10(value) for LogUniform, log10(1 - value) for OneMinusLogUniform.
Every constructor checks its bounds and raises ValueError printing them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from course.rng import as_rng
from course.validate import check_array, check_int, check_number, check_positive, check_positive_int

__all__ = [
    "Dimension",
    "Uniform",
    "LogUniform",
    "OneMinusLogUniform",
    "IntUniform",
    "Choice",
    "Fixed",
]


def _check_unit(u):
    """u as a float array of numbers in [0, 1] (NaN refused)."""
    return check_array("u", u, at_least=0, at_most=1,
                       hint="scale the points into [0, 1] first")


def _check_bounds(dim, check):
    """dim.low and dim.high checked by `check` (check_number or check_int), stored back.

    The message starts with the dimension as written and ends with a valid example.
    """
    written = f"{type(dim).__name__}({dim.low!r}, {dim.high!r}" + (
        f", log={dim.log!r})" if isinstance(dim, IntUniform) else ")")
    for label in ("low", "high"):
        try:
            value = check(label, getattr(dim, label), hint=f"write e.g. {dim._example}")
        except ValueError as error:
            raise ValueError(f"{written}: {error}") from None
        object.__setattr__(dim, label, value)
    if not dim.low < dim.high:
        raise ValueError(f"{written}: low must be < high; swap them, or use Fixed for one value.")
    return written


class Dimension:
    """Base class: subclasses define from_unit; the rest follows from it."""

    scale = "linear"

    def from_unit(self, u):
        raise NotImplementedError

    def sample(self, rng=None, size=None):
        """Values drawn uniformly on the dimension's own scale.

        >>> LogUniform(1e-4, 1e-1).sample(0, size=3).shape
        (3,)
        """
        return self.from_unit(as_rng(rng).random(size))

    def grid(self, n: int) -> list:
        """n values evenly spaced on the own scale; one point is the middle.

        >>> LogUniform(1e-4, 1e-1).grid(4)
        [0.0001, 0.001, 0.01, 0.1]
        """
        n = check_positive_int("n", n, example=5)
        u = np.array([0.5]) if n == 1 else np.linspace(0.0, 1.0, n)
        return self.from_unit(u).tolist()

    def narrow(self, values, margin: float = 0.15, within: Dimension | None = None):
        return self


def _unit_interval(within, values, low_edge, high_edge, margin):
    """The padded interval [lo, hi] in within's unit coordinates (see narrow)."""
    margin = check_positive("margin", margin, example=0.15)
    arr = np.asarray(values, dtype=float).ravel()
    if arr.size == 0 or not np.all(np.isfinite(arr)):
        raise ValueError(f"narrow needs at least one finite value, got {values!r}")
    width = within._to_unit(high_edge) - within._to_unit(low_edge)
    u = within._to_unit(np.clip(arr, within.low, within._top))
    lo = max(0.0, float(u.min()) - margin * width)
    hi = min(1.0, float(u.max()) + margin * width)
    return lo, hi


@dataclass(frozen=True)
class _Continuous(Dimension):
    """A real interval [low, high], uniform on the scale given by _forward."""

    low: float
    high: float

    _example = "Uniform(0.0, 1.0)"

    def __post_init__(self):
        self._check_domain(_check_bounds(self, check_number))

    def _check_domain(self, name: str) -> None:
        pass

    @property
    def _top(self) -> float:
        return self.high

    # _forward maps a value to the own scale, _inverse back.
    def _forward(self, x):
        return x

    def _inverse(self, t):
        return t

    def from_unit(self, u):
        arr = _check_unit(u)
        t0, t1 = self._forward(self.low), self._forward(self.high)
        # Clipping keeps the endpoints exact despite rounding in 10 ** log10(x).
        x = np.clip(self._inverse(t0 + arr * (t1 - t0)), self.low, self.high)
        return float(x) if x.ndim == 0 else x

    def _to_unit(self, x):
        t0, t1 = self._forward(self.low), self._forward(self.high)
        return (self._forward(np.asarray(x, dtype=float)) - t0) / (t1 - t0)

    def narrow(self, values, margin=0.15, within=None):
        """Bounds around values on the own scale, padded, clipped to within.

        >>> LogUniform(1e-4, 1.0).narrow([1e-3, 1e-2], margin=0.25)
        LogUniform(low=0.0001, high=0.1)
        """
        within = self if within is None else within
        if type(within) is not type(self):
            raise TypeError(f"within must be a {type(self).__name__}, got {within!r}")
        lo, hi = _unit_interval(within, values, self.low, self.high, margin)
        low, high = within.from_unit(lo), within.from_unit(hi)
        # Rounding can collapse a very narrow interval: then keep the current one.
        return type(self)(low, high) if low < high else self


@dataclass(frozen=True)
class Uniform(_Continuous):
    """A real number uniform in [low, high].

    >>> Uniform(0.0, 0.5).from_unit(0.5)
    0.25
    >>> Uniform(1.0, 1.0)
    Traceback (most recent call last):
    ...
    ValueError: Uniform(1.0, 1.0): low must be < high; swap them, or use Fixed for one value.
    """

    scale = "linear"


@dataclass(frozen=True)
class LogUniform(_Continuous):
    """alpha = 10**r with r uniform in [log10(low), log10(high)]: each decade gets
    an equal share, the right law for a learning rate.

    >>> LogUniform(1e-4, 1.0).from_unit(0.25)
    0.001
    >>> LogUniform(0, 1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: LogUniform(0, 1): low must be > 0 (alpha = 10**r is never 0 ...
    """

    scale = "log"
    _example = "LogUniform(1e-4, 1e-1)"

    def _check_domain(self, name):
        if not self.low > 0:
            raise ValueError(
                f"{name}: low must be > 0 (alpha = 10**r is never 0 or negative); "
                "use Uniform for a range that includes 0."
            )

    def _forward(self, x):
        return np.log10(x)

    def _inverse(self, t):
        return 10.0**t


@dataclass(frozen=True)
class OneMinusLogUniform(_Continuous):
    """beta in [low, high] inside (0, 1) with 1 - beta = 10**r, r uniform: as much
    search between 0.9 and 0.99 as between 0.99 and 0.999 (momentum, beta2).

    >>> round(OneMinusLogUniform(0.9, 0.999).from_unit(0.5), 6)
    0.99
    >>> OneMinusLogUniform(0.9, 1.0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: OneMinusLogUniform(0.9, 1.0): bounds must lie strictly inside (0, 1), ...
    """

    scale = "one_minus_log"
    _example = "OneMinusLogUniform(0.9, 0.999)"

    def _check_domain(self, name):
        if not (0.0 < self.low and self.high < 1.0):
            raise ValueError(f"{name}: bounds must lie strictly inside (0, 1), since "
                             f"1 - beta = 10**r; write e.g. {self._example}.")

    def _forward(self, x):
        return np.log10(1.0 - x)

    def _inverse(self, t):
        return 1.0 - 10.0**t


@dataclass(frozen=True)
class IntUniform(Dimension):
    """An integer in [low, high] (both included); with log=True uniform in log(value),
    so that 16..32 gets as many samples as 128..256.

    The integer is floor(x) for x uniform (or log-uniform) on [low, high + 1), so
    each integer k gets the share of that interval that lies in [k, k + 1).

    >>> IntUniform(1, 4).grid(4)
    [1, 2, 3, 4]
    >>> IntUniform(16, 256, log=True).grid(5)
    [16, 32, 64, 128, 256]
    """

    low: int
    high: int
    log: bool = False

    _example = "IntUniform(16, 256)"

    def __post_init__(self):
        if not isinstance(self.log, (bool, np.bool_)):
            raise ValueError(f"IntUniform(..., log={self.log!r}): log must be True or False; "
                             "pass log=True to sample on a log scale.")
        object.__setattr__(self, "log", bool(self.log))
        name = _check_bounds(self, check_int)
        if self.log and self.low < 1:
            raise ValueError(f"{name}: log=True needs low >= 1; write e.g. "
                             f"IntUniform(1, {max(self.high, 2)}, log=True).")

    @property
    def scale(self):
        return "log" if self.log else "linear"

    @property
    def _top(self) -> float:
        return self.high + 1.0

    def _forward(self, x):
        return np.log(x) if self.log else np.asarray(x, dtype=float)

    def _to_unit(self, x):
        t0, t1 = self._forward(self.low), self._forward(self._top)
        return (self._forward(np.asarray(x, dtype=float)) - t0) / (t1 - t0)

    def _continuous(self, u):
        t0, t1 = self._forward(self.low), self._forward(self._top)
        t = t0 + np.asarray(u, dtype=float) * (t1 - t0)
        return np.exp(t) if self.log else t

    def from_unit(self, u):
        x = self._continuous(_check_unit(u))
        k = np.clip(np.floor(x + 1e-9), self.low, self.high).astype(np.int64)
        return int(k) if k.ndim == 0 else k

    def grid(self, n):
        """At most n distinct integers, evenly spaced on the own scale."""
        return list(dict.fromkeys(super().grid(n)))

    def narrow(self, values, margin=0.15, within=None):
        """Integers around values, padded on the own scale; at least two remain.

        >>> IntUniform(1, 100).narrow([40, 45], margin=0.05)
        IntUniform(low=35, high=50, log=False)
        """
        within = self if within is None else within
        if not isinstance(within, IntUniform) or within.log != self.log:
            raise TypeError(f"within must be an IntUniform with log={self.log}, got {within!r}")
        arr = np.asarray(values, dtype=float)
        lo, hi = _unit_interval(within, np.r_[arr.min(), arr.max() + 1.0] if arr.size else arr,
                                self.low, self._top, margin)
        low = int(np.floor(within._continuous(lo) + 1e-9))
        high = int(np.ceil(within._continuous(hi) - 1e-9)) - 1
        low, high = max(low, within.low), min(high, within.high)
        if low >= high:  # widen to a neighbour inside within's bounds
            low, high = (low, low + 1) if low < within.high else (high - 1, high)
        return IntUniform(low, high, log=self.log)


@dataclass(frozen=True)
class Choice(Dimension):
    """One of a list of values, each equally likely (activation, optimizer, ...).

    Values are kept as given (tuples such as hidden_dims stay tuples). A grid takes
    every value.

    >>> Choice(["relu", "tanh"]).from_unit(0.75)
    'tanh'
    >>> Choice([])
    Traceback (most recent call last):
    ...
    ValueError: Choice([]): needs at least one value; write e.g. Choice(['relu']).
    """

    values: tuple

    scale = "categorical"

    def __post_init__(self):
        values = self.values
        if isinstance(values, (str, bytes)):
            raise ValueError(
                f"Choice({values!r}): expects a list of values, got a string; "
                f"did you mean Choice([{values!r}])?"
            )
        try:
            values = tuple(values)
        except TypeError:
            raise ValueError(f"Choice({values!r}): expects a list of values; write e.g. "
                             "Choice(['relu', 'tanh']).") from None
        if not values:
            raise ValueError("Choice([]): needs at least one value; write e.g. Choice(['relu']).")
        for i, v in enumerate(values):
            if any(_same(v, w) for w in values[:i]):
                raise ValueError(f"Choice({list(values)!r}): the value {v!r} appears twice; "
                                 "list each value once.")
        object.__setattr__(self, "values", values)

    def from_unit(self, u):
        arr = _check_unit(u)
        k = len(self.values)
        idx = np.minimum(np.floor(arr * k), k - 1).astype(np.int64)
        if idx.ndim == 0:
            return self.values[int(idx)]
        out = np.empty(idx.shape, dtype=object)
        for pos, i in np.ndenumerate(idx):
            out[pos] = self.values[i]
        return out

    def grid(self, n=None):
        return list(self.values)


def _same(a, b) -> bool:
    try:
        return bool(a == b) and type(a) is type(b)
    except (TypeError, ValueError):  # e.g. arrays, whose == is elementwise
        return a is b


@dataclass(frozen=True)
class Fixed(Dimension):
    """A constant. A plain (non-dimension) value in a space means the same thing.

    >>> Fixed(64).from_unit(0.3)
    64
    """

    value: Any

    scale = "constant"

    def from_unit(self, u):
        arr = _check_unit(u)
        if arr.ndim == 0:
            return self.value
        out = np.empty(arr.shape, dtype=object)
        out.fill(self.value)
        return out

    def grid(self, n=None):
        return [self.value]
