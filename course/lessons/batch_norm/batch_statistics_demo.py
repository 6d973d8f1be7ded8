"""Batch norm's statistics on screen: mini-batch noise, and the running averages.

    noise = batch_noise(model, X)          # course.lessons.batch_norm.batch_statistics
    noise_demo(noise)         # slider `batch_size`: one example's normalized value jiggles
    replay = momentum_replay()             # course.lessons.batch_norm.batch_statistics
    momentum_demo(replay)     # slider `momentum`: the running mean and the test accuracy

Layers: compute (`noise_view_data`, `momentum_view_data`), plot (`NoisePlot`,
`MomentumPlot`), view (`noise_demo`, `momentum_demo`, each a `course.demos.view.DemoView`).
Sliders only select among results already computed, and the plots redraw only what
changes (blitting).
"""

from __future__ import annotations

import ipywidgets
import numpy as np

from course.demos.view import DemoView
from course.lessons.batch_norm.legend_room import make_room_for_legend

__all__ = ["noise_view_data", "momentum_view_data", "NoisePlot", "MomentumPlot",
           "describe_noise", "describe_momentum", "noise_demo", "momentum_demo"]


# ---------------------------------------------------------------------- compute
def noise_view_data(noise, batch_size):
    """The values and noise of one batch size of a batch_noise result, and the curve."""
    sizes = list(noise["batch_sizes"])
    if batch_size not in sizes:
        raise ValueError(f"batch_size must be one of {sizes}, got {batch_size}.")
    k = sizes.index(batch_size)
    return {"batch_size": batch_size, "values": noise["values"][k],
            "noise": float(noise["noise"][k]), "population": noise["population"],
            "batch_sizes": noise["batch_sizes"], "all_noise": noise["noise"],
            "mean_noise": float(noise["mean_noise"][k]),
            "var_noise": float(noise["var_noise"][k])}


def momentum_view_data(replay, momentum):
    """The running mean and test accuracy of one momentum of a momentum_replay result."""
    momenta = [float(m) for m in replay["momenta"]]
    if momentum not in momenta:
        raise ValueError(f"momentum must be one of {momenta}, got {momentum}.")
    k = momenta.index(momentum)
    return {"momentum": momentum, "index": k, "momenta": replay["momenta"],
            "running_mean": replay["running_means"][k], "batch_means": replay["batch_means"],
            "population_mean": replay["population_mean"],
            "test_accuracy": float(replay["test_accuracy"][k]),
            "all_accuracy": replay["test_accuracy"],
            "population_accuracy": replay["population_accuracy"]}


# ---------------------------------------------------------------------- plot
NOISE_BINS = np.linspace(-3, 3, 49)


def _two_panels(figure):
    """A wide left panel and a narrower right one, as both plots here use."""
    axes = figure.subplots(1, 2, width_ratios=(1.4, 1))
    figure.subplots_adjust(left=0.07, right=0.99, bottom=0.17, top=0.88, wspace=0.2)
    return axes


class NoisePlot:
    """Left: one example's normalized value over many random batches of the chosen size.
    Right: the noise against the batch size, with 1/sqrt(m) for reference."""

    def __init__(self, canvas, data):
        ax_values, ax_curve = _two_panels(canvas.figure)
        self.bars = ax_values.stairs(np.zeros(len(NOISE_BINS) - 1), NOISE_BINS, fill=True,
                                     color="C3", alpha=0.7)
        ax_values.axvline(data["population"], color="k", lw=1.5, ls="--")
        ax_values.set_xlim(NOISE_BINS[0], NOISE_BINS[-1])
        ax_values.set_ylim(0, len(data["values"]) * 0.6)
        ax_values.set_xlabel("one example's normalized z (unit 1 of layer 1)", fontsize=8)
        ax_values.set_ylabel("batches", fontsize=8)
        ax_values.tick_params(labelsize=7)
        self.title = ax_values.text(0.5, 1.02, "", transform=ax_values.transAxes,
                                    ha="center", fontsize=9)
        sizes = data["batch_sizes"]
        ax_curve.loglog(sizes, data["all_noise"], "o-", color="C3", ms=4, label="measured")
        ax_curve.loglog(sizes, 1 / np.sqrt(sizes), color="0.5", ls=":", label="1 / sqrt(m)")
        (self.marker,) = ax_curve.plot([], [], "o", color="k", ms=8)
        ax_curve.set_xticks(sizes, [str(s) for s in sizes])
        ax_curve.minorticks_off()
        ax_curve.set_xlabel("batch size m", fontsize=8)
        ax_curve.set_title("noise (std over batches)", fontsize=9)
        ax_curve.legend(fontsize=7)
        ax_curve.tick_params(labelsize=7)
        ax_curve.grid(alpha=0.3)
        canvas.animate(self.bars, self.title, self.marker)

    def update(self, data):
        counts, _ = np.histogram(np.clip(data["values"], NOISE_BINS[0], NOISE_BINS[-1]),
                                 NOISE_BINS)
        self.bars.set_data(values=counts)
        self.title.set_text(f"{len(data['values'])} random batches of {data['batch_size']} "
                            "(dashed: whole training set)")
        self.marker.set_data([data["batch_size"]], [data["noise"]])


class MomentumPlot:
    """Left: every batch's mean of one unit, the running average for the chosen momentum,
    and the mean over all the data. Right: test accuracy for each momentum."""

    def __init__(self, canvas, data):
        ax_trace, ax_accuracy = _two_panels(canvas.figure)
        steps = np.arange(1, len(data["batch_means"]) + 1)
        ax_trace.plot(steps, data["batch_means"], color="0.75", lw=0.7, label="each batch's mean")
        (self.running,) = ax_trace.plot(steps, data["running_mean"], color="C3", lw=2,
                                        label="running average")
        ax_trace.axhline(data["population_mean"], color="k", ls="--", lw=1,
                         label="mean over all training data")
        ax_trace.set_xlabel("training step", fontsize=8)
        ax_trace.set_title("mean of z for one unit of layer 1", fontsize=9)
        # Every running average starts at 0 and then averages batch means, so for every
        # momentum the lines stay within [low, high]; the legend gets the band above.
        low = min(data["batch_means"].min(), data["population_mean"], 0.0)
        high = max(data["batch_means"].max(), data["population_mean"], 0.0)
        legend = ax_trace.legend(fontsize=7, loc="upper left", ncol=3, columnspacing=1.2,
                                 handlelength=1.6)
        make_room_for_legend(ax_trace, legend, low, high)
        ax_trace.tick_params(labelsize=7)
        ax_trace.grid(alpha=0.3)
        positions = np.arange(len(data["momenta"]))
        self.bars = ax_accuracy.bar(positions, data["all_accuracy"], color="C0")
        ax_accuracy.axhline(data["population_accuracy"], color="k", ls="--", lw=1)
        ax_accuracy.set_xticks(positions, [f"{m:g}" for m in data["momenta"]], fontsize=7)
        ax_accuracy.set_ylim(max(0, min(data["all_accuracy"]) - 0.1), 1.0)
        ax_accuracy.set_xlabel("momentum of the running averages", fontsize=8)
        ax_accuracy.set_title("test accuracy (dashed: exact statistics)", fontsize=9)
        ax_accuracy.tick_params(labelsize=7)
        canvas.animate(self.running, *self.bars)

    def update(self, data):
        self.running.set_ydata(data["running_mean"])
        for i, bar in enumerate(self.bars):
            bar.set_color("C3" if i == data["index"] else "C0")


# ---------------------------------------------------------------------- view
def describe_noise(data):
    """The status line of noise_demo: how far the batch moves the example, in words."""
    return (f"Batches of {data['batch_size']}: the example's normalized value moves by "
            f"<b>{data['noise']:.2f}</b> (standard deviation, in units of the feature's "
            f"own spread) depending on which batch it is in. The batch mean is off by "
            f"{data['mean_noise']:.2f} and the batch variance by {data['var_noise']:.0%}, "
            "typically.")


def noise_demo(noise, batch_size=8):
    """A slider over batch sizes; how much the batch moves one example's normalized value."""
    controls = {"batch_size": ipywidgets.SelectionSlider(
        options=[int(s) for s in noise["batch_sizes"]], value=batch_size,
        description="batch size", style={"description_width": "initial"})}

    def compute(values):
        return noise_view_data(noise, values["batch_size"])

    return DemoView(controls, compute, NoisePlot, describe=describe_noise, figsize=(9.0, 2.9))


def describe_momentum(data):
    """The status line of momentum_demo: the test accuracy against the exact statistics'."""
    return (f"Momentum {data['momentum']:g}: test accuracy <b>{data['test_accuracy']:.3f}"
            f"</b>, against {data['population_accuracy']:.3f} with the exact statistics of "
            "the whole training set.")


def momentum_demo(replay, momentum=0.9):
    """A slider over running-average momenta; the running mean and the test accuracy."""
    controls = {"momentum": ipywidgets.SelectionSlider(
        options=[float(m) for m in replay["momenta"]], value=momentum,
        description="momentum", style={"description_width": "initial"})}

    def compute(values):
        return momentum_view_data(replay, values["momentum"])

    return DemoView(controls, compute, MomentumPlot, describe=describe_momentum,
                    figsize=(9.0, 2.9))
