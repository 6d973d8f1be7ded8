"""Lesson 02 demo: a real search on the 8x8 digits, streamed trial by trial.

Trials run in a background thread (DemoView with background=True) and each result
appears as it arrives, so the notebook stays free while the search runs; moving a
control stops the running search at its next trial and starts the new one.

Compute: `digits_search.search_snapshots`. Plot: `TuningPlot`.
View: `digits_tuning_demo()` (a `course.demos.view.DemoView`).
"""

from __future__ import annotations

import ipywidgets
import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.ticker import MaxNLocator

from course.demos.view import DemoView
from course.lessons.search_strategies.digits_search import (
    NUM_EPOCHS,
    TUNING_SPACE,
    search_snapshots,
)

__all__ = ["TuningPlot", "describe_search", "digits_tuning_demo"]

MAX_TRIALS = 49


class TuningPlot:
    """Left: dev accuracy against learning rate, coloured by hidden units. Right: the best
    dev accuracy so far against the number of trials run.

    data: one snapshot of digits_search.search_snapshots. The right axes' x-limit follows
    the planned number of trials, so a change of it redraws everything once.
    """

    def __init__(self, canvas, data):
        self.canvas = canvas
        figure = canvas.figure
        self.ax_lr, self.ax_best = figure.subplots(1, 2, width_ratios=(1.4, 1))
        figure.subplots_adjust(left=0.08, right=0.98, bottom=0.17, top=0.88, wspace=0.25)
        ax = self.ax_lr
        ax.set_xscale("log")
        ax.set_xlim(0.7e-4, 1.4)
        ax.set_ylim(0, 1.02)
        ax.minorticks_off()
        ax.set_xlabel("learning_rate (log scale)", fontsize=8)
        ax.set_ylabel("dev accuracy", fontsize=8)
        ax.tick_params(labelsize=7)
        units = TUNING_SPACE["hidden_units"]
        self.dots = ax.scatter(np.full(1, np.nan), np.full(1, np.nan), c=[16], s=22,
                               cmap="plasma", norm=LogNorm(vmin=units.low, vmax=units.high),
                               edgecolors="black", linewidths=0.4)
        cbar = figure.colorbar(self.dots, ax=ax, pad=0.01)
        cbar.set_label("hidden units", fontsize=7)
        cbar.ax.tick_params(labelsize=6)
        self.title = ax.text(0.5, 1.03, "", transform=ax.transAxes, ha="center", fontsize=9)
        ax = self.ax_best
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("trials run", fontsize=8)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # no trial 2.5
        ax.set_ylabel("best dev accuracy so far", fontsize=8)
        ax.tick_params(labelsize=7)
        self.best_line = ax.plot([], [], drawstyle="steps-post", lw=2, color="tab:purple")[0]
        self.best_text = ax.text(0.5, 1.03, "", transform=ax.transAxes, ha="center",
                                 fontsize=9)
        self.planned = None
        canvas.animate(self.dots, self.title, self.best_line, self.best_text)

    def update(self, data):
        configs, planned = data["configs"], data["planned"]
        if planned != self.planned:
            self.planned = planned
            self.ax_best.set_xlim(0, planned + 1)
            self.canvas.invalidate()
        lrs = np.array([c["learning_rate"] for c in configs])
        units = np.array([c["hidden_units"] for c in configs], dtype=float)
        shown = np.nan_to_num(np.array(data["scores"], dtype=float), nan=0.0)  # diverged: 0
        self.dots.set_offsets(np.column_stack([lrs, shown]))
        self.dots.set_array(units)
        best = np.fmax.accumulate(shown)
        self.best_line.set_data(np.arange(1, len(best) + 1), best)
        self.title.set_text(f"{data['strategy']}: {len(configs)}/{planned} trials, "
                            f"{len(np.unique(lrs))} learning rates tried")
        self.best_text.set_text(f"best {best[-1]:.3f}")


def describe_search(data):
    """The status line: trials run, distinct learning rates, and the best trial so far."""
    scores = np.array(data["scores"], dtype=float)
    lrs = {c["learning_rate"] for c in data["configs"]}
    head = (f"{data['strategy']} search: {len(scores)} of {data['planned']} trials, "
            f"<b>{len(lrs)}</b> different learning rates. ")
    if np.all(np.isnan(scores)):
        return head + "Every trial so far diverged."
    best = data["configs"][int(np.nanargmax(scores))]
    return head + (f"Best dev accuracy <b>{data['best']:.3f}</b> with "
                   f"learning_rate={best['learning_rate']:.2g}, "
                   f"{best['hidden_units']} hidden units.")


def pending_search(values):
    """The status line while a search starts."""
    return (f"running {values['strategy']} search: up to {values['n_trials']} trials of "
            f"{NUM_EPOCHS} epochs each ...")


def digits_tuning_demo(strategy="random", n_trials=16, seed=0):
    """Grid or random search on the digits; results stream in as trials finish."""
    controls = {
        "n_trials": ipywidgets.IntSlider(value=n_trials, min=4, max=MAX_TRIALS,
                                         description="n_trials", continuous_update=False),
        "strategy": ipywidgets.ToggleButtons(value=strategy, options=["grid", "random"],
                                             style={"button_width": "96px"}),
        "seed": ipywidgets.IntSlider(value=seed, min=0, max=20, description="seed",
                                     continuous_update=False),
    }

    def compute(values):
        return search_snapshots(values["strategy"], values["n_trials"], values["seed"])

    return DemoView(controls, compute, TuningPlot, describe=describe_search, background=True,
                    pending=pending_search, figsize=(8.4, 2.8), min_interval=0.1)
