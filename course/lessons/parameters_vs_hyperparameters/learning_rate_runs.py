"""Lesson 01: one learning rate, one cost curve J, and what the curve says about the rate.

A small network (2 -> 16 relu -> 2) learns the two moons with plain batch gradient
descent: every step sees all 200 points, so the curve shows the learning rate and not
mini-batch noise. Once J is NaN, inf or 1000 times its start, the Trainer stops the run
(on_divergence="stop").

A run alone cannot say whether its rate was good: only other rates, trained on the same
data from the same start, can. So a run's regime is measured against a sweep of rates:

    final cost F   the run's last J (NaN when the Trainer stopped it)
    best B         the lowest F of the sweep; alpha* the rate that reached it
    zigzag Z       the share of the run's steps on which J went up

    "good"              F <= GOOD_FACTOR * B (within 2x of the lowest final cost)
    "good, zigzagging"  good, and Z > ZIGZAG_SHARE (J rose on more than 10% of its steps)
    "too small"         F > GOOD_FACTOR * B at a rate below alpha*
    "too large"         F > GOOD_FACTOR * B at a rate above alpha*
    "diverged"          stopped by the Trainer (too large, and by far)

A zigzag is not a verdict: the lowest J of a sweep often comes from a run that zigzags
(it is stepping across a narrow valley while it moves down it), and in mini-batch
training J goes up and down anyway, because each step sees other examples.

    run = train_with_learning_rate(0.5)          # dict: costs, final_cost, zigzag, ...
    sweep = learning_rate_sweep(SWEEP_RATES)     # runs, final_costs, best_rate, regimes
    regime(run, sweep)                           # a run's regime against a sweep
    summaries = [sweep_summary(learning_rate_sweep(SWEEP_RATES, seed=s)) for s in range(12)]
"""

from __future__ import annotations

import numpy as np

from course.data import make_moons
from course.nn import SGD, FullyConnectedNet, Trainer

__all__ = ["GOOD_FACTOR", "ITERATIONS", "REGIMES", "SWEEP_RATES", "ZIGZAG_SHARE",
           "learning_rate_sweep", "moons_data", "regime", "still_falling", "sweep_summary",
           "train_with_learning_rate", "zigzag"]

ITERATIONS = 100
SWEEP_RATES = np.logspace(-3, 2, 21)  # 0.001 to 100, four rates per decade
GOOD_FACTOR = 2.0  # good: a final J at most twice the sweep's lowest
ZIGZAG_SHARE = 0.1  # zigzagging: J went up on more than this share of the steps
REGIMES = ("too small", "good", "good, zigzagging", "too large", "diverged")


def moons_data(n_samples=200, seed=0):
    """The lesson's dataset: (X (n, 2) float32, y (n,) int64)."""
    return make_moons(n_samples, noise=0.15, rng=seed)


def zigzag(costs):
    """The share of steps on which J went up: a float in [0, 1] (0 for fewer than 2 costs)."""
    costs = np.asarray(costs, dtype=float)
    return float(np.mean(np.diff(costs) > 0)) if len(costs) > 1 else 0.0


def train_with_learning_rate(learning_rate, data=None, iterations=ITERATIONS, seed=0):
    """Batch gradient descent for `iterations` steps; returns a dict.

    Keys: learning_rate, costs (float array, one per step that ran), diverged (bool),
    stop_reason (str or None), final_cost (the last J; NaN if diverged), zigzag (see
    `zigzag`). `data` defaults to moons_data(seed=seed); `seed` also draws the start.
    """
    X, y = moons_data(seed=seed) if data is None else data
    net = FullyConnectedNet(2, 2, hidden_dims=(16,), activation="relu", rng=seed)
    trainer = Trainer(net, SGD(learning_rate), X, y, batch_size=len(y), rng=seed,
                      on_divergence="stop", eval_every=0)
    with np.errstate(all="ignore"):  # overflow on the way to inf is the point here
        # one epoch = one step, since every batch holds all the data
        history = trainer.run(iterations)
    costs = np.asarray(history.costs, dtype=float)
    return {
        "learning_rate": float(learning_rate),
        "costs": costs,
        "diverged": history.diverged,
        "stop_reason": history.stop_reason,
        "final_cost": np.nan if history.diverged else float(costs[-1]),
        "zigzag": zigzag(costs),
    }


def regime(run, sweep):
    """The regime (one of REGIMES) of `run` measured against `sweep` (see the module doc).

    The run may be one of the sweep's or another rate trained on the same data and seed;
    in that case it counts as part of the sweep: if it ends lowest, it is the best.
    """
    if run["diverged"]:
        return "diverged"
    best_cost, best_rate = sweep["best_cost"], sweep["best_rate"]
    if not run["final_cost"] >= best_cost:  # lower than every rate of the sweep (or NaN best)
        best_cost, best_rate = run["final_cost"], run["learning_rate"]
    if run["final_cost"] <= GOOD_FACTOR * best_cost:
        return "good, zigzagging" if run["zigzag"] > ZIGZAG_SHARE else "good"
    return "too small" if run["learning_rate"] < best_rate else "too large"


def learning_rate_sweep(learning_rates=SWEEP_RATES, data=None, iterations=ITERATIONS, seed=0):
    """Train every rate from the same start on the same data; returns a dict.

    Keys: learning_rates (array), runs (list of `train_with_learning_rate` dicts),
    final_costs (array, NaN where a run diverged), best_cost and best_rate (the lowest
    final cost and its rate; NaN if every run diverged), regimes (list of str).
    """
    rates = np.asarray(learning_rates, dtype=float)
    runs = [train_with_learning_rate(lr, data, iterations, seed) for lr in rates]
    finals = np.array([run["final_cost"] for run in runs])
    finished = np.isfinite(finals)
    best = int(np.nanargmin(finals)) if finished.any() else None
    sweep = {
        "learning_rates": rates,
        "runs": runs,
        "final_costs": finals,
        "best_cost": np.nan if best is None else float(finals[best]),
        "best_rate": np.nan if best is None else float(rates[best]),
    }
    sweep["regimes"] = [regime(run, sweep) for run in runs]
    return sweep


def still_falling(costs, steps=10):
    """Is J at the end lower than `steps` steps before? (the run would gain from more)"""
    costs = np.asarray(costs, dtype=float)
    return bool(len(costs) > steps and costs[-1] < costs[-1 - steps])


def sweep_summary(sweep):
    """The numbers the lesson quotes from one sweep, as a dict.

    best_rate, best_cost; best_zigzag (Z of the best run); good_low and good_high (the
    smallest and largest rate labelled good or good, zigzagging); first_diverged (the
    smallest rate the Trainer stopped, NaN if none); counts (regime -> number of rates);
    zigzagging and smooth (regime -> number of runs that finished with Z > ZIGZAG_SHARE,
    and with Z <= ZIGZAG_SHARE); small_not_falling (how many too-small runs were not
    `still_falling`).
    """
    rates, labels, runs = sweep["learning_rates"], sweep["regimes"], sweep["runs"]
    pairs = list(zip(rates, labels, runs, strict=True))
    good = [rate for rate, label, _ in pairs if label.startswith("good")]
    stopped = [rate for rate, _, run in pairs if run["diverged"]]
    best = int(np.nanargmin(sweep["final_costs"]))
    return {
        "best_rate": sweep["best_rate"],
        "best_cost": sweep["best_cost"],
        "best_zigzag": runs[best]["zigzag"],
        "good_low": min(good),
        "good_high": max(good),
        "first_diverged": min(stopped) if stopped else np.nan,
        "counts": {name: labels.count(name) for name in REGIMES},
        "zigzagging": {name: sum(label == name and run["zigzag"] > ZIGZAG_SHARE
                                 and not run["diverged"] for _, label, run in pairs)
                       for name in REGIMES},
        "smooth": {name: sum(label == name and run["zigzag"] <= ZIGZAG_SHARE
                             and not run["diverged"] for _, label, run in pairs)
                   for name in REGIMES},
        "small_not_falling": sum(label == "too small" and not still_falling(run["costs"])
                                 for _, label, run in pairs),
    }
