"""Lesson 02 demo: where grid, random and quasi-random trials land, and what each finds.

Compute: `strategy_comparison.compare_strategies`. Plot: `StrategyPlot`.
View: `search_strategies_demo()` (a `course.demos.view.DemoView`).
"""

from __future__ import annotations

import math

import ipywidgets
import numpy as np

from course.demos.view import DemoView
from course.lessons.search_strategies.strategy_comparison import (
    PEAK_Y,
    STRATEGIES,
    compare_strategies,
    objective,
)

__all__ = ["StrategyPlot", "describe_comparison", "search_strategies_demo"]


class StrategyPlot:
    """Three columns (one per strategy): the square with its trials on top, and below it
    the best reachable score along x with the trials' projections on x as dots.

    Every artist that changes is animated; the axes never change, so a refresh blits. The
    score maps change only with the weight, so they sit in the canvas's cached layer: a
    budget or seed change does not draw them again.
    """

    RESOLUTION = 60

    def __init__(self, canvas, data):
        self.canvas = canvas
        self.weight = None  # the weight the score maps show
        figure = canvas.figure
        axes = figure.subplots(2, 3, height_ratios=(2.2, 1))
        figure.subplots_adjust(left=0.06, right=0.99, bottom=0.1, top=0.9, wspace=0.12,
                               hspace=0.32)
        grid = np.linspace(0, 1, self.RESOLUTION)
        self.gx, self.gy = np.meshgrid(grid, grid)
        self.xs = np.linspace(0, 1, 300)
        self.artists = {}
        self.maps = []
        for col, strategy in enumerate(STRATEGIES):
            top, bottom = axes[0, col], axes[1, col]
            top.set_xlim(0, 1)
            top.set_ylim(0, 1)
            top.set_xticks([0, 0.5, 1])
            top.set_yticks([0, 0.5, 1] if col == 0 else [])
            if col == 0:
                top.set_ylabel("hyperparameter 2", fontsize=8)
                bottom.set_ylabel("score", fontsize=8)
            top.tick_params(labelsize=7)
            bottom.tick_params(labelsize=7)
            bottom.set_xlim(0, 1)
            bottom.set_ylim(-0.05, 1.1)
            bottom.set_yticks([0, 1] if col == 0 else [])
            bottom.set_xlabel("hyperparameter 1", fontsize=8)
            self.maps.append(top.imshow(np.zeros((2, 2)), origin="lower", extent=(0, 1, 0, 1),
                                        cmap="viridis", vmin=0, vmax=1, aspect="auto"))
            self.artists[strategy] = {
                "points": top.plot([], [], "o", ms=4, mfc="white", mec="black", mew=0.6)[0],
                "rug_x": top.plot([], [], "|", ms=7, color="tab:red")[0],
                "rug_y": top.plot([], [], "_", ms=7, color="tab:red")[0],
                "best": top.plot([], [], "*", ms=12, color="tab:red", mec="white")[0],
                "title": top.text(0.5, 1.04, "", transform=top.transAxes, ha="center",
                                  fontsize=8),
                "profile": bottom.plot([], [], color="0.4", lw=1)[0],
                "tried": bottom.plot([], [], "o", ms=3, color="tab:red")[0],
            }
        canvas.animate(*self.maps, layer=True)
        canvas.animate(*(a for parts in self.artists.values() for a in parts.values()))

    def update(self, data):
        weight = data["weight"]
        if weight != self.weight:
            picture = objective(self.gx, self.gy, weight)
            for image in self.maps:
                image.set_data(picture)
            self.canvas.redraw_layer()
            self.weight = weight
        profile = objective(self.xs, PEAK_Y, weight)  # best reachable score at each x
        for strategy in STRATEGIES:
            part, a = data[strategy], self.artists[strategy]
            points, scores = part["points"], part["scores"]
            a["points"].set_data(points[:, 0], points[:, 1])
            a["rug_x"].set_data(points[:, 0], np.full(len(points), 0.025))
            a["rug_y"].set_data(np.full(len(points), 0.015), points[:, 1])
            k = int(np.argmax(scores))
            a["best"].set_data([points[k, 0]], [points[k, 1]])
            a["title"].set_text(
                f"{strategy}: {len(points)} trials, best {part['best']:.3f}\n"
                f"{part['distinct_x']} values of hp 1, {part['distinct_y']} of hp 2"
            )
            a["profile"].set_data(self.xs, profile)
            a["tried"].set_data(points[:, 0], scores)


def describe_comparison(data):
    """The status line: values of hyperparameter 1 each strategy tried, and its best score."""
    best = {s: data[s]["best"] for s in STRATEGIES}
    winner = max(best, key=best.get)
    k = math.isqrt(data["budget"])
    return (
        f"The grid uses {k} x {k} = {k * k} of the {data['budget']} trials and tries "
        f"<b>{k}</b> values of hyperparameter 1; random and quasi-random try "
        f"<b>{data['budget']}</b>. Best score: " + ", ".join(
            f"{s} <b>{v:.3f}</b>" for s, v in best.items()
        ) + f" (winner: {winner})."
    )


def search_strategies_demo(budget=25, weight=0.1, seed=0):
    """Sliders for the budget and for how much hyperparameter 2 matters."""
    controls = {
        "budget": ipywidgets.IntSlider(value=budget, min=4, max=100, description="budget"),
        "weight": ipywidgets.FloatSlider(
            value=weight, min=0.0, max=1.0, step=0.05, description="hp 2 matters",
            style={"description_width": "initial"},
        ),
        "seed": ipywidgets.IntSlider(value=seed, min=0, max=20, description="seed"),
    }

    def compute(values):
        return compare_strategies(values["budget"], values["weight"], values["seed"])

    return DemoView(controls, compute, StrategyPlot, describe=describe_comparison,
                    figsize=(8.4, 4.3))
