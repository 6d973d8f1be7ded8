"""The one view builder every demo uses: controls on top, a status line, one picture.

    view = DemoView(controls, compute, Plot, describe=describe, figsize=(9, 3))

The three layers of a demo meet here:

- compute(values) -> data: a pure function of the controls' values (a dict name ->
  value, vocabulary names where they exist). With ``background=True`` compute is a
  generator instead: it yields data as it goes (a search streaming its trials, a
  network its training snapshots); it runs in a thread (`LatestJob`) and a newer
  change of the controls stops it at its next yield.
- Plot(canvas, data): the one plot idiom. Built once, at the first data, it creates
  its axes on ``canvas.figure``, draws what never changes and hands the artists that
  do change to ``canvas.animate``; ``plot.update(data)`` then only sets those
  artists' data (calling ``canvas.invalidate()`` if it changed anything else).
- describe(data) -> HTML: the status line that states the picture's numbers in words.

`show(data)` (any thread) updates the plot under the canvas lock, refreshes the
picture, and keeps `data` in `view.data` for tests. A demo whose data come from
elsewhere (a live training session) passes ``compute=None`` and calls `show` itself.
Tests and benchmarks drive a view by setting ``view.controls[name].value`` and then
calling ``view.wait()``; the view never calls `display` itself.
"""

from __future__ import annotations

import html

import ipywidgets

from course.demos.background import LatestJob
from course.demos.canvas import FigureImage

__all__ = ["DemoView"]

# The default 300 px left a 110 px track beside a long label such as "hidden_layers".
SLIDER_WIDTH = "340px"
_SLIDERS = (ipywidgets.IntSlider, ipywidgets.FloatSlider, ipywidgets.FloatLogSlider,
            ipywidgets.SelectionSlider)


class DemoView(ipywidgets.VBox):
    """Controls, a status line and a FigureImage wired to compute and a Plot class.

    Parameters
    ----------
    controls : dict name -> ipywidgets value widget.
    compute : callable(values) -> data; with background=True a generator function
        yielding data; None when the caller feeds `show` itself.
    make_plot : callable(canvas, data) -> an object with update(data) (a Plot class).
    describe : optional callable(data) -> HTML for the status line.
    background : run compute in a thread, streaming what it yields (see module doc).
    pending : optional callable(values) -> HTML shown while background work runs.
    figsize, dpi, pixel_ratio, max_pixel_ratio, min_interval : passed to the FigureImage.
    per_row : how many controls share a row.
    extra : more widgets (buttons, say) placed after the controls.
    side : an optional widget shown to the right of the picture.
    run_now : compute once at build (default True).
    """

    def __init__(self, controls, compute, make_plot, *, describe=None, background=False,
                 pending=None, figsize=(9.0, 3.0), dpi=80, pixel_ratio=2, max_pixel_ratio=3,
                 min_interval=0.0, per_row=3, extra=(), side=None, run_now=True):
        self.controls = dict(controls)
        self.canvas = FigureImage(figsize=figsize, dpi=dpi, pixel_ratio=pixel_ratio,
                                  max_pixel_ratio=max_pixel_ratio, min_interval=min_interval)
        self.figure = self.canvas.figure
        self.image = self.canvas.image
        self.status = ipywidgets.HTML()
        self.side = side
        self.plot = None
        self.data = None
        self._compute = compute
        self._make_plot = make_plot
        self._describe = describe
        self._pending = pending
        self._closed = False
        self.job = LatestJob(on_error=self.show_error) if background else None
        for name, control in self.controls.items():
            control.add_class(f"course-control-{name}")  # for browser tests and the app
            if isinstance(control, _SLIDERS) and control.layout.width is None:
                control.layout.width = SLIDER_WIDTH  # a long label leaves a usable track
        widgets = list(self.controls.values()) + list(extra)
        # Rows wrap on a narrow window, so a slider keeps a usable track instead of
        # shrinking beside its neighbours (four sliders in 1280 px left 30 px each).
        rows = [ipywidgets.HBox(widgets[i : i + per_row], layout={"flex_flow": "row wrap"})
                for i in range(0, len(widgets), per_row)]
        # align_items: a side widget taller than the picture (a long table) must not
        # stretch the picture's height (a flex row stretches its items by default).
        picture = self.image if side is None else ipywidgets.HBox([self.image, side])
        if side is not None:
            self.image.layout.align_self = "flex-start"
        super().__init__(rows + [self.status, picture])
        if compute is not None:
            for control in self.controls.values():
                control.observe(self._on_change, names="value")
            if run_now:
                self.run()

    def values(self):
        """The controls' current values, name -> value."""
        return {name: control.value for name, control in self.controls.items()}

    def run(self):
        """Compute and show the picture for the current values (in a thread if background).

        An error in compute is shown in the status line, never raised into the widget's
        callback (where a student would not see it); the last good picture stays.
        """
        values = self.values()
        if self.job is None:
            try:
                data = self._compute(values)
                self.show(data)
            except Exception as exc:
                self.show_error(exc)
                return None
            return data
        if self._pending is not None:
            self.status.value = self._pending(values)
        self.job.start(self._stream, values)
        return None

    def show(self, data, stop=None):
        """Draw `data` and state it in the status line; skipped once `stop` is set."""
        with self.canvas.lock:  # picture, data and status change together, or not at all
            if stop is not None and stop.is_set():
                return False
            if self.plot is None:
                self.plot = self._make_plot(self.canvas, data)
            self.plot.update(data)
            self.canvas.refresh()
            self.data = data
            if self._describe is not None:
                self.status.value = self._describe(data)
        return True

    def show_error(self, exc):
        """Put an exception from background work in the status line."""
        self.status.value = f"<b>Error:</b> {html.escape(str(exc))}"

    def wait(self, timeout=60.0):
        """Block until background work (if any) and pending redraws are done."""
        done = True if self.job is None else self.job.wait(timeout)
        self.canvas.flush()
        return done

    def close(self):
        """Stop background work, unwire the controls and close the widgets."""
        if self.job is not None:
            self.job.stop()
        if self._compute is not None and not self._closed:  # close() may come twice
            for control in self.controls.values():
                control.unobserve(self._on_change, names="value")
        self._closed = True
        for widget in (*self.controls.values(), self.status, self.image):
            widget.close()
        super().close()

    def _stream(self, stop, values):
        for data in self._compute(values):
            if stop.is_set() or not self.show(data, stop):
                return

    def _on_change(self, change):
        self.run()
