"""The panda: babysit one network live, changing its learning rate and momentum mid-run.

    demo = babysitting_demo()      # a DemoView; display it in a notebook
    demo.controls["learning_rate"].value = 0.3     # applied between two steps
    demo.controls["run"].value = True              # train / pause
    demo.controls["reset"].click()                 # start again with the current values
    demo.close()                                   # stops the training thread

One network trains on 2-D spirals in a background thread (`LiveTraining`) while the
figure shows the decision boundary, the cost of every mini-batch and the train and dev
accuracy after every epoch. Each hyperparameter change is a dashed line on the curves,
labelled with the old and new value, so the learner sees what each decision did.

Layers: compute (`course.lessons.pandas_and_caviar.spiral_training`: the network, the
data and `frame_data`), plot (`BabysittingPlot`) and view (`babysitting_demo`, a
`DemoView` without compute: the session's frames call `view.show`, and the controls
steer the session).
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import FormatStrFormatter, LogLocator, MaxNLocator, NullLocator

from course.demos.live_training import LiveTraining
from course.demos.view import DemoView
from course.lessons.pandas_and_caviar.spiral_training import (
    boundary_grid,
    frame_data,
    make_trainer,
    spiral_split,
)

__all__ = ["babysitting_demo", "BabysittingDemo", "BabysittingPlot", "describe_frame"]

_SHORT_NAMES = {"learning_rate": "lr", "momentum": "β"}


# ---------------------------------------------------------------------- plot
class BabysittingPlot:
    """Three panels on one figure: decision boundary, cost, accuracy.

    Built from the first frame (course.demos.view's Plot idiom); `update(frame)` moves
    the artists and the canvas then blits them (see
    course.demos.canvas) unless an axis limit had to change. The x axis grows in
    jumps of 2x and the cost axis only widens, so full draws stay rare. The event
    markers are a fixed pool of hidden artists, shown and moved as events arrive.
    """

    MAX_EVENTS = 8  # the last few changes are marked; older ones would pile up

    def __init__(self, canvas, frame):
        self.canvas = canvas
        figure = canvas.figure
        X, y = frame["X_train"], frame["y_train"]
        self.ax_data, self.ax_cost, self.ax_acc = figure.subplots(
            1, 3, gridspec_kw={"width_ratios": [1, 1.35, 1.35]})
        ax = self.ax_data
        self.boundary = ax.imshow(np.full(frame["probability"].shape, 0.5), extent=frame["extent"],
                                  origin="lower", cmap="RdBu", vmin=0, vmax=1, alpha=0.75,
                                  aspect="auto", interpolation="bilinear")
        # The points sit on top of the moving boundary, so they are animated too.
        self.points = ax.scatter(X[:, 0], X[:, 1], c=y,
                                 cmap="RdBu", vmin=0, vmax=1, s=7, edgecolors="k",
                                 linewidths=0.3)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title("decision boundary", fontsize=9)
        ax = self.ax_cost
        (self.cost_raw,) = ax.plot([], [], color="0.75", lw=0.6)
        (self.cost_smooth,) = ax.plot([], [], color="C0", lw=1.5)
        ax.set_yscale("log")
        # Few ticks, no minor ones: tick labels are most of a full draw's time.
        ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 3.0), numticks=6))
        ax.yaxis.set_major_formatter(FormatStrFormatter("%.2g"))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set_ylim(0.1, 1.0)
        ax.set_title("cost of each mini-batch (blue: smoothed)", fontsize=9)
        ax = self.ax_acc
        (self.train_line,) = ax.plot([], [], color="C1", lw=1.2, label="train")
        (self.dev_line,) = ax.plot([], [], color="C2", lw=1.8, label="dev")
        ax.set_ylim(0.4, 1.01)
        ax.set_title("accuracy after each epoch", fontsize=9)
        ax.legend(loc="lower right", fontsize=7)
        for ax in (self.ax_cost, self.ax_acc):
            ax.set_xlabel("iteration", fontsize=8)
            ax.xaxis.set_major_locator(MaxNLocator(5))
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3)
            ax.set_xlim(0, 100)
        self.event_marks = []  # (line on the cost axes, line on the accuracy axes, label)
        for i in range(self.MAX_EVENTS):
            self.event_marks.append((
                self.ax_cost.axvline(0, color="C3", ls="--", lw=1, alpha=0.8, visible=False),
                self.ax_acc.axvline(0, color="C3", ls="--", lw=1, alpha=0.8, visible=False),
                # Written up the line, on its left, so it stays inside the axes.
                self.ax_acc.annotate("", (0, 0.42), rotation=90, fontsize=7, color="C3",
                                     ha="right", va="bottom", xytext=(-1, 2 + 4 * (i % 2)),
                                     textcoords="offset points", visible=False),
            ))
        figure.subplots_adjust(left=0.02, right=0.99, top=0.88, bottom=0.17, wspace=0.28)
        canvas.animate(self.boundary, self.points, self.cost_raw, self.cost_smooth,
                       self.train_line, self.dev_line,
                       *[artist for mark in self.event_marks for artist in mark])

    def update(self, data):
        """Show `data` (a frame from frame_data (spiral_training))."""
        n = len(data["costs"])
        iterations = np.arange(n)
        finite = np.isfinite(data["costs"])
        stride = max(1, n // 1000)  # more points cost drawing time and show nothing new
        self.cost_raw.set_data(iterations[finite][::stride], data["costs"][finite][::stride])
        self.cost_smooth.set_data(iterations[finite][::stride], data["smoothed_costs"][::stride])
        self.train_line.set_data(data["epoch_iterations"], data["train_accuracy"])
        self.dev_line.set_data(data["epoch_iterations"], data["dev_accuracy"])
        self._fit_limits(n, data["costs"][finite])
        self.boundary.set_data(data["probability"])
        self._mark_events(data["events"])

    def _fit_limits(self, n, costs):
        right = self.ax_cost.get_xlim()[1]
        if n > right or n < right / 4:  # grown out of the axis, or reset to a new run
            right = 200.0
            while right < n:
                right *= 2  # each change costs a full draw: make them rare
            for ax in (self.ax_cost, self.ax_acc):
                ax.set_xlim(0, right)
            self.canvas.invalidate()
        if len(costs):
            low, high = self.ax_cost.get_ylim()
            if costs.min() < low or costs.max() > high:
                low = min(low, max(costs.min(), 1e-4) / 2)
                high = max(high, costs.max() * 2)
                self.ax_cost.set_ylim(low, high)
                self.canvas.invalidate()

    def _mark_events(self, events):
        shown = events[-self.MAX_EVENTS:]
        for i, (cost_line, acc_line, label) in enumerate(self.event_marks):
            visible = i < len(shown)
            for artist in (cost_line, acc_line, label):
                artist.set_visible(visible)
            if visible:
                event = shown[i]
                cost_line.set_xdata([event.iteration, event.iteration])
                acc_line.set_xdata([event.iteration, event.iteration])
                name = _SHORT_NAMES.get(event.name, event.name)
                label.set_text(f"{name} {event.old:.3g}→{event.new:.3g}")
                label.xy = (event.iteration, 0.42)


# ---------------------------------------------------------------------- view
def describe_frame(frame):
    """The status line: where the run is, its hyperparameters, its state and frame rate."""
    hyper, state = frame["hyperparameters"], frame["state"]
    if state == LiveTraining.DIVERGED:
        state = "diverged: lower the learning rate, then reset"
    elif state == LiveTraining.FAILED:
        state = f"failed: {html.escape(str(frame['error']))}"
    rate = frame["frames_per_second"] if frame["state"] == LiveTraining.RUNNING else None
    return (f"<code>iteration {frame['iteration']:5d} &nbsp; epoch {frame['epoch']:3d} &nbsp; "
            f"learning rate {hyper['learning_rate']:.3g} &nbsp; "
            f"momentum {hyper.get('momentum', 0):.2f} &nbsp; [{state}]"
            + (f" &nbsp; {rate:.1f} frames/s" if rate else "") + "</code>")


class BabysittingDemo(DemoView):
    """The live demo: a DemoView whose pictures come from a training session (see module doc).

    `session` is its LiveTraining; `close()` stops the session's thread, then the widgets.
    """

    session = None

    def close(self):
        """Stop the training thread, then close the widgets."""
        if self.session is not None:
            self.session.close()
        super().close()


def babysitting_demo(data=None, *, learning_rate=0.03, momentum=0.9, hidden_dims=(24, 24),
                     batch_size=32, seed=0, max_epochs=1500, frame_rate=15.0,
                     steps_per_second=400, autostart=False, resolution=50):
    """Build the live babysitting demo (it starts paused unless autostart=True).

    data: a course.data Split of 2-D points (default: `spiral_split(seed=seed)`).
    frame_rate: frames a second while training; steps_per_second limits the speed so the
    eye can follow (400 steps a second is 50 epochs of the default spirals); None = flat out.
    Returns a BabysittingDemo (a DemoView) with .controls, .canvas, .image, .status,
    .session, .plot (after the first frame) and .data (the last frame shown).
    """
    data = spiral_split(seed=seed) if data is None else data
    grid = boundary_grid(data.X_train, resolution)
    controls = {
        "learning_rate": widgets.FloatLogSlider(
            value=learning_rate, base=10, min=-3, max=1, step=0.1, description="learning rate",
            readout_format=".3g", continuous_update=False,
            style={"description_width": "initial"}),
        "momentum": widgets.FloatSlider(
            value=momentum, min=0.0, max=0.99, step=0.01, description="momentum β",
            readout_format=".2f", continuous_update=False,
            style={"description_width": "initial"}),
        "run": widgets.ToggleButton(value=autostart, description="train / pause",
                                    icon="play", tooltip="start or pause training"),
        "reset": widgets.Button(description="reset", icon="refresh",
                                tooltip="start a fresh network with the current values"),
    }
    # 1.5 device pixels per CSS pixel, not 2: this demo redraws up to 15 times a second,
    # and a PNG of 4 times the pixels cost it about half its frames on 2 cores.
    demo = BabysittingDemo(controls, None, BabysittingPlot, describe=describe_frame,
                           figsize=(9.6, 3.0), pixel_ratio=1.5, max_pixel_ratio=1.5,
                           per_row=2)

    def show_frame(session):  # runs in the training thread
        frame = frame_data(session.trainer, grid)
        frame.update(state=session.state, error=session.error,
                     frames_per_second=session.update_rate())
        demo.show(frame)

    session = LiveTraining(
        lambda hyper: make_trainer(data, hyper, hidden_dims=hidden_dims,
                                   batch_size=batch_size, seed=seed),
        {"learning_rate": learning_rate, "momentum": momentum},
        on_frame=show_frame, frame_interval=1.0 / frame_rate,
        steps_per_second=steps_per_second, max_epochs=max_epochs, autostart=autostart)

    def send_to_session(name):
        def on_change(change):
            session.set_hyperparameter(name, change["new"])
        return on_change

    for name in ("learning_rate", "momentum"):
        controls[name].observe(send_to_session(name), names="value")

    def on_run(change):
        controls["run"].icon = "pause" if change["new"] else "play"
        (session.resume if change["new"] else session.pause)()

    controls["run"].observe(on_run, names="value")
    controls["reset"].on_click(lambda _: session.reset())
    demo.session = session
    session.start()
    return demo
