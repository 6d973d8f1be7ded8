"""A demo of side-by-side panels whose controls only select among computed results.

    box = panel_demo(controls, compute, draw, describe, figsize=(9, 3), width_ratios=(1.4, 1))

builds one `FigureImage` with a row of axes (one per entry of width_ratios), and a
`DemoBox` that on every change calls `data = compute(values)`, then
`draw(axes, data)` under the canvas lock, then refreshes the picture. `describe(data)`
gives the status line's HTML. The lesson 04-05 demos (caviar, successive halving and
the batch-norm demos) are all this shape.
"""

from __future__ import annotations

from course.widgets.canvas import FigureImage
from course.widgets.demo_box import DemoBox

__all__ = ["panel_demo"]


def panel_demo(controls, compute, draw, describe, *, figsize=(9.0, 3.0), width_ratios=(1, 1),
               wspace=0.22, bottom=0.16):
    """Return a DemoBox showing `draw(axes, compute(values))` (see the module docstring)."""
    canvas = FigureImage(figsize=figsize)
    axes = canvas.figure.subplots(1, len(width_ratios), width_ratios=width_ratios,
                                  squeeze=False)[0]
    canvas.figure.subplots_adjust(left=0.07, right=0.99, bottom=bottom, top=0.88,
                                  wspace=wspace)

    def update(values):
        data = compute(values)
        with canvas.lock:
            draw(axes, data)
        canvas.refresh()
        return data

    return DemoBox(controls, canvas, update, describe=describe)
