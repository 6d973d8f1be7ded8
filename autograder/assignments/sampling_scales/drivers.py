"""Probe driver for sampling_scales' choose_scales: it runs in the child, next to student code.

The ranges arrive as a list of [name, low, high] and are handed to the student as a dict of
(low, high) tuples. The scales come back as one number per name, in the list's order: the
position of the scale in SCALES, NOT_A_SCALE for any other value and MISSING for a name the
returned dict lacks. The driver holds no answer: it only converts.
"""

from collections.abc import Mapping

import numpy as np

SCALES = ("linear", "log", "one_minus_log")
NOT_A_SCALE, MISSING = -1.0, -2.0


def scales(function, student, items):
    ranges = {name: (low, high) for name, low, high in items}
    chosen = function(dict(ranges))
    if not isinstance(chosen, Mapping):
        raise TypeError(f"choose_scales must return a dict (name -> scale), got a "
                        f"{type(chosen).__name__}")
    codes = []
    for name, _, _ in items:
        if name not in chosen:
            codes.append(MISSING)
            continue
        value = chosen[name]
        known = isinstance(value, str) and value in SCALES
        codes.append(float(SCALES.index(value)) if known else NOT_A_SCALE)
    return {"codes": np.array(codes, dtype=float)}
