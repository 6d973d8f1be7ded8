"""Successive halving, rung by rung: which configs it gives up on, and when.

    result = successive_halving(train_digits_for, configs, min_budget=1, max_budget=27)
    demo = halving_demo(result)          # a DemoBox with a `rung` slider

Left: each config's dev accuracy against the epochs it was given; a line ends where
the config was dropped. Configs still running at the chosen rung are coloured, the
rest are grey. Right: the chosen rung's scores against the learning rate, survivors
filled, dropped configs hollow (grey crosses: dropped at an earlier rung), which shows
what the bad values had in common.

Layers: compute (`halving_data`), plot (`draw_rungs`, `draw_rung_scores`), view
(`halving_demo`).
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator

from course.widgets.panels import panel_demo

__all__ = ["halving_data", "draw_rungs", "draw_rung_scores", "halving_demo"]


# ---------------------------------------------------------------------- compute
def halving_data(result, rung):
    """Per config: its (budget, score) points; and who runs, survives or is dropped at `rung`.

    result: a course.search HalvingResult; rung: index into result.rungs.
    """
    if not 0 <= rung < len(result.rungs):
        raise ValueError(f"rung must be between 0 and {len(result.rungs) - 1}, got {rung}.")
    points = {i: [] for i in range(len(result.configs))}
    for r in result.rungs:
        for i, trial in zip(r.indices, r.trials, strict=True):
            points[i].append((r.budget, trial.score))
    chosen = result.rungs[rung]
    running = list(chosen.indices)
    survivors = list(chosen.survivors)
    spent = sum(r.budget * len(r.indices) for r in result.rungs[: rung + 1])
    return {
        "rung": rung,
        "budget": chosen.budget,
        "points": points,
        "running": running,
        "survivors": survivors,
        "dropped": [i for i in running if i not in survivors],
        "scores": dict(zip(chosen.indices, chosen.scores, strict=True)),
        "learning_rates": np.array([c["learning_rate"] for c in result.configs]),
        "budgets": [r.budget for r in result.rungs],
        "epochs_spent": spent,
        "total_budget": result.total_budget,
        "best_index": result.best_index,
    }


# ---------------------------------------------------------------------- plot
def draw_rungs(ax, data):
    """Score against budget for every config, up to the chosen rung."""
    ax.clear()
    running = set(data["running"])
    for i, pts in data["points"].items():
        shown = [(b, s) for b, s in pts if b <= data["budget"]]
        if not shown:
            continue
        budgets, scores = zip(*shown, strict=True)
        if i in running:
            dropped = i in data["dropped"]
            ax.plot(budgets, scores, "-", color="C3" if dropped else "C0", lw=1.3, zorder=3)
            ax.plot(budgets[-1], scores[-1], "x" if dropped else "o", ms=5,
                    color="C3" if dropped else "C0", zorder=4)
        else:  # dropped at an earlier rung
            ax.plot(budgets, scores, "-", color="0.8", lw=0.8, zorder=1)
            ax.plot(budgets[-1], scores[-1], "x", ms=4, color="0.7", zorder=1)
    ax.axvspan(data["budget"] / 1.25, data["budget"] * 1.25, color="C1", alpha=0.15)
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(FixedLocator(data["budgets"]))
    ax.xaxis.set_major_formatter("{x:g}")
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlim(data["budgets"][0] / 1.5, data["budgets"][-1] * 1.5)
    ax.set_ylim(0, 1.0)
    ax.set_xlabel("epochs given (log scale)", fontsize=8)
    ax.set_ylabel("dev accuracy", fontsize=8)
    ax.set_title(f"rung {data['rung']}: {len(data['running'])} configs x {data['budget']} "
                 f"epochs (red x: dropped)", fontsize=9)
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3)


def draw_rung_scores(ax, data):
    """The chosen rung's scores against learning rate: survivors filled, dropped hollow."""
    ax.clear()
    rates, scores = data["learning_rates"], data["scores"]
    earlier = [i for i, pts in data["points"].items() if i not in scores and pts]
    if earlier:  # dropped before this rung: their last score, in grey
        last = [[s for b, s in data["points"][i] if b <= data["budget"]][-1] for i in earlier]
        ax.scatter(rates[earlier], last, s=14, marker="x", color="0.7", label="dropped before")
    for group, style in ((data["survivors"], {"color": "C0", "label": "kept"}),
                         (data["dropped"], {"facecolors": "none", "edgecolors": "C3",
                                            "label": "dropped"})):
        if group:
            ax.scatter(rates[group], [scores[i] for i in group], s=28, **style)
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter("{x:g}")
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_ylim(0, 1.0)
    ax.set_xlabel("learning rate", fontsize=8)
    ax.set_title(f"{data['epochs_spent']} of {data['total_budget']} epochs spent", fontsize=9)
    ax.legend(fontsize=7, loc="upper left")
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3)


# ---------------------------------------------------------------------- view
def halving_demo(result, rung=0):
    """A `rung` slider over a finished successive-halving run."""
    import ipywidgets

    controls = {"rung": ipywidgets.IntSlider(value=rung, min=0, max=len(result.rungs) - 1,
                                             description="rung")}
    def compute(values):
        return halving_data(result, values["rung"])

    def draw(axes, data):
        draw_rungs(axes[0], data)
        draw_rung_scores(axes[1], data)

    def describe(data):
        worst_kept = min(data["scores"][i] for i in data["survivors"])
        text = (f"Rung {data['rung']}: {len(data['running'])} configs trained for "
                f"{data['budget']} epochs each; {len(data['survivors'])} kept")
        if data["dropped"]:
            best_dropped = max(data["scores"][i] for i in data["dropped"])
            text += (f" (the worst kept scored {worst_kept:.3f}, the best dropped "
                     f"{best_dropped:.3f})")
        return text + "."

    return panel_demo(controls, compute, draw, describe, width_ratios=(1.4, 1), wspace=0.18)
