"""Lesson 03 demo: a slider on beta, its stops evenly spaced in log(1 - beta); the averaged
series and its window follow it.

The slider shows beta itself and moves it up to the right, as the window plot's beta
axis does, so the slider and the star on that axis move the same way. Its stops are
1 - beta = 10**-0, 10**-0.05, ..., 10**-4: each stop multiplies the window by the same
factor, which is the log scale on 1 - beta the lesson teaches.

Compute: `averaging_window` (the average itself is `course.smoothing`). Plot:
`BetaWindowPlot`. View: `beta_window_demo()`.
"""

from __future__ import annotations

import math

import ipywidgets
import numpy as np

from course.demos.view import DemoView
from course.lessons.sampling_scales.averaging_window import (
    COMPARED_BETAS,
    beta_window_data,
    noisy_series,
)
from course.smoothing import effective_window

__all__ = ["BetaWindowPlot", "beta_label", "beta_stops", "beta_window_demo"]

STOPS_PER_DECADE = 20  # slider stops per factor of 10 in the window
DECADES = 4  # 1 - beta from 1 down to 1e-4: beta from 0 to 0.9999


def beta_stops(beta=None):
    """The slider's betas, increasing: 1 - 10**(-k / STOPS_PER_DECADE), k = 0 .. the last.

    A beta that is not a stop (and lies in [0, 1)) is added in its place, so a demo can
    open on any beta.
    """
    stops = [1.0 - 10.0 ** (-k / STOPS_PER_DECADE)
             for k in range(DECADES * STOPS_PER_DECADE + 1)]
    if beta is not None and beta not in stops:
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"beta must be in [0, 1), got {beta!r}; pick e.g. beta=0.9.")
        stops = sorted([*stops, float(beta)])
    return stops


def beta_label(beta):
    """beta with enough decimals to show two digits of 1 - beta: 0.90, 0.990, 0.99911."""
    if beta <= 0:
        return "0"
    decimals = max(2, math.ceil(round(-math.log10(1.0 - beta), 9)) + 1)
    return f"{beta:.{decimals}f}"


# -------------------------------------------------------------------------------- plot
class BetaWindowPlot:
    """Left: the noisy series as dots, its weighted average as a line, the last window
    shaded. Right: window 1/(1-beta) against 1-beta on log axes, the compared pairs
    marked and the current beta starred. The dots and both axes are drawn once."""

    def __init__(self, canvas, data):
        ax_avg, ax_win = canvas.figure.subplots(1, 2, width_ratios=(1.6, 1))
        canvas.figure.subplots_adjust(left=0.07, right=0.99, bottom=0.18, top=0.9, wspace=0.25)

        n = len(data["series"])
        ax_avg.plot(data["series"], ".", ms=2, color="0.65")
        ax_avg.set_xlim(0, n)
        ax_avg.set_xlabel("day", fontsize=8)
        ax_avg.set_ylabel("temperature", fontsize=8)
        self.line = ax_avg.plot(data["average"], color="tab:blue", lw=2)[0]
        self.span = ax_avg.axvspan(0, n, color="tab:blue", alpha=0.12, lw=0)
        self.title = ax_avg.text(0.5, 1.03, "", transform=ax_avg.transAxes, ha="center",
                                 fontsize=9)

        one_minus = np.logspace(-4, 0, 100)
        ax_win.loglog(one_minus, 1 / one_minus, color="0.3", lw=1)
        for pair, color in zip(COMPARED_BETAS, ("tab:green", "tab:red"), strict=True):
            b = np.array(pair)
            ax_win.loglog(1 - b, effective_window(b), "o", ms=5, color=color, label=f"{pair}")
        ax_win.invert_xaxis()  # beta grows to the right
        ticks = [1e-0, 1e-1, 1e-2, 1e-3, 1e-4]
        ax_win.set_xticks(ticks, ["0", "0.9", "0.99", "0.999", "0.9999"], fontsize=7)
        ax_win.minorticks_off()
        ax_win.set_xlabel("beta (1 - beta on a log scale)", fontsize=8)
        ax_win.set_ylabel("window 1/(1-beta)", fontsize=8)
        ax_win.legend(fontsize=7, loc="upper left", title="beta pairs", title_fontsize=7)
        self.now = ax_win.plot([], [], "k*", ms=11)[0]
        # the axes never move: blit the line, band, star and title
        canvas.animate(self.line, self.span, self.title, self.now)

    def update(self, data):
        n = len(data["series"])
        start = max(0.0, n - data["window"])
        self.line.set_ydata(data["average"])
        self.span.set_x(start)
        self.span.set_width(n - start)
        self.title.set_text(f"beta = {beta_label(data['beta'])}: the average covers about "
                            f"{data['window']:,.0f} days (shaded)")
        self.now.set_data([1 - data["beta"]], [data["window"]])


def describe(data):
    """The status line: the window now, and after a nudge of beta by 0.0005."""
    b = data["beta"]
    now = f"beta = {beta_label(b)}: window 1/(1-beta) = <b>{data['window']:,.1f}</b> days. "
    if b + 0.0005 >= 1:
        return now + "Adding 0.0005 to beta would reach 1, where the average never forgets."
    return now + (f"Adding 0.0005 to beta would make it "
                  f"<b>{effective_window(b + 0.0005):,.1f}</b>.")


# -------------------------------------------------------------------------------- view
def beta_window_demo(beta=0.9, bias_correction=False):
    """A slider on beta (stops evenly spaced in log(1 - beta)) and a bias-correction box;
    the averaged series follows.

    `view.data` is `beta_window_data`'s dict for the controls' values.
    """
    controls = {
        "beta": ipywidgets.SelectionSlider(
            options=[(beta_label(b), b) for b in beta_stops(beta)], value=beta,
            description="beta", continuous_update=True,
        ),
        "bias_correction": ipywidgets.Checkbox(
            value=bias_correction, description="bias correction"
        ),
    }
    series = noisy_series()

    def compute(values):
        return beta_window_data(values["beta"], values["bias_correction"], series)

    return DemoView(controls, compute, BetaWindowPlot, describe=describe, figsize=(8.4, 2.6))
