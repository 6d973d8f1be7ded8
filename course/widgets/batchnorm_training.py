"""Batch norm during training: the distributions of z, and a learning-rate sweep.

    snapshots = course.batchnorm_experiments.histogram_snapshots()
    histograms_demo(snapshots)       # slider `step`: per-layer histograms of z, plain vs BN
    runs = course.batchnorm_experiments.learning_rate_sweep("relu", rates, ...)
    sweep_demo(runs)                 # slider `learning_rate`: both runs at that rate

Layers: compute (`histogram_view_data`, `sweep_view_data`), plot (`draw_histograms`,
`draw_percentiles`, `draw_sweep_curves`, `draw_sweep_summary`), view (`histograms_demo`,
`sweep_demo`). The compute layer only selects from results made by
course.batchnorm_experiments, so moving a slider never trains anything.
"""

from __future__ import annotations

import numpy as np

from course.widgets.canvas import FigureImage
from course.widgets.demo_box import DemoBox
from course.widgets.panels import panel_demo

__all__ = ["histogram_view_data", "sweep_view_data", "draw_histograms", "draw_percentiles",
           "draw_sweep_curves", "draw_sweep_summary", "histograms_demo", "sweep_demo"]

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
def draw_histograms(axes_rows, data):
    """axes_rows: 2 rows (plain, batch norm) of one axes per hidden layer."""
    bins = data["bins"]
    for (_, name, color), axes in zip(ARMS, axes_rows, strict=True):
        arm = data[name]
        for layer, ax in enumerate(axes):
            ax.clear()
            ax.stairs(arm["histograms"][layer], bins, fill=True, color=color, alpha=0.6)
            ax.set_ylim(0, 0.35)
            ax.set_yticks([])
            ax.tick_params(labelsize=7)
            summary = f"mean {arm['means'][layer]:+.2f}\nspread {arm['spreads'][layer]:.2f}"
            ax.text(0.02, 0.95, summary, transform=ax.transAxes, fontsize=7, va="top")
            if name == "plain":
                ax.set_title(f"layer {layer + 1}", fontsize=9)
            else:
                ax.set_xlabel("z (input of the sigmoid)", fontsize=7)
        axes[0].set_ylabel(f"{name}\ndev acc {arm['dev_accuracy']:.2f}", fontsize=8)


def draw_percentiles(axes, data):
    """15th/50th/85th percentiles of one last-layer unit's z over training, per arm."""
    for (_, name, color), ax in zip(ARMS, axes, strict=True):
        ax.clear()
        arm = data[name]
        p = arm["percentiles"]
        ax.fill_between(arm["steps"], p[:, 0], p[:, 2], color=color, alpha=0.25, lw=0)
        ax.plot(arm["steps"], p[:, 1], color=color, lw=1.5)
        ax.axvline(data["step"], color="k", lw=1, ls="--")
        ax.set_ylim(-6, 6)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        if name == "plain":
            ax.set_title("one unit of layer 3\n(15/50/85th percentiles)", fontsize=8)
        else:
            ax.set_xlabel("step", fontsize=7)


def draw_sweep_curves(ax, data):
    ax.clear()
    for _, name, color in ARMS:
        arm = data[name]
        label = f"{name}" + (" (diverged)" if arm["diverged"] else "")
        ax.plot(arm["steps"], arm["dev_accuracy"], color=color, lw=1.6, label=label)
        if arm["diverged"]:
            ax.plot(arm["steps"][-1], arm["dev_accuracy"][-1], "x", color=color, ms=10, mew=2)
    ax.axhline(data["target"], color="0.5", ls=":", lw=1)
    ax.set_ylim(0, 1.0)
    if data["max_steps"]:
        ax.set_xlim(0, data["max_steps"])
    ax.set_xlabel("step", fontsize=8)
    ax.set_ylabel("dev accuracy", fontsize=8)
    ax.set_title(f"learning rate {data['learning_rate']:g}", fontsize=9)
    ax.legend(fontsize=7, loc="lower right")
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3)


def draw_sweep_summary(ax, data):
    """Steps to the target against the learning rate; a cross where a run diverged and a
    triangle at the top where it never reached the target."""
    ax.clear()
    rates = data["rates"]
    ceiling = (data["max_steps"] or 1000) * 1.6
    for _, name, color in ARMS:
        arm = data[name]
        reached = [(r, s) for r, s in zip(rates, arm["all_steps_to_target"], strict=True)
                   if s is not None]
        if reached:
            ax.plot(*zip(*reached, strict=True), "o-", color=color, label=name, ms=4)
        for r, s, d in zip(rates, arm["all_steps_to_target"], arm["all_diverged"], strict=True):
            if s is None:
                ax.plot(r, ceiling, "x" if d else "^", color=color, ms=7, mew=2)
    ax.axvline(data["learning_rate"], color="k", lw=1, ls="--")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("learning rate", fontsize=8)
    ax.set_ylabel(f"steps to {data['target']:.0%} dev accuracy", fontsize=8)
    ax.set_title("x: diverged   ^: never reached it", fontsize=8)
    ax.legend(fontsize=7, loc="upper left")
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3)


# ---------------------------------------------------------------------- view
def histograms_demo(snapshots, step=None):
    """A slider over training steps; per-layer histograms of z, without and with BN."""
    import ipywidgets

    steps = list(snapshots["snapshot_steps"])
    first = steps[-1] if step is None else step
    controls = {"step": ipywidgets.SelectionSlider(options=steps, value=first, description="step")}
    canvas = FigureImage(figsize=(9.6, 3.6))
    grid = canvas.figure.add_gridspec(2, 4, width_ratios=(1, 1, 1, 1.2), wspace=0.25,
                                      hspace=0.45, left=0.07, right=0.99, bottom=0.13,
                                      top=0.88)
    rows = [[canvas.figure.add_subplot(grid[r, c]) for c in range(3)] for r in range(2)]
    traces = [canvas.figure.add_subplot(grid[r, 3]) for r in range(2)]

    def update(values):
        data = histogram_view_data(snapshots, values["step"])
        with canvas.lock:
            draw_histograms(rows, data)
            draw_percentiles(traces, data)
        canvas.refresh()
        return data

    def describe(data):
        plain, bn = data["plain"], data["batch norm"]
        return (f"Step {data['step']}: layer 3's z has mean {plain['means'][2]:+.2f} and "
                f"spread {plain['spreads'][2]:.2f} without batch norm, "
                f"{bn['means'][2]:+.2f} and {bn['spreads'][2]:.2f} with it. Dev accuracy "
                f"{plain['dev_accuracy']:.2f} against <b>{bn['dev_accuracy']:.2f}</b>.")

    return DemoBox(controls, canvas, update, describe=describe)


def sweep_demo(runs, learning_rate=None):
    """A slider over the swept learning rates; both arms' curves and the steps-to-target plot."""
    import ipywidgets

    rates = sorted({rate for _, rate in runs})
    controls = {"learning_rate": ipywidgets.SelectionSlider(
        options=[(f"{r:g}", r) for r in rates],
        value=learning_rate if learning_rate is not None else rates[len(rates) // 2],
        description="learning rate", style={"description_width": "initial"})}
    def compute(values):
        return sweep_view_data(runs, values["learning_rate"])

    def draw(axes, data):
        draw_sweep_curves(axes[0], data)
        draw_sweep_summary(axes[1], data)

    def describe(data):
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

    return panel_demo(controls, compute, draw, describe, wspace=0.25)
