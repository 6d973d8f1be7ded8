"""One way to turn what a user passes as `rng` into a NumPy Generator.

Every random function in the course takes `rng`: a `numpy.random.Generator`, a seed
(an int, or a sequence of ints), a `SeedSequence`, or None for fresh entropy. A
Generator is used as it is, so a caller who passes one sees its state advance.
"""

from __future__ import annotations

import numpy as np

__all__ = ["as_rng"]


def as_rng(rng=None, name="rng") -> np.random.Generator:
    """Return `rng` as a `numpy.random.Generator` (see the module docstring).

    `name` is the argument's name in the caller, for the error message.

    >>> bool(as_rng(0).integers(10) == as_rng(0).integers(10))
    True
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if not isinstance(rng, bool):  # default_rng takes True as the seed 1; here it is a slip
        try:
            return np.random.default_rng(rng)
        except (TypeError, ValueError):
            pass
    raise ValueError(f"{name} must be a numpy Generator, a seed (a whole number >= 0) or None, "
                     f"got {rng!r}; pass e.g. {name}=0.")
