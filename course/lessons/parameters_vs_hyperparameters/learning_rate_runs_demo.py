"""Lesson 01 demo: a log slider for the learning rate; the cost curve and its place in a sweep.

Compute: `learning_rate_runs` (each slider move retrains, about 10 ms; the sweep of
21 rates is trained once, when the demo is built, and every run's regime is measured
against it). Plot: `CostCurvePlot`. View: `learning_rate_demo()`.
"""

from __future__ import annotations

import ipywidgets
import numpy as np

from course.demos.view import DemoView
from course.lessons.parameters_vs_hyperparameters.learning_rate_runs import (
    GOOD_FACTOR,
    ITERATIONS,
    SWEEP_RATES,
    learning_rate_sweep,
    moons_data,
    regime,
    train_with_learning_rate,
)

__all__ = ["CostCurvePlot", "learning_rate_demo"]

REGIME_COLORS = {
    "too small": "tab:blue",
    "good": "tab:green",
    "good, zigzagging": "tab:green",
    "too large": "tab:orange",
    "diverged": "tab:red",
}
COST_LIMITS = (1e-2, 1e3)
STOP_MARK = COST_LIMITS[1] / 1.5  # where an X marks a diverged run, inside the axes


# -------------------------------------------------------------------------------- plot
class CostCurvePlot:
    """Left: J per iteration on a log axis, the sweep's best run in grey for comparison
    (a fixed reference, so the picture depends on the slider alone and a link redraws
    it), an X where a run diverged. Right: final J against learning rate for the whole
    sweep (grey), a dashed line at GOOD_FACTOR times its lowest (below it: good), the
    current run starred.
    Only the curves, marks and texts change, so they are blitted."""

    def __init__(self, canvas, data):
        ax_cost, ax_sweep = canvas.figure.subplots(1, 2)
        canvas.figure.subplots_adjust(left=0.08, right=0.98, bottom=0.17, top=0.9, wspace=0.28)

        ax_cost.set_yscale("log")
        ax_cost.set_xlim(0, ITERATIONS)
        ax_cost.set_ylim(*COST_LIMITS)
        ax_cost.set_xlabel("iteration", fontsize=8)
        ax_cost.set_ylabel("cost J", fontsize=8)
        sweep = data["sweep"]
        if np.isfinite(sweep["best_rate"]):
            best = sweep["runs"][int(np.nanargmin(sweep["final_costs"]))]["costs"]
            ax_cost.plot(np.arange(1, len(best) + 1), best, lw=1.5, color="0.7")
            ax_cost.text(0.98, 0.04, f"grey: the sweep's best, rate {sweep['best_rate']:.3g}",
                         transform=ax_cost.transAxes, ha="right", color="0.45", fontsize=7)
        self.line = ax_cost.plot([], [], lw=2)[0]
        self.stop = ax_cost.plot([], [], "X", ms=12, color="tab:red")[0]
        self.note = ax_cost.text(0.5, 0.5, "", transform=ax_cost.transAxes, ha="center",
                                 color="tab:red", fontsize=9, fontweight="bold")
        self.title = ax_cost.text(0.5, 1.03, "", transform=ax_cost.transAxes, ha="center",
                                  fontsize=9)

        rates, finals = sweep["learning_rates"], sweep["final_costs"]
        ax_sweep.set_xscale("log")
        ax_sweep.set_yscale("log")
        ax_sweep.set_ylim(*COST_LIMITS)
        ax_sweep.plot(rates, finals, color="0.55", marker=".", ms=4)
        gone = np.isnan(finals)
        ax_sweep.plot(np.asarray(rates)[gone], np.full(gone.sum(), STOP_MARK), "x",
                      color="0.55", ms=5)
        ax_sweep.axhline(GOOD_FACTOR * sweep["best_cost"], color="tab:green", lw=1, ls="--")
        ax_sweep.text(rates[0], GOOD_FACTOR * sweep["best_cost"] * 1.15,
                      f"{GOOD_FACTOR:g} x the lowest", color="tab:green", fontsize=7)
        ax_sweep.set_xlabel("learning rate (log scale)", fontsize=8)
        ax_sweep.set_ylabel(f"J after {ITERATIONS} iterations", fontsize=8)
        ax_sweep.set_title("every learning rate (x = diverged)", fontsize=9)
        self.now = ax_sweep.plot([], [], "*", ms=14)[0]
        canvas.animate(self.line, self.stop, self.note, self.title, self.now)

    def update(self, run):
        costs = run["costs"]
        color = REGIME_COLORS[run["regime"]]
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
    """The status line: where J went against the sweep's lowest, or why the run stopped."""
    costs, sweep = run["costs"], run["sweep"]
    if run["diverged"]:
        return f"<b>Diverged.</b> The Trainer stopped the run: {run['stop_reason']}"
    return (f"J went from {costs[0]:.3f} to <b>{costs[-1]:.3g}</b> in {len(costs)} "
            f"iterations and rose on {run['zigzag']:.0%} of them; the sweep's lowest is "
            f"{sweep['best_cost']:.3g} (at {sweep['best_rate']:.3g}): "
            f"<b>{run['regime']}</b>.")


# -------------------------------------------------------------------------------- view
def learning_rate_demo(learning_rate=0.01):
    """A FloatLogSlider for the learning rate; the cost curve and its place in the sweep.

    `view.data` is the run shown (see `train_with_learning_rate`) plus "regime" (measured
    against the sweep, see `regime`) and "sweep" (see `learning_rate_sweep`).
    """
    controls = {  # one slider position per rate of the sweep, so each has its label there
        "learning_rate": ipywidgets.FloatLogSlider(
            value=learning_rate, base=10, min=-3, max=2, step=0.25, description="learning_rate",
            readout_format=".3g", continuous_update=False,
            style={"description_width": "initial"}, layout={"width": "420px"},
        )
    }
    data = moons_data()
    sweep = learning_rate_sweep(SWEEP_RATES, data)

    def compute(values):
        run = train_with_learning_rate(values["learning_rate"], data)
        return {**run, "regime": regime(run, sweep), "sweep": sweep}

    return DemoView(controls, compute, CostCurvePlot, describe=describe, figsize=(8.4, 2.7))
