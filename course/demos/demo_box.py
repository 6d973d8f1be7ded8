"""The box every demo's view returns: controls on top, one status line, one picture.

    box = DemoBox({"learning_rate": slider, ...}, canvas, update, describe=describe)

lays the controls out in rows above `canvas.image`, calls `update(values)` with a dict
name -> value whenever a control changes (and once at build), and keeps what `update`
returns in `box.data` so tests can read the last computed numbers. `update` redraws
the canvas itself; `describe(data)`, if given, returns the HTML of the status line
that states the picture's numbers in words.

A demo whose work runs in a background thread (`course.demos.background.LatestJob`)
returns None from `update`, calls `box.publish(data)` from the thread when it has
results, and sets `box.job` so that `box.wait()` (tests, benchmarks) blocks until the
latest work is done. Tests and the benchmark drive a demo by setting
`box.controls[name].value`.
"""

from __future__ import annotations

import html

import ipywidgets

__all__ = ["DemoBox"]


class DemoBox(ipywidgets.VBox):
    """Controls, a status line and a FigureImage, wired to one update function.

    Parameters
    ----------
    controls : dict name -> ipywidgets value widget (vocabulary names where they exist).
    canvas : a `course.demos.canvas.FigureImage`.
    update : callable(values: dict) -> data or None; called on every change and at build.
    describe : optional callable(data) -> HTML string for the status line.
    per_row : how many controls share a row.
    extra : more widgets (buttons, say) placed after the controls.
    side : an optional widget shown to the right of the picture.
    run_now : call update once at build (default True).
    """

    def __init__(self, controls, canvas, update, *, describe=None, per_row=3, extra=(),
                 side=None, run_now=True):
        self.controls = dict(controls)
        self.canvas = canvas
        self.figure = canvas.figure
        self.image = canvas.image
        self.status = ipywidgets.HTML()
        self.side = side
        self.data = None
        self.job = None
        self._update = update
        self._describe = describe
        widgets = list(self.controls.values()) + list(extra)
        rows = [ipywidgets.HBox(widgets[i : i + per_row]) for i in range(0, len(widgets), per_row)]
        picture = self.image if side is None else ipywidgets.HBox([self.image, side])
        super().__init__(rows + [self.status, picture])
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        if run_now:
            self.run()

    def values(self):
        """The controls' current values, name -> value."""
        return {name: control.value for name, control in self.controls.items()}

    def run(self):
        """Recompute and redraw for the current values; returns the new data (or None)."""
        data = self._update(self.values())
        if data is not None:
            self.publish(data)
        return data

    def publish(self, data):
        """Keep `data` as the demo's latest numbers and describe them in the status line."""
        self.data = data
        if self._describe is not None:
            self.status.value = self._describe(data)

    def show_error(self, exc):
        """Put an exception from background work in the status line."""
        self.status.value = f"<b>Error:</b> {html.escape(str(exc))}"

    def wait(self, timeout=60.0):
        """Block until background work (if any) and pending redraws are done."""
        done = True if self.job is None else self.job.wait(timeout)
        self.canvas.flush()
        return done

    def _on_change(self, change):
        self.run()
