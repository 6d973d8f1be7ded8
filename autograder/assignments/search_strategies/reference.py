"""Reference answers for search_strategies (never released, never in the child)."""

import itertools
import math

import numpy as np


def axis_values(low, high, scale, points):
    """The points of one grid axis, evenly spaced on the axis's own scale, ends included."""
    if scale == "log":
        return np.geomspace(low, high, points)
    return np.linspace(low, high, points)


def grid_configs(space, points_per_axis):
    names = list(space)
    axes = [axis_values(*space[name], points_per_axis) for name in names]
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*axes)]


def to_unit(values, low, high, scale):
    """Where values sit in [low, high] on the axis's own scale: 0 at low, 1 at high."""
    values = np.asarray(values, dtype=float)
    if scale == "log":
        with np.errstate(all="ignore"):
            return (np.log10(values) - math.log10(low)) / (math.log10(high) - math.log10(low))
    return (values - low) / (high - low)


def distinct_values(configs, name):
    return len({config[name] for config in configs})


def narrowed_region(space, calls, losses, keep):
    """The span of the `keep` lowest-loss calls on every axis: rows (low, high) in space order.

    calls is an (n, d) array of values in the order of space's names. Ties cannot occur: the
    probes' losses are continuous.
    """
    best = np.argsort(np.asarray(losses, dtype=float), kind="stable")[:keep]
    chosen = np.asarray(calls, dtype=float)[best]
    return np.stack([chosen.min(axis=0), chosen.max(axis=0)], axis=1)


def next_range(values, scores, low, high, scale, keep, margin):
    """The next round's (low, high) for one hyperparameter; higher scores are better.

    On the axis's own scale (log10 for "log"), with W the current range's width: the span of
    the `keep` best values padded by margin * W on each side; a side whose border the best
    value lies within margin * W of moves past that border by W instead.
    """
    own = np.log10 if scale == "log" else np.asarray
    t = own(np.asarray(values, dtype=float))
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    kept, best = t[order[:keep]], t[order[0]]
    bottom, top = float(own(float(low))), float(own(float(high)))
    width = top - bottom
    new = [kept.min() - margin * width, kept.max() + margin * width]
    if best - bottom < margin * width:
        new[0] = bottom - width
    if top - best < margin * width:
        new[1] = top + width
    new = np.asarray(new, dtype=float)
    return 10.0**new if scale == "log" else new
