"""Does the grid-vs-random demo place, score and count its trials correctly?"""

import numpy as np
import pytest

from course.lessons.search_strategies.grid_vs_random import (
    PEAK_X,
    compare_strategies,
    objective,
    search_strategies_demo,
    strategy_points,
)


def test_objective_peaks_where_stated_and_the_weight_moves_only_y():
    assert objective(PEAK_X, 0.35, 0.0) == pytest.approx(1.0)
    ys = np.linspace(0, 1, 11)
    assert np.ptp(objective(PEAK_X, ys, 0.0)) == 0  # weight 0: y does not matter
    assert np.ptp(objective(PEAK_X, ys, 1.0)) > 0.3


def test_grid_tries_k_values_per_axis_and_random_tries_all():
    grid = strategy_points("grid", 27, seed=0)
    assert len(grid) == 25
    assert sorted(np.unique(grid[:, 0])) == pytest.approx([0, 0.25, 0.5, 0.75, 1])
    result = compare_strategies(25, 0.1, seed=0)
    assert result["grid"]["distinct_x"] == 5 and result["grid"]["distinct_y"] == 5
    for strategy in ("random", "quasi-random"):
        assert result[strategy]["distinct_x"] == 25 and result[strategy]["distinct_y"] == 25
        pts = result[strategy]["points"]
        assert np.allclose(result[strategy]["scores"], objective(pts[:, 0], pts[:, 1], 0.1))
        assert result[strategy]["best"] == pytest.approx(result[strategy]["scores"].max())


def test_quasi_random_points_cover_each_fifth_of_an_axis():
    pts = strategy_points("quasi-random", 25, seed=1)
    assert np.all(np.bincount((pts[:, 0] * 5).astype(int), minlength=5) >= 3)


def test_unknown_strategy_is_refused():
    with pytest.raises(ValueError, match="strategy"):
        strategy_points("bayesian", 9)


def test_moving_the_budget_slider_recomputes_and_redraws():
    demo = search_strategies_demo(budget=25, weight=0.1)
    png = demo.image.value
    demo.controls["budget"].value = 49
    assert demo.data["grid"]["distinct_x"] == 7
    assert demo.data["random"]["distinct_x"] == 49
    assert demo.image.value != png
    assert "7 x 7 = 49" in demo.status.value
    png = demo.image.value
    demo.controls["weight"].value = 1.0
    assert demo.data["weight"] == 1.0
    assert demo.image.value != png
