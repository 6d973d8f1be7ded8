"""The caviar: many models trained at once, and how many it takes to beat one babysat model.

    table = run_caviar(24, num_epochs=27, seed=0, executor=pool)   # course.search TrialTable
    demo = caviar_demo(table, panda_scores=[...])                  # a DemoBox

`run_caviar` samples configs at random from `SPACE` (course.lessons.pandas_and_caviar.budget_comparison) and
trains them all through `course.search.run_trials` with the module-level objective
`course.search.digits_objectives.train_digits`, so a process pool or a Dask cluster
can run them side by side. The demo's slider `models` is how many models your
hardware trains at once in the time one model needs: the left panel draws all their
learning curves and picks the best; the right panel gives the expected best dev
accuracy for each number of models against what babysitting one model achieved in
the same time.

Layers: compute (`run_caviar`, `run_pandas`, `expected_best`, `caviar_data`), plot
(`CaviarPlot`), view (`caviar_demo`).
"""

from __future__ import annotations

import math

import matplotlib
import numpy as np
from matplotlib.ticker import FixedLocator, NullLocator

from course.demos.panels import panel_demo
from course.lessons.pandas_and_caviar.babysitter import babysit_digits
from course.lessons.pandas_and_caviar.budget_comparison import SPACE
from course.search import random_configs
from course.search.digits_objectives import train_digits
from course.search.runner import run_trials

__all__ = ["run_caviar", "run_pandas", "expected_best", "caviar_data", "CaviarPlot",
           "caviar_demo"]


# ---------------------------------------------------------------------- compute
def run_caviar(n, *, num_epochs=27, seed=0, space=None, executor=None):
    """Train n random configs from `space` for num_epochs each; returns a TrialTable
    whose curves are the dev accuracy after every epoch (in sampling order)."""
    space = SPACE if space is None else space
    configs = random_configs(space, n, rng=np.random.default_rng(seed))
    configs = [{**c, "num_epochs": num_epochs} for c in configs]
    return run_trials(train_digits, configs, seed=seed, executor=executor, progress=False)


def run_pandas(n, *, num_epochs=27, seed=1, space=None, executor=None):
    """Babysit n random configs from `space` (course.lessons.pandas_and_caviar.babysitter), one model each, for
    num_epochs; returns their TrialTable (n separate pandas, to average over starts)."""
    space = SPACE if space is None else space
    configs = random_configs(space, n, rng=np.random.default_rng(seed))
    configs = [{**c, "num_epochs": num_epochs} for c in configs]
    return run_trials(babysit_digits, configs, seed=seed, executor=executor, progress=False)


def expected_best(scores, k):
    """Expected maximum of k scores drawn without replacement from `scores`.

    With the n scores sorted, s_(1) <= ... <= s_(n), the maximum of a random k-subset is
    s_(i) with probability C(i-1, k-1) / C(n, k). NaN scores (failed runs) count as -inf
    would; here they count as 0, the worst possible accuracy.
    """
    s = np.sort(np.nan_to_num(np.asarray(scores, dtype=float), nan=0.0))
    n = len(s)
    if not 1 <= k <= n:
        raise ValueError(f"k must be between 1 and {n} (the number of scores), got {k}.")
    weights = np.array([math.comb(i - 1, k - 1) for i in range(1, n + 1)], dtype=float)
    return float(weights @ s / math.comb(n, k))


def caviar_data(table, k, panda_scores=None):
    """What the demo shows when k models train at once: the first k trials of `table`."""
    scores = np.nan_to_num(table.scores, nan=0.0)
    best = int(np.argmax(scores[:k]))
    return {
        "k": k,
        "curves": [np.asarray(t.curve, dtype=float) for t in table],
        "learning_rates": np.array([t.config["learning_rate"] for t in table]),
        "best_index": best,
        "best_score": float(scores[best]),
        "best_config": table[best].config,
        "expected_best": np.array([expected_best(scores, j) for j in range(1, len(scores) + 1)]),
        "panda_mean": None if panda_scores is None else float(np.mean(panda_scores)),
    }


# ---------------------------------------------------------------------- plot
class CaviarPlot:
    """Left: every learning curve, the first k coloured by learning rate, the best thick.
    Right: expected best dev accuracy against the number of models, and the panda's level.
    Only the curves' colours, the best curve, its label and the marker change."""

    def __init__(self, canvas, axes, data):
        ax, ax_best = axes
        log_rates = np.log10(data["learning_rates"])
        shade = (log_rates - log_rates.min()) / max(np.ptp(log_rates), 1e-9)
        self.colors = matplotlib.colormaps["viridis"](0.9 * shade)
        self.lines = [ax.plot(np.arange(1, len(c) + 1), c, lw=1.0)[0] for c in data["curves"]]
        (self.best_line,) = ax.plot([], [], lw=2.6)
        self.best_label = ax.text(0.98, 0.04, "", transform=ax.transAxes, ha="right",
                                  fontsize=8)
        self.title = ax.text(0.5, 1.02, "", transform=ax.transAxes, ha="center", fontsize=9)
        ax.set_ylim(0, 1.0)
        ax.set_xlabel("epoch", fontsize=8)
        ax.set_ylabel("dev accuracy", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)

        expected = data["expected_best"]
        counts = np.arange(1, len(expected) + 1)
        ax_best.plot(counts, expected, "o-", ms=3, color="C0", label="caviar: best of k")
        if data["panda_mean"] is not None:
            ax_best.axhline(data["panda_mean"], color="C1", ls="--", lw=1.5,
                            label="panda: one model")
        (self.marker,) = ax_best.plot([], [], "o", ms=9, color="C3")
        ax_best.set_xscale("log", base=2)
        ax_best.xaxis.set_major_locator(FixedLocator([c for c in (1, 2, 4, 8, 16, 32, 64)
                                                      if c <= len(expected)]))
        ax_best.xaxis.set_major_formatter("{x:g}")
        ax_best.xaxis.set_minor_locator(NullLocator())
        ax_best.set_xlabel("models trained at once", fontsize=8)
        ax_best.set_ylabel("expected best dev accuracy", fontsize=8)
        ax_best.set_ylim(max(0.0, expected.min() - 0.05), 1.0)
        ax_best.legend(fontsize=7, loc="lower right")
        ax_best.tick_params(labelsize=7)
        ax_best.grid(alpha=0.3)
        ax_best.set_title("the same wall-clock time", fontsize=9)
        canvas.animate(*self.lines, self.best_line, self.best_label, self.title, self.marker)

    def update(self, data):
        k, best = data["k"], data["best_index"]
        for i, line in enumerate(self.lines):
            line.set_color(self.colors[i] if i < k else "0.88")
            line.set_linewidth(1.0 if i < k else 0.7)
        curve = data["curves"][best]
        self.best_line.set_data(np.arange(1, len(curve) + 1), curve)
        self.best_line.set_color(self.colors[best])
        self.best_label.set_text(f"best of {k}: {data['best_score']:.3f} "
                                 f"(lr {data['learning_rates'][best]:.3g})")
        self.title.set_text(f"{k} models trained at once (colour: log learning rate)")
        self.marker.set_data([k], [data["expected_best"][k - 1]])


# ---------------------------------------------------------------------- view
def caviar_demo(table, *, panda_scores=None, models=4):
    """A slider over how many models train at once; curves and expected best follow it.

    table: a TrialTable from run_caviar; panda_scores: dev accuracies of babysat runs
    that had the same number of epochs (optional).
    """
    import ipywidgets

    controls = {
        "models": ipywidgets.IntSlider(value=min(models, len(table)), min=1, max=len(table),
                                       description="models at once",
                                       style={"description_width": "initial"}),
    }
    def compute(values):
        return caviar_data(table, values["models"], panda_scores)

    def describe(data):
        text = (f"Best of the first {data['k']} models: <b>{data['best_score']:.3f}</b> dev "
                f"accuracy (learning rate {data['best_config']['learning_rate']:.3g}, hidden "
                f"layers {data['best_config']['hidden_dims']}). A random set of {data['k']} "
                f"would give <b>{data['expected_best'][data['k'] - 1]:.3f}</b> on average")
        if data["panda_mean"] is not None:
            text += f"; babysitting one model gave <b>{data['panda_mean']:.3f}</b>"
        return text + "."

    return panel_demo(controls, compute, CaviarPlot, describe, width_ratios=(1.5, 1))
