"""Are lesson 05's saved tables what their script makes, and do the summaries read them right?

The lesson loads course/lessons/batch_norm/seed_tables.npz instead of training its ~550
networks; these tests re-run a sample of those runs and compare, check that the file was
made from the script's current specs, and check the summaries against hand counts.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from course.data import cached_digits_split
from course.lessons.batch_norm.make_seed_tables import SEEDS, TABLE_SPECS
from course.lessons.batch_norm.seed_tables import (
    MEASURES,
    SeedGrid,
    load_tables,
    run_config,
    run_grid,
    run_measures,
    save_tables,
    speedup,
    spread,
)

SAVED = load_tables()
ONE_DEV_IMAGE = 1 / len(cached_digits_split().y_dev)


def test_the_file_holds_every_spec_on_the_lessons_seeds():
    assert sorted(SAVED) == sorted(TABLE_SPECS)
    for name, (base, axes) in TABLE_SPECS.items():
        grid = SAVED[name]
        assert grid.base == base, name
        assert grid.axes == {**{k: tuple(v) for k, v in axes.items()}, "seed": SEEDS}, name
        shape = tuple(len(v) for v in grid.axes.values())
        assert all(grid.measures[m].shape == shape for m in MEASURES), name


SAMPLE = [  # (table, use_batchnorm, value of the middle axis, seed): cheap and telling
    ("speed_sigmoid", False, 3.0, 0), ("speed_sigmoid", True, 3.0, 5),
    ("speed_relu", False, 0.3, 3), ("speed_relu", True, 1.0, 6),
    ("sweep_relu", False, 1.0, 4), ("sweep_relu", False, 3.0, 1),
    ("init_scale", True, 10.0, 2), ("batch_size", True, 2, 7), ("gap", True, None, 6),
]


@pytest.mark.slow
@pytest.mark.parametrize("table, bn, value, seed", SAMPLE,
                         ids=[f"{t}-{bn}-{v}-{s}" for t, bn, v, s in SAMPLE])
def test_a_saved_run_is_what_running_it_again_gives(table, bn, value, seed):
    base, axes = TABLE_SPECS[table]
    names = list(axes)
    point = {"use_batchnorm": bn, "seed": seed}
    if len(names) > 1:
        point[names[1]] = value
    fresh = run_measures({**base, **point})
    saved = SAVED[table].where(**point)
    assert fresh["diverged"] == bool(saved["diverged"])
    # float32 on another machine's BLAS may move a near-tie by an evaluation or two.
    assert fresh["steps_to_target"] == pytest.approx(float(saved["steps_to_target"]), abs=2)
    for name in ("dev_accuracy", "train_accuracy"):
        assert fresh[name] == pytest.approx(float(saved[name]), abs=2.01 * ONE_DEV_IMAGE,
                                            nan_ok=True)
    for name in ("dev_cost", "train_cost"):
        assert fresh[name] == pytest.approx(float(saved[name]), rel=0.05, abs=1e-3,
                                            nan_ok=True)


def test_epochs_set_the_steps_from_the_batch_size():
    n = len(cached_digits_split().y_train)
    config = run_config({"epochs": 3, "batch_size": 4})
    assert config["max_steps"] == config["eval_every"] == 3 * math.ceil(n / 4)
    assert "epochs" not in config
    with pytest.raises(ValueError, match="epoch"):
        run_config({"epoch": 3})


def test_a_diverged_run_has_no_accuracy_and_never_reaches_the_target():
    out = run_measures({"activation": "relu", "learning_rate": 30.0, "max_steps": 50})
    assert out["diverged"] and out["steps_to_target"] == math.inf
    assert all(math.isnan(out[m]) for m in MEASURES[2:])


def test_a_grid_is_laid_out_by_its_axes_and_where_selects_one_value():
    grid = run_grid({"activation": "relu", "max_steps": 20, "eval_every": 20,
                     "stop_at_target": False},
                    {"use_batchnorm": (False, True), "learning_rate": (0.1, 0.3)}, (0, 1))
    assert grid.measures["dev_accuracy"].shape == (2, 2, 2)
    alone = run_measures({**grid.base, "use_batchnorm": True, "learning_rate": 0.1,
                          "seed": 1})
    assert grid.measures["dev_accuracy"][1, 0, 1] == alone["dev_accuracy"]
    np.testing.assert_array_equal(grid.where(use_batchnorm=True)["dev_accuracy"],
                                  grid.measures["dev_accuracy"][1])
    assert grid.where(use_batchnorm=True, learning_rate=0.1, seed=1)["dev_accuracy"] == \
        alone["dev_accuracy"]


def fake_speed_grid(steps):
    """A speed grid over two arms, the rates (0.1, 1, 10) and len(steps[0][0]) seeds."""
    steps = np.array(steps, dtype=float)
    measures = {m: np.zeros_like(steps) for m in MEASURES}
    measures["steps_to_target"] = steps
    return SeedGrid({}, {"use_batchnorm": (False, True), "learning_rate": (0.1, 1.0, 10.0),
                         "seed": tuple(range(steps.shape[2]))}, measures)


def test_speedup_pairs_the_seeds_at_the_plain_best_rate_and_at_each_best_rate():
    inf = math.inf
    grid = fake_speed_grid([[[400, 600, 500], [200, 300, 900], [inf, inf, inf]],
                            [[100, 100, 100], [50, 60, 40], [20, 30, inf]]])
    s = speedup(grid)
    assert s[False]["best_rate"] == 1.0  # median 300 against 500
    assert s[True]["best_rate"] == 10.0  # median 30 against 50 (one seed never got there)
    assert s[False]["highest_rate"] == 1.0 and s[True]["highest_rate"] == 1.0
    np.testing.assert_array_equal(s["ratio_same"], [4, 5, 22.5])
    np.testing.assert_array_equal(s["ratio_best"], [10, 10, 0])
    np.testing.assert_array_equal(s["reached"], [[3, 3, 0], [3, 3, 2]])
    assert speedup(grid, same_rate=0.1)["ratio_same"].tolist() == [4, 6, 5]


def test_spread_is_median_lowest_highest():
    assert spread([3, 1, 2, math.inf]) == (2.5, 1.0, math.inf)


def test_saved_tables_load_back_equal(tmp_path):
    grid = fake_speed_grid([[[1, 2]] * 3, [[3, math.inf]] * 3])
    grid.base = {"activation": "relu", "hidden_dims": (100, 100)}
    save_tables(tmp_path / "t.npz", {"speed": grid})
    back = load_tables(tmp_path / "t.npz")["speed"]
    assert back.base == grid.base and back.axes == grid.axes
    for m in MEASURES:
        np.testing.assert_array_equal(back.measures[m], grid.measures[m])
