"""Lesson 02 demo: grid vs random vs quasi-random trials when one axis matters most.

The objective lives on the unit square. Hyperparameter 1 (x) has a narrow peak that
sits between the lines of a 5 x 5 grid; hyperparameter 2 (y) has a broad bump whose
weight you choose (0 = y does not matter at all). Each strategy gets the same budget
of trials; the picture shows where they landed, their projection on each axis, and
the best score each found.

Compute: `objective`, `strategy_points`, `compare_strategies`.
Plot: `StrategyPlot`. View: `search_strategies_demo()`.
"""

from __future__ import annotations

import math

import numpy as np

from course.demos.canvas import FigureImage
from course.demos.demo_box import DemoBox
from course.search import Uniform, grid_configs, quasi_random_configs, random_configs

STRATEGIES = ("grid", "random", "quasi-random")
PEAK_X, WIDTH_X = 0.62, 0.06  # the important axis: a narrow peak between grid lines
PEAK_Y, WIDTH_Y = 0.35, 0.25  # the other axis: a broad bump
SPACE = {"x": Uniform(0.0, 1.0), "y": Uniform(0.0, 1.0)}


# ----------------------------------------------------------------------------- compute
def objective(x, y, weight):
    """Score in [0, 1] (higher is better): a narrow peak in x plus `weight` times a bump in y.

    x, y: arrays of the same shape in [0, 1]; weight >= 0: how much y matters.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    along_x = np.exp(-0.5 * ((x - PEAK_X) / WIDTH_X) ** 2)
    along_y = np.exp(-0.5 * ((y - PEAK_Y) / WIDTH_Y) ** 2)
    return (along_x + weight * along_y) / (1.0 + weight)


def strategy_points(strategy, budget, seed=0):
    """(n, 2) array of trial points: a k x k grid with k = floor(sqrt(budget)), or `budget`
    random / scrambled-Sobol points, all made by course.search."""
    if strategy == "grid":
        k = math.isqrt(budget)
        configs = grid_configs(SPACE, k)
    elif strategy == "random":
        configs = random_configs(SPACE, budget, np.random.default_rng(seed))
    elif strategy == "quasi-random":
        configs = quasi_random_configs(SPACE, budget, seed)
    else:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}.")
    return np.array([[c["x"], c["y"]] for c in configs])


def compare_strategies(budget, weight, seed=0):
    """For each strategy: its points, their scores, the best score, distinct values per axis."""
    result = {"budget": budget, "weight": weight}
    for strategy in STRATEGIES:
        points = strategy_points(strategy, budget, seed)
        scores = objective(points[:, 0], points[:, 1], weight)
        result[strategy] = {
            "points": points,
            "scores": scores,
            "best": float(scores.max()),
            "distinct_x": len(np.unique(np.round(points[:, 0], 9))),
            "distinct_y": len(np.unique(np.round(points[:, 1], 9))),
        }
    return result


# -------------------------------------------------------------------------------- plot
class StrategyPlot:
    """Three columns (one per strategy): the square with its trials on top, and below it
    the best reachable score along x with the trials' projections on x as dots."""

    RESOLUTION = 60

    def __init__(self, figure):
        self.figure = figure
        axes = figure.subplots(2, 3, height_ratios=(2.2, 1))
        figure.subplots_adjust(left=0.06, right=0.99, bottom=0.1, top=0.9, wspace=0.12,
                               hspace=0.32)
        grid = np.linspace(0, 1, self.RESOLUTION)
        self.gx, self.gy = np.meshgrid(grid, grid)
        self.xs = np.linspace(0, 1, 300)
        self.artists = {}
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
            self.artists[strategy] = {
                "image": top.imshow(np.zeros((2, 2)), origin="lower", extent=(0, 1, 0, 1),
                                    cmap="viridis", vmin=0, vmax=1, aspect="auto"),
                "points": top.plot([], [], "o", ms=4, mfc="white", mec="black", mew=0.6)[0],
                "rug_x": top.plot([], [], "|", ms=7, color="tab:red")[0],
                "rug_y": top.plot([], [], "_", ms=7, color="tab:red")[0],
                "best": top.plot([], [], "*", ms=12, color="tab:red", mec="white")[0],
                "title": top.text(0.5, 1.04, "", transform=top.transAxes, ha="center",
                                  fontsize=8),
                "profile": bottom.plot([], [], color="0.4", lw=1)[0],
                "tried": bottom.plot([], [], "o", ms=3, color="tab:red")[0],
            }

    def artists_to_animate(self):
        return [a for parts in self.artists.values() for a in parts.values()]

    def draw(self, result):
        weight = result["weight"]
        picture = objective(self.gx, self.gy, weight)
        profile = objective(self.xs, PEAK_Y, weight)  # best reachable score at each x
        for strategy in STRATEGIES:
            part, a = result[strategy], self.artists[strategy]
            points, scores = part["points"], part["scores"]
            a["image"].set_data(picture)
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


# -------------------------------------------------------------------------------- view
def search_strategies_demo(budget=25, weight=0.1, seed=0):
    """Sliders for the budget and for how much hyperparameter 2 matters."""
    import ipywidgets

    controls = {
        "budget": ipywidgets.IntSlider(value=budget, min=4, max=100, description="budget"),
        "weight": ipywidgets.FloatSlider(
            value=weight, min=0.0, max=1.0, step=0.05, description="hp 2 matters",
            style={"description_width": "initial"},
        ),
        "seed": ipywidgets.IntSlider(value=seed, min=0, max=20, description="seed"),
    }
    canvas = FigureImage(figsize=(8.4, 4.3))
    plot = StrategyPlot(canvas.figure)
    canvas.animate(*plot.artists_to_animate())

    def update(values):
        result = compare_strategies(values["budget"], values["weight"], values["seed"])
        with canvas.lock:
            plot.draw(result)
        canvas.refresh()
        return result

    def describe(result):
        best = {s: result[s]["best"] for s in STRATEGIES}
        winner = max(best, key=best.get)
        k = math.isqrt(result["budget"])
        return (
            f"The grid uses {k} x {k} = {k * k} of the {result['budget']} trials and tries "
            f"<b>{k}</b> values of hyperparameter 1; random and quasi-random try "
            f"<b>{result['budget']}</b>. Best score: " + ", ".join(
                f"{s} <b>{v:.3f}</b>" for s, v in best.items()
            ) + f" (winner: {winner})."
        )

    return DemoBox(controls, canvas, update, describe=describe)
