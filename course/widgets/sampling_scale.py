"""Lesson 03 demo: sampling a range uniformly vs on a log scale, counted per decade.

Compute: `sample_uniform`, `sample_log_uniform` (r = uniform(log10 low, log10 high),
value = 10**r), `decade_edges`, `sampling_histograms`. Plot: `draw_samples`,
`draw_decade_counts`. View: `sampling_scale_demo()`.
"""

from __future__ import annotations

import math

import numpy as np

from .canvas import FigureImage
from .demo_box import DemoBox

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
def draw_samples(ax, data, artists=None):
    """Each sample as a dot on a log axis: top row uniform, bottom row log-uniform."""
    n = len(data["uniform"])
    jitter = np.random.default_rng(1).uniform(-0.25, 0.25, size=n)
    top = np.column_stack([data["uniform"], 1 + jitter])
    bottom = np.column_stack([data["log_uniform"], jitter])
    if artists is None:
        ax.set_xscale("log")
        ax.set_yticks([0, 1], ["log scale", "uniform"])
        ax.set_ylim(-0.6, 1.6)
        ax.set_title("each dot is one trial", fontsize=9)
        artists = {
            "top": ax.scatter(top[:, 0], top[:, 1], s=5, color=UNIFORM_COLOR, alpha=0.6),
            "bottom": ax.scatter(bottom[:, 0], bottom[:, 1], s=5, color=LOG_COLOR, alpha=0.6),
        }
    else:
        artists["top"].set_offsets(top)
        artists["bottom"].set_offsets(bottom)
    ax.set_xlim(data["low"] / 1.3, data["high"] * 1.3)
    return artists


def draw_decade_counts(ax, data):
    """Grouped bars: trials per decade, uniform vs log-uniform (the axes is rebuilt)."""
    ax.clear()
    edges = data["edges"]
    k = np.arange(len(edges) - 1)
    n = len(data["uniform"])
    ax.bar(k - 0.2, data["uniform_counts"], 0.4, color=UNIFORM_COLOR, label="uniform")
    ax.bar(k + 0.2, data["log_counts"], 0.4, color=LOG_COLOR, label="log scale")
    if len(k) <= 4:
        labels = [bin_label(a, b) for a, b in zip(edges[:-1], edges[1:], strict=True)]
        ax.set_xlabel("decade", fontsize=8)
    else:  # many decades: name each by where it starts
        labels = [f"{a:.0e}".replace("e-0", "e-").replace("e+0", "e") for a in edges[:-1]]
        ax.set_xlabel("decade starting at", fontsize=8)
    ax.set_xticks(k, labels, fontsize=7)
    ax.set_ylim(0, n * 1.08)
    ax.set_ylabel("trials", fontsize=8)
    ax.set_title(f"{n} trials per method, counted per decade", fontsize=9)
    ax.legend(fontsize=7, loc="upper left")


# -------------------------------------------------------------------------------- view
def sampling_scale_demo(low=1e-4, high=1.0, n_trials=200, seed=0):
    """Sliders for the range and the number of trials; dots and counts per decade."""
    import ipywidgets

    controls = {
        "low": ipywidgets.FloatLogSlider(
            value=low, base=10, min=-7, max=2, step=0.5, description="low", readout_format=".0e"
        ),
        "high": ipywidgets.FloatLogSlider(
            value=high, base=10, min=-6, max=3, step=0.5, description="high", readout_format=".0e"
        ),
        "n_trials": ipywidgets.IntSlider(
            value=n_trials, min=20, max=2000, step=20, description="trials"
        ),
    }
    canvas = FigureImage(figsize=(8.4, 2.5))
    ax_dots, ax_bars = canvas.figure.subplots(1, 2, width_ratios=(1, 1.25))
    canvas.figure.subplots_adjust(left=0.09, right=0.99, bottom=0.2, top=0.9, wspace=0.2)
    state = {"artists": None, "data": None}

    def update(values):
        if not values["low"] < values["high"]:
            return state["data"]  # keep the last picture; the status says why
        data = sampling_histograms(values["low"], values["high"], values["n_trials"], seed)
        with canvas.lock:
            state["artists"] = draw_samples(ax_dots, data, state["artists"])
            draw_decade_counts(ax_bars, data)
        canvas.refresh()
        state["data"] = data
        return data

    def describe(data):
        if data is None or not (box_values()["low"] < box_values()["high"]):
            return "<b>Pick high &gt; low.</b>"
        top_share = data["uniform_counts"][-1] / len(data["uniform"])
        log_share = data["log_counts"][-1] / len(data["log_uniform"])
        span = bin_label(*data["edges"][-2:])
        return (
            f"Top bin {span}: <b>{top_share:.0%}</b> of the uniform trials, "
            f"<b>{log_share:.0%}</b> of the log-scale trials."
        )

    def box_values():
        return {name: c.value for name, c in controls.items()}

    return DemoBox(controls, canvas, update, describe=describe)
