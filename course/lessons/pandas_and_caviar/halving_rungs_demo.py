"""The successive-halving demo: a `rung` slider over a finished run.

    result = successive_halving(train_digits_for, configs, min_budget=1, max_budget=27)
    demo = halving_demo(result)          # a DemoView with a `rung` slider

Left: each config's dev accuracy against the epochs it was given; a line ends where
the config was dropped. Configs still running at the chosen rung are coloured, the
rest are grey. Right: the chosen rung's scores against the learning rate, survivors
filled, dropped configs hollow (grey crosses: dropped at an earlier rung), which shows
what the bad values had in common.

Layers: compute (`halving_rungs.halving_data`), plot (`HalvingPlot`), view
(`halving_demo`).
"""

from __future__ import annotations

import ipywidgets
import numpy as np
from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator

from course.demos.view import DemoView
from course.lessons.pandas_and_caviar.halving_rungs import halving_data

__all__ = ["HalvingPlot", "describe_rung", "halving_demo"]


# ---------------------------------------------------------------------- plot
class HalvingPlot:
    """Left: dev accuracy against epochs given, one line per config, up to the chosen rung;
    running configs coloured (red x: dropped at this rung), earlier drop-outs grey.
    Right: the chosen rung's scores against the learning rate."""

    def __init__(self, canvas, data):
        ax, ax_scores = canvas.figure.subplots(1, 2, width_ratios=(1.4, 1))
        canvas.figure.subplots_adjust(left=0.07, right=0.99, bottom=0.16, top=0.88,
                                      wspace=0.18)
        self.lines, self.ends = {}, {}
        for i in data["points"]:
            (self.lines[i],) = ax.plot([], [], "-")
            (self.ends[i],) = ax.plot([], [], ls="none")
        self.band = ax.axvline(data["budgets"][0], color="C1", lw=14, alpha=0.15)
        self.title = ax.text(0.5, 1.02, "", transform=ax.transAxes, ha="center", fontsize=9)
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(FixedLocator(data["budgets"]))
        ax.xaxis.set_major_formatter("{x:g}")
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_xlim(data["budgets"][0] / 1.5, data["budgets"][-1] * 1.5)
        ax.set_ylim(0, 1.0)
        ax.set_xlabel("epochs given (log scale)", fontsize=8)
        ax.set_ylabel("dev accuracy", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)

        self.earlier = ax_scores.scatter([], [], s=14, marker="x", color="0.7",
                                         label="dropped before")
        self.kept = ax_scores.scatter([], [], s=28, color="C0", label="kept")
        self.dropped = ax_scores.scatter([], [], s=28, facecolors="none", edgecolors="C3",
                                         label="dropped")
        self.spent = ax_scores.text(0.5, 1.02, "", transform=ax_scores.transAxes,
                                    ha="center", fontsize=9)
        rates = data["learning_rates"]
        ax_scores.set_xscale("log")
        ax_scores.set_xlim(rates.min() / 1.5, rates.max() * 1.5)
        ax_scores.xaxis.set_major_formatter("{x:g}")
        ax_scores.xaxis.set_minor_formatter(NullFormatter())
        ax_scores.set_ylim(0, 1.0)
        ax_scores.set_xlabel("learning rate", fontsize=8)
        ax_scores.legend(fontsize=7, loc="upper left")
        ax_scores.tick_params(labelsize=7)
        ax_scores.grid(alpha=0.3)
        self.rates = rates
        canvas.animate(self.band, *self.lines.values(), *self.ends.values(), self.title,
                       self.earlier, self.kept, self.dropped, self.spent)

    def update(self, data):
        running, dropped = set(data["running"]), set(data["dropped"])
        for i, pts in data["points"].items():
            shown = [(b, s) for b, s in pts if b <= data["budget"]]
            line, end = self.lines[i], self.ends[i]
            if not shown:
                line.set_data([], [])
                end.set_data([], [])
                continue
            budgets, scores = zip(*shown, strict=True)
            line.set_data(budgets, scores)
            end.set_data([budgets[-1]], [scores[-1]])
            if i in running:
                color = "C3" if i in dropped else "C0"
                line.set(color=color, lw=1.3)
                end.set(color=color, marker="x" if i in dropped else "o", ms=5)
            else:
                line.set(color="0.8", lw=0.8)
                end.set(color="0.7", marker="x", ms=4)
        self.band.set_xdata([data["budget"], data["budget"]])
        epochs = f"{data['budget']} epoch" + "s" * (data["budget"] != 1)
        self.title.set_text(f"rung {data['rung']}: {len(data['running'])} configs x "
                            f"{epochs} (red x: dropped)")
        scores = data["scores"]
        earlier = [i for i, pts in data["points"].items() if i not in scores and pts]
        last = [[s for b, s in data["points"][i] if b <= data["budget"]][-1] for i in earlier]
        for collection, group, values in (
                (self.earlier, earlier, last),
                (self.kept, data["survivors"], [scores[i] for i in data["survivors"]]),
                (self.dropped, data["dropped"], [scores[i] for i in data["dropped"]])):
            offsets = np.column_stack([self.rates[group], values]) if group else np.empty((0, 2))
            collection.set_offsets(offsets)
        self.spent.set_text(f"{data['epochs_spent']} of {data['total_budget']} epochs spent")


# ---------------------------------------------------------------------- view
def describe_rung(data):
    """The status line: the rung's size, and how close the kept and dropped scores are."""
    worst_kept = min(data["scores"][i] for i in data["survivors"])
    text = (f"Rung {data['rung']}: {len(data['running'])} configs trained for "
            f"{data['budget']} epochs each; {len(data['survivors'])} kept")
    if data["dropped"]:
        best_dropped = max(data["scores"][i] for i in data["dropped"])
        text += f" (the worst kept scored {worst_kept:.3f}, the best dropped {best_dropped:.3f})"
    return text + "."


def halving_demo(result, rung=0):
    """A `rung` slider over a finished successive-halving run; returns a DemoView."""
    controls = {"rung": ipywidgets.IntSlider(value=rung, min=0, max=len(result.rungs) - 1,
                                             description="rung")}
    return DemoView(controls, lambda values: halving_data(result, values["rung"]),
                    HalvingPlot, describe=describe_rung)
