"""Probe drivers for search_strategies: they run in the child, next to student code.

Spaces arrive as lists of [name, low, high, scale] and are handed to the student as dicts
of tuples. Configs come back as an array of values in the space's order. Drivers hold no
answers: they only build inputs, record calls and convert results to numbers.
"""

import math

import numpy as np


def _space(items):
    return {name: (low, high, scale) for name, low, high, scale in items}


def _matrix(configs, names):
    """(n, d) values of configs in names' order (nan where a name is missing), keys all right."""
    configs = list(configs)
    values = np.full((len(configs), len(names)), np.nan)
    keys_ok = True
    for row, config in enumerate(configs):
        keys_ok = keys_ok and set(config) == set(names)
        for column, name in enumerate(names):
            if name in config:
                values[row, column] = float(config[name])
    return values, float(keys_ok)


def grid(function, student, items, points):
    names = [item[0] for item in items]
    values, keys_ok = _matrix(function(_space(items), points), names)
    return {"values": values, "keys_ok": keys_ok}


def sample(function, student, items, n, seed):
    names = [item[0] for item in items]
    values, keys_ok = _matrix(function(_space(items), n, np.random.default_rng(seed)), names)
    return {"values": values, "keys_ok": keys_ok}


def search(function, student, items, n_per_round, rounds, keep, seed, weights, targets, lucky):
    """Run coarse_to_fine on a bowl-shaped objective that records every call.

    The loss is sum(weight * (u - target)**2), u being each value's position in the whole
    space on its axis's own scale; call number `lucky` (if >= 0) gets a loss of -1 instead.
    """
    space = _space(items)
    names = [item[0] for item in items]
    calls, losses = [], []

    def objective(config):
        row = [float(config[name]) for name in names]
        loss = 0.0
        axes = zip(row, items, weights, targets, strict=True)
        for value, (_, low, high, scale), weight, target in axes:
            if scale == "log":
                u = (math.log10(value) - math.log10(low)) / (math.log10(high) - math.log10(low))
            else:
                u = (value - low) / (high - low)
            loss += weight * (u - target) ** 2
        if len(calls) == lucky:
            loss = -1.0
        calls.append(row)
        losses.append(loss)
        return loss

    best_config, best_loss, regions = function(objective, space, n_per_round, rounds, keep,
                                               np.random.default_rng(seed))
    bounds, scales_ok = [], True
    for region in regions:
        bounds.append([[float(region[name][0]), float(region[name][1])] for name in names])
        scales_ok = scales_ok and all(region[name][2] == space[name][2] for name in names)
    best, keys_ok = _matrix([best_config], names)
    return {
        "calls": np.asarray(calls, dtype=float).reshape(-1, len(names)),
        "losses": np.asarray(losses, dtype=float),
        "best_config": best[0],
        "best_keys_ok": keys_ok,
        "best_loss": float(best_loss),
        "regions": np.asarray(bounds, dtype=float).reshape(-1, len(names), 2),
        "region_scales_ok": float(scales_ok),
    }
