"""Make lesson 05's tables over seeds: `python -m course.lessons.batch_norm.make_seed_tables`.

Runs every grid of TABLE_SPECS on SEEDS (two processes, a few minutes on two cores) and
writes them to seed_tables.npz next to this file, which the lesson loads instead of
training 544 networks while you wait. tests/lessons/test_seed_tables.py re-runs a
sample of these runs and checks they give the saved numbers.

    name            what it answers (the lesson's section)
    speed_sigmoid   steps to 90% dev accuracy, 3x100 sigmoid, at each learning rate (4)
    speed_relu      the same for ReLU units (4)
    sweep_relu      dev accuracy after 300 steps at each learning rate, ReLU (3)
    init_scale      dev accuracy after 500 steps for each std of the first weights (4)
    gap             train and dev accuracy and cost after 2,000 steps (5)
    batch_size      dev accuracy after 5 epochs for each training batch size (6)
"""

from __future__ import annotations

import time

from course.lessons.batch_norm.seed_tables import TABLES_PATH, run_grid, save_tables, speedup
from course.search import process_pool

SEEDS = tuple(range(8))
RATES = (0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
BOTH = (False, True)
TO_TARGET = {"max_steps": 2000, "eval_every": 1, "target": 0.9, "stop_at_target": True}
RELU_AT = {"activation": "relu", "learning_rate": 0.1, "stop_at_target": False}

# name -> (config every run shares, axes before the seed)
TABLE_SPECS = {
    "speed_sigmoid": ({"activation": "sigmoid", **TO_TARGET},
                      {"use_batchnorm": BOTH, "learning_rate": RATES}),
    "speed_relu": ({"activation": "relu", **TO_TARGET},
                   {"use_batchnorm": BOTH, "learning_rate": RATES}),
    "sweep_relu": ({"activation": "relu", "max_steps": 300, "eval_every": 300,
                    "stop_at_target": False},
                   {"use_batchnorm": BOTH, "learning_rate": (0.1, 0.3, 1.0, 3.0, 10.0, 30.0)}),
    "init_scale": ({**RELU_AT, "max_steps": 500, "eval_every": 500},
                   {"use_batchnorm": BOTH, "weight_scale": (0.001, 0.01, 0.1, 1.0, 10.0)}),
    "gap": ({**RELU_AT, "max_steps": 2000, "eval_every": 2000}, {"use_batchnorm": BOTH}),
    "batch_size": ({**RELU_AT, "epochs": 5},
                   {"use_batchnorm": BOTH, "batch_size": (1, 2, 4, 8, 16, 60)}),
}


def make_tables(seeds=SEEDS, names=None, executor=None):
    """{name: SeedGrid} for the named specs (default all) on `seeds`."""
    return {name: run_grid(*TABLE_SPECS[name], seeds, executor=executor)
            for name in (names or TABLE_SPECS)}


def main():
    start = time.perf_counter()
    with process_pool(max_workers=2) as pool:
        grids = make_tables(executor=pool)
    save_tables(TABLES_PATH, grids)
    print(f"{sum(g.measures['diverged'].size for g in grids.values())} runs in "
          f"{time.perf_counter() - start:.0f} s -> {TABLES_PATH}")
    for name in ("speed_sigmoid", "speed_relu"):
        s = speedup(grids[name])
        print(name, {bn: s[bn]["best_rate"] for bn in BOTH}, "ratio at the same rate",
              s["ratio_same"], "at the best rates", s["ratio_best"])


if __name__ == "__main__":
    main()
