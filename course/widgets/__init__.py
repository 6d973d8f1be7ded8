"""Live demos for the lessons: one module per demo, each in three layers.

1. compute: pure functions of the controls' values (no ipywidgets import);
2. plot: functions that draw on matplotlib axes they are given;
3. view: `<demo>_demo(...)` builds and wires the controls and returns a widget (a Box)
   whose `.controls` (name -> widget), `.canvas` (a `FigureImage`), `.image` and last
   computed data (`.data`) are reachable for tests. It never calls `display`.

Every demo draws one persistent figure through `course.widgets.canvas.FigureImage`.
"""

from .canvas import FigureImage, figure_to_png

__all__ = ["FigureImage", "figure_to_png"]
