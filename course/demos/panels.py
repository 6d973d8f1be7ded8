"""A demo of side-by-side panels whose controls only select among computed results.

    box = panel_demo(controls, compute, make_plot, describe, figsize=(9, 3),
                     width_ratios=(1.4, 1))

builds one `FigureImage` with a row of axes (one per entry of width_ratios) and a
`DemoBox`. At the first update it calls `plot = make_plot(canvas, axes, data)`, which
draws what never changes and registers the artists that do with `canvas.animate`; on
every change it calls `data = compute(values)` and `plot.update(data)` under the
canvas lock, then refreshes the picture, which redraws only the animated artists over
the cached rest (a few ms instead of tens). `describe(data)` gives the status line.
The lesson 04-05 demos (caviar, successive halving, the batch-norm demos) use it.
"""

from __future__ import annotations

from course.demos.canvas import FigureImage
from course.demos.demo_box import DemoBox

__all__ = ["panel_demo"]


def panel_demo(controls, compute, make_plot, describe, *, figsize=(9.0, 3.0),
               width_ratios=(1, 1), wspace=0.22, bottom=0.16, axes=None):
    """Return a DemoBox showing `make_plot(...).update(compute(values))` (see module doc).

    axes: optional callable(figure) -> axes, for layouts other than one row.
    """
    canvas = FigureImage(figsize=figsize)
    if axes is None:
        made = canvas.figure.subplots(1, len(width_ratios), width_ratios=width_ratios,
                                      squeeze=False)[0]
        canvas.figure.subplots_adjust(left=0.07, right=0.99, bottom=bottom, top=0.88,
                                      wspace=wspace)
    else:
        made = axes(canvas.figure)
    state = {}

    def update(values):
        data = compute(values)
        with canvas.lock:
            if "plot" not in state:
                state["plot"] = make_plot(canvas, made, data)
            state["plot"].update(data)
        canvas.refresh()
        return data

    box = DemoBox(controls, canvas, update, describe=describe)
    box.plot = state.get("plot")
    return box
