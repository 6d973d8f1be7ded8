"""Do grid, random and quasi-random trials land, score and count as lesson 02 says?"""

import numpy as np
import pytest

from course.lessons.search_strategies import (
    best_on_random_objectives,
    compare_strategies,
    objective,
    search_strategies_demo,
    strategy_points,
)
from course.lessons.search_strategies.strategy_comparison import PEAK_X


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
    with pytest.raises(ValueError, match="bayesian"):
        strategy_points("bayesian", 9)


def test_when_y_does_not_matter_only_the_grid_columns_count():
    """With weight 0 the 5 x 5 grid scores exactly as its 5 distinct values of x do."""
    grid = strategy_points("grid", 25)
    columns = grid[::5]  # one point per distinct x
    assert len(np.unique(columns[:, 0])) == 5
    full = best_on_random_objectives(grid, 50, 0.0, rng=3)
    thin = best_on_random_objectives(columns, 50, 0.0, rng=3)
    assert np.array_equal(full, thin)
    assert not np.array_equal(full, best_on_random_objectives(grid, 50, 0.0, rng=4))


def test_random_beats_the_grid_when_one_axis_matters_and_ties_when_both_do():
    """Fixed seed, 400 objectives: measured 87% and 50%; the bounds leave wide margins."""
    grid = strategy_points("grid", 25)
    one_axis = best_on_random_objectives(grid, 400, 0.0, rng=0)
    assert np.mean(one_axis[:, 1] > one_axis[:, 0]) > 0.75
    both = best_on_random_objectives(grid, 400, None, rng=0, both_narrow=True)
    assert abs(np.mean(both[:, 1] > both[:, 0]) - 0.5) < 0.1
    assert np.all((both >= 0) & (both <= 1)) and np.all((one_axis >= 0) & (one_axis <= 1))


def test_moving_the_budget_slider_recomputes_and_redraws(set_control):
    view = search_strategies_demo(budget=25, weight=0.1)
    png = view.canvas.png
    data = set_control(view, "budget", 49)
    assert data["grid"]["distinct_x"] == 7
    assert data["random"]["distinct_x"] == 49
    assert view.canvas.png != png
    assert "7 x 7 = 49" in view.status.value
    png = view.canvas.png
    assert set_control(view, "weight", 1.0)["weight"] == 1.0
    assert view.canvas.png != png


def test_the_cached_score_maps_follow_the_weight(set_control):
    """The score maps are cached between refreshes (only the weight changes them): after a
    walk over the sliders, the picture is pixel for pixel the one a new demo draws for the
    same settings, so no stale map survives."""
    view = search_strategies_demo(budget=25, weight=0.1, seed=0)
    for name, value in (("weight", 0.9), ("budget", 36), ("seed", 3), ("weight", 0.4),
                        ("budget", 49)):
        set_control(view, name, value)
    fresh = search_strategies_demo(budget=49, weight=0.4, seed=3)
    assert view.canvas.png == fresh.canvas.png
    stale = search_strategies_demo(budget=49, weight=0.9, seed=3)
    assert view.canvas.png != stale.canvas.png
