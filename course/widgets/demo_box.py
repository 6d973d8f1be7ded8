"""The box every demo's view returns: controls on top, one status line, one picture.

    box = DemoBox({"learning_rate": slider, ...}, canvas, update)

lays the controls out in rows above `canvas.image`, calls `update(values)` with a dict
name -> value whenever a control changes (and once now), and keeps what `update`
returns in `box.data` so tests can read the last computed numbers. `update` redraws
the canvas itself; `describe(data)`, if given, returns the HTML of the status line that
states the picture's numbers in words.
Tests and the benchmark drive a demo by setting `box.controls[name].value`.
"""

from __future__ import annotations

import ipywidgets

__all__ = ["DemoBox"]


class DemoBox(ipywidgets.VBox):
    """Controls, a status line and a FigureImage, wired to one update function.

    Parameters
    ----------
    controls : dict name -> ipywidgets value widget (vocabulary names where they exist).
    canvas : a `course.widgets.canvas.FigureImage`.
    update : callable(values: dict) -> data; called on every change and once at build.
    per_row : how many controls share a row.
    describe : optional callable(data) -> HTML string for the status line.
    extra : more widgets (buttons, say) placed after the controls.
    """

    def __init__(
        self, controls, canvas, update, *, describe=None, per_row=3, extra=(), run_now=True
    ):
        self.controls = dict(controls)
        self.canvas = canvas
        self.image = canvas.image
        self.status = ipywidgets.HTML()
        self.data = None
        self._update = update
        self._describe = describe
        widgets = list(self.controls.values()) + list(extra)
        rows = [ipywidgets.HBox(widgets[i : i + per_row]) for i in range(0, len(widgets), per_row)]
        super().__init__(rows + [self.status, self.image])
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        if run_now:
            self.run()

    def values(self):
        """The controls' current values, name -> value."""
        return {name: control.value for name, control in self.controls.items()}

    def run(self):
        """Recompute and redraw for the current values; returns the new data."""
        self.data = self._update(self.values())
        if self._describe is not None:
            self.status.value = self._describe(self.data)
        return self.data

    def _on_change(self, change):
        self.run()
