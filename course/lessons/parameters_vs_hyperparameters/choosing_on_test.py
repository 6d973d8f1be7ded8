"""Lesson 01: how much choosing hyperparameters on the test set overstates the result.

1. Train `n_models` small digit classifiers with random learning rates and widths on
   `n_train` digits; keep the other digits aside (the pool) and record which pool digit
   each network gets right.
2. Cut the pool at random, many times, into a dev set, a test set and a fresh set that no
   choice touches. On each cut, pick a winner two ways: the best on the test set, and the
   best on the dev set. The number you would report is the winner's test accuracy; the
   truth is its accuracy on the fresh set.
3. Repeat 1-2 on several seeds (other training digits, other configs, other starts) to see
   how much the overstatement itself moves.

    right = candidate_correctness(seed=0)       # (40, 997) floats: 1 = right, 0 = wrong
    cuts = recut_protocols(right, 2000, rng)    # protocol -> {"reported", "truth"} arrays
    table = optimism_over_seeds(range(12))      # protocol -> per-seed points and shares
    seeds, table, settings = saved_optimism()   # the same for the lesson's seeds, from SAVED

Step 3 for the lesson's 12 seeds trains 480 networks, too slow for a lesson that must run
in 30 s on a busy machine, so it is saved in SAVED (next to this file) by

    python -m course.lessons.parameters_vs_hyperparameters.save_choosing_on_test_seeds

and tests/lessons/test_lesson01_claims.py re-runs some of the saved seeds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from course.data import Split, load_digits
from course.nn import train_from_config
from course.rng import as_rng
from course.search import IntUniform, LogUniform, random_configs

__all__ = ["DEV_SIZE", "LESSON_SETTINGS", "PROTOCOLS", "SAVED", "SPACE", "TEST_SIZE",
           "candidate_correctness", "optimism_over_seeds", "recut_protocols", "save_optimism",
           "saved_optimism"]

SPACE = {"learning_rate": LogUniform(1e-3, 1e-1), "hidden_units": IntUniform(16, 128, log=True)}
DEV_SIZE = TEST_SIZE = 150
PROTOCOLS = ("chosen on test", "chosen on dev")
SAVED = Path(__file__).with_name("choosing_on_test_seeds.npz")
LESSON_SETTINGS = {"seeds": range(12), "n_cuts": 500, "n_models": 40, "n_train": 800,
                   "num_epochs": 5}


def candidate_correctness(seed=0, n_models=40, n_train=800, num_epochs=5, rng=None):
    """Train `n_models` random configs from SPACE; which pool digit does each get right?

    The digits are shuffled by `rng` (default: a Generator from `seed`); the first
    `n_train` train every network, the rest are the pool. Network i starts from seed i.
    Returns (n_models, pool size) float array: 1.0 where network i is right on pool digit j.
    Pass the same Generator on to `recut_protocols` to reproduce the lesson's cuts.
    """
    rng = as_rng(seed) if rng is None else rng
    X, y = load_digits()
    order = rng.permutation(len(y))
    train, pool = order[:n_train], order[n_train:]
    training_data = Split(X[train], y[train], None, None, None, None)
    right = []
    for i, config in enumerate(random_configs(SPACE, n_models, rng)):
        model, _ = train_from_config({"learning_rate": config["learning_rate"],
                                      "hidden_dims": (config["hidden_units"],),
                                      "num_epochs": num_epochs, "seed": i}, training_data)
        right.append(model.predict(X[pool]) == y[pool])
    return np.array(right, dtype=float)


def recut_protocols(right, n_cuts, rng):
    """Cut the pool `n_cuts` times into dev (150), test (150) and fresh (the rest).

    Returns {protocol: {"reported": array, "truth": array}}, one entry per cut: the
    winner's test accuracy and its fresh accuracy, for the winner chosen on the test set
    and the one chosen on the dev set (the first of equals wins a tie).
    """
    rng = as_rng(rng)
    out = {protocol: {"reported": [], "truth": []} for protocol in PROTOCOLS}
    for _ in range(n_cuts):
        cut = rng.permutation(right.shape[1])
        dev, test, fresh = np.split(cut, [DEV_SIZE, DEV_SIZE + TEST_SIZE])
        dev_acc, test_acc, fresh_acc = (right[:, part].mean(axis=1) for part in (dev, test, fresh))
        for protocol, winner in zip(PROTOCOLS, (test_acc.argmax(), dev_acc.argmax()), strict=True):
            out[protocol]["reported"].append(test_acc[winner])  # the number you would publish
            out[protocol]["truth"].append(fresh_acc[winner])    # what the model really does
    return {protocol: {key: np.array(values) for key, values in parts.items()}
            for protocol, parts in out.items()}


def optimism_over_seeds(seeds, n_cuts=500, **options):
    """For each seed: candidates from `candidate_correctness(seed, **options)`, then
    `n_cuts` cuts. Returns {protocol: {"points": array, "share": array}}, one entry per
    seed in the order given: the mean overstatement in accuracy points (reported minus
    truth, times 100) and the share of cuts on which the report was above the truth."""
    table = {protocol: {"points": [], "share": []} for protocol in PROTOCOLS}
    for seed in seeds:
        rng = as_rng(seed)
        cuts = recut_protocols(candidate_correctness(rng=rng, **options), n_cuts, rng)
        for protocol, parts in cuts.items():
            table[protocol]["points"].append(100 * np.mean(parts["reported"] - parts["truth"]))
            table[protocol]["share"].append(np.mean(parts["reported"] > parts["truth"]))
    return {protocol: {key: np.array(values) for key, values in parts.items()}
            for protocol, parts in table.items()}


def saved_optimism(path=SAVED):
    """What `optimism_over_seeds` gave for the lesson's seeds, as saved by `save_optimism`.

    Returns (seeds: int array, table: {protocol: {"points", "share"}} like
    optimism_over_seeds, settings: dict of n_cuts, n_models, n_train, num_epochs).
    """
    with np.load(path) as saved:
        table = {str(protocol): {"points": saved["points"][k], "share": saved["share"][k]}
                 for k, protocol in enumerate(saved["protocols"])}
        settings = {key: int(saved[key]) for key in ("n_cuts", "n_models", "n_train",
                                                     "num_epochs")}
        return saved["seeds"], table, settings


def save_optimism(path=SAVED, settings=None):
    """Run `optimism_over_seeds` with LESSON_SETTINGS (or `settings`) and save it to `path`."""
    settings = dict(LESSON_SETTINGS if settings is None else settings)
    seeds = np.asarray(list(settings.pop("seeds")))
    table = optimism_over_seeds(seeds, **settings)
    np.savez(path, seeds=seeds, protocols=np.array(PROTOCOLS),
             points=np.array([table[p]["points"] for p in PROTOCOLS]),
             share=np.array([table[p]["share"] for p in PROTOCOLS]), **settings)
