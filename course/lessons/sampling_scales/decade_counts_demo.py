"""Lesson 03 demo: sampling a range uniformly vs on a log scale, counted per decade.

Compute: `decade_counts`. Plot: `SamplingPlot`. View: `sampling_scale_demo()`.
"""

from __future__ import annotations

import ipywidgets
import numpy as np

from course.demos.view import DemoView
from course.lessons.sampling_scales.decade_counts import (
    bin_label,
    decade_shares,
    sampling_histograms,
)

__all__ = ["SamplingPlot", "sampling_scale_demo"]

UNIFORM_COLOR = "tab:orange"
LOG_COLOR = "tab:blue"
# The axes span every range the sliders allow, so nothing but the data moves and the
# canvas can blit: only the dots, bars, shaded range and texts are redrawn.
FIRST_DECADE, LAST_DECADE = -7, 3  # 1e-7 .. 1e3
MAX_TRIALS = 2000


# ----------------------------------------------------------------------------- compute
def compute(values, rng=0):
    """The demo's numbers for the controls' values: `sampling_histograms` plus the shares
    per whole decade of the plot's axis ("uniform_shares", "log_shares"), or
    {"invalid": True} when low >= high (the picture then stays as it was)."""
    if not values["low"] < values["high"]:
        return {"invalid": True}
    data = sampling_histograms(values["low"], values["high"], values["n_trials"], rng)
    data["uniform_shares"] = decade_shares(data["uniform"], FIRST_DECADE, LAST_DECADE)
    data["log_shares"] = decade_shares(data["log_uniform"], FIRST_DECADE, LAST_DECADE)
    return data


# -------------------------------------------------------------------------------- plot
class SamplingPlot:
    """Left: every trial as a dot on a log axis (top row uniform, bottom row log scale).
    Right: the share of trials in each decade, uniform vs log scale."""

    def __init__(self, canvas, data):
        figure = canvas.figure
        ax_dots, ax_bars = figure.subplots(1, 2, width_ratios=(1, 1.25))
        figure.subplots_adjust(left=0.09, right=0.99, bottom=0.2, top=0.88, wspace=0.2)
        lo, hi = 10.0**FIRST_DECADE, 10.0**LAST_DECADE
        ax_dots.set_xscale("log")
        ax_dots.set_xlim(lo / 1.5, hi * 1.5)
        ax_dots.set_xticks([10.0**k for k in range(FIRST_DECADE, LAST_DECADE + 1, 2)])
        ax_dots.minorticks_off()
        ax_dots.set_yticks([0, 1], ["log scale", "uniform"])
        ax_dots.set_ylim(-0.6, 1.6)
        ax_dots.tick_params(labelsize=7)
        ax_dots.set_title("each dot is one trial (shaded: your range)", fontsize=9)
        self.span = ax_dots.axvspan(1e-4, 1, color="0.9", lw=0)
        self.top = ax_dots.plot([], [], "o", ms=2.5, color=UNIFORM_COLOR, alpha=0.6)[0]
        self.bottom = ax_dots.plot([], [], "o", ms=2.5, color=LOG_COLOR, alpha=0.6)[0]
        # a fixed vertical scatter, so that dots at the same value do not hide each other
        self.jitter = np.random.default_rng(1).uniform(-0.25, 0.25, size=MAX_TRIALS)

        k = np.arange(LAST_DECADE - FIRST_DECADE)
        self.uniform_bars = ax_bars.bar(k - 0.2, np.zeros(len(k)), 0.4, color=UNIFORM_COLOR,
                                        label="uniform")
        self.log_bars = ax_bars.bar(k + 0.2, np.zeros(len(k)), 0.4, color=LOG_COLOR,
                                    label="log scale")
        ax_bars.set_xticks(k, [f"1e{d}" for d in range(FIRST_DECADE, LAST_DECADE)], fontsize=7)
        ax_bars.set_xlabel("decade starting at", fontsize=8)
        ax_bars.set_ylim(0, 1.05)
        ax_bars.set_yticks([0, 0.25, 0.5, 0.75, 1], ["0", "25%", "50%", "75%", "100%"],
                           fontsize=7)
        ax_bars.set_ylabel("share of trials", fontsize=8)
        ax_bars.legend(fontsize=7, loc="upper left")
        self.title = ax_bars.text(0.5, 1.04, "", transform=ax_bars.transAxes, ha="center",
                                  fontsize=9)
        canvas.animate(self.span, self.top, self.bottom, *self.uniform_bars, *self.log_bars,
                       self.title)

    def update(self, data):
        if data.get("invalid"):
            return  # keep the last picture; the status line says why
        n = len(data["uniform"])
        jitter = self.jitter[:n] if n <= MAX_TRIALS else np.resize(self.jitter, n)
        self.top.set_data(data["uniform"], 1 + jitter)
        self.bottom.set_data(data["log_uniform"], jitter)
        self.span.set_x(data["low"])
        self.span.set_width(data["high"] - data["low"])
        for bars, shares in ((self.uniform_bars, data["uniform_shares"]),
                             (self.log_bars, data["log_shares"])):
            for bar, share in zip(bars, shares, strict=True):
                bar.set_height(share)
        self.title.set_text(f"{n} trials per method, share per decade")


def describe(data):
    """The status line: the top bin's share under each method."""
    if data.get("invalid"):
        return "<b>Pick high &gt; low.</b>"
    top_share = data["uniform_counts"][-1] / len(data["uniform"])
    log_share = data["log_counts"][-1] / len(data["log_uniform"])
    span = bin_label(*data["edges"][-2:])
    return (
        f"Top bin {span}: <b>{top_share:.0%}</b> of the uniform trials, "
        f"<b>{log_share:.0%}</b> of the log-scale trials."
    )


# -------------------------------------------------------------------------------- view
def sampling_scale_demo(low=1e-4, high=1.0, n_trials=200, seed=0):
    """Sliders for the range and the number of trials; dots and shares per decade.

    `view.data` is `compute`'s dict for the controls' values.
    """
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
            value=n_trials, min=20, max=MAX_TRIALS, step=20, description="trials"
        ),
    }
    return DemoView(controls, lambda values: compute(values, seed), SamplingPlot,
                    describe=describe, figsize=(8.4, 2.5))
