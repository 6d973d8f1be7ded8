"""Lesson 02 demo: coarse-to-fine search, one round at a time.

Round 1 samples the whole square at random; each later round samples again inside
a box drawn around the best trials of the round before (course.search.coarse_to_fine).
The objective has a tall, narrow peak and a lower, wider hill, so you can see the
zoom find the peak, or, with an unlucky seed or too few trials, settle on the hill.

Compute: `zoom_objective`, `run_zoom`. Plot: `ZoomPlot`. View: `coarse_to_fine_demo()`.
"""

from __future__ import annotations

import functools

import numpy as np
from matplotlib.patches import Rectangle

from course.demos.canvas import FigureImage
from course.demos.demo_box import DemoBox
from course.search import Uniform, coarse_to_fine

ROUNDS = 4
SPACE = {"x": Uniform(0.0, 1.0), "y": Uniform(0.0, 1.0)}
MARGIN = 0.1  # how far each new box reaches beyond the best trials, as a share of the old
HILL = 0.6
ROUND_COLORS = ("tab:blue", "tab:orange", "tab:green", "tab:red")


# ----------------------------------------------------------------------------- compute
def zoom_objective(config):
    """Score of a config {"x", "y"} in [0, 1]^2: a peak of 1 at (0.72, 0.31), a hill of 0.6."""
    return float(_surface(config["x"], config["y"]))


def _surface(x, y):
    peak = np.exp(-((x - 0.72) ** 2 + (y - 0.31) ** 2) / (2 * 0.1**2))
    hill = HILL * np.exp(-((x - 0.25) ** 2 + (y - 0.7) ** 2) / (2 * 0.12**2))
    return np.maximum(peak, hill)


@functools.lru_cache(maxsize=64)
def run_zoom(n_per_round, keep, seed):
    """All rounds of coarse_to_fine on zoom_objective, as plain data (cached).

    Returns a list with one dict per round: region (x0, x1, y0, y1), points (n, 2),
    scores (n,), best_so_far (float).
    """
    result = coarse_to_fine(zoom_objective, SPACE, n_per_round=n_per_round, rounds=ROUNDS,
                            keep=keep, seed=seed, margin=MARGIN, progress=False)
    rounds, best = [], -np.inf
    for r in result.rounds:
        points = np.array([[t.config["x"], t.config["y"]] for t in r.trials])
        scores = np.array([t.score for t in r.trials])
        best = max(best, float(scores.max()))
        region = (r.region["x"].low, r.region["x"].high, r.region["y"].low, r.region["y"].high)
        rounds.append({"region": region, "points": points, "scores": scores,
                       "best_so_far": best})
    return rounds


# -------------------------------------------------------------------------------- plot
class ZoomPlot:
    """Left: the whole square with every round so far. Right: the current round's box,
    stretched to fill the panel (its corners are printed above it). Both axes keep fixed
    limits, so the canvas blits: only boxes, dots, the zoomed picture and texts redraw."""

    def __init__(self, figure):
        grid = np.linspace(0, 1, 120)
        self.ax_all, self.ax_zoom = figure.subplots(1, 2)
        figure.subplots_adjust(left=0.06, right=0.98, bottom=0.1, top=0.86, wspace=0.12)
        self.ax_all.imshow(_surface(*np.meshgrid(grid, grid)), origin="lower",
                           extent=(0, 1, 0, 1), cmap="Greys", vmin=0, vmax=1.2, alpha=0.8,
                           aspect="auto")
        self.ax_all.tick_params(labelsize=7)
        self.ax_all.set_title("all rounds so far (boxes: where each round searched)",
                              fontsize=9)
        self.boxes, self.dots = [], []
        for color in ROUND_COLORS:
            self.boxes.append(self.ax_all.add_patch(
                Rectangle((0, 0), 1, 1, fill=False, edgecolor=color, lw=1.5)))
            self.dots.append(self.ax_all.plot([], [], "o", ms=3.5, color=color)[0])
        ax = self.ax_zoom
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xticks([])
        ax.set_yticks([])
        self.zoom_image = ax.imshow(np.zeros((2, 2)), origin="lower", extent=(0, 1, 0, 1),
                                    cmap="Greys", vmin=0, vmax=1.2, alpha=0.8, aspect="auto")
        self.zoom_dots = ax.plot([], [], "o", ms=5, mec="black", mew=0.5)[0]
        self.zoom_best = ax.plot([], [], "*", ms=14, color="gold", mec="black")[0]
        self.zoom_title = ax.text(0.5, 1.03, "", transform=ax.transAxes, ha="center",
                                  fontsize=9)

    def artists_to_animate(self):
        return [*self.boxes, *self.dots, self.zoom_image, self.zoom_dots, self.zoom_best,
                self.zoom_title]

    def draw(self, rounds, shown):
        """Show rounds 1..shown (1-based)."""
        for k, (box, dots) in enumerate(zip(self.boxes, self.dots, strict=True)):
            visible = k < shown
            box.set_visible(visible)
            dots.set_visible(visible)
            if visible:
                x0, x1, y0, y1 = rounds[k]["region"]
                box.set_bounds(x0, y0, x1 - x0, y1 - y0)
                dots.set_data(rounds[k]["points"][:, 0], rounds[k]["points"][:, 1])
        current = rounds[shown - 1]
        x0, x1, y0, y1 = current["region"]
        gx, gy = np.meshgrid(np.linspace(x0, x1, 80), np.linspace(y0, y1, 80))
        self.zoom_image.set_data(_surface(gx, gy))
        # points in the box's own coordinates, 0..1 across the panel
        u = (current["points"][:, 0] - x0) / (x1 - x0)
        v = (current["points"][:, 1] - y0) / (y1 - y0)
        self.zoom_dots.set_data(u, v)
        self.zoom_dots.set_color(ROUND_COLORS[shown - 1])
        self.zoom_dots.set_markeredgecolor("black")
        k = int(np.argmax(current["scores"]))
        self.zoom_best.set_data([u[k]], [v[k]])
        self.zoom_title.set_text(
            f"round {shown}: x {x0:.2f}-{x1:.2f}, y {y0:.2f}-{y1:.2f}, "
            f"best so far {current['best_so_far']:.3f}")


# -------------------------------------------------------------------------------- view
def coarse_to_fine_demo(shown_round=1, n_per_round=12, keep=3, seed=0):
    """A slider for the round shown, and sliders for how each round is run."""
    import ipywidgets

    controls = {
        "round": ipywidgets.IntSlider(value=shown_round, min=1, max=ROUNDS, description="round"),
        "n_per_round": ipywidgets.IntSlider(value=n_per_round, min=4, max=40,
                                            description="trials/round",
                                            style={"description_width": "initial"}),
        "keep": ipywidgets.IntSlider(value=keep, min=1, max=8, description="keep best"),
        "seed": ipywidgets.IntSlider(value=seed, min=0, max=20, description="seed"),
    }
    canvas = FigureImage(figsize=(8.0, 3.6))
    plot = ZoomPlot(canvas.figure)
    canvas.animate(*plot.artists_to_animate())

    def update(values):
        keep = min(values["keep"], values["n_per_round"])
        rounds = run_zoom(values["n_per_round"], keep, values["seed"])
        with canvas.lock:
            plot.draw(rounds, values["round"])
        canvas.refresh()
        return {"rounds": rounds, "shown": values["round"]}

    def describe(data):
        rounds, shown = data["rounds"], data["shown"]
        x0, x1, y0, y1 = rounds[shown - 1]["region"]
        return (f"Round {shown} searched a box of area <b>{(x1 - x0) * (y1 - y0):.3f}</b> "
                f"(the square is 1). Best score after {shown} round(s): "
                f"<b>{rounds[shown - 1]['best_so_far']:.3f}</b>; after round 1 it was "
                f"{rounds[0]['best_so_far']:.3f}. The peak is 1.000, the hill {HILL:.3f}.")

    return DemoBox(controls, canvas, update, describe=describe, per_row=4)
