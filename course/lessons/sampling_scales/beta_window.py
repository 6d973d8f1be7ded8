"""Lesson 03 demo: how sensitive an exponentially weighted average is to beta.

v_t = beta * v_{t-1} + (1 - beta) * x_t averages roughly the last 1 / (1 - beta) values,
so beta = 0.9 -> 0.9005 barely changes the window (10 -> 10.05 values) while
beta = 0.999 -> 0.9995 doubles it (1000 -> 2000). That is why 1 - beta is sampled on
a log scale.

Compute: `noisy_series`, `exponentially_weighted_average`, `effective_window`.
Plot: `draw_average`, `draw_window_curve`. View: `beta_window_demo()`.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import lfilter

from course.demos.canvas import FigureImage
from course.demos.demo_box import DemoBox

# The pairs lesson 03 compares: the same step in beta, very different windows.
COMPARED_BETAS = ((0.9, 0.9005), (0.999, 0.9995))


# ----------------------------------------------------------------------------- compute
def noisy_series(n_days=730, noise=4.0, seed=0):
    """A made-up daily temperature: a yearly wave plus Gaussian noise, shape (n_days,)."""
    t = np.arange(n_days)
    rng = np.random.default_rng(seed)
    return 12.0 - 9.0 * np.cos(2 * np.pi * t / 365.0) + rng.normal(0.0, noise, n_days)


def effective_window(beta):
    """How many recent values an exponentially weighted average mostly covers: 1/(1-beta)."""
    return 1.0 / (1.0 - np.asarray(beta, dtype=float))


def exponentially_weighted_average(x, beta, bias_correction=False):
    """v_t = beta v_{t-1} + (1 - beta) x_t with v_0 = 0, for t = 1..len(x).

    With bias_correction, v_t / (1 - beta**t) undoes the pull toward 0 at the start.
    """
    x = np.asarray(x, dtype=float)
    if not 0.0 <= beta < 1.0:
        raise ValueError(f"beta must lie in [0, 1), got {beta!r}; try 0.9 or 0.99.")
    v = lfilter([1.0 - beta], [1.0, -beta], x)  # the recursion above, in C
    if bias_correction:
        v = v / (1.0 - beta ** np.arange(1, len(x) + 1))
    return v


def beta_window_data(beta, bias_correction=False, series=None):
    """Everything the demo shows for one beta, as a dict."""
    series = noisy_series() if series is None else series
    return {
        "beta": beta,
        "window": float(effective_window(beta)),
        "series": series,
        "average": exponentially_weighted_average(series, beta, bias_correction),
    }


# -------------------------------------------------------------------------------- plot
def draw_average(ax, data, artists=None):
    """The noisy series as dots, its weighted average as a line, the last window shaded."""
    series, average = data["series"], data["average"]
    n = len(series)
    start = max(0.0, n - data["window"])
    if artists is None:
        ax.plot(series, ".", ms=2, color="0.65")
        ax.set_xlim(0, n)
        ax.set_xlabel("day", fontsize=8)
        ax.set_ylabel("temperature", fontsize=8)
        artists = {
            "line": ax.plot(average, color="tab:blue", lw=2)[0],
            "span": ax.axvspan(start, n, color="tab:blue", alpha=0.12, lw=0),
            "title": ax.text(0.5, 1.03, "", transform=ax.transAxes, ha="center", fontsize=9),
        }
    else:
        artists["line"].set_ydata(average)
        artists["span"].set_x(start)
        artists["span"].set_width(n - start)
    artists["title"].set_text(
        f"beta = {data['beta']:.4f}: the average covers about {data['window']:,.0f} days (shaded)"
    )
    return artists


def draw_window_curve(ax, beta, artists=None):
    """Window 1/(1-beta) against 1-beta on log axes, with the compared pairs marked."""
    if artists is None:
        one_minus = np.logspace(-4, 0, 100)
        ax.loglog(one_minus, 1 / one_minus, color="0.3", lw=1)
        for pair, color in zip(COMPARED_BETAS, ("tab:green", "tab:red"), strict=True):
            b = np.array(pair)
            ax.loglog(1 - b, effective_window(b), "o", ms=5, color=color, label=f"{pair}")
        ax.invert_xaxis()  # beta grows to the right
        ticks = [1e-0, 1e-1, 1e-2, 1e-3, 1e-4]
        ax.set_xticks(ticks, ["0", "0.9", "0.99", "0.999", "0.9999"], fontsize=7)
        ax.minorticks_off()
        ax.set_xlabel("beta (1 - beta on a log scale)", fontsize=8)
        ax.set_ylabel("window 1/(1-beta)", fontsize=8)
        ax.legend(fontsize=7, loc="upper left", title="beta pairs", title_fontsize=7)
        artists = {"now": ax.plot([1 - beta], [effective_window(beta)], "k*", ms=11)[0]}
    else:
        artists["now"].set_data([1 - beta], [effective_window(beta)])
    return artists


# -------------------------------------------------------------------------------- view
def beta_window_demo(beta=0.9, bias_correction=False):
    """A log slider on 1 - beta; the averaged series and the window curve follow it."""
    import ipywidgets

    controls = {
        "one_minus_beta": ipywidgets.FloatLogSlider(
            value=1 - beta, base=10, min=-4, max=0, step=0.05, description="1 - beta",
            readout_format=".4f",
        ),
        "bias_correction": ipywidgets.Checkbox(
            value=bias_correction, description="bias correction"
        ),
    }
    canvas = FigureImage(figsize=(8.4, 2.6))
    ax_avg, ax_win = canvas.figure.subplots(1, 2, width_ratios=(1.6, 1))
    canvas.figure.subplots_adjust(left=0.07, right=0.99, bottom=0.18, top=0.9, wspace=0.25)
    series = noisy_series()
    state = {"avg": None, "win": None}

    def update(values):
        b = 1.0 - values["one_minus_beta"]
        data = beta_window_data(b, values["bias_correction"], series)
        with canvas.lock:
            first = state["avg"] is None
            state["avg"] = draw_average(ax_avg, data, state["avg"])
            state["win"] = draw_window_curve(ax_win, b, state["win"])
            if first:  # the axes never move: blit the line, band, star and title
                canvas.animate(*state["avg"].values(), *state["win"].values())
        canvas.refresh()
        return data

    def describe(data):
        b = data["beta"]
        nudged = min(b + 0.0005, 0.99999)
        return (
            f"beta = {b:.4f}: window 1/(1-beta) = <b>{data['window']:,.1f}</b> days. "
            f"Adding 0.0005 to beta would make it <b>{effective_window(nudged):,.1f}</b>."
        )

    return DemoBox(controls, canvas, update, describe=describe)
