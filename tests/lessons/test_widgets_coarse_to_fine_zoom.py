"""Does the coarse-to-fine demo zoom in round by round and show the round asked for?"""

import numpy as np
import pytest

from course.lessons.search_strategies.coarse_to_fine_zoom import (
    coarse_to_fine_demo,
    run_zoom,
    zoom_objective,
)


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


def test_moving_the_round_slider_redraws_that_round():
    demo = coarse_to_fine_demo(shown_round=1)
    png = demo.image.value
    demo.controls["round"].value = 3
    assert demo.data["shown"] == 3
    assert demo.image.value != png
    expected = demo.data["rounds"][2]["region"]
    assert f"{area(expected):.3f}" in demo.status.value
