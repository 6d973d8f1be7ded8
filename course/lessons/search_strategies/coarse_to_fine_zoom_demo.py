"""Lesson 02 demo: coarse-to-fine search, one round at a time.

Compute: `coarse_to_fine_zoom.run_zoom`. Plot: `ZoomPlot`.
View: `coarse_to_fine_demo()` (a `course.demos.view.DemoView`).
"""

from __future__ import annotations

import ipywidgets
import numpy as np
from matplotlib.patches import Rectangle

from course.demos.view import DemoView
from course.lessons.search_strategies.coarse_to_fine_zoom import (
    HILL,
    ROUNDS,
    run_zoom,
    zoom_surface,
)

__all__ = ["ZoomPlot", "coarse_to_fine_demo", "describe_zoom"]

ROUND_COLORS = ("tab:blue", "tab:orange", "tab:green", "tab:red")


class ZoomPlot:
    """Left: the whole square with every round so far. Right: the shown round's box,
    stretched to fill the panel (its corners are printed above it). Both axes keep fixed
    limits, so the canvas blits: only boxes, dots, the zoomed picture and texts redraw.

    data: {"rounds": run_zoom's rounds, "shown": the round shown, 1-based}.
    """

    def __init__(self, canvas, data):
        figure = canvas.figure
        grid = np.linspace(0, 1, 120)
        self.ax_all, self.ax_zoom = figure.subplots(1, 2)
        figure.subplots_adjust(left=0.06, right=0.98, bottom=0.1, top=0.86, wspace=0.12)
        self.ax_all.imshow(zoom_surface(*np.meshgrid(grid, grid)), origin="lower",
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
        canvas.animate(*self.boxes, *self.dots, self.zoom_image, self.zoom_dots,
                       self.zoom_best, self.zoom_title)

    def update(self, data):
        rounds, shown = data["rounds"], data["shown"]
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
        self.zoom_image.set_data(zoom_surface(gx, gy))
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


def describe_zoom(data):
    """The status line: the shown round's box area and the best score so far."""
    rounds, shown = data["rounds"], data["shown"]
    x0, x1, y0, y1 = rounds[shown - 1]["region"]
    return (f"Round {shown} searched a box of area <b>{(x1 - x0) * (y1 - y0):.3f}</b> "
            f"(the square is 1). Best score after {shown} round(s): "
            f"<b>{rounds[shown - 1]['best_so_far']:.3f}</b>; after round 1 it was "
            f"{rounds[0]['best_so_far']:.3f}. The peak is 1.000, the hill {HILL:.3f}.")


def coarse_to_fine_demo(shown_round=1, n_per_round=12, keep=3, seed=0):
    """A slider for the round shown, and sliders for how each round is run."""
    controls = {
        "round": ipywidgets.IntSlider(value=shown_round, min=1, max=ROUNDS, description="round"),
        "n_per_round": ipywidgets.IntSlider(value=n_per_round, min=4, max=40,
                                            description="trials/round",
                                            style={"description_width": "initial"}),
        "keep": ipywidgets.IntSlider(value=keep, min=1, max=8, description="keep best"),
        "seed": ipywidgets.IntSlider(value=seed, min=0, max=20, description="seed"),
    }

    def compute(values):
        keep = min(values["keep"], values["n_per_round"])
        return {"rounds": run_zoom(values["n_per_round"], keep, values["seed"]),
                "shown": values["round"]}

    return DemoView(controls, compute, ZoomPlot, describe=describe_zoom, figsize=(8.0, 3.6),
                    per_row=4)
