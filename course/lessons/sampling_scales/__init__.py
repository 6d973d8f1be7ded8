"""Lesson 03, sampling on the right scale (lessons/03_appropriate_scale.ipynb).

What the lesson computes (no screen code) and the demo that shows each:

    decade_counts             trials drawn uniformly and on a log scale (course.search's
                              Uniform and LogUniform), counted per decade: decade_edges,
                              expected_shares, sampling_histograms, decade_shares
    decade_counts_demo        sampling_scale_demo(): sliders for the range and the number
                              of trials; every trial as a dot, the share per decade
    averaging_window          a noisy daily series and its exponentially weighted average
                              for one beta (the average and effective_window are
                              course.smoothing's): noisy_series, beta_window_data
    averaging_window_demo     beta_window_demo(): a slider on beta with stops evenly
                              spaced in log(1 - beta); the average and its window
                              1/(1-beta) follow it
    scale_searches            random searches of the learning rate on both scales, on a
                              toy and on the digits network: random_searches,
                              learning_rate_sweep, toy_success_band, exact_success_share,
                              zoom_from_each_scale
    momentum_sensitivity      the digits network trained with nearby betas of momentum:
                              momentum_runs, steps_per_epoch, MOMENTUM_RUN

Each demo returns a `course.demos.view.DemoView` (compute -> Plot -> view). The notebook
and the playground import from here:

    from course.lessons.sampling_scales import decade_edges, sampling_scale_demo
"""

from course.lessons.sampling_scales.averaging_window import beta_window_data, noisy_series
from course.lessons.sampling_scales.averaging_window_demo import beta_window_demo
from course.lessons.sampling_scales.decade_counts import (
    decade_edges,
    decade_shares,
    expected_shares,
    sampling_histograms,
)
from course.lessons.sampling_scales.decade_counts_demo import sampling_scale_demo
from course.lessons.sampling_scales.momentum_sensitivity import (
    MOMENTUM_RUN,
    momentum_runs,
    steps_per_epoch,
)
from course.lessons.sampling_scales.scale_searches import (
    SEARCH_SCALES,
    exact_success_share,
    learning_rate_sweep,
    random_searches,
    toy_success_band,
    zoom_from_each_scale,
)

__all__ = [
    "MOMENTUM_RUN",
    "SEARCH_SCALES",
    "beta_window_data",
    "beta_window_demo",
    "decade_edges",
    "decade_shares",
    "exact_success_share",
    "expected_shares",
    "learning_rate_sweep",
    "momentum_runs",
    "noisy_series",
    "random_searches",
    "sampling_histograms",
    "sampling_scale_demo",
    "steps_per_epoch",
    "toy_success_band",
    "zoom_from_each_scale",
]
