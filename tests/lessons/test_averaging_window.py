"""Does lesson 03 show the windows it claims, and does the beta demo redraw as beta moves?

The moving average itself is tested in tests/library/test_smoothing.py."""

import numpy as np
import pytest
from references import loop_average

from course.lessons.sampling_scales import beta_window_data, beta_window_demo, noisy_series
from course.smoothing import effective_window


def test_window_is_one_over_one_minus_beta_and_the_compared_pairs_differ_as_taught():
    assert effective_window(0.9) == pytest.approx(10)
    assert effective_window(0.9005) - effective_window(0.9) < 0.1
    assert effective_window(0.9995) / effective_window(0.999) == pytest.approx(2)
    # about 63% (1 - 1/e) of the weight falls on the last 1/(1-beta) values
    beta = 0.99
    weights = (1 - beta) * beta ** np.arange(10_000)
    assert weights[:100].sum() == pytest.approx(1 - np.exp(-1), abs=0.01)


def test_the_lessons_data_average_the_series_it_is_given():
    x = noisy_series(50, rng=1)
    data = beta_window_data(0.8, True, x)
    assert data["window"] == pytest.approx(5)
    assert np.allclose(data["average"], loop_average(x, 0.8, True))


def test_moving_the_slider_smooths_more_and_redraws():
    demo = beta_window_demo(beta=0.9)
    png, rough = demo.image.value, demo.data["average"]
    demo.controls["beta"].value = 0.99
    smooth = demo.data["average"]
    assert demo.data["window"] == pytest.approx(100)
    assert np.allclose(smooth, loop_average(demo.data["series"], 0.99, False))
    # a longer window gives a smoother line: smaller day-to-day changes
    assert np.abs(np.diff(smooth)).mean() < 0.3 * np.abs(np.diff(rough)).mean()
    assert demo.image.value != png
    assert "100.0" in demo.status.value
    # without bias correction v_1 = (1 - beta) x_1; with it the first average is x_1
    assert demo.data["average"][0] == pytest.approx(0.01 * demo.data["series"][0])
    demo.controls["bias_correction"].value = True
    assert demo.data["average"][0] == pytest.approx(demo.data["series"][0])


def test_the_status_line_never_claims_a_window_beyond_beta_one():
    """Near beta = 1 a nudge of 0.0005 leaves the range: no made-up window is stated."""
    from course.lessons.sampling_scales.averaging_window_demo import describe

    near_one = describe({"beta": 0.9999, "window": effective_window(0.9999)})
    assert "reach 1" in near_one and "100,000" not in near_one
    lower = describe({"beta": 0.999, "window": effective_window(0.999)})
    assert f"<b>{effective_window(0.9995):,.1f}</b>" in lower


def test_the_slider_and_the_star_move_the_same_way():
    """A newcomer's report: the old 1 - beta slider moved opposite to the star on the beta
    axis. Now every step of the slider to the right raises beta, and the star on the
    window plot moves right with it."""
    demo = beta_window_demo(beta=0.9)
    slider = demo.controls["beta"]

    def star_x():
        (x,), (y,) = demo.plot.now.get_data()
        return demo.plot.now.axes.transData.transform((x, y))[0]

    positions, betas = [], []
    for index in range(0, len(slider.options), 7):
        slider.index = index
        positions.append(star_x())
        betas.append(demo.data["beta"])
    assert np.all(np.diff(betas) > 0)
    assert np.all(np.diff(positions) > 0), positions


def test_the_slider_stops_are_even_in_log_one_minus_beta_and_labelled_apart():
    from course.lessons.sampling_scales.averaging_window_demo import beta_label, beta_stops

    stops = np.array(beta_stops())
    steps = np.diff(np.log10(1 - stops))
    assert np.allclose(steps, -1 / 20)  # 20 stops per factor of 10 in the window
    assert stops[0] == 0 and stops[-1] == pytest.approx(0.9999)
    assert {0.9, 0.99, 0.999} <= set(stops.tolist())  # the lesson's betas are stops exactly
    labels = [beta_label(b) for b in stops]
    assert len(set(labels)) == len(labels)
    assert [beta_label(b) for b in (0.9, 0.99, 0.999)] == ["0.90", "0.990", "0.9990"]
    # a beta between stops opens the demo where asked
    demo = beta_window_demo(beta=0.95)
    assert demo.data["beta"] == 0.95 and demo.data["window"] == pytest.approx(20)
