"""Do lesson 05's demos show the numbers their sliders select, and redraw when moved?"""

from __future__ import annotations

import numpy as np
import pytest

from course.data import cached_digits_split
from course.lessons.batch_norm import (
    ProbeRun,
    batch_noise,
    histogram_snapshots,
    histograms_demo,
    learning_rate_sweep,
    momentum_demo,
    momentum_replay,
    noise_demo,
    sweep_demo,
    trained_network,
)


@pytest.fixture(scope="module")
def snapshots():
    return histogram_snapshots(snapshot_steps=(0, 20, 60), learning_rate=1.0)


def test_step_slider_shows_that_steps_histograms(snapshots):
    demo = histograms_demo(snapshots, step=0)
    before = demo.image.value
    demo.controls["step"].value = 60
    assert demo.image.value != before
    shown = demo.data["batch norm"]["histograms"]
    np.testing.assert_array_equal(shown, snapshots[True]["histograms"][2])
    # Mean and spread of a histogram, computed here independently from its bins.
    bins = snapshots["bins"]
    centres = (bins[1:] + bins[:-1]) / 2
    for layer in range(3):
        weights = shown[layer]
        mean = np.average(centres, weights=weights)
        spread = np.sqrt(np.average((centres - mean) ** 2, weights=weights))
        assert demo.data["batch norm"]["means"][layer] == pytest.approx(mean, abs=1e-9)
        assert demo.data["batch norm"]["spreads"][layer] == pytest.approx(spread, abs=1e-6)


def test_batch_norm_keeps_z_centred_and_spread_while_plain_z_drifts(snapshots):
    demo = histograms_demo(snapshots, step=60)
    bn, plain = demo.data["batch norm"], demo.data["plain"]
    assert np.all(np.abs(bn["means"]) < 0.5) and np.all(bn["spreads"] > 0.6)
    assert abs(plain["means"][2]) > 1.0  # the last plain layer has slid off centre


def fake_run(rate, diverged, reached):
    steps = np.arange(0, 50, 10)
    return ProbeRun({"learning_rate": rate, "target": 0.9, "max_steps": 50}, steps,
                    np.linspace(0.1, 0.95 if reached else 0.2, len(steps)), np.ones(40),
                    diverged, 40 if reached else None)


def test_learning_rate_slider_selects_both_runs_at_that_rate():
    runs = {(bn, r): fake_run(r, diverged=(not bn and r > 1), reached=(bn or r <= 1))
            for bn in (False, True) for r in (0.1, 1.0, 10.0)}
    demo = sweep_demo(runs, learning_rate=1.0)
    before = demo.image.value
    demo.controls["learning_rate"].value = 10.0
    assert demo.image.value != before
    assert demo.data["plain"]["diverged"] and not demo.data["batch norm"]["diverged"]
    assert demo.data["batch norm"]["steps_to_target"] == 40
    assert "diverged" in demo.status.value


def test_batch_size_slider_shows_the_noise_of_that_size():
    model, _ = trained_network({"activation": "relu", "use_batchnorm": True,
                                "learning_rate": 0.3, "max_steps": 40,
                                "stop_at_target": False})
    noise = batch_noise(model, cached_digits_split().X_train, batch_sizes=(2, 8, 32),
                        draws=100, rng=1)
    demo = noise_demo(noise, batch_size=8)
    before = demo.image.value
    demo.controls["batch_size"].value = 32
    assert demo.image.value != before
    assert demo.data["noise"] == noise["noise"][2]
    np.testing.assert_array_equal(demo.data["values"], noise["values"][2])
    assert demo.data["values"].std() < noise["values"][0].std()


def test_momentum_slider_shows_that_momentums_running_mean_and_accuracy():
    replay = momentum_replay(momenta=(0.0, 0.9, 0.999), steps=60)
    demo = momentum_demo(replay, momentum=0.9)
    before = demo.image.value
    demo.controls["momentum"].value = 0.999
    assert demo.image.value != before
    assert demo.data["test_accuracy"] == replay["test_accuracy"][2]
    # With momentum 0, the running mean is simply the last batch's mean.
    demo.controls["momentum"].value = 0.0
    np.testing.assert_allclose(demo.data["running_mean"], replay["batch_means"], rtol=1e-6)


# ---------------------------------------------------------------- legends stay clear
def lines_through_legends(figure):
    """(axes title, line label) of every line (or marker) that crosses a legend's box."""
    renderer = figure.canvas.get_renderer()
    crossing = []
    for ax in figure.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        box = legend.get_window_extent(renderer)
        for line in ax.lines:
            if not line.get_visible() or len(line.get_xdata()) == 0:
                continue
            path = line.get_transform().transform_path(line.get_path())
            through = (line.get_linestyle() not in ("None", "", " ")
                       and path.intersects_bbox(box, filled=False))
            if line.get_marker() not in (None, "None", "", " "):
                r = line.get_markersize() * figure.dpi / 72 / 2
                x, y = path.vertices.T
                through |= bool(np.any((x > box.x0 - r) & (x < box.x1 + r)
                                       & (y > box.y0 - r) & (y < box.y1 + r)))
            if through:
                crossing.append((ax.get_title(), line.get_label()))
    return crossing


def momentum_view():
    return momentum_demo(momentum_replay(steps=200), momentum=0.999), "momentum"


def sweep_view():
    runs = learning_rate_sweep("relu", (0.1, 0.3, 1.0, 3.0, 10.0, 30.0), max_steps=300,
                               stop_at_target=False)
    return sweep_demo(runs, learning_rate=3.0), "learning_rate"


def noise_view():
    model, _ = trained_network({"activation": "relu", "use_batchnorm": True,
                                "learning_rate": 0.3, "max_steps": 100,
                                "stop_at_target": False})
    return noise_demo(batch_noise(model, cached_digits_split().X_train, draws=100, rng=0)), \
        "batch_size"


@pytest.mark.parametrize("make_view", [momentum_view, sweep_view, noise_view],
                         ids=["momentum", "sweep", "noise"])
def test_no_line_crosses_a_legend_at_any_slider_value(make_view, set_control):
    """A newcomer saw the momentum demo's running average strike through its legend: is
    every legend of lesson 05's demos clear of every line, whatever the slider shows?"""
    demo, name = make_view()
    for option in demo.controls[name].options:
        value = option[1] if isinstance(option, tuple) else option  # (label, value) pairs
        set_control(demo, name, value)
        assert lines_through_legends(demo.canvas.figure) == [], f"{name}={value}"
