"""Lesson 01 demo: sliders for the network's shape; its decision boundary and parameter list.

Training runs in a background thread and the picture refreshes at each checkpoint
epoch, so the boundary forms while you watch and the notebook never waits; a shape
seen before is shown at once from the demo's memory.

Compute: `shape_training` (streamed snapshots). Plot: `BoundaryPlot` (the picture) and
`parameter_table_html` (the list beside it). View: `network_shape_demo()`.
"""

from __future__ import annotations

import functools

import ipywidgets
import numpy as np

from course.demos.view import DemoView
from course.lessons.parameters_vs_hyperparameters.shape_training import (
    EPOCHS,
    EXTENT,
    LEARNING_RATE,
    shape_snapshots,
    spiral_data,
)

__all__ = ["BoundaryPlot", "network_shape_demo", "parameter_table_html"]


# -------------------------------------------------------------------------------- plot
class BoundaryPlot:
    """P(class 1) as a red-blue picture with the training points on top (the points and
    axes are drawn once; the picture and its title are blitted). With `table`, an HTML
    widget beside the picture, each update also lists the network's parameters there."""

    def __init__(self, canvas, data, table=None):
        ax = canvas.figure.add_axes((0.02, 0.02, 0.96, 0.88))
        X, y = spiral_data()
        ax.set_xticks([])
        ax.set_yticks([])
        self.image = ax.imshow(data["probability"], origin="lower", extent=EXTENT, cmap="RdBu",
                               vmin=0, vmax=1, alpha=0.75)
        self.points = ax.scatter(X[:, 0], X[:, 1], c=np.where(y == 1, "tab:blue", "tab:red"),
                                 s=9, edgecolors="white", linewidths=0.4)
        self.title = ax.text(0.5, 1.03, "", transform=ax.transAxes, ha="center", fontsize=9)
        self.table = table
        # the points stay animated too, so that they are drawn over the picture
        canvas.animate(self.image, self.points, self.title)

    def update(self, data):
        self.image.set_data(data["probability"])
        self.title.set_text(
            f"epoch {data['epoch']}/{EPOCHS}: training accuracy {data['accuracy']:.0%}"
        )
        if self.table is not None:
            self.table.value = parameter_table_html(data)


def parameter_table_html(data):
    """The hyperparameters you set and the parameters training learned, as an HTML table."""
    chosen = (f"hidden_dims = {data['hidden_dims']}<br>activation = {data['activation']}"
              f"<br>learning_rate = {LEARNING_RATE}<br>num_epochs = {EPOCHS}")
    rows = data["table"]
    shown = rows if len(rows) <= 10 else rows[:6] + [("...", None, None)] + rows[-4:]
    cells = "".join(
        f"<tr><td>{name}</td><td>{'' if shape is None else ' x '.join(map(str, shape))}</td>"
        f"<td style='text-align:right'>{'' if count is None else count}</td></tr>"
        for name, shape, count in shown
    )
    return (
        "<div style='font-size:12px; line-height:1.35'>"
        f"<b>You chose</b> (hyperparameters)<br><code>{chosen}</code><br><br>"
        "<b>Training learned</b> (parameters)"
        f"<table><tr><th>name</th><th>shape</th><th>numbers</th></tr>{cells}"
        f"<tr><td><b>total</b></td><td></td><td><b>{data['num_parameters']:,}</b></td></tr>"
        "</table></div>"
    )


def describe(data):
    """The status line: the shape, how many numbers it learns, how well it fits so far."""
    return (f"{len(data['hidden_dims'])} hidden layer(s) of {data['hidden_dims'][0]} "
            f"{data['activation']} units: <b>{data['num_parameters']:,}</b> parameters "
            f"learned, training accuracy <b>{data['accuracy']:.0%}</b> "
            f"after {data['epoch']} epochs.")


def _pending(values):
    dims = (values["hidden_units"],) * values["hidden_layers"]
    return f"training hidden_dims = {dims}, {values['activation']} ..."


# -------------------------------------------------------------------------------- view
def network_shape_demo(hidden_layers=1, hidden_units=8, activation="relu"):
    """Sliders for layers and units, a menu for the activation; boundary and parameter list.

    `view.data` is the latest snapshot (see `shape_snapshots`); `view.side` the table.
    """
    controls = {
        "hidden_layers": ipywidgets.IntSlider(
            value=hidden_layers, min=1, max=4, description="hidden_layers",
            continuous_update=False, style={"description_width": "initial"},
        ),
        "hidden_units": ipywidgets.IntSlider(
            value=hidden_units, min=1, max=32, description="hidden_units",
            continuous_update=False, style={"description_width": "initial"},
        ),
        "activation": ipywidgets.Dropdown(
            value=activation, options=["relu", "tanh", "sigmoid"], description="activation",
            layout={"width": "200px"},
        ),
    }
    trained = {}  # shape -> its last snapshot: a shape seen before shows at once

    def snapshots(values):
        shape = (values["hidden_layers"], values["hidden_units"], values["activation"])
        if shape in trained:
            yield trained[shape]
            return
        for snapshot in shape_snapshots(*shape):
            if snapshot["epoch"] == EPOCHS:
                trained[shape] = snapshot
            yield snapshot

    table = ipywidgets.HTML(layout={"margin": "0 0 0 16px"})
    return DemoView(controls, snapshots, functools.partial(BoundaryPlot, table=table),
                    describe=describe, background=True, pending=_pending, side=table,
                    figsize=(3.4, 3.2), min_interval=0.03)
