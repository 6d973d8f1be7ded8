"""Lesson 01 demo: a log slider for the learning rate; the cost curve and its place in a sweep.

Compute: `learning_rate_runs` (each slider move retrains, about 10 ms; the sweep of
21 rates is trained once, when the demo is built). Plot: `CostCurvePlot`. View:
`learning_rate_demo()`.
"""

from __future__ import annotations

import ipywidgets
import numpy as np

from course.demos.view import DemoView
from course.lessons.parameters_vs_hyperparameters.learning_rate_runs import (
    ITERATIONS,
    learning_rate_sweep,
    moons_data,
    train_with_learning_rate,
)

__all__ = ["CostCurvePlot", "learning_rate_demo"]

REGIME_COLORS = {
    "converging slowly": "tab:blue",
    "converging fast": "tab:green",
    "oscillating": "tab:orange",
    "blowing up": "tab:red",
    "diverged": "tab:red",
}
COST_LIMITS = (1e-2, 1e3)
STOP_MARK = COST_LIMITS[1] / 1.5  # where an X marks a diverged run, inside the axes
SWEEP_RATES = np.logspace(-3, 2, 21)


# -------------------------------------------------------------------------------- plot
class CostCurvePlot:
    """Left: J per iteration on a log axis (the previous run in grey), an X where a run
    diverged. Right: final J against learning rate for the whole sweep (grey), the
    current run starred. Only the curves, marks and texts change, so they are blitted."""

    def __init__(self, canvas, data):
        ax_cost, ax_sweep = canvas.figure.subplots(1, 2)
        canvas.figure.subplots_adjust(left=0.08, right=0.98, bottom=0.17, top=0.9, wspace=0.28)

        ax_cost.set_yscale("log")
        ax_cost.set_xlim(0, ITERATIONS)
        ax_cost.set_ylim(*COST_LIMITS)
        ax_cost.set_xlabel("iteration", fontsize=8)
        ax_cost.set_ylabel("cost J", fontsize=8)
        self.previous = ax_cost.plot([], [], lw=1.5, color="0.7")[0]  # the run before
        self.line = ax_cost.plot([], [], lw=2)[0]
        self.stop = ax_cost.plot([], [], "X", ms=12, color="tab:red")[0]
        self.note = ax_cost.text(0.5, 0.5, "", transform=ax_cost.transAxes, ha="center",
                                 color="tab:red", fontsize=9, fontweight="bold")
        self.title = ax_cost.text(0.5, 1.03, "", transform=ax_cost.transAxes, ha="center",
                                  fontsize=9)

        rates, finals = data["sweep"]["learning_rates"], data["sweep"]["final_costs"]
        ax_sweep.set_xscale("log")
        ax_sweep.set_yscale("log")
        ax_sweep.set_ylim(*COST_LIMITS)
        ax_sweep.plot(rates, finals, color="0.55", marker=".", ms=4)
        gone = np.isnan(finals)
        ax_sweep.plot(np.asarray(rates)[gone], np.full(gone.sum(), STOP_MARK), "x",
                      color="0.55", ms=5)
        ax_sweep.set_xlabel("learning rate (log scale)", fontsize=8)
        ax_sweep.set_ylabel(f"J after {ITERATIONS} iterations", fontsize=8)
        ax_sweep.set_title("every learning rate (x = diverged)", fontsize=9)
        self.now = ax_sweep.plot([], [], "*", ms=14)[0]
        canvas.animate(self.previous, self.line, self.stop, self.note, self.title, self.now)

    def update(self, run):
        costs = run["costs"]
        color = REGIME_COLORS[run["regime"]]
        self.previous.set_data(*self.line.get_data())
        finite = np.isfinite(costs)
        self.line.set_data(np.arange(1, len(costs) + 1)[finite], costs[finite])
        self.line.set_color(color)
        if run["diverged"]:
            self.stop.set_data([len(costs)], [STOP_MARK])
            self.note.set_text(f"J hit {costs[-1]:.3g} at iteration {len(costs)}: stopped")
        else:
            self.stop.set_data([], [])
            self.note.set_text("")
        self.title.set_text(f"learning rate {run['learning_rate']:.3g}: {run['regime']}")
        self.title.set_color(color)
        self.now.set_data([run["learning_rate"]], [STOP_MARK if run["diverged"] else costs[-1]])
        self.now.set_color(color)


def describe(run):
    """The status line: where J went, or why the run was stopped."""
    costs = run["costs"]
    if run["diverged"]:
        return f"<b>Diverged.</b> The Trainer stopped the run: {run['stop_reason']}"
    return (f"J went from {costs[0]:.3f} to <b>{costs[-1]:.3g}</b> in {len(costs)} "
            f"iterations: <b>{run['regime']}</b>.")


# -------------------------------------------------------------------------------- view
def learning_rate_demo(learning_rate=0.01):
    """A FloatLogSlider for the learning rate; the cost curve and its place in the sweep.

    `view.data` is the run shown (see `train_with_learning_rate`) plus "sweep": a dict
    with learning_rates and final_costs (NaN where a run diverged).
    """
    controls = {
        "learning_rate": ipywidgets.FloatLogSlider(
            value=learning_rate, base=10, min=-3, max=2, step=0.125, description="learning_rate",
            readout_format=".3g", continuous_update=False,
            style={"description_width": "initial"}, layout={"width": "420px"},
        )
    }
    data = moons_data()
    sweep = {"learning_rates": SWEEP_RATES, "final_costs": learning_rate_sweep(SWEEP_RATES, data)}

    def compute(values):
        return {**train_with_learning_rate(values["learning_rate"], data), "sweep": sweep}

    return DemoView(controls, compute, CostCurvePlot, describe=describe, figsize=(8.4, 2.7))
