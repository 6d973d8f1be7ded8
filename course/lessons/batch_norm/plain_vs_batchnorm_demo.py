"""A plain and a batch-norm network side by side in training: z's histograms, a sweep.

    snapshots = histogram_snapshots()          # course.lessons.batch_norm.layer_distributions
    histograms_demo(snapshots)       # slider `step`: per-layer histograms of z, plain vs BN
    runs = learning_rate_sweep("relu", rates)  # course.lessons.batch_norm.training_runs
    sweep_demo(runs)                 # slider `learning_rate`: both runs at that rate

Layers: compute (`histogram_view_data`, `sweep_view_data`), plot (`HistogramsPlot`,
`SweepPlot`), view (`histograms_demo`, `sweep_demo`, each a `course.demos.view.DemoView`).
The compute layer only selects from results the experiments made, so moving a slider
never trains anything; the plots redraw only what a slider changes (blitting).
"""

from __future__ import annotations

import ipywidgets
import numpy as np
from matplotlib.lines import Line2D

from course.demos.view import DemoView
from course.lessons.batch_norm.legend_room import make_room_for_legend

__all__ = ["histogram_view_data", "sweep_view_data", "HistogramsPlot", "SweepPlot",
           "describe_histograms", "describe_sweep", "histograms_demo", "sweep_demo"]

ARMS = ((False, "plain", "C0"), (True, "batch norm", "C3"))


# ---------------------------------------------------------------------- compute
def histogram_view_data(snapshots, step):
    """The histograms at snapshot `step` and the percentile traces up to it."""
    steps = snapshots["snapshot_steps"]
    if step not in steps:
        raise ValueError(f"step must be one of the snapshot steps {steps}, got {step}.")
    k = steps.index(step)
    data = {"step": step, "bins": snapshots["bins"]}
    for bn, name, _ in ARMS:
        arm = snapshots[bn]
        histograms = arm["histograms"][k]
        centres = 0.5 * (snapshots["bins"][1:] + snapshots["bins"][:-1])
        data[name] = {
            "histograms": histograms,
            "means": histograms @ centres,
            "spreads": np.sqrt(np.maximum(histograms @ centres**2 - (histograms @ centres)**2,
                                          0)),
            "steps": arm["steps"], "percentiles": arm["percentiles"],
            "dev_accuracy": float(arm["dev_accuracy"][list(arm["steps"]).index(step)]),
        }
    return data


def sweep_view_data(runs, learning_rate):
    """Both arms' runs at `learning_rate`, and steps to the target at every rate."""
    rates = sorted({rate for _, rate in runs})
    if learning_rate not in rates:
        raise ValueError(f"learning_rate must be one of {rates}, got {learning_rate}.")
    data = {"learning_rate": learning_rate, "rates": np.array(rates)}
    for bn, name, _ in ARMS:
        run = runs[(bn, learning_rate)]
        data[name] = {
            "steps": run.steps, "dev_accuracy": run.dev_accuracy, "diverged": run.diverged,
            "steps_to_target": run.steps_to_target,
            "all_steps_to_target": [runs[(bn, r)].steps_to_target for r in rates],
            "all_diverged": [runs[(bn, r)].diverged for r in rates],
            "final_accuracy": float(run.dev_accuracy[-1]),
        }
    data["target"] = runs[(False, learning_rate)].config.get("target", 0.9)
    data["max_steps"] = runs[(False, learning_rate)].config.get("max_steps")
    return data


# ---------------------------------------------------------------------- plot
class HistogramsPlot:
    """Two rows (plain, batch norm) of one histogram per hidden layer, and on the right
    each arm's percentile trace of one unit; only bars, labels and the step line move."""

    def __init__(self, canvas, data):
        figure = canvas.figure
        grid = figure.add_gridspec(2, 4, width_ratios=(1, 1, 1, 1.2), wspace=0.25,
                                   hspace=0.45, left=0.07, right=0.99, bottom=0.13, top=0.88)
        rows = [[figure.add_subplot(grid[r, c]) for c in range(3)] for r in range(2)]
        traces = [figure.add_subplot(grid[r, 3]) for r in range(2)]
        bins = data["bins"]
        self.bars, self.notes, self.labels, self.step_lines = {}, {}, {}, {}
        animated = []
        for (_, name, color), row, trace in zip(ARMS, rows, traces, strict=True):
            self.bars[name] = [ax.stairs(np.zeros(len(bins) - 1), bins, fill=True, color=color,
                                         alpha=0.6) for ax in row]
            self.notes[name] = [ax.text(0.02, 0.95, "", transform=ax.transAxes, fontsize=7,
                                        va="top") for ax in row]
            self.labels[name] = row[0].text(-0.12, 0.5, "", transform=row[0].transAxes,
                                            rotation=90, ha="center", va="center", fontsize=8)
            for layer, ax in enumerate(row):
                ax.set_xlim(bins[0], bins[-1])
                ax.set_ylim(0, 0.35)
                ax.set_yticks([])
                ax.tick_params(labelsize=7)
                if name == "plain":
                    ax.set_title(f"layer {layer + 1}", fontsize=9)
                else:
                    ax.set_xlabel("z (input of the sigmoid)", fontsize=7)
            arm = data[name]
            p = arm["percentiles"]
            trace.fill_between(arm["steps"], p[:, 0], p[:, 2], color=color, alpha=0.25, lw=0)
            trace.plot(arm["steps"], p[:, 1], color=color, lw=1.5)
            self.step_lines[name] = trace.axvline(0, color="k", lw=1, ls="--")
            trace.set_ylim(-6, 6)
            trace.tick_params(labelsize=7)
            trace.grid(alpha=0.3)
            if name == "plain":
                trace.set_title("one unit of layer 3\n(15/50/85th percentiles)", fontsize=8)
            else:
                trace.set_xlabel("step", fontsize=7)
            animated += [*self.bars[name], *self.notes[name], self.labels[name],
                         self.step_lines[name]]
        canvas.animate(*animated)

    def update(self, data):
        for _, name, _ in ARMS:
            arm = data[name]
            for layer, (bars, note) in enumerate(zip(self.bars[name], self.notes[name],
                                                     strict=True)):
                bars.set_data(values=arm["histograms"][layer])
                note.set_text(f"mean {arm['means'][layer]:+.2f}\n"
                              f"spread {arm['spreads'][layer]:.2f}")
            self.labels[name].set_text(f"{name}\ndev acc {arm['dev_accuracy']:.2f}")
            self.step_lines[name].set_xdata([data["step"], data["step"]])


class SweepPlot:
    """Left: both arms' dev accuracy at the chosen rate. Right: steps to the target against
    the rate (x: diverged, ^: never reached it), with a line at the chosen rate."""

    def __init__(self, canvas, data):
        ax, ax_summary = canvas.figure.subplots(1, 2)
        canvas.figure.subplots_adjust(left=0.07, right=0.99, bottom=0.16, top=0.88,
                                      wspace=0.25)
        self.curves, self.crosses = {}, {}
        for _, name, color in ARMS:
            (self.curves[name],) = ax.plot([], [], color=color, lw=1.6, label=name)
            (self.crosses[name],) = ax.plot([], [], "x", color=color, ms=10, mew=2)
        ax.axhline(data["target"], color="0.5", ls=":", lw=1)
        ax.set_xlim(0, data["max_steps"] or max(len(data["plain"]["steps"]), 1))
        ax.set_xlabel("step", fontsize=8)
        ax.set_ylabel("dev accuracy", fontsize=8)
        # The curves of some rate pass through every corner below accuracy 1: the legend
        # gets a band of its own above it.
        make_room_for_legend(ax, ax.legend(fontsize=7, loc="upper left", ncol=2), 0.0, 1.0,
                             margin=0.0)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        self.title = ax.text(0.5, 1.02, "", transform=ax.transAxes, ha="center", fontsize=9)

        rates = data["rates"]
        ceiling = (data["max_steps"] or 1000) * 1.6
        for _, name, color in ARMS:
            arm = data[name]
            reached = [(r, s) for r, s in zip(rates, arm["all_steps_to_target"], strict=True)
                       if s is not None]
            if reached:
                ax_summary.plot(*zip(*reached, strict=True), "o-", color=color, label=name,
                                ms=4)
            for r, s, d in zip(rates, arm["all_steps_to_target"], arm["all_diverged"],
                               strict=True):
                if s is None:
                    ax_summary.plot(r, ceiling, "x" if d else "^", color=color, ms=7, mew=2)
        ax_summary.set_xscale("log")
        ax_summary.set_yscale("log")
        ax_summary.set_xlabel("learning rate", fontsize=8)
        ax_summary.set_ylabel(f"steps to {data['target']:.0%} dev accuracy", fontsize=8)
        ax_summary.set_title("x: diverged   ^: never reached it", fontsize=8)
        legend = ax_summary.legend(handles=[Line2D([], [], marker="o", color=color, ms=4,
                                                   label=name) for _, name, color in ARMS],
                                   fontsize=7, loc="upper left", ncol=2)
        fewest = min([s for _, name, _ in ARMS for s in data[name]["all_steps_to_target"]
                      if s is not None], default=1)
        room = make_room_for_legend(ax_summary, legend, max(fewest, 1), ceiling)
        # The line at the chosen rate stops below the legend, which it would cross.
        self.rate_line = ax_summary.axvline(rates[0], ymax=room, color="k", lw=1, ls="--")
        ax_summary.tick_params(labelsize=7)
        ax_summary.grid(alpha=0.3)
        canvas.animate(*self.curves.values(), *self.crosses.values(), self.title,
                       self.rate_line)

    def update(self, data):
        for _, name, _ in ARMS:
            arm = data[name]
            self.curves[name].set_data(arm["steps"], arm["dev_accuracy"])
            if arm["diverged"]:
                self.crosses[name].set_data([arm["steps"][-1]], [arm["dev_accuracy"][-1]])
            else:
                self.crosses[name].set_data([], [])
        self.title.set_text(f"learning rate {data['learning_rate']:g}")
        self.rate_line.set_xdata([data["learning_rate"], data["learning_rate"]])


# ---------------------------------------------------------------------- view
def describe_histograms(data):
    """The status line of histograms_demo: layer 3's mean and spread in both arms."""
    plain, bn = data["plain"], data["batch norm"]
    return (f"Step {data['step']}: layer 3's z has mean {plain['means'][2]:+.2f} and "
            f"spread {plain['spreads'][2]:.2f} without batch norm, "
            f"{bn['means'][2]:+.2f} and {bn['spreads'][2]:.2f} with it. Dev accuracy "
            f"{plain['dev_accuracy']:.2f} against <b>{bn['dev_accuracy']:.2f}</b>.")


def histograms_demo(snapshots, step=None):
    """A slider over training steps; per-layer histograms of z, without and with BN."""
    steps = list(snapshots["snapshot_steps"])
    first = steps[-1] if step is None else step
    controls = {"step": ipywidgets.SelectionSlider(options=steps, value=first, description="step")}

    def compute(values):
        return histogram_view_data(snapshots, values["step"])

    return DemoView(controls, compute, HistogramsPlot, describe=describe_histograms,
                    figsize=(9.6, 3.6))


def describe_sweep(data):
    """The status line of sweep_demo: how each arm fared at the chosen rate."""
    parts = []
    for _, name, _ in ARMS:
        arm = data[name]
        if arm["diverged"]:
            parts.append(f"{name}: <b>diverged</b>")
        elif arm["steps_to_target"] is None:
            parts.append(f"{name}: never reached {data['target']:.0%} "
                         f"(ended at {arm['final_accuracy']:.2f})")
        else:
            parts.append(f"{name}: {data['target']:.0%} after <b>{arm['steps_to_target']}"
                         f"</b> steps")
    return f"Learning rate {data['learning_rate']:g}. " + "; ".join(parts) + "."


def sweep_demo(runs, learning_rate=None):
    """A slider over the swept learning rates; both arms' curves and the steps-to-target plot."""
    rates = sorted({rate for _, rate in runs})
    controls = {"learning_rate": ipywidgets.SelectionSlider(
        options=[(f"{r:g}", r) for r in rates],
        value=learning_rate if learning_rate is not None else rates[len(rates) // 2],
        description="learning rate", style={"description_width": "initial"})}

    def compute(values):
        return sweep_view_data(runs, values["learning_rate"])

    return DemoView(controls, compute, SweepPlot, describe=describe_sweep)
