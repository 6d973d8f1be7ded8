"""Lesson 01 demo: the shape you choose (hyperparameters) vs the numbers it learns (parameters).

Three hyperparameters, `hidden_layers`, `hidden_units` and `activation`, build a
network with hidden_dims = (hidden_units,) * hidden_layers. It trains on a 2-D
spiral (Adam, learning rate 0.03, 150 full-batch steps) and the demo shows its
decision boundary next to the list of parameters W and b that training filled in.

Training runs in a background thread and the picture refreshes at a few checkpoint
epochs, so the boundary forms while you watch and the notebook never waits; a shape
seen before is shown at once from a cache.

Compute: `parameter_table`, `shape_snapshots`, `train_shape`. Plot: `draw_boundary`,
`parameter_table_html`. View: `network_shape_demo()`.
"""

from __future__ import annotations

import functools

import numpy as np

from course.data import make_spirals
from course.demos.background import LatestJob
from course.demos.canvas import FigureImage
from course.demos.demo_box import DemoBox
from course.nn import Adam, FullyConnectedNet, Trainer

EPOCHS = 150
CHECKPOINTS = (10, 40, 80, EPOCHS)  # epochs at which the picture is refreshed
LEARNING_RATE = 0.03
GRID = 70  # decision-boundary resolution, GRID x GRID points
EXTENT = (-1.2, 1.2, -1.2, 1.2)


# ----------------------------------------------------------------------------- compute
@functools.lru_cache(maxsize=1)
def spiral_data():
    """The demo's dataset: two interleaved spirals, (X (300, 2) float32, y (300,) int64)."""
    return make_spirals(300, noise=0.2, rng=0)


def parameter_table(hidden_dims, input_dim=2, num_classes=2):
    """[(name, shape, count)] for every W and b of a plain network, in layer order."""
    sizes = [input_dim, *hidden_dims, num_classes]
    rows = []
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), start=1):
        rows.append((f"W{layer}", (fan_in, fan_out), fan_in * fan_out))
        rows.append((f"b{layer}", (fan_out,), fan_out))
    return rows


def shape_snapshots(hidden_layers, hidden_units, activation, seed=0, checkpoints=CHECKPOINTS):
    """Train one shape on the spirals, yielding a snapshot dict at each checkpoint epoch.

    Keys: epoch, hidden_dims, activation, num_parameters (from the network itself),
    table (parameter_table), accuracy (training set), probability (GRID x GRID array
    of P(class 1) over EXTENT). The last snapshot is the trained network.
    """
    hidden_dims = (int(hidden_units),) * int(hidden_layers)
    X, y = spiral_data()
    net = FullyConnectedNet(2, 2, hidden_dims=hidden_dims, activation=activation, rng=seed)
    trainer = Trainer(net, Adam(LEARNING_RATE), X, y, batch_size=len(y), rng=seed,
                      on_divergence="stop", eval_every=0)
    grid = _grid_points()
    for epoch in checkpoints:
        trainer.run(epoch - trainer.epoch)
        scores = net.scores(grid).astype(float)
        scores -= scores.max(axis=1, keepdims=True)
        probability = np.exp(scores[:, 1]) / np.exp(scores).sum(axis=1)
        yield {
            "epoch": epoch,
            "hidden_dims": hidden_dims,
            "activation": activation,
            "num_parameters": net.num_parameters(),
            "table": parameter_table(hidden_dims),
            "accuracy": float(net.accuracy(X, y)),
            "probability": probability.reshape(GRID, GRID),
        }


@functools.lru_cache(maxsize=1)
def _grid_points():
    xs = np.linspace(EXTENT[0], EXTENT[1], GRID, dtype=np.float32)
    ys = np.linspace(EXTENT[2], EXTENT[3], GRID, dtype=np.float32)
    return np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)


def train_shape(hidden_layers, hidden_units, activation, seed=0):
    """The trained snapshot (last checkpoint) of one shape."""
    *_, last = shape_snapshots(hidden_layers, hidden_units, activation, seed)
    return last


# -------------------------------------------------------------------------------- plot
def draw_boundary(ax, result, artists=None):
    """P(class 1) as a red-blue picture with the training points on top."""
    if artists is None:
        X, y = spiral_data()
        ax.set_xticks([])
        ax.set_yticks([])
        artists = {
            "image": ax.imshow(result["probability"], origin="lower", extent=EXTENT,
                               cmap="RdBu", vmin=0, vmax=1, alpha=0.75),
            "points": ax.scatter(X[:, 0], X[:, 1], c=np.where(y == 1, "tab:blue", "tab:red"),
                                 s=9, edgecolors="white", linewidths=0.4),
            "title": ax.text(0.5, 1.03, "", transform=ax.transAxes, ha="center", fontsize=9),
        }
    artists["image"].set_data(result["probability"])
    artists["title"].set_text(
        f"epoch {result['epoch']}/{EPOCHS}: training accuracy {result['accuracy']:.0%}"
    )
    return artists


def parameter_table_html(result):
    """The hyperparameters you set and the parameters training learned, as an HTML table."""
    chosen = (f"hidden_dims = {result['hidden_dims']}<br>activation = {result['activation']}"
              f"<br>learning_rate = {LEARNING_RATE}<br>num_epochs = {EPOCHS}")
    rows = result["table"]
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
        f"<tr><td><b>total</b></td><td></td><td><b>{result['num_parameters']:,}</b></td></tr>"
        "</table></div>"
    )


# -------------------------------------------------------------------------------- view
def network_shape_demo(hidden_layers=1, hidden_units=8, activation="relu"):
    """Sliders for layers and units, a menu for the activation; boundary and parameter list."""
    import ipywidgets

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
    canvas = FigureImage(figsize=(3.4, 3.2), min_interval=0.03)
    ax = canvas.figure.add_axes((0.02, 0.02, 0.96, 0.88))
    table = ipywidgets.HTML(layout={"margin": "0 0 0 16px"})
    state = {"artists": None}
    finished = {}  # shape -> last snapshot: a shape seen before shows at once

    def show(snapshot, stop=None):
        with canvas.lock:
            if stop is not None and stop.is_set():
                return  # a newer shape has been asked for
            first = state["artists"] is None
            state["artists"] = draw_boundary(ax, snapshot, state["artists"])
            if first:
                canvas.animate(*state["artists"].values())
        canvas.refresh()
        table.value = parameter_table_html(snapshot)

    def work(stop, shape):
        for snapshot in shape_snapshots(*shape):
            if stop.is_set():
                return
            show(snapshot, stop)
        finished[shape] = snapshot
        box.publish(snapshot)

    def update(values):
        shape = (values["hidden_layers"], values["hidden_units"], values["activation"])
        if shape in finished:
            box.job.stop()
            show(finished[shape])
            return finished[shape]
        box.status.value = f"training hidden_dims = {(shape[1],) * shape[0]}, {shape[2]} ..."
        box.job.start(work, shape)
        return None

    def describe(result):
        return (f"{len(result['hidden_dims'])} hidden layer(s) of {result['hidden_dims'][0]} "
                f"{result['activation']} units: <b>{result['num_parameters']:,}</b> parameters "
                f"learned, training accuracy <b>{result['accuracy']:.0%}</b> "
                f"after {EPOCHS} epochs.")

    box = DemoBox(controls, canvas, update, describe=describe, side=table, run_now=False)
    box.job = LatestJob(on_error=box.show_error)
    box.run()
    return box
