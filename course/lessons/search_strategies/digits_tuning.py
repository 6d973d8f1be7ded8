"""Lesson 02 demo: a real search on the 8x8 digits, streamed trial by trial.

Every trial trains the course's network (course.nn, Adam, 5 epochs) with one config
of learning_rate (log scale, 1e-4 to 1) and hidden units (8 to 128, log scale) and
scores it by dev-set accuracy (course.search.digits_objectives.train_digits). Trials
run in a background thread and each result appears as it arrives, so the notebook
stays free while the search runs.

Compute: `tuning_configs`, `run_trial`, `stream_trials`. Plot: `TuningPlot`.
View: `digits_tuning_demo()`.
"""

from __future__ import annotations

import math

import numpy as np

from course.demos.background import LatestJob
from course.demos.canvas import FigureImage
from course.demos.demo_box import DemoBox
from course.search import IntUniform, LogUniform, grid_configs, random_configs, trial_seeds
from course.search.digits_objectives import train_digits

SPACE = {"learning_rate": LogUniform(1e-4, 1.0), "hidden_units": IntUniform(8, 128, log=True)}
NUM_EPOCHS = 5


# ----------------------------------------------------------------------------- compute
def tuning_configs(strategy, n_trials, seed=0):
    """Configs {"learning_rate", "hidden_units"}: a k x k grid (k = floor(sqrt(n_trials)))
    or n_trials random ones."""
    if strategy == "grid":
        return grid_configs(SPACE, math.isqrt(n_trials))
    if strategy == "random":
        return random_configs(SPACE, n_trials, np.random.default_rng(seed))
    raise ValueError(f"strategy must be 'grid' or 'random', got {strategy!r}.")


def run_trial(config, seed):
    """Dev accuracy of the network trained with `config` (NaN if training diverged)."""
    return train_digits({"learning_rate": config["learning_rate"],
                         "hidden_dims": (int(config["hidden_units"]),),
                         "num_epochs": NUM_EPOCHS, "seed": seed}).score


def stream_trials(strategy, n_trials, seed=0):
    """Yield (config, score) trial by trial; seeds come from course.search.trial_seeds."""
    configs = tuning_configs(strategy, n_trials, seed)
    for config, trial_seed in zip(configs, trial_seeds(seed, len(configs)), strict=True):
        yield config, run_trial(config, trial_seed)


# -------------------------------------------------------------------------------- plot
class TuningPlot:
    """Left: dev accuracy against learning rate, coloured by hidden units. Right: the best
    dev accuracy so far against the number of trials run."""

    def __init__(self, figure, max_trials=100):
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
        self.dots = ax.scatter(np.full(1, np.nan), np.full(1, np.nan), c=[16], s=22,
                               cmap="plasma", norm=_log_norm(), edgecolors="black",
                               linewidths=0.4)
        cbar = figure.colorbar(self.dots, ax=ax, pad=0.01)
        cbar.set_label("hidden units", fontsize=7)
        cbar.ax.tick_params(labelsize=6)
        self.title = ax.text(0.5, 1.03, "", transform=ax.transAxes, ha="center", fontsize=9)
        ax = self.ax_best
        ax.set_xlim(0, max_trials + 1)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("trials run", fontsize=8)
        ax.set_ylabel("best dev accuracy so far", fontsize=8)
        ax.tick_params(labelsize=7)
        self.best_line = ax.plot([], [], drawstyle="steps-post", lw=2, color="tab:purple")[0]
        self.best_text = ax.text(0.5, 1.03, "", transform=ax.transAxes, ha="center",
                                 fontsize=9)

    def artists_to_animate(self):
        return [self.dots, self.title, self.best_line, self.best_text]

    def draw(self, strategy, configs, scores, n_planned):
        lrs = np.array([c["learning_rate"] for c in configs])
        units = np.array([c["hidden_units"] for c in configs], dtype=float)
        shown = np.nan_to_num(np.array(scores, dtype=float), nan=0.0)  # diverged: at 0
        self.dots.set_offsets(np.column_stack([lrs, shown]))
        self.dots.set_array(units)
        best = np.fmax.accumulate(shown)
        self.best_line.set_data(np.arange(1, len(best) + 1), best)
        self.ax_best.set_xlim(0, n_planned + 1)
        distinct = len(np.unique(lrs))
        self.title.set_text(f"{strategy}: {len(scores)}/{n_planned} trials, "
                            f"{distinct} learning rates tried")
        self.best_text.set_text(f"best {best[-1]:.3f}")


def _log_norm():
    from matplotlib.colors import LogNorm

    return LogNorm(vmin=SPACE["hidden_units"].low, vmax=SPACE["hidden_units"].high)


# -------------------------------------------------------------------------------- view
def digits_tuning_demo(strategy="random", n_trials=16, seed=0):
    """Grid or random search on the digits; results stream in as trials finish."""
    import ipywidgets

    controls = {
        "n_trials": ipywidgets.IntSlider(value=n_trials, min=4, max=49, description="n_trials",
                                         continuous_update=False),
        "strategy": ipywidgets.ToggleButtons(value=strategy, options=["grid", "random"],
                                             style={"button_width": "70px"}),
        "seed": ipywidgets.IntSlider(value=seed, min=0, max=20, description="seed",
                                     continuous_update=False),
    }
    canvas = FigureImage(figsize=(8.4, 2.8), min_interval=0.1)
    plot = TuningPlot(canvas.figure, max_trials=49)
    # Blitted; the right axes' x-limit follows n_trials, so each run redraws it all once.
    canvas.animate(*plot.artists_to_animate())

    def work(stop, strategy, n_trials, seed):
        configs, scores = [], []
        planned = len(tuning_configs(strategy, n_trials, seed))
        for config, score in stream_trials(strategy, n_trials, seed):
            if stop.is_set():
                return
            configs.append(config)
            scores.append(score)
            with canvas.lock:
                if stop.is_set():
                    return
                plot.draw(strategy, configs, scores, planned)
                if len(scores) == 1:
                    canvas.invalidate()  # new x-limit on the right
            canvas.refresh(force=len(scores) == 1)  # show the first result at once
        box.publish({"strategy": strategy, "configs": configs, "scores": scores,
                     "best": float(np.nanmax(scores)) if scores else math.nan})

    def update(values):
        box.status.value = (f"running {values['strategy']} search: up to "
                            f"{values['n_trials']} trials of {NUM_EPOCHS} epochs each ...")
        box.job.start(work, values["strategy"], values["n_trials"], values["seed"])
        return None

    def describe(data):
        lrs = {c["learning_rate"] for c in data["configs"]}
        k = int(np.nanargmax(data["scores"]))
        best = data["configs"][k]
        return (f"{data['strategy']} search: {len(data['scores'])} trials, "
                f"<b>{len(lrs)}</b> different learning rates. Best dev accuracy "
                f"<b>{data['best']:.3f}</b> with learning_rate={best['learning_rate']:.2g}, "
                f"{best['hidden_units']} hidden units.")

    box = DemoBox(controls, canvas, update, describe=describe, run_now=False)
    box.job = LatestJob(on_error=box.show_error)
    box.run()
    return box
