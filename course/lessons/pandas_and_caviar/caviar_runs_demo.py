"""The caviar demo: how many models trained at once it takes to beat one babysat model.

    table = run_caviar(24, num_epochs=27, seed=0, executor=pool)   # see caviar_runs
    demo = caviar_demo(table, panda_scores=pandas.scores)          # a DemoView

The slider `models` is how many models your hardware trains at once in the time one
model needs: the left panel draws all their learning curves and picks the best; the
right panel gives the expected best dev accuracy for each number of models against
what babysitting one model achieved in the same time.

Layers: compute (`caviar_runs.caviar_data`), plot (`CaviarPlot`), view (`caviar_demo`).
"""

from __future__ import annotations

import ipywidgets
import matplotlib
import numpy as np
from matplotlib.ticker import FixedLocator, NullLocator

from course.demos.view import DemoView
from course.lessons.pandas_and_caviar.caviar_runs import caviar_data

__all__ = ["CaviarPlot", "describe_caviar", "caviar_demo"]


# ---------------------------------------------------------------------- plot
class CaviarPlot:
    """Left: every learning curve, the first k coloured by learning rate, the best thick.
    Right: expected best dev accuracy against the number of models, and the panda's level.
    Only the curves' colours, the best curve, its label and the marker change."""

    def __init__(self, canvas, data):
        ax, ax_best = canvas.figure.subplots(1, 2, width_ratios=(1.5, 1))
        canvas.figure.subplots_adjust(left=0.07, right=0.99, bottom=0.16, top=0.88,
                                      wspace=0.22)
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
        self.title.set_text(f"{k} model{'s' * (k != 1)} trained at once "
                            "(colour: log learning rate)")
        self.marker.set_data([k], [data["expected_best"][k - 1]])


# ---------------------------------------------------------------------- view
def describe_caviar(data):
    """The status line: the best of the first k models, and what k random ones give."""
    best = data["best_config"]
    layers = ", ".join(map(str, best["hidden_dims"])) or "none"
    text = (f"Best of the first {data['k']} models: <b>{data['best_score']:.3f}</b> dev "
            f"accuracy (learning rate {best['learning_rate']:.3g}, hidden layers: "
            f"{layers}). A random set of {data['k']} would give "
            f"<b>{data['expected_best'][data['k'] - 1]:.3f}</b> on average")
    if data["panda_mean"] is not None:
        text += f"; babysitting one model gave <b>{data['panda_mean']:.3f}</b>"
    return text + "."


def caviar_demo(table, *, panda_scores=None, models=4):
    """A slider over how many models train at once; curves and expected best follow it.

    table: a TrialTable from run_caviar; panda_scores: dev accuracies of babysat runs
    that had the same number of epochs (optional). Returns a DemoView.
    """
    controls = {
        "models": ipywidgets.IntSlider(value=min(models, len(table)), min=1, max=len(table),
                                       description="models at once",
                                       style={"description_width": "initial"}),
    }
    return DemoView(controls, lambda values: caviar_data(table, values["models"], panda_scores),
                    CaviarPlot, describe=describe_caviar)
