"""Hidden checks for ``search_strategies`` (lesson 02). Five tasks, 20 points:

=================  =====================  ======
answer cell        visible test cell      points
=================  =====================  ======
grid_configs       test_grid_configs      4
random_configs     test_random_configs    4
distinct_values    test_distinct_values   2
coarse_to_fine     test_coarse_to_fine    6
next_range         test_next_range        4
=================  =====================  ======

Spaces map a name to ``(low, high, scale)``; the drivers in ``drivers.py`` call the
student's functions in the child and return configs as arrays of values in the space's
order. Value checks compare up to float rounding (false-failure rate 0). Statistical checks
state their false-failure rate beside their thresholds; each check's total is at most 1e-6.
``next_range``'s probes and judges are in ``next_range.py``.
"""

from __future__ import annotations

import math

import numpy as np

from autograder import stats
from autograder.assignments._shared import RTOL, close, distinct_seeds, is_number
from autograder.assignments.search_strategies import reference
from autograder.assignments.search_strategies.next_range import range_judge, range_probes
from autograder.spec import PASS, Assignment, Check, Probe, Task, Verdict

ALPHA = 1e-6  # false-failure budget of each statistical check


def _random_space(rng, scales):
    """Items [name, low, high, scale] with random bounds, one per scale given."""
    names = ["learning_rate", "momentum", "epsilon", "reg", "beta2"]
    items = []
    for name, scale in zip(names, scales, strict=False):
        if scale == "log":
            low = float(10.0 ** rng.integers(-8, -2))
            high = float(low * 10.0 ** rng.integers(2, 6))
        else:
            low = float(np.round(rng.uniform(0.0, 0.5), 3))
            high = float(np.round(low + rng.uniform(0.3, 0.49), 3))
        items.append([name, low, high, scale])
    return items


def _axes(items, scale):
    return [i for i, item in enumerate(items) if item[3] == scale]


# --- grid_configs -----------------------------------------------------------------------


def _grid_probes(stream):
    rng = np.random.default_rng(stream)
    return [
        Probe("two", "grid_configs", (_random_space(rng, ["log", "linear"]), 4), driver="grid"),
        Probe("three", "grid_configs", (_random_space(rng, ["log", "linear", "log"]), 3),
              driver="grid"),
        Probe("one", "grid_configs", (_random_space(rng, ["log"]), 5), driver="grid"),
    ]


def _grid_combinations(out, probes):
    # Exact counting: false-failure rate 0.
    for label in ("two", "three", "one"):
        items, k = probes[label].args
        d = len(items)
        got = out[label]
        values = got["values"]
        if not got["keys_ok"][()]:
            return Verdict(False, "every config must hold every name of the space, and no other")
        if values.shape[0] == k and d > 1:
            return Verdict(False, f"{values.shape[0]} configs for {d} axes of {k} values: you "
                                  f"paired the axes' values (zip) instead of taking every "
                                  f"combination (itertools.product)")
        if values.shape[0] != k**d:
            return Verdict(False, f"{d} axes of {k} values make {k**d} combinations; you "
                                  f"returned {values.shape[0]} configs")
        if np.unique(values, axis=0).shape[0] != values.shape[0]:
            return Verdict(False, "some combinations appear twice and others are missing")
        for column in range(d):
            if np.unique(values[:, column]).size != k:
                return Verdict(False, f"axis {items[column][0]} takes "
                                      f"{np.unique(values[:, column]).size} values; asked for "
                                      f"{k} per axis")
    return PASS


def _grid_axis_judge(scale):
    def judge(out, probes):
        # Deterministic values up to rounding (RTOL): false-failure rate 0.
        for label in ("two", "three", "one"):
            items, k = probes[label].args
            values = out[label]["values"]
            for column in _axes(items, scale):
                name, low, high, _ = items[column]
                got = np.unique(values[:, column])
                if close(got, reference.axis_values(low, high, scale, k)):
                    continue
                return _grid_axis_wrong(got, name, low, high, scale, k)
        return PASS

    return judge


def _grid_axis_wrong(got, name, low, high, scale, k):
    where = f"axis {name} on [{low:g}, {high:g}] ({scale})"
    if got.size != k:
        return Verdict(False, f"{where} takes {got.size} distinct values, not {k}")
    a, b = (math.log10(low), math.log10(high)) if scale == "log" else (low, high)
    step = (b - a) / k
    unit = np.arange(k)
    on_axis = (lambda t: 10.0**t) if scale == "log" else (lambda t: t)
    wrong = [
        (on_axis(a + step * unit), "your grid leaves out the high end of the range: both ends "
                                   "belong on the grid (np.linspace's endpoint=True)"),
        (on_axis(a + step * (unit + 0.5)), "your grid puts points in the middle of k equal "
                                           "cells, so it misses both ends of the range"),
    ]
    if scale == "log":
        wrong += [
            (np.linspace(low, high, k), "on a log axis the points must be evenly spaced in "
                                        "log10, not in the value: use 10**np.linspace(log10(low),"
                                        " log10(high), k) or np.geomspace"),
            (np.exp(np.linspace(a, b, k)), "you mixed log10 with the natural exponential "
                                           "(np.exp): on a log10 axis use 10**t"),
            (lambda: 10.0 ** np.linspace(low, high, k), "np.logspace/10**t takes exponents: "
                                                        "pass log10(low) and log10(high)"),
        ]
    for value, message in wrong:
        try:
            value = value() if callable(value) else value
        except (ValueError, OverflowError):
            continue
        if close(got, value, rtol=1e-6):
            return Verdict(False, message)
    return Verdict(False, f"the values of {where} are not {k} points evenly spaced on the "
                          f"axis's scale from low to high")


# --- random_configs ---------------------------------------------------------------------

N_RANDOM = 4000


def _random_probes(stream):
    rng = np.random.default_rng(stream)
    items = _random_space(rng, ["log", "linear", "log"])
    first, second = distinct_seeds(rng, 2)
    return [
        Probe("main", "random_configs", (items, N_RANDOM, first), driver="sample"),
        Probe("same", "random_configs", (items, N_RANDOM, first), driver="sample"),
        Probe("other", "random_configs", (items, N_RANDOM, second), driver="sample"),
        Probe("few", "random_configs", (items, 3, second), driver="sample"),
    ]


def _random_shape(out, probes):
    # Exact counts and bounds up to rounding: false-failure rate 0.
    items = probes["main"].args[0]
    for label, n in (("main", N_RANDOM), ("few", 3)):
        got = out[label]
        if got["values"].shape[0] != n:
            return Verdict(False, f"asked for n={n} configs, got {got['values'].shape[0]}")
        if not got["keys_ok"][()]:
            return Verdict(False, "every config must hold every name of the space, and no other")
    values = out["main"]["values"]
    for column, (name, low, high, scale) in enumerate(items):
        x = values[:, column]
        tol = RTOL * max(abs(low), abs(high))
        if np.all(np.isfinite(x)) and x.min() >= low - tol and x.max() <= high + tol:
            continue
        if scale == "log" and np.all(np.isfinite(x)) and x.min() >= math.log10(low) - RTOL \
                and x.max() <= math.log10(high) + RTOL:
            return Verdict(False, f"your {name} values lie between log10(low) and log10(high): "
                                  f"return 10**r, not the exponent r")
        return Verdict(False, f"{name} values fall outside [{low:g}, {high:g}] (yours span "
                              f"{np.nanmin(x):.4g} to {np.nanmax(x):.4g})")
    return PASS


def _random_uniform_judge(scale):
    def judge(out, probes):
        items = probes["main"].args[0]
        columns = _axes(items, scale)
        values = out["main"]["values"]
        # Per axis: KS at alpha / (2 * axes) and both ends at alpha / (2 * axes); in all the
        # check fails a correct sampler with probability <= ALPHA = 1e-6.
        share = ALPHA / (2 * len(columns))
        for column in columns:
            name, low, high, _ = items[column]
            u = reference.to_unit(values[:, column], low, high, scale)
            if not np.all(np.isfinite(u)):
                return Verdict(False, f"some {name} values are not positive numbers")
            if not stats.fits_uniform(u, 0.0, 1.0, share):
                return _random_not_uniform(values[:, column], u, name, low, high, scale)
            bottom, top = stats.reaches_both_ends(u, 0.0, 1.0, share)
            if not (bottom and top):
                side = "low" if not bottom else "high"
                return Verdict(False, f"your {name} samples never come near the {side} end of "
                                      f"[{low:g}, {high:g}]: is the range cut short?")
        return PASS

    return judge


def _random_not_uniform(x, u, name, low, high, scale):
    if scale == "log" and stats.fits_uniform(x, low, high):
        return Verdict(False, f"your {name} samples are uniform in {name} itself, not in "
                              f"log10({name}): almost all of them land in the top decade")
    lo, hi = float(np.min(u)), float(np.max(u))
    if hi > lo and stats.fits_uniform(u, lo, hi):
        ratio = hi - lo
        if scale == "log" and (abs(ratio - math.log(10)) < 0.05 or abs(ratio - 1 / math.log(10))
                               < 0.02):
            return Verdict(False, f"log10 of your {name} samples is uniform on the wrong range: "
                                  f"you mixed the natural log with log10")
        return Verdict(False, f"your {name} samples are uniform, but on a range that is not "
                              f"[{low:g}, {high:g}]")
    return Verdict(False, f"your {name} samples are not uniform on the axis's {scale} scale")


def _random_seeds(out, probes):
    main, same, other = (out[label]["values"] for label in ("main", "same", "other"))
    if main.shape != same.shape or not np.array_equal(main, same):
        return Verdict(False, "the same seed gave different configs: draw from the rng "
                              "argument, not from np.random's global functions")
    if main.shape == other.shape and np.array_equal(main, other):
        return Verdict(False, "different seeds gave the same configs: your function does not "
                              "draw from the rng argument")
    items = probes["main"].args[0]
    units = [reference.to_unit(main[:, c], item[1], item[2], item[3])
             for c, item in enumerate(items)]
    # Only axes whose marginals are uniform are compared (the other checks report the rest):
    # the bound below needs each axis to have mean 1/2.
    uniform = [stats.fits_uniform(u, 0.0, 1.0) for u in units]
    pairs = [(i, j) for i in range(len(units)) for j in range(i + 1, len(units))]
    # Hoeffding: for independent uniform axes each product (u_i - 1/2)(u_j - 1/2) lies in
    # [-1/4, 1/4] with mean 0, so P(|mean| >= t) <= 2 exp(-8 n t^2). t below gives each pair
    # ALPHA / pairs, so a correct sampler fails with probability <= 1e-6. Axes that share one
    # random number per config have a mean product near 1/12 = 0.083, far above t (~0.02).
    t = math.sqrt(math.log(2 * len(pairs) / ALPHA) / (8 * N_RANDOM))
    for i, j in pairs:
        mean_product = float(np.mean((units[i] - 0.5) * (units[j] - 0.5)))
        if uniform[i] and uniform[j] and abs(mean_product) >= t:
            return Verdict(False, f"{items[i][0]} and {items[j][0]} rise and fall together: "
                                  f"draw a separate random number for every axis")
    return PASS


# --- distinct_values --------------------------------------------------------------------


def _distinct_probes(stream):
    rng = np.random.default_rng(stream)
    # Grid values at least 1 and far apart (whole numbers of units and epochs): rounding
    # them merges none, so an answer that rounds fails only the "near" probe, on every seed.
    low_units, low_epochs = float(2 ** rng.integers(3, 6)), float(rng.integers(5, 21))
    items = [["hidden_units", low_units, low_units * 2.0 ** rng.integers(4, 7), "log"],
             ["epochs", low_epochs, low_epochs + float(rng.integers(30, 61)), "linear"]]
    items = [items[i] for i in rng.permutation(2)]
    grid = [{**config, "batch_size": 64}
            for config in reference.grid_configs({i[0]: tuple(i[1:]) for i in items}, 4)]
    grid = [{name: float(v) if name != "batch_size" else v for name, v in c.items()} for c in grid]
    close_values = [float(v) for v in 10.0 ** rng.uniform(-5.0, -3.0, 9)]
    repeats = [close_values[int(i)] for i in rng.integers(0, 9, 5)]
    near = [{"learning_rate": v, "seed": int(s)}
            for v, s in zip(rng.permutation(close_values + repeats), rng.integers(0, 99, 14),
                            strict=True)]
    sizes = [int(v) for v in rng.choice([16, 32, 64, 128, 256], 12)]
    return [
        Probe("grid_first", "distinct_values", (grid, items[0][0])),
        Probe("grid_second", "distinct_values", (grid, items[1][0])),
        Probe("ints", "distinct_values", ([{"batch_size": s} for s in sizes], "batch_size")),
        Probe("near", "distinct_values", (near, "learning_rate")),
    ]


_DISTINCT = ("grid_first", "grid_second", "ints", "near")


def _distinct_judge(labels):
    def judge(out, probes):
        # Exact counts: false-failure rate 0.
        for label in labels:
            configs, name = probes[label].args
            got = out[label]
            if is_number(got, reference.distinct_values(configs, name)):
                continue
            if got.size != 1:
                return Verdict(False, "return one number: how many distinct values there are")
            return _distinct_wrong(out, probes, label)
        return PASS

    return judge


def _rounded(digits):
    return lambda values: len({round(v, digits) for v in values})


def _significant(digits):
    return lambda values: len({float(f"{v:.{digits}g}") for v in values})


def _distinct_wrong(out, probes, label):
    """Name the slip whose count matches the student's on every probe, else say what is off."""
    hypotheses = [
        (len, "you counted the configs; count the distinct values of the name"),
        (lambda values: sum(1 for v in set(values) if values.count(v) == 1),
         "you counted the values that appear exactly once; count every distinct value, "
         "repeated or not"),
    ] + [(_rounded(d), "you rounded the values before comparing them, which merges values "
                       "that differ only in later digits") for d in range(9)] + [
        (_significant(d), "you rounded the values before comparing them, which merges values "
                          "that differ only in later digits") for d in range(1, 9)]
    observed = {k: float(v.ravel()[0]) for k, v in out.items() if v.size == 1}
    for count, message in hypotheses:
        if all(count([c[probes[k].args[1]] for c in probes[k].args[0]]) == observed.get(k)
               for k in out):
            return Verdict(False, message)
    configs, name = probes[label].args
    want = reference.distinct_values(configs, name)
    return Verdict(False, f"there are {want} distinct values of {name!r} in one of the "
                          f"test inputs; you said {observed.get(label, float('nan')):g}")


# --- coarse_to_fine ---------------------------------------------------------------------

N_ROUND, ROUNDS, KEEP = 40, 4, 6


def _search_probes(stream):
    rng = np.random.default_rng(stream)
    items = _random_space(rng, ["log", "linear"])
    first, second, third = distinct_seeds(rng, 3)
    target = [0.5, float(rng.uniform(0.2, 0.8))]
    lucky = int(rng.integers(0, N_ROUND))
    # Only the linear axis matters here, so the best configs' log values stay spread out and
    # the later rounds' log axis is wide enough to tell log from linear sampling.
    flat = (items, N_ROUND, ROUNDS, KEEP, first, [0.0, 1.0], target, lucky)
    both_items = _random_space(rng, ["linear", "log"])
    both = (both_items, 30, 3, 5, third, [1.0, 1.0],
            [float(v) for v in rng.uniform(0.2, 0.8, 2)], -1)
    return [
        Probe("main", "coarse_to_fine", flat, driver="search"),
        Probe("same", "coarse_to_fine", flat, driver="search"),
        Probe("other", "coarse_to_fine", flat[:4] + (second,) + flat[5:7] + (-1,),
              driver="search"),
        Probe("bowl", "coarse_to_fine", both, driver="search"),
    ]


def _search_args(probe):
    items, n, rounds, keep = probe.args[:4]
    return items, n, rounds, keep


def _search_counts(out, probes):
    # Exact counting: false-failure rate 0.
    for label in ("main", "bowl"):
        items, n, rounds, keep = _search_args(probes[label])
        got = out[label]
        calls = got["calls"]
        if got["regions"].shape[0] != rounds:
            return Verdict(False, f"with rounds={rounds} return {rounds} regions (one per round, "
                                  f"the whole space first); got {got['regions'].shape[0]}")
        if calls.shape[0] == n * rounds + keep * (rounds - 1):
            return Verdict(False, "you evaluated the kept configs again in every round: evaluate "
                                  "each config once and remember its loss")
        if calls.shape[0] != n * rounds:
            return Verdict(False, f"with n_per_round={n} and rounds={rounds} the objective "
                                  f"should run {n * rounds} times; it ran {calls.shape[0]} times")
        if np.unique(calls, axis=0).shape[0] != calls.shape[0]:
            return Verdict(False, "some configs were evaluated twice: evaluate each config once "
                                  "and remember its loss")
    return PASS


def _units(calls, items):
    return np.stack([reference.to_unit(calls[:, c], low, high, scale)
                     for c, (_, low, high, scale) in enumerate(items)], axis=1)


def _search_first_round(out, probes):
    pooled = {}
    for label in ("main", "other", "bowl"):
        items, n, _, _ = _search_args(probes[label])
        got = out[label]
        region = got["regions"][0] if got["regions"].shape[0] else np.zeros((0, 2))
        space = np.array([[low, high] for _, low, high, _ in items])
        if region.shape != space.shape or not close(region, space):
            return Verdict(False, "regions[0] must be the whole space you were given")
        if not got["region_scales_ok"][()]:
            return Verdict(False, "every region keeps each axis's scale ('log' or 'linear')")
        units = _units(got["calls"][:n], items)
        for column, (name, _, _, scale) in enumerate(items):
            pooled.setdefault(scale, []).append(units[:, column])
            if not (np.all(np.isfinite(units[:, column])) and units[:, column].min() >= -RTOL
                    and units[:, column].max() <= 1 + RTOL):
                return Verdict(False, f"round 1 samples {name} outside its range")
    # One KS test per scale on the pooled round-1 samples (110 per scale), each at ALPHA / 2:
    # a correct search fails this check with probability <= 1e-6.
    for scale, parts in pooled.items():
        if not stats.fits_uniform(np.concatenate(parts), 0.0, 1.0, ALPHA / 2):
            if scale == "log":
                return Verdict(False, "round 1 does not sample the log axis uniformly in log10 "
                                      "(uniform in the value itself crowds the top decade)")
            return Verdict(False, "round 1 does not sample the linear axis uniformly")
    return PASS


def _search_regions(out, probes):
    # The expected regions follow exactly from the calls the student made and the losses the
    # objective returned: deterministic, false-failure rate 0.
    for label in ("main", "bowl"):
        items, n, rounds, keep = _search_args(probes[label])
        got = out[label]
        calls, losses, regions = got["calls"], got["losses"], got["regions"]
        if calls.shape[0] < n * rounds or regions.shape[0] != rounds:
            return Verdict(False, "cannot follow the rounds: the number of evaluations or of "
                                  "regions is wrong")
        space = np.array([[low, high] for _, low, high, _ in items])
        for r in range(1, rounds):
            want = reference.narrowed_region(space, calls[:r * n], losses[:r * n], keep)
            if close(regions[r], want):
                continue
            return _region_wrong(regions, r, want, space, calls, losses, n, keep, items)
    return PASS


def _region_wrong(regions, r, want, space, calls, losses, n, keep, items):
    got = regions[r]
    span = reference.narrowed_region
    wrong = [
        (space, "your regions never shrink: from round 2 on, narrow each axis to the span of "
                "the keep best configs seen so far"),
        (span(space, calls[(r - 1) * n:r * n], losses[(r - 1) * n:r * n], keep),
         "you narrowed around the best configs of the last round only: use the best of all "
         "rounds so far"),
        (span(space, calls[:r * n], -losses[:r * n], keep),
         "you kept the configs with the highest loss; lower is better"),
        (span(space, calls[:r * n], losses[:r * n], r * n),
         "your region spans every config seen so far, not just the keep best"),
    ]
    log_cols = _axes(items, "log")
    if log_cols:
        logged = want.copy()
        logged[log_cols] = np.log10(want[log_cols])
        wrong.append((logged, "your regions store log10 of the bounds on log axes: keep the "
                              "bounds as values, with the scale 'log'"))
    for value, message in wrong:
        if close(got, value):
            return Verdict(False, message)
    return Verdict(False, f"the region of round {r + 1} is not the span of the {keep} best "
                          f"configs of the earlier rounds")


def _search_later_rounds(out, probes):
    pooled = {}
    for label in ("main", "other", "bowl"):
        items, n, rounds, _ = _search_args(probes[label])
        got = out[label]
        calls, regions = got["calls"], got["regions"]
        if calls.shape[0] != n * rounds or regions.shape[0] != rounds:
            return Verdict(False, "cannot follow the rounds: the number of evaluations or of "
                                  "regions is wrong")
        for r in range(1, rounds):
            batch = calls[r * n:(r + 1) * n]
            for column, (name, _, _, scale) in enumerate(items):
                low, high = regions[r, column]
                x = batch[:, column]
                tol = RTOL * max(abs(low), abs(high))
                if not (np.all(np.isfinite(x)) and x.min() >= low - tol and x.max() <= high + tol):
                    return Verdict(False, f"round {r + 1} samples {name} outside the region you "
                                          f"narrowed to")
                if high > low * (1 + 1e-6):
                    pooled.setdefault(scale, []).append(
                        reference.to_unit(x, low, high, scale))
    # One KS test per scale on all later-round samples pooled, positions taken inside each
    # round's own region (uniform given the region), each at ALPHA / 2: <= 1e-6 in all.
    for scale, parts in pooled.items():
        if not stats.fits_uniform(np.concatenate(parts), 0.0, 1.0, ALPHA / 2):
            if scale == "log":
                return Verdict(False, "in the later rounds your log axis is sampled uniformly in "
                                      "the value, not in log10: the narrowed region keeps its "
                                      "log scale")
            return Verdict(False, "in the later rounds the linear axis is not sampled uniformly "
                                  "inside the narrowed region")
    return PASS


def _search_best(out, probes):
    main, same, other = out["main"], out["same"], out["other"]
    for label in ("main", "bowl"):
        got = out[label]
        calls, losses = got["calls"], got["losses"]
        if calls.shape[0] == 0:
            return Verdict(False, "the objective was never called")
        best = int(np.argmin(losses))
        if not got["best_keys_ok"][()]:
            return Verdict(False, "best_config must hold every name of the space")
        if got["best_loss"][()] != losses[best] or not close(got["best_config"], calls[best]):
            n = _search_args(probes[label])[1]
            tail = calls[-n:]
            last_best = int(np.argmin(losses[-n:]))
            if close(got["best_config"], tail[last_best]):
                return Verdict(False, "you returned the best config of the last round; return "
                                      "the best of all rounds")
            matches = np.flatnonzero(np.all(np.isclose(calls, got["best_config"], rtol=RTOL,
                                                       atol=0), axis=1))
            if matches.size and got["best_loss"][()] != losses[matches[0]]:
                return Verdict(False, "best_loss is not the loss your best_config scored")
            return Verdict(False, "best_config is not the config with the lowest loss of all "
                                  "the evaluations")
    # Same seed: identical calls (deterministic). Other seed: 160 equal continuous draws
    # have probability 0, so a correct search never fails here.
    if main["calls"].shape != same["calls"].shape or not np.array_equal(main["calls"],
                                                                        same["calls"]):
        return Verdict(False, "the same seed gave a different search: draw from the rng "
                              "argument, not from np.random's global functions")
    if main["calls"].shape == other["calls"].shape and np.array_equal(main["calls"][:N_ROUND],
                                                                       other["calls"][:N_ROUND]):
        return Verdict(False, "different seeds gave the same search: sample with the rng "
                              "argument")
    return PASS


ASSIGNMENT = Assignment(
    name="search_strategies",
    setup_cells=("setup",),
    tasks=(
        Task(
            function="grid_configs",
            test_cell="test_grid_configs",
            probes=_grid_probes,
            checks=(
                Check("one config per combination of the axes' values", 1,
                      ("two", "three", "one"), _grid_combinations),
                Check("linear axes: evenly spaced, both ends included", 1,
                      ("two", "three", "one"), _grid_axis_judge("linear")),
                Check("log axes: evenly spaced in log10, both ends included", 2,
                      ("two", "three", "one"), _grid_axis_judge("log")),
            ),
            tripwires=("course.search.grid_configs", "course.search.Grid.__init__",
                       "course.search.LogUniform.grid", "course.search.Uniform.grid"),
        ),
        Task(
            function="random_configs",
            test_cell="test_random_configs",
            probes=_random_probes,
            checks=(
                Check("n configs with every name, inside the bounds", 1, ("main", "few"),
                      _random_shape),
                Check("linear axes: uniform over the whole range", 1, ("main",),
                      _random_uniform_judge("linear")),
                Check("log axes: uniform in log10 over the whole range", 1, ("main",),
                      _random_uniform_judge("log")),
                Check("drawn from rng, each axis independently", 1, ("main", "same", "other"),
                      _random_seeds),
            ),
            tripwires=("course.search.random_configs", "course.search.configs_from_unit",
                       "course.search.LogUniform.sample", "course.search.Uniform.sample",
                       "course.search.LogUniform.from_unit", "course.search.Uniform.from_unit"),
        ),
        Task(
            function="distinct_values",
            test_cell="test_distinct_values",
            probes=_distinct_probes,
            checks=(
                Check("counts each repeated value once", 1, _DISTINCT,
                      _distinct_judge(("grid_first", "grid_second", "ints"))),
                Check("tells apart values that differ only in later digits", 1, _DISTINCT,
                      _distinct_judge(("near",))),
            ),
        ),
        Task(
            function="coarse_to_fine",
            test_cell="test_coarse_to_fine",
            probes=_search_probes,
            checks=(
                Check("n_per_round new configs per round, each evaluated once", 1,
                      ("main", "bowl"), _search_counts),
                Check("round 1 samples the whole space on each axis's scale", 1,
                      ("main", "other", "bowl"), _search_first_round),
                Check("each later region spans the keep best configs seen so far", 2,
                      ("main", "bowl"), _search_regions),
                Check("later rounds sample inside their region on each axis's scale", 1,
                      ("main", "other", "bowl"), _search_later_rounds),
                Check("returns the best of all rounds; same seed, same search", 1,
                      ("main", "same", "other", "bowl"), _search_best),
            ),
            tripwires=("course.search.coarse_to_fine.coarse_to_fine",),
        ),
        Task(
            function="next_range",
            test_cell="test_next_range",
            probes=range_probes,
            checks=(
                Check("best inside, linear axis: the keep best values' span, padded by "
                      "margin x width", 1, ("inside_linear",), range_judge(("inside_linear",))),
                Check("best inside, log axis: padded in decades, not in the value", 1,
                      ("inside_log",), range_judge(("inside_log",))),
                Check("best on the low border: the range widens past low", 1,
                      ("low_linear", "low_log"), range_judge(("low_linear", "low_log"))),
                Check("best on the high border: the range widens past high", 1,
                      ("high_linear", "high_log"), range_judge(("high_linear", "high_log"))),
            ),
            # Dimension.narrow pads a span the same way (it never widens past its bounds).
            tripwires=("course.search.Uniform.narrow", "course.search.LogUniform.narrow",
                       "course.search.IntUniform.narrow"),
        ),
    ),
    version="2",
)
