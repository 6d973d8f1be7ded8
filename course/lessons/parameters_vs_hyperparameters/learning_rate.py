"""Lesson 01 demo: one learning rate, one cost curve J, four ways it can go.

A small network (2 -> 16 relu -> 2) learns the two moons with plain batch gradient
descent (every step sees all 200 points, so the curve shows the learning rate and
not mini-batch noise). Too small: J creeps down. About right: J drops fast. Too big:
J zigzags. Far too big: J explodes; once it is NaN, inf or 1000 times its start the
Trainer stops the run (on_divergence="stop") and the demo marks where.

Compute: `train_with_learning_rate`, `classify_run`, `learning_rate_sweep`.
Plot: `draw_cost_curve`, `draw_sweep`. View: `learning_rate_demo()`.
"""

from __future__ import annotations

import numpy as np

from course.data import make_moons
from course.demos.canvas import FigureImage
from course.demos.demo_box import DemoBox
from course.nn import SGD, FullyConnectedNet, Trainer

ITERATIONS = 100
REGIME_COLORS = {
    "converging slowly": "tab:blue",
    "converging fast": "tab:green",
    "oscillating": "tab:orange",
    "blowing up": "tab:red",
    "diverged": "tab:red",
}


# ----------------------------------------------------------------------------- compute
def moons_data(n_samples=200, seed=0):
    """The demo's dataset: (X (n, 2) float32, y (n,) int64)."""
    return make_moons(n_samples, noise=0.15, rng=seed)


def train_with_learning_rate(learning_rate, data=None, iterations=ITERATIONS, seed=0):
    """Batch gradient descent for `iterations` steps; returns a dict.

    Keys: learning_rate, costs (float array, one per step that ran), diverged (bool),
    stop_reason (str or None), regime (see classify_run).
    """
    X, y = moons_data() if data is None else data
    net = FullyConnectedNet(2, 2, hidden_dims=(16,), activation="relu", rng=seed)
    trainer = Trainer(net, SGD(learning_rate), X, y, batch_size=len(y), rng=seed,
                      on_divergence="stop", eval_every=0)
    with np.errstate(all="ignore"):  # overflow on the way to inf is the point here
        # one epoch = one step, since every batch holds all the data
        history = trainer.run(iterations)
    costs = np.asarray(history.costs, dtype=float)
    return {
        "learning_rate": float(learning_rate),
        "costs": costs,
        "diverged": history.diverged,
        "stop_reason": history.stop_reason,
        "regime": classify_run(costs, history.diverged),
    }


def classify_run(costs, diverged):
    """Name what a cost curve did.

    "diverged": the Trainer stopped the run; "blowing up": it ended above where it began;
    "oscillating": it went up on more than 10% of the steps; "converging fast": it
    ended below 30% of its start; otherwise "converging slowly".
    """
    costs = np.asarray(costs, dtype=float)
    if diverged:
        return "diverged"
    if costs[-1] > costs[0]:
        return "blowing up"
    if np.mean(np.diff(costs) > 0) > 0.1:
        return "oscillating"
    if costs[-1] < 0.3 * costs[0]:
        return "converging fast"
    return "converging slowly"


def learning_rate_sweep(learning_rates, data=None, iterations=ITERATIONS, seed=0):
    """The final cost (NaN if the run diverged) for each learning rate, as an array."""
    finals = []
    for lr in learning_rates:
        run = train_with_learning_rate(lr, data, iterations, seed)
        finals.append(np.nan if run["diverged"] else run["costs"][-1])
    return np.array(finals)


# -------------------------------------------------------------------------------- plot
COST_LIMITS = (1e-2, 1e3)


def draw_cost_curve(ax, run, artists=None):
    """J per iteration on a log axis (the previous run in grey); an X where a run diverged."""
    costs = run["costs"]
    color = REGIME_COLORS[run["regime"]]
    if artists is None:
        ax.set_yscale("log")
        ax.set_xlim(0, ITERATIONS)
        ax.set_ylim(*COST_LIMITS)
        ax.set_xlabel("iteration", fontsize=8)
        ax.set_ylabel("cost J", fontsize=8)
        artists = {
            "previous": ax.plot([], [], lw=1.5, color="0.7")[0],  # the run before, to compare
            "line": ax.plot([], [], lw=2)[0],
            "stop": ax.plot([], [], "X", ms=12, color="tab:red")[0],
            "note": ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", color="tab:red",
                            fontsize=9, fontweight="bold"),
            "title": ax.text(0.5, 1.03, "", transform=ax.transAxes, ha="center", fontsize=9),
        }
    artists["previous"].set_data(*artists["line"].get_data())
    finite = np.isfinite(costs)
    artists["line"].set_data(np.arange(1, len(costs) + 1)[finite], costs[finite])
    artists["line"].set_color(color)
    if run["diverged"]:
        artists["stop"].set_data([len(costs)], [COST_LIMITS[1] / 1.5])
        artists["note"].set_text(f"J hit {costs[-1]:.3g} at iteration {len(costs)}: stopped")
    else:
        artists["stop"].set_data([], [])
        artists["note"].set_text("")
    artists["title"].set_text(f"learning rate {run['learning_rate']:.3g}: {run['regime']}")
    artists["title"].set_color(color)
    return artists


def draw_sweep(ax, learning_rates, finals, run, artists=None):
    """Final cost against learning rate (grey), with the current run starred."""
    if artists is None:
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_ylim(*COST_LIMITS)
        ax.plot(learning_rates, finals, color="0.55", marker=".", ms=4)
        gone = np.isnan(finals)
        ax.plot(np.asarray(learning_rates)[gone], np.full(gone.sum(), COST_LIMITS[1] / 1.5),
                "x", color="0.55", ms=5)
        ax.set_xlabel("learning rate (log scale)", fontsize=8)
        ax.set_ylabel(f"J after {ITERATIONS} iterations", fontsize=8)
        ax.set_title("every learning rate (x = diverged)", fontsize=9)
        artists = {"now": ax.plot([], [], "*", ms=14)[0]}
    final = COST_LIMITS[1] / 1.5 if run["diverged"] else run["costs"][-1]
    artists["now"].set_data([run["learning_rate"]], [final])
    artists["now"].set_color(REGIME_COLORS[run["regime"]])
    return artists


# -------------------------------------------------------------------------------- view
def learning_rate_demo(learning_rate=0.01):
    """A FloatLogSlider for the learning rate; the cost curve and its place in the sweep."""
    import ipywidgets

    controls = {
        "learning_rate": ipywidgets.FloatLogSlider(
            value=learning_rate, base=10, min=-3, max=2, step=0.125, description="learning_rate",
            readout_format=".3g", continuous_update=False,
            style={"description_width": "initial"}, layout={"width": "420px"},
        )
    }
    data = moons_data()
    sweep_rates = np.logspace(-3, 2, 21)
    sweep = learning_rate_sweep(sweep_rates, data)
    canvas = FigureImage(figsize=(8.4, 2.7))
    ax_cost, ax_sweep = canvas.figure.subplots(1, 2)
    canvas.figure.subplots_adjust(left=0.08, right=0.98, bottom=0.17, top=0.9, wspace=0.28)
    state = {"cost": None, "sweep": None}

    def update(values):
        run = train_with_learning_rate(values["learning_rate"], data)
        with canvas.lock:
            first = state["cost"] is None
            state["cost"] = draw_cost_curve(ax_cost, run, state["cost"])
            state["sweep"] = draw_sweep(ax_sweep, sweep_rates, sweep, run, state["sweep"])
            if first:  # axes never change: blit the curve, the marks and the texts
                canvas.animate(*state["cost"].values(), *state["sweep"].values())
        canvas.refresh()
        return run

    def describe(run):
        costs = run["costs"]
        if run["diverged"]:
            return f"<b>Diverged.</b> The Trainer stopped the run: {run['stop_reason']}"
        return (f"J went from {costs[0]:.3f} to <b>{costs[-1]:.3g}</b> in {len(costs)} "
                f"iterations: <b>{run['regime']}</b>.")

    box = DemoBox(controls, canvas, update, describe=describe)
    box.sweep = {"learning_rates": sweep_rates, "final_costs": sweep}
    return box
