"""One way to turn what a user passes as `rng` into a NumPy Generator.

Every random function in the course takes `rng`: a `numpy.random.Generator`, a seed
(an int, or a sequence of ints), a `SeedSequence`, or None for fresh entropy. A
Generator is used as it is, so a caller who passes one sees its state advance.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["as_rng"]


def as_rng(rng=None) -> np.random.Generator:
    """Return `rng` as a `numpy.random.Generator` (see the module docstring).

    >>> as_rng(0).integers(10) == as_rng(0).integers(10)
    True
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, bool) or isinstance(rng, float) or (
            isinstance(rng, numbers.Integral) and rng < 0):
        raise ValueError(f"rng must be a numpy Generator, a seed (a whole number >= 0) or None, "
                         f"got {rng!r}; pass e.g. rng=0.")
    try:
        return np.random.default_rng(rng)
    except (TypeError, ValueError) as error:
        raise ValueError(f"rng must be a numpy Generator, a seed (a whole number >= 0) or None, "
                         f"got {rng!r}; pass e.g. rng=0.") from error
