"""Lesson 03 demo: sampling a range uniformly vs on a log scale, counted per decade.

Compute: `sample_uniform`, `sample_log_uniform` (r = uniform(log10 low, log10 high),
value = 10**r), `decade_edges`, `sampling_histograms`. Plot: `SamplingPlot`.
View: `sampling_scale_demo()`.
"""

from __future__ import annotations

import math

import numpy as np

from course.demos.canvas import FigureImage
from course.demos.demo_box import DemoBox

UNIFORM_COLOR = "tab:orange"
LOG_COLOR = "tab:blue"


# ----------------------------------------------------------------------------- compute
def _check_range(low, high):
    if not (0 < low < high and math.isfinite(high)):
        raise ValueError(f"need 0 < low < high, got low={low!r}, high={high!r}; pick high > low.")


def sample_uniform(low, high, n, rng=None):
    """n values uniform in [low, high): every equal *width* gets the same share."""
    _check_range(low, high)
    return np.random.default_rng(rng).uniform(low, high, size=n)


def sample_log_uniform(low, high, n, rng=None):
    """n values with log10(value) uniform: every decade gets the same share.

    r = uniform(log10 low, log10 high), value = 10**r.
    """
    _check_range(low, high)
    r = np.random.default_rng(rng).uniform(math.log10(low), math.log10(high), size=n)
    return 10.0**r


def decade_edges(low, high):
    """[low, the powers of ten strictly inside (low, high), high], as a float array."""
    _check_range(low, high)
    inside = [10.0**k for k in range(math.floor(math.log10(low)) + 1, math.ceil(math.log10(high)))]
    inside = [e for e in inside if low < e < high]
    return np.array([low, *inside, high], dtype=float)


def expected_shares(edges):
    """Share of each bin between `edges` under uniform and under log-uniform sampling."""
    edges = np.asarray(edges, dtype=float)
    uniform = np.diff(edges) / (edges[-1] - edges[0])
    logs = np.log10(edges)
    log_uniform = np.diff(logs) / (logs[-1] - logs[0])
    return uniform, log_uniform


def sampling_histograms(low, high, n_trials, seed=0):
    """Draw n_trials both ways and count them per decade.

    Returns a dict: edges, uniform, log_uniform (the samples), uniform_counts,
    log_counts (ints per bin), uniform_expected, log_expected (shares per bin).
    """
    rng = np.random.default_rng(seed)
    uniform = sample_uniform(low, high, n_trials, rng)
    log_uniform = sample_log_uniform(low, high, n_trials, rng)
    edges = decade_edges(low, high)
    uniform_expected, log_expected = expected_shares(edges)
    return {
        "low": low,
        "high": high,
        "edges": edges,
        "uniform": uniform,
        "log_uniform": log_uniform,
        "uniform_counts": np.histogram(uniform, edges)[0],
        "log_counts": np.histogram(log_uniform, edges)[0],
        "uniform_expected": uniform_expected,
        "log_expected": log_expected,
    }


def bin_label(a, b):
    return f"[{a:.0e}, {b:.0e})".replace("e-0", "e-").replace("e+0", "e")


# -------------------------------------------------------------------------------- plot
# The axes span every range the sliders allow, so nothing but the data moves and the
# canvas can blit: only the dots, bars, shaded range and texts are redrawn.
FIRST_DECADE, LAST_DECADE = -7, 3  # 1e-7 .. 1e3


class SamplingPlot:
    """Left: every trial as a dot on a log axis (top row uniform, bottom row log scale).
    Right: the share of trials in each decade, uniform vs log scale."""

    def __init__(self, figure):
        self.ax_dots, self.ax_bars = figure.subplots(1, 2, width_ratios=(1, 1.25))
        figure.subplots_adjust(left=0.09, right=0.99, bottom=0.2, top=0.88, wspace=0.2)
        lo, hi = 10.0**FIRST_DECADE, 10.0**LAST_DECADE
        ax = self.ax_dots
        ax.set_xscale("log")
        ax.set_xlim(lo / 1.5, hi * 1.5)
        ax.set_xticks([10.0**k for k in range(FIRST_DECADE, LAST_DECADE + 1, 2)])
        ax.minorticks_off()
        ax.set_yticks([0, 1], ["log scale", "uniform"])
        ax.set_ylim(-0.6, 1.6)
        ax.tick_params(labelsize=7)
        ax.set_title("each dot is one trial (shaded: your range)", fontsize=9)
        self.span = ax.axvspan(1e-4, 1, color="0.9", lw=0)
        self.top = ax.plot([], [], "o", ms=2.5, color=UNIFORM_COLOR, alpha=0.6)[0]
        self.bottom = ax.plot([], [], "o", ms=2.5, color=LOG_COLOR, alpha=0.6)[0]
        ax = self.ax_bars
        k = np.arange(LAST_DECADE - FIRST_DECADE)
        self.uniform_bars = ax.bar(k - 0.2, np.zeros(len(k)), 0.4, color=UNIFORM_COLOR,
                                   label="uniform")
        self.log_bars = ax.bar(k + 0.2, np.zeros(len(k)), 0.4, color=LOG_COLOR,
                               label="log scale")
        ax.set_xticks(k, [f"1e{d}" for d in range(FIRST_DECADE, LAST_DECADE)], fontsize=7)
        ax.set_xlabel("decade starting at", fontsize=8)
        ax.set_ylim(0, 1.05)
        ax.set_yticks([0, 0.25, 0.5, 0.75, 1], ["0", "25%", "50%", "75%", "100%"], fontsize=7)
        ax.set_ylabel("share of trials", fontsize=8)
        ax.legend(fontsize=7, loc="upper left")
        self.title = ax.text(0.5, 1.04, "", transform=ax.transAxes, ha="center", fontsize=9)

    def artists_to_animate(self):
        return [self.span, self.top, self.bottom, *self.uniform_bars, *self.log_bars,
                self.title]

    def draw(self, data):
        n = len(data["uniform"])
        jitter = np.random.default_rng(1).uniform(-0.25, 0.25, size=n)
        self.top.set_data(data["uniform"], 1 + jitter)
        self.bottom.set_data(data["log_uniform"], jitter)
        self.span.set_x(data["low"])
        self.span.set_width(data["high"] - data["low"])
        edges = 10.0 ** np.arange(FIRST_DECADE, LAST_DECADE + 1)
        for bars, samples in ((self.uniform_bars, data["uniform"]),
                              (self.log_bars, data["log_uniform"])):
            shares = np.histogram(samples, edges)[0] / n
            for bar, share in zip(bars, shares, strict=True):
                bar.set_height(share)
        self.title.set_text(f"{n} trials per method, share per decade")


# -------------------------------------------------------------------------------- view
def sampling_scale_demo(low=1e-4, high=1.0, n_trials=200, seed=0):
    """Sliders for the range and the number of trials; dots and shares per decade."""
    import ipywidgets

    controls = {
        "low": ipywidgets.FloatLogSlider(
            value=low, base=10, min=FIRST_DECADE, max=LAST_DECADE - 1, step=0.5,
            description="low", readout_format=".0e",
        ),
        "high": ipywidgets.FloatLogSlider(
            value=high, base=10, min=FIRST_DECADE + 1, max=LAST_DECADE, step=0.5,
            description="high", readout_format=".0e",
        ),
        "n_trials": ipywidgets.IntSlider(
            value=n_trials, min=20, max=2000, step=20, description="trials"
        ),
    }
    canvas = FigureImage(figsize=(8.4, 2.5))
    plot = SamplingPlot(canvas.figure)
    canvas.animate(*plot.artists_to_animate())

    def update(values):
        if not values["low"] < values["high"]:
            return {"invalid": True}  # keep the last picture; the status says why
        data = sampling_histograms(values["low"], values["high"], values["n_trials"], seed)
        with canvas.lock:
            plot.draw(data)
        canvas.refresh()
        return data

    def describe(data):
        if data.get("invalid"):
            return "<b>Pick high &gt; low.</b>"
        top_share = data["uniform_counts"][-1] / len(data["uniform"])
        log_share = data["log_counts"][-1] / len(data["log_uniform"])
        span = bin_label(*data["edges"][-2:])
        return (
            f"Top bin {span}: <b>{top_share:.0%}</b> of the uniform trials, "
            f"<b>{log_share:.0%}</b> of the log-scale trials."
        )

    return DemoBox(controls, canvas, update, describe=describe)
