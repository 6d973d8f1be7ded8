"""Does coarse-to-fine search zoom in round by round, and does its demo show the round asked for?"""

import numpy as np
import pytest

from course.lessons.search_strategies import coarse_to_fine_demo, run_zoom, zoom_objective


def area(region):
    x0, x1, y0, y1 = region
    return (x1 - x0) * (y1 - y0)


def test_boxes_shrink_and_every_point_lies_in_its_round_box():
    rounds = run_zoom(12, 3, 0)
    assert area(rounds[0]["region"]) == pytest.approx(1.0)
    assert area(rounds[-1]["region"]) < 0.2
    for r in rounds:
        x0, x1, y0, y1 = r["region"]
        pts = r["points"]
        assert np.all((pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1))
        assert np.allclose(r["scores"], [zoom_objective({"x": x, "y": y}) for x, y in pts])
    best = [r["best_so_far"] for r in rounds]
    assert best == sorted(best)  # best-so-far never drops


def test_zooming_helps_more_often_than_not_over_seeds():
    gains = [run_zoom(12, 3, s)[-1]["best_so_far"] - run_zoom(12, 3, s)[0]["best_so_far"]
             for s in range(10)]
    assert np.mean(np.array(gains) > 0.01) >= 0.6


def test_the_cached_rounds_cannot_be_changed_by_a_caller():
    rounds = run_zoom(12, 3, 0)
    with pytest.raises(ValueError):
        rounds[0]["points"][0, 0] = 0.5
    assert run_zoom(12, 3, 0) is rounds


def test_moving_the_round_slider_redraws_that_round(set_control):
    view = coarse_to_fine_demo(shown_round=1)
    png = view.canvas.png
    data = set_control(view, "round", 3)
    assert data["shown"] == 3
    assert view.canvas.png != png
    assert f"{area(data['rounds'][2]['region']):.3f}" in view.status.value


def test_keep_above_the_trials_per_round_is_clipped_not_an_error(set_control):
    view = coarse_to_fine_demo(n_per_round=4, keep=3)
    data = set_control(view, "keep", 8)
    assert data["rounds"] == run_zoom(4, 4, 0)
